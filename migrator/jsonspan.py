"""A JSON parser that keeps the exact character range of every value, key and comment.

``json.loads`` gives the data but not where it is; a byte-preserving rewrite of one
string needs its position. This parser is lenient the way editors' JSON files are
(``//`` and ``/* */`` comments, trailing commas) and strict about everything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from json import decoder as _decoder

_WHITESPACE = " \t\r\n"
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")


class JsonSyntaxError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass
class JString:
    start: int  # the opening quote
    end: int  # after the closing quote
    value: str

    @property
    def raw_start(self) -> int:
        return self.start + 1

    @property
    def raw_end(self) -> int:
        return self.end - 1


@dataclass
class JScalar:
    start: int
    end: int


@dataclass
class JArray:
    start: int
    end: int
    items: list[JNode] = field(default_factory=list)


@dataclass
class JObject:
    start: int
    end: int
    members: list[tuple[JString, JNode]] = field(default_factory=list)

    def get(self, key: str) -> JNode | None:
        for name, value in self.members:
            if name.value == key:
                return value
        return None


JNode = JString | JScalar | JArray | JObject


@dataclass
class JsonDocument:
    root: JNode
    comments: list[tuple[int, int]]  # character ranges of // and /* */ comments


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.comments: list[tuple[int, int]] = []

    def fail(self, message: str) -> JsonSyntaxError:
        return JsonSyntaxError(message, self.pos)

    def skip(self) -> None:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in _WHITESPACE:
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                end = len(text) if end < 0 else end
                self.comments.append((self.pos, end))
                self.pos = end
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self.fail("unterminated comment")
                self.comments.append((self.pos, end + 2))
                self.pos = end + 2
            else:
                return

    def value(self) -> JNode:
        self.skip()
        if self.pos >= len(self.text):
            raise self.fail("expected a value, found the end of the file")
        char = self.text[self.pos]
        if char == "{":
            return self.obj()
        if char == "[":
            return self.array()
        if char == '"':
            return self.string()
        match = _SCALAR.match(self.text, self.pos)
        if match is None:
            raise self.fail(f"unexpected character {char!r}")
        self.pos = match.end()
        return JScalar(match.start(), match.end())

    def string(self) -> JString:
        start = self.pos
        try:
            value, end = _decoder.scanstring(self.text, start + 1, True)  # type: ignore[attr-defined]
        except ValueError as error:
            raise JsonSyntaxError(f"bad string: {error.args[0].split(':')[0]}", start) from None
        self.pos = end
        return JString(start, end, value)

    def expect(self, char: str) -> None:
        self.skip()
        if not self.text.startswith(char, self.pos):
            found = self.text[self.pos] if self.pos < len(self.text) else "the end of the file"
            raise self.fail(f"expected {char!r}, found {found!r}")
        self.pos += 1

    def _closes(self, char: str) -> bool:
        self.skip()
        if self.text.startswith(char, self.pos):
            self.pos += 1
            return True
        return False

    def array(self) -> JArray:
        node = JArray(self.pos, self.pos)
        self.pos += 1
        while not self._closes("]"):
            node.items.append(self.value())
            if not self._closes(","):
                self.expect("]")
                break
        node.end = self.pos
        return node

    def obj(self) -> JObject:
        node = JObject(self.pos, self.pos)
        self.pos += 1
        while not self._closes("}"):
            if not self.text.startswith('"', self.pos):
                raise self.fail("expected a quoted key")
            key = self.string()
            self.expect(":")
            node.members.append((key, self.value()))
            if not self._closes(","):
                self.expect("}")
                break
        node.end = self.pos
        return node


def parse_json(text: str) -> JsonDocument:
    """Parse ``text``; raises :class:`JsonSyntaxError` (with an offset) or RecursionError."""
    parser = _Parser(text)
    root = parser.value()
    parser.skip()
    if parser.pos != len(text):
        raise parser.fail("extra data after the JSON value")
    return JsonDocument(root, parser.comments)
