"""``.py`` and ``.pyi`` files: one Python document, decoded as the interpreter would."""

from __future__ import annotations

from migrator.decoding import DecodeError, decode_python_source
from migrator.judgement import Judgement, Location
from migrator.sources.base import Document, ReadRequest


def read(data: bytes, request: ReadRequest, judgement: Judgement) -> Document:
    from migrator.analysis import analyse_python
    from migrator.textanalysis import parse_error as parse_error_finding

    try:
        decoded = decode_python_source(data)
    except DecodeError as error:
        return Document(findings=[parse_error_finding(request.path, f"cannot decode: {error}")])
    analysis = analyse_python(decoded.text, Location(request.path), judgement, request.codes)
    findings = analysis.suppressions.filter(analysis.findings)
    document = Document(findings=findings, texts={None: decoded.text})
    if analysis.parsed:
        document.render = decoded.render
        document.reparse = parses_bytes
    return document


def parses_bytes(data: bytes) -> bool:
    """Whether a Python file's bytes decode and parse (the check every rewrite must pass)."""
    from migrator.parsing import parses

    try:
        return parses(decode_python_source(data).text)
    except DecodeError:
        return False

