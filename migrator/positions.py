"""libcst's ``PositionProvider`` ranges, computed only for the statements whose nodes are asked.

libcst's provider regenerates the whole module's code, building two position objects per
node. Here each top-level item of the module (a header line, a statement, a footer line)
is regenerated with positions only when one of its nodes is asked for, by the same rules
libcst's provider follows (:class:`~libcst.metadata.position_provider.PositionProvidingCodegenState`):
lines counted per token at ``\\r\\n``, ``\\r`` or ``\\n``, columns in code points from 0, a
node's range is where its code starts and ends, narrowed to its syntax where the node
says so. An item starts at column 0 of the line after the previous item (every item's
code ends with a newline), so an item's start line is the count of newlines in the code
of the items before it, regenerated without positions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import TracebackType

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange

from migrator.treewalk import first_enclosing

_NEWLINE = re.compile(r"\r\n?|\n")  # libcst's NEWLINE_RE
# (start line, start column, end line, end column) of a node
Extent = tuple[int, int, int, int]


class _PositionState(CodegenState):
    """libcst's ``PositionProvidingCodegenState``, keeping tuples instead of position objects.

    The code itself is not kept: only ``Module`` reads the tokens, and a module is never
    regenerated here.
    """

    __slots__ = ("_pending", "_starts", "column", "extents", "line")

    def __init__(self, module: cst.Module, line: int, extents: dict[cst.CSTNode, Extent]) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.line = line
        self.column = 0
        self.extents = extents
        self._starts: list[tuple[int, int]] = []  # before_codegen / after_codegen
        self._pending: list[tuple[cst.CSTNode, cst.CSTNode | None, cst.CSTNode | None, int, int]] = []

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        if "\n" in value or "\r" in value:
            segments = _NEWLINE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._starts.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        line, column = self._starts.pop()
        if node not in self.extents:  # a syntactic range recorded inside wins
            self.extents[node] = (line, column, self.line, self.column)

    def record_syntactic_position(  # type: ignore[override]
        self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> _Syntactic:
        self._pending.append((node, start_node, end_node, self.line, self.column))
        return _Syntactic(self)

    def close_syntactic(self) -> None:
        node, start_node, end_node, line, column = self._pending.pop()
        if start_node is not None:
            line, column = self.extents[start_node][:2]
        end_line, end_column = self.line, self.column
        if end_node is not None:
            end_line, end_column = self.extents[end_node][2:]
        self.extents[node] = (line, column, end_line, end_column)


class _Syntactic:
    """The ``with`` block of one syntactic range; libcst records it even when codegen raises."""

    __slots__ = ("state",)

    def __init__(self, state: _PositionState) -> None:
        self.state = state

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.state.close_syntactic()


def newlines_in(item: cst.CSTNode, module: cst.Module) -> int:
    """How many lines an item's code ends, counted per token as libcst's provider counts."""
    state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    item._codegen(state)
    count = 0
    for token in state.tokens:
        if "\n" in token or "\r" in token:
            count += len(_NEWLINE.split(token)) - 1
    return count


class LazyPositions:
    """``PositionProvider``'s range of any node of ``module``, computed per top-level item."""

    def __init__(self, module: cst.Module, parents: Mapping[cst.CSTNode, cst.CSTNode],
                 whole_module: Callable[[], Mapping[cst.CSTNode, CodeRange]]) -> None:
        self.module = module
        self.parents = parents
        self.whole_module = whole_module  # libcst's provider, for the module node itself
        self.items: list[cst.CSTNode] = [*module.header, *module.body, *module.footer]
        self.item_index = {item: index for index, item in enumerate(self.items)}
        self.start_lines = [1]  # start line of items[0], items[1], … as far as counted
        self.extents: dict[cst.CSTNode, Extent] = {}
        self.regenerated: set[cst.CSTNode] = set()  # items whose ranges are known

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        extent = self.extents.get(node)
        if extent is None:
            item = self._item_of(node)
            if item is None:  # the module, or a node that is not in it
                return self.whole_module()[node]
            if item not in self.regenerated:
                self._regenerate(item)
            extent = self.extents[node]  # a node codegen never reaches: KeyError, as libcst's
        return CodeRange(CodePosition(extent[0], extent[1]), CodePosition(extent[2], extent[3]))

    def _item_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return first_enclosing(node, self.parents, self.item_index)

    def _start_line(self, index: int) -> int:
        while len(self.start_lines) <= index:
            previous = len(self.start_lines) - 1
            item = self.items[previous]
            self.start_lines.append(self.start_lines[previous] + newlines_in(item, self.module))
        return self.start_lines[index]

    def _regenerate(self, item: cst.CSTNode) -> None:
        index = self.item_index[item]
        state = _PositionState(self.module, self._start_line(index), self.extents)
        item._codegen(state)
        self.regenerated.add(item)
        if len(self.start_lines) == index + 1:
            self.start_lines.append(state.line)
