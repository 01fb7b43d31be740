"""Which fixes a rewrite applies, and whether the rewritten source is sound.

``fix`` (each file in a worker) and the transaction of fixes that span files both choose
fixes here (the safe ones, the unsafe ones with ``--unsafe-fixes``; an overlapping fix is
dropped whole, first by position) and verify the result here: it parses, and its syntax
tree equals the old one except at the edited nodes.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import TYPE_CHECKING

from migrator.findings import Finding, Fix, TextEdit

if TYPE_CHECKING:
    from migrator.sources.base import Document

PLACEHOLDER = "\0edited"


# -- choosing and applying edits ----------------------------------------------------------------


def wanted(finding: Finding, unsafe: bool) -> bool:
    fix = finding.fix
    return fix is not None and bool(fix.edits) and (fix.applicability == "safe" or unsafe)


def _overlap(a: TextEdit, b: TextEdit) -> bool:
    if a.cell != b.cell or a.path != b.path or a == b:
        return False
    if a.start == a.end == b.start == b.end:
        return True
    return a.start < b.end and b.start < a.end


def select_fixes(findings: Sequence[Finding], unsafe: bool) -> list[Fix]:
    """Fixes to apply, first by position; a fix overlapping an accepted one is dropped whole."""
    candidates = [f.fix for f in findings if wanted(f, unsafe) and f.fix is not None]
    candidates.sort(key=lambda fix: (min((e.cell or 0, e.start) for e in fix.edits), fix.description))
    accepted: list[Fix] = []
    taken: list[TextEdit] = []
    for fix in candidates:
        if any(_overlap(edit, other) for edit in fix.edits for other in taken):
            continue
        accepted.append(fix)
        taken.extend(fix.edits)
    return accepted


def unique_edits(fixes: Sequence[Fix]) -> list[TextEdit]:
    return sorted({edit for fix in fixes for edit in fix.edits})


# -- verification --------------------------------------------------------------------------------


def verify(document: Document, new: bytes, edits: Sequence[TextEdit]) -> str | None:
    """None when the rewrite is sound, else why not."""
    if document.reparse is not None and not document.reparse(new):
        return "the fixed source would not parse"
    if not document.python_texts:  # its reparse compared the structure already
        return None
    from migrator.decoding import apply_edits

    by_cell: dict[int | None, list[TextEdit]] = {}
    for edit in edits:
        by_cell.setdefault(edit.cell, []).append(edit)
    for cell, cell_edits in by_cell.items():
        old_text = document.texts.get(cell)
        if old_text is None:
            continue
        if not same_tree_outside(old_text, apply_edits(old_text, cell_edits), cell_edits):
            return "the fixed source would differ from the original beyond the fixed nodes"
    return None


def same_tree_outside(old: str, new: str, edits: Sequence[TextEdit]) -> bool:
    """Do ``old`` and ``new`` have the same Python syntax tree outside the edited nodes?

    Strings touched by an edit become a placeholder on both sides; arguments and
    dict entries that lie wholly inside inserted text are dropped from the new
    tree. Text that is not Python (a config file) is not compared here.
    """
    try:
        old_tree = ast.parse(old)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True
    try:
        new_tree = ast.parse(new)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    old_ranges = [(e.start, e.end) for e in edits]
    new_ranges: list[tuple[int, int]] = []
    delta = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        start = edit.start + delta
        new_ranges.append((start, start + len(edit.text)))
        delta += len(edit.text) - (edit.end - edit.start)
    try:
        old_dump = ast.dump(_Normaliser(old, old_ranges, drop=False).visit(old_tree))
        new_dump = ast.dump(_Normaliser(new, new_ranges, drop=True).visit(new_tree))
    except RecursionError:
        return False
    return old_dump == new_dump


class _Normaliser(ast.NodeTransformer):
    def __init__(self, text: str, ranges: list[tuple[int, int]], drop: bool) -> None:
        from migrator.lines import LineIndex

        self.ranges = ranges
        self.drop = drop
        self.text = text
        # The parser's line breaks (\r\n, \r, \n), not str.splitlines' (\f, \x1c, \u2028, …).
        self.line_starts = LineIndex(text).starts

    def _offset(self, line: int, column: int) -> int:
        """The character offset of ast's (line, UTF-8 byte column)."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        encoded = self.text[start:end].encode("utf-8", errors="surrogatepass")
        return start + len(encoded[:column].decode("utf-8", errors="ignore"))

    def _span(self, node: ast.AST) -> tuple[int, int] | None:
        end_line = getattr(node, "end_lineno", None)
        if end_line is None or not hasattr(node, "lineno"):
            return None
        return (self._offset(node.lineno, node.col_offset),  # type: ignore[attr-defined]
                self._offset(end_line, node.end_col_offset))  # type: ignore[attr-defined]

    def _touched(self, node: ast.AST) -> bool:
        span = self._span(node)
        return span is not None and any(s < span[1] and span[0] < e for s, e in self.ranges)

    def _inserted(self, node: ast.AST) -> bool:
        span = self._span(node)
        return self.drop and span is not None and any(
            s <= span[0] and span[1] <= e and s < e for s, e in self.ranges)

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, (str, bytes)) and self._touched(node):
            return ast.Constant(PLACEHOLDER)
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        if self._touched(node) and all(isinstance(v, ast.Constant) for v in node.values):
            return ast.Constant(PLACEHOLDER)
        return self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        node.keywords = [k for k in node.keywords if not (k.arg is not None and self._inserted(k))]
        return self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> ast.AST:
        pairs = [(k, v) for k, v in zip(node.keys, node.values, strict=True)
                 if not (k is not None and self._inserted(k) and self._inserted(v))]
        node.keys = [k for k, _ in pairs]
        node.values = [v for _, v in pairs]
        return self.generic_visit(node)
