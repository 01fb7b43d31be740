"""The data every stage shares: findings, fixes and the text edits a fix is made of."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

Applicability = Literal["safe", "unsafe"]


class Severity(str, Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"{value!r} is not a severity (choose {choices})") from None


_RANKS = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, order=True)
class TextEdit:
    """Replace ``document[start:end]`` (character offsets) with ``text``.

    ``cell`` names the notebook cell (0-based) whose source is the document;
    ``None`` means the whole decoded file. ``path`` names another file of the project
    (its real path) when a fix spans files; ``None`` is the finding's own file.
    """

    start: int
    end: int
    text: str
    cell: int | None = None
    path: str | None = None


@dataclass(frozen=True)
class RequestRef:
    """A request a model value reaches: where it is written and which library sends it.

    In a notebook, ``cell`` is the 1-based cell and ``line`` counts from the start of that
    cell, as in a finding's span; ``None`` elsewhere.
    """

    path: str
    line: int
    column: int
    library: str
    cell: int | None = None

    @property
    def place(self) -> str:
        """``client.py:12``, or ``analysis.ipynb:cell 4:2`` in a notebook."""
        where = f"cell {self.cell}:{self.line}" if self.cell is not None else str(self.line)
        return f"{self.path}:{where}"


@dataclass(frozen=True)
class Fix:
    applicability: Applicability
    description: str
    edits: tuple[TextEdit, ...]
    # The other files the edits were planned on: (real path, sha256 of the bytes read).
    inputs: tuple[tuple[str, str], ...] = ()

    @property
    def spans_files(self) -> bool:
        return any(edit.path is not None for edit in self.edits)
    # What the user must still do by hand once this (unsafe) fix is applied, e.g. "thinking
    # must be disabled where `MODEL` is sent": `fix` lists it at the finding's location.
    follow_up: str | None = field(default=None, compare=False)


def reported_cell(index: int | None) -> int | None:
    """Notebook cells are 0-based indexes in documents and edits, 1-based in reports
    (``Span.cell``, suppressions, ``cell 3:``): this and :func:`cell_index` convert."""
    return None if index is None else index + 1


def cell_index(reported: int | None) -> int | None:
    return None if reported is None else reported - 1


@dataclass(frozen=True)
class Span:
    """1-based lines, 1-based columns counted in characters (end exclusive)."""

    line: int
    column: int
    end_line: int
    end_column: int
    cell: int | None = None  # 1-based notebook cell, for reports


@dataclass(frozen=True)
class Finding:
    path: str
    span: Span
    code: str
    severity: Severity
    message: str
    model: str | None = None
    replacement: str | None = None
    deadline: str | None = None
    fix: Fix | None = None
    # Why no safe fix was offered (collision, unknown call site, …), for the fix summary.
    unfixable_reason: str | None = field(default=None, compare=False)
    # The last line of the string a finding sits in: a suppression comment there counts too.
    anchor_line: int | None = field(default=None, compare=False)
    # DSM001: the requests the value reaches anywhere in the project.
    requests: tuple[RequestRef, ...] = field(default=(), compare=False)

    @property
    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.path, self.span.cell or 0, self.span.line, self.span.column, self.code)


@dataclass(frozen=True)
class FollowUp:
    """Something an applied unsafe fix left for the user to do by hand, at the fixed finding."""

    path: str
    span: Span
    code: str
    model: str | None
    action: str  # "thinking must be disabled where `MODEL` is sent"

    @classmethod
    def of(cls, finding: Finding) -> FollowUp | None:
        if finding.fix is None or finding.fix.follow_up is None:
            return None
        return cls(finding.path, finding.span, finding.code, finding.model, finding.fix.follow_up)
