"""One walk of a libcst module: every node in libcst's visiting order, and each node's parent.

libcst's ``CSTNode.children`` rebuilds the node (``_visit_and_replace_children`` with a
collecting visitor) to find its children, and ``ParentNodeProvider`` walks the whole
module once more. Here a node's children are read from its fields: for each node type,
the fields its ``_visit_and_replace_children`` visits, in order. Each is a
``visit_*(self, "field", ...)`` call, so the field names are the string constants of the
method's code, in the order the source first names them (a field visited on one branch or
another, or only when set, is listed where it stands); the first node of each type checks
the reading against ``children``. The walk that lists the nodes sees every parent as it
goes.
"""

from __future__ import annotations

import dataclasses
import inspect
import sys
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TypeVar, cast

import libcst as cst
from libcst._nodes.base import BaseLeaf, CSTNode

_Item = TypeVar("_Item", bound=CSTNode)

_VISITED_FIELDS: dict[type[CSTNode], tuple[str, ...] | None] = {}  # None: ask `children`
_OWN_CHILDREN = CSTNode.__dict__["children"]
_LEAF_CHILDREN = BaseLeaf.__dict__["children"]


def _children_property(kind: type[CSTNode]) -> object:
    for klass in kind.__mro__:
        if "children" in klass.__dict__:
            return klass.__dict__["children"]
    return None  # pragma: no cover - CSTNode defines it


def fields_visited(kind: type[CSTNode]) -> tuple[str, ...]:
    """The fields ``kind._visit_and_replace_children`` visits, from its code's constants
    (reading the method's source with ``inspect`` cost 65 ms a process)."""
    names = {field.name for field in dataclasses.fields(kind)}
    constants = kind._visit_and_replace_children.__code__.co_consts
    return tuple(value for value in constants if isinstance(value, str) and value in names)


def _learn(node: CSTNode) -> tuple[str, ...] | None:
    kind = type(node)
    children = _children_property(kind)
    fields: tuple[str, ...] | None = None
    if children is _LEAF_CHILDREN:
        fields = ()
    elif children is _OWN_CHILDREN:
        fields = fields_visited(kind)
        if _from_fields(node, fields) != list(node.children):  # pragma: no cover
            fields = None  # a method this reading does not understand: ask `children`
    _VISITED_FIELDS[kind] = fields
    return fields


_NODE, _SEQUENCE, _OTHER = 1, 2, 0
# Per type of field value: a node, a sequence of nodes, or neither. (``isinstance`` against
# ``CSTNode``, an ABC, is a Python-level call each time: most of this walk's cost.)
_VALUE_KINDS: dict[type, int] = {}


def _value_kind(kind: type) -> int:
    found = _NODE if issubclass(kind, CSTNode) else _SEQUENCE if issubclass(kind, (tuple, list)) else _OTHER
    _VALUE_KINDS[kind] = found
    return found


def _from_fields(node: CSTNode, fields: tuple[str, ...]) -> list[CSTNode]:
    found: list[CSTNode] = []
    kinds = _VALUE_KINDS
    for name in fields:
        value = getattr(node, name)
        kind = kinds.get(type(value))
        if kind is None:
            kind = _value_kind(type(value))
        if kind == _NODE:
            found.append(value)
        elif kind == _SEQUENCE:
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
    depth: int  # nodes on the longest path from the module down


def walk(module: cst.Module) -> Walk:
    order: list[CSTNode] = []
    parents: dict[CSTNode, CSTNode] = {}
    links = 0
    deepest = 0
    stack: list[tuple[CSTNode, int]] = [(module, 1)]
    while stack:
        node, depth = stack.pop()
        order.append(node)
        deepest = max(deepest, depth)
        children = children_of(node)
        if children:
            links += len(children)
            for child in children:
                parents[child] = node
            stack.extend((child, depth + 1) for child in reversed(children))
    return Walk(order, parents, links == len(parents), deepest)


_HOOK_PREFIXES = ("visit_", "leave_")


@cache
def visitor_method_names(cls: type[cst.BatchableCSTVisitor]) -> tuple[str, ...]:
    """The ``visit_*``/``leave_*`` methods libcst's ``get_visitors`` would find, per class
    (libcst marks the visitor base classes' empty methods ``_is_no_op``), in ``dir`` order.

    Only names that some class of the MRO defines with a real method can qualify: a name
    defined only in classes without one (libcst's typed visitor bases, a thousand no-op
    names) resolves to no hook. Those bases are read once, not once per visitor.
    """
    candidates = {name for klass in cls.__mro__ if _defines_a_hook(klass)
                  for name in vars(klass) if name.startswith(_HOOK_PREFIXES)}
    return tuple(name for name in sorted(candidates) if _is_hook(getattr(cls, name)))


def _is_hook(value: object) -> bool:
    return inspect.isfunction(value) and not getattr(value, "_is_no_op", False)


@cache
def _defines_a_hook(klass: type) -> bool:
    return any(_is_hook(value) for name, value in vars(klass).items() if name.startswith(_HOOK_PREFIXES))


def subtree(node: CSTNode) -> Iterator[CSTNode]:
    """``node`` and every node under it, in libcst's visiting order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children_of(current)))


# libcst's providers recurse through the tree, a few Python frames per level (3 for an
# operator chain; 6 bounds every node kind with room to spare).
FRAMES_PER_LEVEL = 6


def provider_may_recurse_too_deep(depth: int) -> bool:
    """Whether a whole-module libcst provider, run from here, may exceed the recursion limit."""
    frames = 0
    frame = sys._getframe()
    while frame is not None:
        frames += 1
        frame = frame.f_back  # type: ignore[assignment]
    return depth * FRAMES_PER_LEVEL + frames + 50 >= sys.getrecursionlimit()


def first_enclosing(node: CSTNode, parents: Mapping[CSTNode, CSTNode],
                    items: Container[_Item]) -> _Item | None:
    """The node itself or its nearest ancestor that is one of ``items`` (a module's
    top-level statements, say); None when neither is."""
    current: CSTNode | None = node
    while current is not None:
        if current in items:
            return cast(_Item, current)
        current = parents.get(current)
    return None
