"""Small tokenizers for configuration files: where each key, value and comment is.

YAML, TOML and configparser libraries hand back data without positions (and rewrite
a file in their own layout). A rewrite that keeps quoting, comments and layout needs
the exact character range of each value, so each format gets a tokenizer here that
yields :class:`Piece` objects. They are deliberately forgiving: anything they do not
understand becomes a ``text`` piece, scanned for mentions only, never rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Literal

from migrator.jsonspan import JArray, JNode, JObject, JString, parse_json

PieceKind = Literal["value", "key", "comment", "text"]


@dataclass(frozen=True)
class Piece:
    """A range of the document: ``text[start:end]`` is the raw value (inside any quotes).

    ``value`` is what the file's parser would read there (escapes decoded); for
    comments and text it is the raw text.
    """

    kind: PieceKind
    start: int
    end: int
    value: str


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line without its line break) for every line."""
    for match in _LINE.finditer(text):
        if match.start() == len(text) and match.start() > 0:
            return
        yield match.start(), match.group().rstrip("\r\n")


def _text_piece(offset: int, line: str) -> Iterator[Piece]:
    if line.strip():
        yield Piece("text", offset, offset + len(line), line)


_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "/": "/",
                   "b": "\b", "f": "\f", "0": "\0", "a": "\a", "v": "\v", "e": "\x1b", " ": " "}
_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))", re.S)


def decode_backslashes(raw: str) -> str:
    """Backslash escapes as double-quoted YAML, TOML basic strings and dotenv read them."""
    if "\\" not in raw:
        return raw

    def one(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2) or match.group(3)
        if code:
            return chr(int(code, 16))
        char = match.group(4)
        return _SIMPLE_ESCAPES.get(char, "\\" + char)

    return _ESCAPE.sub(one, raw)


def _inline_comment(line: str, start: int, markers: str) -> int:
    """Where an inline comment starts in ``line[start:]`` (whitespace then a marker)."""
    for index in range(start, len(line)):
        if line[index] in markers and (index == 0 or line[index - 1] in " \t"):
            return index
    return len(line)


def _quoted_or_plain(offset: int, line: str, start: int, end: int,
                     kind: PieceKind) -> Iterator[Piece]:
    """A value occupying ``line[start:end]``, unwrapped from matching quotes."""
    raw = line[start:end]
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        inner = raw[1:-1]
        value = decode_backslashes(inner) if raw[0] == '"' else inner
        yield Piece(kind, offset + start + 1, offset + end - 1, value)
    elif raw:
        yield Piece(kind, offset + start, offset + end, raw)


# -- .env ----------------------------------------------------------------------------------

_ENV_ASSIGNMENT = re.compile(r"(?P<indent>\s*)(?:export\s+)?(?P<key>[^\s=#]+)\s*=[ \t]*")


def env_pieces(text: str) -> Iterator[Piece]:
    """``KEY=value`` lines as python-dotenv reads them (quoted values may span lines)."""
    pos = 0
    while pos < len(text):
        line_end = _line_end(text, pos)
        line = text[pos:line_end]
        stripped = line.lstrip()
        assignment = _ENV_ASSIGNMENT.match(line)
        if stripped.startswith("#"):
            start = pos + len(line) - len(stripped)
            yield Piece("comment", start, line_end, stripped)
        elif assignment is not None:
            key_start = pos + assignment.start("key")
            yield Piece("key", key_start, pos + assignment.end("key"), assignment.group("key"))
            value_start = pos + assignment.end()
            quote = text[value_start : value_start + 1]
            if quote in ("'", '"'):
                close = _closing_quote(text, value_start + 1, quote)
                if close < 0:  # unterminated: leave it alone
                    yield from _text_piece(value_start, text[value_start:line_end])
                else:
                    inner = text[value_start + 1 : close]
                    value = decode_backslashes(inner) if quote == '"' else inner
                    kind: PieceKind = "value" if "\n" not in inner else "text"
                    yield Piece(kind, value_start + 1, close, value)
                    line_end = _line_end(text, close)
                    rest = text[close + 1 : line_end]
                    hash_at = rest.find("#")
                    if hash_at >= 0:
                        yield Piece("comment", close + 1 + hash_at, line_end, rest[hash_at:])
            else:
                column = value_start - pos
                cut = _inline_comment(line, column, "#")
                value_end = len(line[:cut].rstrip())
                if value_end > column:
                    raw = line[column:value_end]
                    yield Piece("value", value_start, pos + value_end, raw)
                if cut < len(line):
                    yield Piece("comment", pos + cut, line_end, line[cut:])
        else:
            yield from _text_piece(pos, line)
        pos = _next_line(text, line_end)


