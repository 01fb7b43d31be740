"""``.py`` and ``.pyi`` files: one Python document, decoded as the interpreter would."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from migrator.findings import TextEdit
from migrator.rules.base import Judgement, Location
from migrator.sources.base import Document, ReadRequest
from migrator.sources.text import Decoded, DecodeError, decode_python_source


def apply_edits(text: str, edits: Sequence[TextEdit]) -> str:
    """Apply non-overlapping edits (any order) to a text."""
    pieces: list[str] = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < cursor:
            raise ValueError(f"overlapping edits at offset {edit.start}")
        pieces.append(text[cursor : edit.start])
        pieces.append(edit.text)
        cursor = edit.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def read(data: bytes, request: ReadRequest, judgement: Judgement) -> Document:
    from migrator.analysis import analyse_python, parse_error_finding

    try:
        decoded = decode_python_source(data)
    except DecodeError as error:
        return Document(findings=[parse_error_finding(request.path, f"cannot decode: {error}")])
    analysis = analyse_python(decoded.text, Location(request.path), judgement, request.codes)
    findings = analysis.suppressions.filter(analysis.findings)
    document = Document(findings=findings, texts={None: decoded.text})
    if analysis.parsed:
        document.render = _renderer(decoded)
        document.reparse = _parses
    return document


def _renderer(decoded: Decoded) -> Callable[[Sequence[TextEdit]], bytes]:
    def render(edits: Sequence[TextEdit]) -> bytes:
        return decoded.encode(apply_edits(decoded.text, edits))

    return render


def _parses(data: bytes) -> bool:
    from migrator.analysis import parses

    try:
        return parses(decode_python_source(data).text)
    except DecodeError:
        return False

