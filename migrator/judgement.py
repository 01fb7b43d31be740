"""What every rule is judged by, and where a document sits in its file; libcst-free.

File readers (``migrator.sources``) build these without importing a rule or libcst.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from migrator.catalog import Catalog, ModelEntry
from migrator.cells import OutsideCell, ProgramCells


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
    """Where a Python document sits in its file (a notebook cell, a Markdown block, a notebook's
    cells read as one program)."""

    path: str
    cell: int | None = None  # 0-based index of the notebook cell
    line_offset: int = 0
    offset_base: int = 0
    # The notebook code this document is not made of: a name used there is beyond this document.
    outside: tuple[OutsideCell, ...] = ()
    # The cells of a notebook read as one program (``cell`` is None): where each position is.
    cells: ProgramCells | None = None

    @property
    def in_notebook(self) -> bool:
        return self.cell is not None or self.cells is not None

    def used_outside(self, pattern: str) -> str | None:
        """Where beyond this document the regex ``pattern`` occurs in the notebook, else None.

        A single cell: "another cell of this notebook". A program of cells: the cell, or the
        IPython lines, left out of it, which may still use or change the name when they run.
        """
        for outside in self.outside:
            if outside.binds_any_name or re.search(pattern, outside.text) is not None:
                return outside.where()
        return None

    def name_used_outside(self, name: str) -> str | None:
        return self.used_outside(rf"\b{re.escape(name)}\b")
