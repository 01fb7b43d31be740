"""What every rule is judged by, and where a document sits in its file; libcst-free.

File readers (``migrator.sources``) build these without importing a rule or libcst.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from migrator.catalog import Catalog, ModelEntry


@dataclass(frozen=True)
class Judgement:
    """What a rule needs from the run: the moment, the rewrite target, the catalog."""

    catalog: Catalog
    today: datetime
    target: str
    unsafe_fixes: bool = False
    explicit_target: bool = False  # --target or `target =` given, rather than the default
    # Where other modules may import a public name from (fix safety); None: not looked at.
    project_root: Path | None = None
    public_api: tuple[str, ...] = ()  # packages code outside the project imports
    cache_dir: Path | None = None  # the results cache, where the project's import index is kept

    def successor_of(self, model: ModelEntry) -> str:
        """What a retired ID is rewritten to: the chosen target, else the catalog's successor.

        The bundled successors are the default target; a user catalog's own retired ID
        brings its own successor, which only an explicit target overrides.
        """
        if self.explicit_target or not model.is_retired or model.successor is None:
            return self.target
        return model.successor


@dataclass
class Location:
    """Where a Python document sits in its file (a notebook cell, a Markdown block)."""

    path: str
    cell: int | None = None  # 0-based index of the notebook cell
    line_offset: int = 0
    offset_base: int = 0
    # The code of the notebook's other cells: a name used there is beyond this document.
    outside_text: str = ""
