"""The libcst-free half of the analysis runner: config values, prose and parse errors.

The readers in ``migrator.sources`` hand their pieces here; the rules' value hooks
(``migrator.rules.values``) judge them. Nothing here imports libcst, so checking a
``.env`` or a YAML file never pays for it.
"""

from __future__ import annotations

from collections.abc import Iterable

from migrator.findings import Finding
from migrator.judgement import Judgement
from migrator.lines import LineIndex
from migrator.rules.dsm900_parse_error import parse_error
from migrator.rules.values import MENTION_RULE, WHOLE_VALUE_RULES, ValueDocument, ValuePiece, mentions

__all__ = ["ValueDocument", "judge_pieces", "mention_findings", "parse_error"]


def judge_pieces(document: ValueDocument, pieces: Iterable[ValuePiece],
                 codes: frozenset[str]) -> list[Finding]:
    """The findings of the selected rules for each piece: a whole-value rule, else mentions."""
    findings: list[Finding] = []
    for piece in pieces:
        claimed = None
        if piece.kind in ("value", "key"):
            claimed = next((found for _, hook in WHOLE_VALUE_RULES
                            if (found := hook(document, piece)) is not None), None)
        if claimed is None:
            claimed = mentions(document, piece.start, piece.end) if MENTION_RULE in codes else []
        findings.extend(finding for finding in claimed if finding.code in codes)
    return findings


def mention_findings(text: str, path: str, judgement: Judgement, codes: frozenset[str], *,
                     start: int = 0, end: int | None = None, cell: int | None = None,
                     lines: LineIndex | None = None) -> list[Finding]:
    """DSM002 for every retired ID standing as a word in ``text[start:end]`` (prose, shell).

    ``cell`` is the 1-based notebook cell whose source ``text`` is; lines count from it.
    """
    if MENTION_RULE not in codes:
        return []
    document = ValueDocument(path, text, judgement, cell)
    if lines is not None:
        document.lines = lines
    return mentions(document, start, end)
