"""A notebook's code cells joined into one program, and the way back to cell positions.

The Python cells of a notebook run in order in one namespace, so they are analysed as
one module: each cell's text followed by a newline. Every position the analysis reports
(spans, text edits, comment lines) is a program offset; this map turns it back into the
cell it lies in, counted from the start of that cell, as the reports and edits of a
notebook always are. libcst-free: readers build it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from migrator.findings import Span, TextEdit, reported_cell
from migrator.lines import LineIndex

SEPARATOR = "\n"


@dataclass(frozen=True)
class ProgramCell:
    index: int  # 0-based notebook cell
    start: int  # program offset of the cell's first character
    text: str  # the cell's source as joined (IPython syntax masked, same length)

    @property
    def end(self) -> int:
        """Program offset just past the cell's text (where its separator stands)."""
        return self.start + len(self.text)

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.text)


@dataclass(frozen=True)
class OutsideCell:
    """Notebook code the analysed document does not hold, where a name may still be used."""

    index: int  # 0-based notebook cell
    text: str  # what of the cell is not read as Python (all of it, or its IPython lines)
    why: str = ""  # why it is not read with the program ("" for a cell read alone)
    binds_any_name: bool = False  # ``%run script.py``: it may set any name of the namespace

    def where(self) -> str:
        if not self.why:
            return "another cell of this notebook"
        return f"cell {self.index + 1} of this notebook, {self.why}"


class ProgramCells:
    """Program offsets and lines <-> (cell, offset / line within the cell)."""

    def __init__(self, cells: Sequence[tuple[int, str]]) -> None:
        pieces: list[ProgramCell] = []
        start = 0
        for index, text in cells:
            pieces.append(ProgramCell(index, start, text))
            start += len(text) + len(SEPARATOR)
        self.cells = tuple(pieces)
        self.text = "".join(piece.text + SEPARATOR for piece in pieces)
        self._starts = [piece.start for piece in pieces]

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.text)

    @property
    def indexes(self) -> frozenset[int]:
        return frozenset(piece.index for piece in self.cells)

    def cell_at(self, offset: int) -> ProgramCell:
        """The cell an offset lies in; its separator (the offset just past it) belongs to it."""
        return self.cells[max(0, bisect_right(self._starts, offset) - 1)]

    def span(self, start: int, end: int) -> Span:
        """A program range as a span of the cell its start lies in (1-based cell in reports)."""
        cell = self.cell_at(start)
        line, column = cell.lines.position(start - cell.start)
        end_line, end_column = cell.lines.position(min(end, cell.end) - cell.start)
        return Span(line, column, end_line, end_column, reported_cell(cell.index))

    def edit(self, start: int, end: int, text: str) -> TextEdit:
        """A program edit as an edit of its cell's source.

        An edit reaching past its cell's text (over the join into the next cell) keeps
        its end beyond the cell: :func:`spills` finds it, and the reader drops that fix.
        """
        cell = self.cell_at(start)
        return TextEdit(start - cell.start, end - cell.start, text, cell.index)

    def cell_line(self, line: int) -> tuple[int, int | None]:
        """A 1-based program line as (line within its cell, 1-based cell)."""
        cell = self.cell_at(self.lines.offset(line, 0))
        return cell.lines.position(self.lines.offset(line, 0) - cell.start)[0], reported_cell(cell.index)

    def spills(self, edit: TextEdit) -> bool:
        """Does a cell edit (from :meth:`edit`) reach beyond its cell's text?"""
        for cell in self.cells:
            if cell.index == edit.cell:
                return edit.end > len(cell.text)
        return False


__all__ = ["OutsideCell", "ProgramCell", "ProgramCells"]