def _line_end(text: str, pos: int) -> int:
    ends = [index for index in (text.find("\n", pos), text.find("\r", pos)) if index >= 0]
    return min(ends) if ends else len(text)


def _next_line(text: str, line_end: int) -> int:
    if text.startswith("\r\n", line_end):
        return line_end + 2
    return line_end + 1


def _closing_quote(text: str, pos: int, quote: str) -> int:
    while pos < len(text):
        char = text[pos]
        if char == "\\" and quote == '"':
            pos += 2
            continue
        if char == quote:
            return pos
        pos += 1
    return -1


# -- .ini / .cfg ---------------------------------------------------------------------------

_INI_SECTION = re.compile(r"\[(?P<name>[^\]\r\n]+)\]")
_INI_ASSIGNMENT = re.compile(r"(?P<key>[^=:\s][^=:]*?)\s*[=:][ \t]*")


def ini_pieces(text: str) -> Iterator[Piece]:
    """configparser files. `` #`` and `` ;`` after a value start a comment, as most tools read."""
    in_value = False
    for offset, line in _lines(text):
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if not stripped:
            continue
        if stripped[0] in "#;":
            yield Piece("comment", offset + indent, offset + len(line), stripped)
            continue
        section = _INI_SECTION.match(line) if indent == 0 else None
        assignment = _INI_ASSIGNMENT.match(line, indent)
        if section is not None:
            name = section.group("name")
            yield Piece("key", offset + section.start("name"), offset + section.end("name"), name)
            yield from _trailing_comment(offset, line, section.end())
            in_value = False
        elif assignment is not None and (indent == 0 or in_value):
            key = assignment.group("key")
            yield Piece("key", offset + assignment.start("key"), offset + assignment.end("key"), key)
            yield from _ini_value(offset, line, assignment.end())
            in_value = True
        elif indent > 0 and in_value:  # a continuation line of a multi-line value
            yield from _ini_value(offset, line, indent)
        else:
            yield from _text_piece(offset, line)


def _ini_value(offset: int, line: str, start: int) -> Iterator[Piece]:
    cut = _inline_comment(line, start, "#;")
    end = len(line[:cut].rstrip())
    if end > start:
        yield from _quoted_or_plain(offset, line, start, end, "value")
    yield from _trailing_comment(offset, line, cut)


def _trailing_comment(offset: int, line: str, start: int) -> Iterator[Piece]:
    rest = line[start:]
    if rest.strip():
        begin = start + len(rest) - len(rest.lstrip())
        yield Piece("comment", offset + begin, offset + len(line), line[begin:])


# -- JSON ----------------------------------------------------------------------------------


def json_pieces(text: str) -> Iterator[Piece]:
    """Every string in a JSON (or JSON-with-comments) file; raises JsonSyntaxError."""
    document = parse_json(text)
    for start, end in document.comments:
        yield Piece("comment", start, end, text[start:end])
    yield from _json_node_pieces(document.root)


def _json_node_pieces(root: JNode) -> Iterator[Piece]:
    stack: list[JNode | JKey] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, JString):
            yield Piece("value", node.raw_start, node.raw_end, node.value)
        elif isinstance(node, JArray):
            stack.extend(reversed(node.items))
        elif isinstance(node, JObject):
            for key, value in reversed(node.members):
                stack.append(value)
                stack.append(JKey(key))
        elif isinstance(node, JKey):
            yield Piece("key", node.key.raw_start, node.key.raw_end, node.key.value)


