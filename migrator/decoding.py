"""Decoding source bytes faithfully, and encoding them back with edits applied; libcst-free.

The file readers (``migrator.sources``) and the Python model (the project's other modules,
read by the value flow) decode through here; line and column mapping is ``migrator.lines``.
"""

from __future__ import annotations

import codecs
import io
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass

from migrator.findings import TextEdit

_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


class DecodeError(Exception):
    """The bytes are not text we can read and write back unchanged; the message says why."""


@dataclass(frozen=True)
class Decoded:
    text: str  # without the BOM
    encoding: str  # codec used to encode the text back
    bom: bool

    def encode(self, text: str) -> bytes:
        body = text.encode(self.encoding)
        return codecs.BOM_UTF8 + body if self.bom else body

    def render(self, edits: Sequence[TextEdit]) -> bytes:
        """The file's bytes with ``edits`` applied: same encoding, BOM and line endings."""
        return self.encode(apply_edits(self.text, edits))


def wide_bom(data: bytes) -> str | None:
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            return name
    return None


def decode_python_source(data: bytes) -> Decoded:
    """Decode as the interpreter would: BOM, then PEP 263 cookie, else UTF-8."""
    wide = wide_bom(data)
    if wide is not None:
        raise DecodeError(f"{wide}-encoded file: Python source must be UTF-8 or an ASCII-compatible encoding")
    if b"\0" in data:
        raise DecodeError("source contains NUL bytes (binary file?)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        raise DecodeError(str(error.msg if hasattr(error, "msg") else error)) from None
    return _decode(data, encoding)


def decode_utf8_text(data: bytes) -> Decoded:
    """Decode a UTF-8 data file (JSON, YAML, TOML, .env …), keeping a BOM if present."""
    wide = wide_bom(data)
    if wide is not None:
        try:
            return Decoded(data.decode(wide.lower().replace("-", "")), wide.lower().replace("-", ""), False)
        except UnicodeDecodeError as error:
            raise DecodeError(f"not valid {wide}: {error.reason}") from None
    return _decode(data, "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8")


def _decode(data: bytes, encoding: str) -> Decoded:
    bom = data.startswith(codecs.BOM_UTF8)
    if encoding == "utf-8-sig" or bom:
        encoding, body = "utf-8", data[len(codecs.BOM_UTF8) :] if bom else data
    else:
        body = data
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        line = body.count(b"\n", 0, error.start) + 1
        raise DecodeError(
            f"not valid {encoding}: byte 0x{body[error.start]:02x} at line {line} ({error.reason})"
        ) from None
    except LookupError:
        raise DecodeError(f"unknown encoding {encoding!r}") from None
    return Decoded(text, encoding, bom)


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
