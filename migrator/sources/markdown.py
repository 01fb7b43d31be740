"""Markdown (opt-in: ``--extend-include "*.md"``): fenced Python blocks get the Python rules.

A block fenced as ``python``, ``py``, ``python3`` or ``py3`` is analysed as Python in
place (``ipython`` blocks after masking magics like notebook cells), so line numbers,
columns and fix edits are those of the Markdown file. Everything else — prose, other
languages' blocks, ``pycon`` sessions, and Python blocks that do not parse (snippets
with elisions are common in docs) — is scanned for mentions only (DSM002, info); a
Markdown file never gets DSM900. Suppression directives go in HTML comments
(``<!-- deepseek-migrate: ignore[DSM002] -->``) or, inside a block, Python comments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from migrator.decoding import DecodeError, decode_utf8_text
from migrator.findings import Finding
from migrator.judgement import Judgement, Location
from migrator.lines import LineIndex
from migrator.sources.base import Document, ReadRequest
from migrator.suppressions import Suppressions
from migrator.textanalysis import mention_findings

PYTHON_INFO = frozenset({"python", "py", "python3", "py3"})
IPYTHON_INFO = frozenset({"ipython", "ipython3"})
_OPENING = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^\r\n]*)$", re.M)
_HTML_COMMENT = re.compile(r"<!--(.*?)-->", re.S)


@dataclass(frozen=True)
class Block:
    """A fenced block's content: ``text[start:end]``, starting on 1-based line ``line``."""

    start: int
    end: int
    line: int
    language: str


def fenced_blocks(text: str, lines: LineIndex) -> Iterator[Block]:
    pos = 0
    while True:
        opening = _OPENING.search(text, pos)
        if opening is None:
            return
        fence = opening.group("fence")
        info = opening.group("info").strip()
        if fence[0] == "`" and "`" in info:  # not a fence: inline code at a line start
            pos = opening.end()
            continue
        content_start = _after_line(text, opening.end())
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.M)
        close = closing.search(text, content_start)
        content_end = close.start() if close else len(text)
        language = info.split()[0].strip("{}.").lower() if info else ""
        yield Block(content_start, content_end, lines.position(content_start)[0], language)
        if close is None:
            return
        pos = close.end()


def _after_line(text: str, line_end: int) -> int:
    if text.startswith("\r\n", line_end):
        return line_end + 2
    return min(len(text), line_end + 1)


def _analyse_block(text: str, block: Block, request: ReadRequest, judgement: Judgement,
                   suppressions: Suppressions) -> tuple[list[Finding], bool]:
    from migrator.analysis import analyse_python
    from migrator.sources.notebook import mask_ipython

    source = text[block.start : block.end]
    if block.language in IPYTHON_INFO:
        source = mask_ipython(source).text
    location = Location(request.path, line_offset=block.line - 1, offset_base=block.start)
    analysis = analyse_python(source, location, judgement, request.codes, suppressions)
    return analysis.findings, analysis.parsed


def _is_python(block: Block) -> bool:
    return block.language in PYTHON_INFO or block.language in IPYTHON_INFO


def read(data: bytes, request: ReadRequest, judgement: Judgement) -> Document:
    from migrator.textanalysis import parse_error as parse_error_finding

    try:
        decoded = decode_utf8_text(data)
    except DecodeError as error:
        return Document(findings=[parse_error_finding(request.path, f"cannot decode: {error}")])
    text = decoded.text
    lines = LineIndex(text)
    suppressions = Suppressions()
    for comment in _HTML_COMMENT.finditer(text):
        line = lines.position(comment.end())[0]
        # A comment alone on its line speaks for the line below it.
        alone = lines.line_text(line).strip() == comment.group().strip()
        suppressions.add_comment(line + 1 if alone else line, comment.group(1))
    findings: list[Finding] = []
    parsed = 0
    prose_start = 0

    def mentions(start: int, end: int | None = None) -> list[Finding]:
        return mention_findings(text, request.path, judgement, request.codes, start=start, end=end,
                                lines=lines)

    for block in fenced_blocks(text, lines):
        findings.extend(mentions(prose_start, block.start))
        prose_start = block.end
        if _is_python(block):
            block_findings, ok = _analyse_block(text, block, request, judgement, suppressions)
            if ok:
                parsed += 1
                findings.extend(block_findings)
                continue
        findings.extend(mentions(block.start, block.end))
    findings.extend(mentions(prose_start))
    return Document(findings=suppressions.filter(findings), texts={None: text},
                    render=decoded.render, reparse=_reparser(parsed))


def parsed_python_blocks(text: str) -> int:
    from migrator.parsing import parses
    from migrator.sources.notebook import mask_ipython

    count = 0
    for block in fenced_blocks(text, LineIndex(text)):
        if not _is_python(block):
            continue
        source = text[block.start : block.end]
        count += parses(mask_ipython(source).text if block.language in IPYTHON_INFO else source)
    return count



def _reparser(parsed_before: int) -> Callable[[bytes], bool]:
    """Every Python block that parsed before still parses (and the fences are unchanged)."""

    def reparse(data: bytes) -> bool:
        try:
            return parsed_python_blocks(decode_utf8_text(data).text) == parsed_before
        except DecodeError:
            return False

    return reparse