@dataclass
class JKey:
    key: JString


# -- TOML ----------------------------------------------------------------------------------

_TOML_BARE_KEY = re.compile(r"[A-Za-z0-9_\-]+")
_TOML_BARE_VALUE = re.compile(r"[^\s,\]\}#\[\{=\"']+")


class TomlSyntaxError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def toml_pieces(text: str) -> Iterator[Piece]:
    """Keys, string values and comments of a TOML document, with their ranges."""
    stack: list[str] = []  # "array" or "inline" (inline table)
    expect_key = True
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char in " \t":
            pos += 1
        elif char in "\r\n":
            expect_key = expect_key or not stack
            pos += 1
        elif char == "#":
            end = _line_end(text, pos)
            yield Piece("comment", pos, end, text[pos:end])
            pos = end
        elif char == "[" and not stack and expect_key:
            pos = yield from _toml_header(text, pos)
            expect_key = False
        elif char in "[{":
            stack.append("array" if char == "[" else "inline")
            expect_key = char == "{"
            pos += 1
        elif char in "]}":
            if stack:
                stack.pop()
            expect_key = False
            pos += 1
        elif char == ",":
            expect_key = bool(stack) and stack[-1] == "inline"
            pos += 1
        elif char == "=":
            expect_key = False
            pos += 1
        elif char == ".":
            pos += 1
        elif char in "\"'":
            piece, pos = _toml_string(text, pos, "key" if expect_key else "value")
            yield piece
        else:
            pattern = _TOML_BARE_KEY if expect_key else _TOML_BARE_VALUE
            match = pattern.match(text, pos)
            if match is None:
                raise TomlSyntaxError(f"unexpected character {char!r}", pos)
            if expect_key:
                yield Piece("key", pos, match.end(), match.group())
            pos = match.end()


def _toml_header(text: str, pos: int) -> Generator[Piece, None, int]:
    """``[table]`` / ``[[array.of.tables]]``: the key parts are keys. Returns the end."""
    pos += 2 if text.startswith("[[", pos) else 1
    while pos < len(text) and text[pos] != "]":
        char = text[pos]
        if char in "\"'":
            piece, pos = _toml_string(text, pos, "key")
            yield piece
        elif char in " \t.":
            pos += 1
        else:
            match = _TOML_BARE_KEY.match(text, pos)
            if match is None:
                raise TomlSyntaxError(f"unexpected character {char!r} in a table header", pos)
            yield Piece("key", pos, match.end(), match.group())
            pos = match.end()
    if pos >= len(text):
        raise TomlSyntaxError("unterminated table header", pos)
    return pos + (2 if text.startswith("]]", pos) else 1)


def _toml_string(text: str, pos: int, kind: PieceKind) -> tuple[Piece, int]:
    quote = text[pos]
    if text.startswith(quote * 3, pos):  # a string over several lines is prose: mentions only
        close = text.find(quote * 3, pos + 3)
        if close < 0:
            raise TomlSyntaxError("unterminated multi-line string", pos)
        while text.startswith(quote, close + 3):  # up to two quotes may end the content
            close += 1
        raw = text[pos + 3 : close]
        one_line = "\n" not in raw and "\r" not in raw
        value = decode_backslashes(raw) if quote == '"' else raw
        return Piece("value" if one_line else "text", pos + 3, close, value), close + 3
    close = _closing_quote(text, pos + 1, quote)
    line_end = _line_end(text, pos)
    if close < 0 or close > line_end:
        raise TomlSyntaxError("unterminated string", pos)
    raw = text[pos + 1 : close]
    value = decode_backslashes(raw) if quote == '"' else raw
    return Piece(kind, pos + 1, close, value), close + 1
