"""One walk of a libcst module: every node in libcst's visiting order, and each node's parent.

libcst's ``CSTNode.children`` rebuilds the node (``_visit_and_replace_children`` with a
collecting visitor) to find its children, and ``ParentNodeProvider`` walks the whole
module once more. Here a node's children are read from its fields: for each node type,
the fields its ``_visit_and_replace_children`` visits, in the order it visits them, are
learned once by watching that method visit one node of the type (every libcst visit
helper announces its field with ``on_visit_attribute``, also when the field is empty).
The walk that lists the nodes sees every parent as it goes.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from libcst._nodes.base import BaseLeaf, CSTNode

_VISITED_FIELDS: dict[type[CSTNode], tuple[str, ...] | None] = {}  # None: ask `children`
_OWN_CHILDREN = CSTNode.__dict__["children"]
_LEAF_CHILDREN = BaseLeaf.__dict__["children"]


class _FieldRecorder(cst.CSTVisitor):
    """Records which fields ``_visit_and_replace_children`` visits, never descending."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[str] = []

    def on_visit(self, node: CSTNode) -> bool:
        return False

    def on_visit_attribute(self, node: CSTNode, attribute: str) -> None:
        self.fields.append(attribute)


def _children_property(kind: type[CSTNode]) -> object:
    for klass in kind.__mro__:
        if "children" in klass.__dict__:
            return klass.__dict__["children"]
    return None  # pragma: no cover - CSTNode defines it


def _learn(node: CSTNode) -> tuple[str, ...] | None:
    kind = type(node)
    children = _children_property(kind)
    if children is _LEAF_CHILDREN:
        fields: tuple[str, ...] | None = ()
    elif children is _OWN_CHILDREN:
        recorder = _FieldRecorder()
        node._visit_and_replace_children(recorder)
        fields = tuple(recorder.fields)
        if _from_fields(node, fields) != list(node.children):  # pragma: no cover - a libcst change
            fields = None
    else:  # pragma: no cover - a node type with its own notion of children
        fields = None
    _VISITED_FIELDS[kind] = fields
    return fields


def _from_fields(node: CSTNode, fields: tuple[str, ...]) -> list[CSTNode]:
    found: list[CSTNode] = []
    for name in fields:
        value = getattr(node, name)
        if isinstance(value, CSTNode):
            found.append(value)
        elif isinstance(value, (tuple, list)):
            found.extend(value)
    return found


def children_of(node: CSTNode) -> list[CSTNode]:
    """``node.children``, read from the node's fields."""
    kind = type(node)
    fields = _VISITED_FIELDS[kind] if kind in _VISITED_FIELDS else _learn(node)
    if fields is None:  # pragma: no cover - see _learn
        return list(node.children)
    return _from_fields(node, fields)


@dataclass(frozen=True)
class Walk:
    order: list[CSTNode]  # parents before children, children in source order
    parents: dict[CSTNode, CSTNode]
    # False when one node object stands at two places in the tree: its parent is then
    # whichever place libcst's provider visits last, so the provider decides.
    parents_exact: bool


def walk(module: cst.Module) -> Walk:
    order: list[CSTNode] = []
    parents: dict[CSTNode, CSTNode] = {}
    links = 0
    stack: list[CSTNode] = [module]
    while stack:
        node = stack.pop()
        order.append(node)
        children = children_of(node)
        if children:
            links += len(children)
            for child in children:
                parents[child] = node
            children.reverse()
            stack.extend(children)
    return Walk(order, parents, links == len(parents))
