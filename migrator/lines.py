"""Character offsets <-> lines and columns; the bottom layer every other one may use."""

from __future__ import annotations

import re
from bisect import bisect_right

_NEWLINE = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Character offsets <-> 1-based (line, column) with the parser's idea of a line break."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]

    def offset(self, line: int, column: int) -> int:
        """Offset of a 1-based line and 0-based column."""
        return self.starts[line - 1] + column

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and 1-based column of an offset."""
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def line_text(self, line: int) -> str:
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")
