"""Configuration files (.env, YAML, TOML, JSON, INI/CFG) and plain text: their pieces.

Each format's tokenizer finds the keys, values and comments with their exact character
ranges; the rules judge them (``migrator.rules.values``, through ``migrator.textanalysis``).
Fixes replace exactly the characters of a value, so quoting, comments and layout stay.
(A `.env` value the project's code reads is joined to that code after reading, by
:mod:`migrator.environment`, which may make the fix safe.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from migrator.configsyntax import (
    Piece,
    TomlSyntaxError,
    env_pieces,
    ini_pieces,
    json_pieces,
    toml_pieces,
)
from migrator.decoding import DecodeError, decode_utf8_text
from migrator.findings import Finding, TextEdit
from migrator.jsonspan import JsonSyntaxError
from migrator.judgement import Judgement
from migrator.lines import LineIndex
from migrator.sources.base import Document, ReadRequest
from migrator.suppressions import Suppressions


def _yaml_pieces(text: str) -> Iterator[Piece]:
    from migrator.sources.yamlsyntax import yaml_pieces

    return yaml_pieces(text)


def _text_pieces(text: str) -> Iterator[Piece]:
    yield Piece("text", 0, len(text), text)


Tokenizer = Callable[[str], Iterable[Piece]]
TOKENIZERS: dict[str, Tokenizer] = {
    "env": env_pieces,
    "ini": ini_pieces,
    "json": json_pieces,
    "toml": toml_pieces,
    "yaml": _yaml_pieces,
    "text": _text_pieces,
}


def scan_text(kind: str, text: str, request: ReadRequest, judgement: Judgement) -> list[Finding]:
    """The findings of one configuration document (suppressions applied)."""
    from migrator.textanalysis import ValueDocument, judge_pieces

    document = ValueDocument(request.path, text, judgement)
    suppressions = Suppressions()
    pieces = list(TOKENIZERS[kind](text))
    for piece in pieces:
        if piece.kind == "comment":  # JSON with comments can carry directives too
            suppressions.add_comment(document.lines.position(piece.start)[0], piece.value)
    return suppressions.filter(judge_pieces(document, pieces, request.codes))


def read(data: bytes, request: ReadRequest, judgement: Judgement) -> Document:
    from migrator.textanalysis import parse_error as parse_error_finding

    kind = request.kind if request.kind in TOKENIZERS else "text"

    try:
        decoded = decode_utf8_text(data)
    except DecodeError as error:
        return Document(findings=[parse_error_finding(request.path, f"cannot decode: {error}")])
    try:
        findings = scan_text(kind, decoded.text, request, judgement)
    except (JsonSyntaxError, TomlSyntaxError) as error:
        line, column = LineIndex(decoded.text).position(error.offset)
        reason = f"cannot parse {kind.upper()}: {error}"
        finding = parse_error_finding(request.path, reason, line, column)
        return Document(findings=[finding], texts={None: decoded.text})
    except RecursionError:
        reason = f"cannot parse {kind.upper()}: nested too deeply"
        return Document(findings=[parse_error_finding(request.path, reason)])
    return Document(findings=findings, texts={None: decoded.text}, render=decoded.render,
                    reparse=_reparser(kind, decoded.text), python_texts=False)


def rewrite(kind: str, data: bytes, edits: Sequence[TextEdit]) -> bytes:
    """A configuration file's bytes with value edits applied (a fix that spans files writes a
    `.env` value this way). Raises ValueError when the result would not read back with the
    same keys, comments and text, DecodeError when ``data`` is not UTF-8 text."""
    decoded = decode_utf8_text(data)
    new = decoded.render(edits)
    if not _reparser(kind if kind in TOKENIZERS else "text", decoded.text)(new):
        raise ValueError("the fixed file would not read back with the same keys")
    return new


def _reparser(kind: str, before: str) -> Callable[[bytes], bool]:
    """Does the rewritten file still parse, into the same keys, comments and text?

    Only values may differ: a fix rewrites the characters of a value and nothing else.
    """
    def reparse(data: bytes) -> bool:
        try:
            return _outline(kind, decode_utf8_text(data).text) == _outline(kind, before)
        except (DecodeError, JsonSyntaxError, TomlSyntaxError, RecursionError):
            return False

    return reparse


def _outline(kind: str, text: str) -> list[tuple[str, str | None]]:
    """Each piece's kind, and its text unless it is a value (what a fix may change)."""
    return [(piece.kind, None if piece.kind == "value" else piece.value)
            for piece in TOKENIZERS[kind](text)]

