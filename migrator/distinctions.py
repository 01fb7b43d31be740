"""Where the code tells model IDs apart, so that rewriting one would change what it decides.

A dict key, a comparison operand (also inside ``in (...)``), a ``match`` case, a
``Literal[...]`` or Enum member, an element of a list, set or tuple of names. When
another ID in the same place would become equal to the replacement, the rewrite
*merges* two cases the code keeps apart: there is no fix. Alone, the ID is still
tested or looked up: a rename may change what the code decides. DSM001 and DSM201
ask the same question here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from migrator.catalog import Catalog
from migrator.context import STRING_NODES, RequestIndex, attribute_chain, is_name
from migrator.strings import StringNode, literal_value
from migrator.treewalk import subtree

ENUM_BASES = ("enum.Enum", "enum.StrEnum", "enum.IntEnum", "enum.Flag")
LITERAL_NAMES = ("typing.Literal", "typing_extensions.Literal")
_COLLECTIONS = (cst.Tuple, cst.List, cst.Set, cst.Element, cst.ComparisonTarget)


@dataclass(frozen=True)
class Distinction:
    what: str  # "dict", "comparison", "`match` statement", "`Literal`", "Enum", "list"...
    twins: tuple[str, ...]  # the other spellings that would merge with the replacement

    @property
    def merges(self) -> bool:
        return bool(self.twins)


class Distinctions:
    """The distinctions one string literal takes part in."""

    def __init__(self, index: RequestIndex, catalog: Catalog, gateway_module: bool,
                 node: StringNode, replacement: str, target: str) -> None:
        self.index = index
        self.catalog = catalog
        self.gateway_module = gateway_module
        self.node = node
        self.replacement = replacement
        self.target = target

    def find(self) -> Distinction | None:
        for finder in (self._dict_key, self._comparison, self._match_case, self._literal_member,
                       self._enum_member, self._collection, self._record_field):
            found = finder()
            if found is not None:
                return found
        return None

    def _merges_with(self, others: list[cst.CSTNode]) -> tuple[str, ...]:
        """The spellings among ``others`` that would become equal to the replacement."""
        twins = []
        for other in others:
            if other is self.node or not isinstance(other, STRING_NODES):
                continue
            value = literal_value(other)
            if value is None:
                continue
            if value == self.replacement:
                twins.append(value)
                continue
            found = self.catalog.match_whole(value, gateway_module=self.gateway_module)
            if found is not None and found.model.is_retired and \
                    found.respell(self.target) == self.replacement:
                twins.append(value)
        return tuple(twins)

    def _dict_key(self) -> Distinction | None:
        parent = self.index.parent(self.node)
        if isinstance(parent, cst.DictElement) and parent.key is self.node:
            container = self.index.parent(parent)
            if isinstance(container, cst.Dict):
                keys = [e.key for e in container.elements if isinstance(e, cst.DictElement)]
                return Distinction("dict", self._merges_with(list(keys)))
        return None

    def _comparison(self) -> Distinction | None:
        current: cst.CSTNode = self.node
        parent = self.index.parent(current)
        while isinstance(parent, _COLLECTIONS):
            current, parent = parent, self.index.parent(parent)
        if not isinstance(parent, cst.Comparison):
            return None
        strings = strings_in_tests(self._decision_scope(parent))
        return Distinction("comparison", self._merges_with(strings))

    def _decision_scope(self, node: cst.CSTNode) -> cst.CSTNode:
        """The if/elif chain (or conditional expression, or statement) a test belongs to."""
        top: cst.CSTNode = node
        current: cst.CSTNode | None = node
        while current is not None:
            if isinstance(current, (cst.If, cst.While, cst.IfExp)):
                top = current
                parent = self.index.parent(current)
                while isinstance(parent, (cst.If, cst.Else)):  # climb an elif chain
                    if isinstance(parent, cst.If):
                        top = parent
                    parent = self.index.parent(parent)
                return top
            if isinstance(current, (cst.SimpleStatementLine, cst.FunctionDef, cst.ClassDef)):
                return current
            current = self.index.parent(current)
        return top

    def _match_case(self) -> Distinction | None:
        current: cst.CSTNode | None = self.index.parent(self.node)
        if not isinstance(current, cst.MatchValue):
            return None
        while current is not None and not isinstance(current, cst.Match):
            current = self.index.parent(current)
        if current is None:
            return None
        values = [p.value for p in subtree(current) if isinstance(p, cst.MatchValue)]
        return Distinction("`match` statement", self._merges_with(list(values)))

    def _literal_member(self) -> Distinction | None:
        current: cst.CSTNode | None = self.index.parent(self.node)
        while isinstance(current, (cst.Index, cst.SubscriptElement)):
            current = self.index.parent(current)
        if not isinstance(current, cst.Subscript):
            return None
        names = self.index.qualified_names(current.value)
        if not (names & set(LITERAL_NAMES)) and attribute_chain(current.value)[-1:] != ["Literal"]:
            return None
        members = [element.slice.value for element in current.slice
                   if isinstance(element.slice, cst.Index)]
        return Distinction("`Literal`", self._merges_with(list(members)))

    def _enum_member(self) -> Distinction | None:
        statement = self.index.parent(self.node)
        if not isinstance(statement, (cst.Assign, cst.AnnAssign)):
            return None
        line = self.index.parent(statement)
        body = self.index.parent(line) if line is not None else None
        klass = self.index.parent(body) if body is not None else None
        if not isinstance(klass, cst.ClassDef) or not self._is_enum(klass):
            return None
        values = [small.value for small in class_assignments(klass) if small.value is not None]
        return Distinction("Enum", self._merges_with(list(values)))

    def _is_enum(self, klass: cst.ClassDef) -> bool:
        for base in klass.bases:
            if self.index.qualified_names(base.value) & set(ENUM_BASES):
                return True
            if attribute_chain(base.value)[-1:] in (["Enum"], ["StrEnum"]):
                return True
        return False

    def _record_field(self) -> Distinction | None:
        """A field of one record in a list of records: ``[{"value": "deepseek-chat"}, ...]``."""
        entry = self.index.parent(self.node)
        if not isinstance(entry, cst.DictElement) or entry.value is not self.node or \
                not isinstance(entry.key, STRING_NODES):
            return None
        record = self.index.parent(entry)
        element = self.index.parent(record) if record is not None else None
        container = self.index.parent(element) if element is not None else None
        key = literal_value(entry.key)
        if key is None or not isinstance(element, cst.Element) or \
                not isinstance(container, (cst.List, cst.Set, cst.Tuple)):
            return None
        return Distinction(f"list of records (`{key}` fields)",
                           self._merges_with(_record_values(container, key)))

    def _collection(self) -> Distinction | None:
        """An element of a list, set or tuple of names: choices, dropdowns, registries."""
        element = self.index.parent(self.node)
        if not isinstance(element, cst.Element) or element.value is not self.node:
            return None
        container = self.index.parent(element)
        if not isinstance(container, (cst.List, cst.Set, cst.Tuple)):
            return None
        kind = {cst.List: "list", cst.Set: "set", cst.Tuple: "tuple"}[type(container)]
        values = [e.value for e in container.elements if isinstance(e, cst.Element)]
        return Distinction(f"{kind} of values", self._merges_with(list(values)))


def _record_values(container: cst.List | cst.Set | cst.Tuple, key: str) -> list[cst.CSTNode]:
    from migrator.context import dict_entries

    values: list[cst.CSTNode] = []
    for element in container.elements:
        if isinstance(element, cst.Element) and isinstance(element.value, cst.Dict):
            entry = dict_entries(element.value).get(key)
            if entry is not None:
                values.append(entry.value)
    return values


def strings_in_tests(scope: cst.CSTNode) -> list[cst.CSTNode]:
    """String literals compared in the tests of a decision (if/elif chain, expression)."""
    found: list[cst.CSTNode] = []
    for node in subtree(scope):
        if isinstance(node, cst.Comparison):
            found.extend(n for n in subtree(node) if isinstance(n, STRING_NODES))
        elif isinstance(node, cst.MatchValue):
            found.append(node.value)
    return found


def assigns(statement: cst.Assign | cst.AnnAssign, name: str) -> bool:
    target = statement.targets[0].target if isinstance(statement, cst.Assign) else statement.target
    return is_name(target, name)


def class_assignments(klass: cst.ClassDef) -> Iterator[cst.Assign | cst.AnnAssign]:
    body = klass.body.body if isinstance(klass.body, cst.IndentedBlock) else ()
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Assign, cst.AnnAssign)) and (
                        isinstance(small, cst.AnnAssign) or len(small.targets) == 1):
                    yield small
