"""Where the keys, scalars and comments of a YAML document are, to the character.

Not a YAML parser: it recognises enough of the syntax (block and flow collections,
plain, single- and double-quoted scalars, block scalars, comments, anchors, tags) to
tell a key from a value and to find a value's exact range. Block scalars and scalars
folded over several lines are prose (``text`` pieces): they are scanned for mentions
and never rewritten.
"""

from __future__ import annotations

from collections.abc import Iterator

from migrator.configsyntax import Piece, PieceKind, decode_backslashes

_FLOW_INDICATORS = ",[]{}"
_BREAKS = "\r\n"


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.flow = 0
        self.line_start = 0
        self.line_indent = 0
        self.block_parent: int | None = None  # indentation owning the current block scalar
        self.last_was_plain_value = False
        self.pieces: list[Piece] = []

    # -- helpers ------------------------------------------------------------------------

    def at(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def blank_after(self, offset: int) -> bool:
        """Is the character at ``pos + offset`` a space, a line break or the end?"""
        return self.at(offset) in ("", " ", "\t", "\r", "\n")

    def line_end(self, pos: int) -> int:
        text = self.text
        while pos < len(text) and text[pos] not in _BREAKS:
            pos += 1
        return pos

    def emit(self, kind: PieceKind, start: int, end: int, value: str | None = None) -> None:
        self.pieces.append(Piece(kind, start, end, self.text[start:end] if value is None else value))

    # -- lines ---------------------------------------------------------------------------

    def start_line(self) -> bool:
        """Handle what a line start decides; False when the whole line was consumed."""
        text = self.text
        self.line_start = self.pos
        end = self.line_end(self.pos)
        line = text[self.pos : end]
        content = line.lstrip(" \t")
        indent = len(line) - len(content)
        if self.block_parent is not None:
            if not content or indent > self.block_parent:
                if content:
                    self.emit("text", self.pos + indent, end)
                self.pos = end
                return False
            self.block_parent = None
        if not content:
            self.pos = end
            return False
        if self.flow == 0 and indent == 0 and content.startswith("%"):
            self.pos = end  # a directive
            return False
        if self.flow == 0 and self._is_plain_continuation(content, indent):
            self.emit("text", self.pos + indent, end)
            self.pos = end
            return False
        self.line_indent = indent
        self.pos += indent
        self.last_was_plain_value = False
        if self.flow == 0 and indent == 0 and content[:3] in ("---", "...") and (
            len(content) == 3 or content[3] in " \t"
        ):
            self.pos += 3
        return True

    def _is_plain_continuation(self, content: str, indent: int) -> bool:
        """A line that only continues the plain scalar of the line before (folded prose)."""
        if not self.last_was_plain_value or indent <= self.line_indent:
            return False
        starts_a_node = content[0] in "#-?[{\"'|>&*!"
        return not (starts_a_node or ": " in content or content.rstrip().endswith(":"))

    # -- tokens --------------------------------------------------------------------------

    def run(self) -> list[Piece]:
        at_line_start = True
        while self.pos < len(self.text):
            if at_line_start:
                at_line_start = False
                if not self.start_line():
                    at_line_start = self.skip_break()
                    continue
            char = self.at()
            if char in _BREAKS:
                at_line_start = self.skip_break()
            elif char in " \t":
                self.pos += 1
            else:
                self.token(char)
        return self.pieces

    def skip_break(self) -> bool:
        if self.text.startswith("\r\n", self.pos):
            self.pos += 2
        elif self.pos < len(self.text):
            self.pos += 1
        return True

    def token(self, char: str) -> None:
        if char == "#":
            end = self.line_end(self.pos)
            self.emit("comment", self.pos, end)
            self.pos = end
        elif self.is_indicator(char):
            self.pos += 1
        elif char in "[{":
            self.flow += 1
            self.pos += 1
        elif char in "]}":
            self.flow = max(0, self.flow - 1)
            self.pos += 1
        elif char == "," and self.flow > 0:
            self.pos += 1
        elif char in "&*!":
            self.skip_property()
        elif char in "|>" and self.flow == 0:
            self.block_parent = self.line_indent
            self.pos += 1
            while self.pos < len(self.text) and self.at() not in _BREAKS and self.at() != "#":
                self.pos += 1
        elif char == '"':
            self.double_quoted()
        elif char == "'":
            self.single_quoted()
        else:
            self.plain()

    def is_indicator(self, char: str) -> bool:
        """A block entry ``-``, a complex key ``?`` or a value ``:``, not part of a scalar."""
        if char in "-?":
            return self.flow == 0 and self.blank_after(1)
        return char == ":" and (self.flow > 0 or self.blank_after(1))

    def skip_property(self) -> None:
        """An anchor, alias or tag: up to the next space (or flow indicator)."""
        while self.pos < len(self.text) and not self.blank_after(0):
            if self.flow > 0 and self.at() in _FLOW_INDICATORS:
                return
            self.pos += 1

    def is_key(self, after: int) -> bool:
        """Does a ``:`` indicator follow the scalar that ended at ``after``?"""
        text = self.text
        while after < len(text) and text[after] in " \t":
            after += 1
        if after >= len(text) or text[after] != ":":
            return False
        following = text[after + 1 : after + 2]
        return self.flow > 0 or following in ("", " ", "\t", "\r", "\n")

    def quoted(self, close: int, value: str) -> None:
        start = self.pos + 1
        self.pos = close + 1
        multi_line = any(b in self.text[start:close] for b in _BREAKS)
        kind: PieceKind = "text" if multi_line else ("key" if self.is_key(self.pos) else "value")
        self.emit(kind, start, close, value if kind != "text" else None)

    def double_quoted(self) -> None:
        index = self.pos + 1
        text = self.text
        while index < len(text) and text[index] != '"':
            index += 2 if text[index] == "\\" else 1
        if index >= len(text):
            self.emit("text", self.pos, len(text))
            self.pos = len(text)
            return
        self.quoted(index, decode_backslashes(text[self.pos + 1 : index]))

    def single_quoted(self) -> None:
        index = self.pos + 1
        text = self.text
        while index < len(text):
            if text[index] == "'":
                if text.startswith("''", index):
                    index += 2
                    continue
                break
            index += 1
        if index >= len(text):
            self.emit("text", self.pos, len(text))
            self.pos = len(text)
            return
        self.quoted(index, text[self.pos + 1 : index].replace("''", "'"))

    def plain(self) -> None:
        text = self.text
        start = self.pos
        index = start
        while index < len(text) and text[index] not in _BREAKS:
            char = text[index]
            if char == "#" and index > start and text[index - 1] in " \t":
                break
            if char == ":":
                following = text[index + 1 : index + 2]
                if following in ("", " ", "\t", "\r", "\n") or (
                    self.flow > 0 and following in _FLOW_INDICATORS
                ):
                    break
            if self.flow > 0 and char in _FLOW_INDICATORS:
                break
            index += 1
        end = index
        while end > start and text[end - 1] in " \t":
            end -= 1
        self.pos = index
        key = self.is_key(end)
        self.emit("key" if key else "value", start, end)
        self.last_was_plain_value = not key and self.flow == 0


def yaml_pieces(text: str) -> Iterator[Piece]:
    yield from _Scanner(text).run()
