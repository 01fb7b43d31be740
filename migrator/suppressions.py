"""``# noqa``, ``# deepseek-migrate: ignore[CODE]`` and ``# deepseek-migrate: skip-file``.

A directive applies to findings that start or end on its line, so the comment
after the closing quote of a string spanning lines suppresses that string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from migrator.findings import Finding

_CODE = r"[A-Za-z]+[0-9]+"
_NOQA = re.compile(rf"#\s*noqa(?P<colon>\s*:\s*(?P<codes>{_CODE}(?:\s*,?\s*{_CODE})*))?", re.I)
_IGNORE = re.compile(r"deepseek-migrate:\s*ignore(?:\[(?P<codes>[^\]]*)\])?")
_SKIP_FILE = re.compile(r"deepseek-migrate:\s*skip-file")
ALL = "*"


def _codes(text: str | None) -> set[str]:
    if not text:
        return {ALL}
    return {code.upper() for code in re.findall(_CODE, text)}


def directive_codes(comment: str) -> set[str]:
    """The codes a comment suppresses on its line (``{"*"}`` for all), empty if none."""
    codes: set[str] = set()
    for match in _NOQA.finditer(comment):
        codes |= _codes(match.group("codes"))
    for match in _IGNORE.finditer(comment):
        codes |= _codes(match.group("codes"))
    return codes


def could_be_directive(comment: str) -> bool:
    """Whether a comment may hold a directive: the cheap test before its position is needed."""
    return "noqa" in comment or "deepseek-migrate" in comment


def is_skip_file(comment: str) -> bool:
    return _SKIP_FILE.search(comment) is not None


@dataclass
class Suppressions:
    by_line: dict[tuple[int | None, int], set[str]] = field(default_factory=dict)
    skip_file: bool = False

    def add_comment(self, line: int, text: str, cell: int | None = None) -> None:
        if not could_be_directive(text):
            return
        if is_skip_file(text):
            self.skip_file = True
        codes = directive_codes(text)
        if codes:
            self.by_line.setdefault((cell, line), set()).update(codes)

    def suppresses(self, finding: Finding) -> bool:
        span = finding.span
        for line in {span.line, span.end_line, finding.anchor_line or span.line}:
            codes = self.by_line.get((span.cell, line))
            if codes and (ALL in codes or finding.code in codes):
                return True
        return False

    def filter(self, findings: Iterable[Finding]) -> list[Finding]:
        if self.skip_file:
            return []
        return [finding for finding in findings if not self.suppresses(finding)]
