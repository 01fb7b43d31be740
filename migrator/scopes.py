"""libcst's ``ScopeProvider`` answers about one name, from the statements that can change them.

libcst's scope analysis walks the whole module (after an expression-context walk). The
analysis asks it a few questions about one name at a time: which scope a binding of the
name is in and what else binds or reads it there; what a name or attribute chain is
imported as; which bindings a read of a name refers to. Here such a question is answered
by libcst's own ``ScopeProvider``, run on a module made of the original top-level
statements that matter, the very node objects:

* a node's scope, and the bindings and reads of its own name in a function or class
  scope, are decided inside its top-level statement;
* for a module-level name, or a name read through the scopes, every statement that
  binds or reads the name spells it: those statements join;
* what a name is bound to, seen from one place (its qualified names, the bindings a read
  refers to), needs only the statements that may bind it and that place's own.

What else could change the answers is where libcst reads a string as a type annotation
(a read of a name inside the string) and skips the first argument of
``typing.TypeVar``/``typing.NewType``: whether a call or subscript is one of those
depends on imports elsewhere. A question whose name appears in a string that could be
read so, or whose node or name stands in the first argument of a call that could be
``TypeVar``/``NewType``, goes to the whole-module analysis, as does any question the
statements above cannot settle, or one that would take most of the module anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import cast

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import (
    GlobalScope,
    Scope,
)
from libcst.metadata.base_provider import LazyValue  # type: ignore[attr-defined]
from libcst.metadata.scope_provider import LocalScope

from migrator.providers import scope_analysis
from migrator.treewalk import children_of, first_enclosing

TYPING_MODULES = ("typing", "typing_extensions")
# A question may use the statements it needs while they hold at most this share of the
# module's nodes, and all questions together at most this many modules' worth.
MOST_OF_MODULE = 0.5
TOTAL_BUDGET = 1.0

ScopeMap = Mapping[cst.CSTNode, object]


def scope_metadata(module: cst.Module) -> ScopeMap:
    """``MetadataWrapper(module).resolve(ScopeProvider)``, without the wrapper's batched walk
    (the providers involved do all their work in ``visit_Module``) and at less cost per
    node (``migrator.providers``)."""
    return scope_analysis(module)


def _resolved(value: object) -> Scope | None:
    if isinstance(value, LazyValue):
        value = value()
    return value if isinstance(value, Scope) else None


def _read_resolved_locally(scope: Scope, node: cst.CSTNode, name: str) -> bool:
    """Whether libcst resolves the read ``node`` of ``name``, in an analysis of the node's
    own top-level statement, to bindings of local scopes only (a function's, a class's, a
    comprehension's): the whole module's analysis then finds the very same bindings.

    This follows libcst's ``Access.record_assignments``: the first scope up the visible
    chain that binds the name gives the bindings; where none of them comes before a read
    in the same scope, the parent scope's are taken instead.
    """
    access = next((a for a in scope.accesses[name] if a.node is node), None)
    if access is None:
        return False
    first = _local_binder(access.scope, access.scope, name)
    if first is None:
        return False
    assignments = first._assignments.get(name, ())
    if not assignments or any(a.scope != access.scope or a._index < access._index for a in assignments):
        return True
    return _local_binder(access.scope.parent, access.scope, name) is not None


def _local_binder(start: Scope, reader: Scope, name: str) -> LocalScope | None:
    """The local scope where libcst's ``_resolve_scope_for_access`` finds ``name``, or
    None when it would look in the module's scope (or a global/nonlocal redirects it)."""
    current = start
    while isinstance(current, LocalScope):
        if name in current._scope_overwrites:
            return None
        if name in current._assignments:
            return current
        current = current._next_visible_parent(reader)  # past class scopes, as libcst goes
    return None


def own_name(node: cst.CSTNode) -> str | None:
    """The name a question about this node's scope is about: its own."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        return node.name.value
    return None


def root_name(node: cst.CSTNode) -> str | None:
    """The first part of the dotted name libcst resolves for a node (``a`` of ``a.b()``)."""
    full = get_full_name_for_node(node)
    return full.partition(".")[0] if full else None


def _typing_names(imports: Iterable[cst.CSTNode]) -> frozenset[str]:
    """Every name that can stand for something of ``typing``: the modules and what is
    imported from them (or under which name they are imported)."""
    names = set(TYPING_MODULES)
    for node in imports:
        if isinstance(node, cst.ImportFrom):
            module = get_full_name_for_node(node.module) if node.module is not None else None
            if node.relative or module is None or module.partition(".")[0] not in TYPING_MODULES:
                continue
            if isinstance(node.names, cst.ImportStar):
                continue
            for alias in node.names:
                bound = alias.asname.name if alias.asname is not None else alias.name
                names.add(root_name(bound) or "")
        elif isinstance(node, cst.Import):
            for alias in node.names:
                if (root_name(alias.name) or "") in TYPING_MODULES:
                    bound = alias.asname.name if alias.asname is not None else alias.name
                    names.add(root_name(bound) or "")
    return frozenset(names)


class ScopeIndex:
    """Scope questions about one name, answered from the top-level statements that matter."""

    def __init__(self, module: cst.Module, order: list[cst.CSTNode],
                 parents: Mapping[cst.CSTNode, cst.CSTNode],
                 whole_module: Callable[[], ScopeMap],
                 nodes_of: Callable[..., list[cst.CSTNode]]) -> None:
        self.module = module
        self.order = order
        self.nodes_of = nodes_of  # every node of these kinds (ModuleContext.nodes_of)
        self.parents = parents
        self._whole_module = whole_module
        self.whole_resolved = False
        self.items: list[cst.SimpleStatementLine | cst.BaseCompoundStatement] = list(module.body)
        self.item_index: dict[cst.CSTNode, int] = {item: index for index, item in enumerate(self.items)}
        self._analyses: dict[frozenset[int], ScopeMap] = {}
        self._analyses_with: dict[int, list[frozenset[int]]] = {}  # per statement, the analyses of it
        self.spent = 0  # nodes analysed by partial analyses so far

    # -- the questions -------------------------------------------------------------------

    def scope_of(self, node: cst.CSTNode) -> Scope | None:
        """The scope libcst gives ``node``, good for its own name's bindings and reads there."""
        name = own_name(node)
        item = self._item_of(node)
        if name is None or item is None or not self._answerable(node, name):
            return self.whole(node)
        needed = self._statements_for(item, name)
        if self._affordable(needed):
            return self._scope_in(needed, node)
        own = self._scope_in(frozenset((item,)), node)
        if own is None or isinstance(own, GlobalScope):
            return self._scope_in(needed, node)
        return own  # a function or class scope: its bindings are all in this statement

    def scope_for_name(self, node: cst.CSTNode, name: str | None) -> Scope | None:
        """The scope libcst gives ``node``, good for every question about ``name`` there."""
        item = self._item_of(node)
        if name is None or item is None or not self._answerable(node, name):
            return self.whole(node)
        return self._scope_in(self._statements_for(item, name), node)

    def scope_for_bindings(self, node: cst.CSTNode, name: str | None) -> Scope | None:
        """The scope libcst gives ``node``, good for what ``name`` is bound to as seen from
        there (qualified names, the bindings a read refers to), not for other reads of it:
        those come from the statements that may bind the name, and the node's own."""
        item = self._item_of(node)
        if name is None or item is None or not self._bindings_answerable(node, name):
            return self.whole(node)
        needed = frozenset((item, *self._index[3].get(name, ())))
        if not self._affordable(needed):
            # A name bound in the function (or class, comprehension) around the node: the
            # bindings a read refers to are all inside its own top-level statement.
            own = self._scope_in(frozenset((item,)), node)
            if own is not None and _read_resolved_locally(own, node, name):
                return own
        return self._scope_in(needed, node)

    def whole(self, node: cst.CSTNode) -> Scope | None:
        self.whole_resolved = True
        return _resolved(self._whole_module().get(node))

    # -- which statements ----------------------------------------------------------------

    def _statements_for(self, item: int, name: str) -> frozenset[int]:
        return frozenset((item, *self._mentions.get(name, ())))

    def _covering(self, items: frozenset[int]) -> ScopeMap | None:
        """An analysis made already of these statements and perhaps others: the others
        spell none of the names asked, so the answers are the same."""
        found = self._analyses.get(items)
        if found is None:
            made_with = self._analyses_with.get(min(items), []) if items else []
            found = next((self._analyses[made] for made in made_with if items <= made), None)
        return found

    def _affordable(self, items: frozenset[int]) -> bool:
        if self._covering(items) is not None:
            return True
        size = sum(self._sizes[index] for index in items)
        return not self.whole_resolved and size <= MOST_OF_MODULE * len(self.order) and \
            self.spent + size <= TOTAL_BUDGET * len(self.order)

    def _scope_in(self, items: frozenset[int], node: cst.CSTNode) -> Scope | None:
        analysis = self._covering(items)
        if analysis is None:
            if not self._affordable(items):
                return self.whole(node)
            self.spent += sum(self._sizes[index] for index in items)
            statements = [self.items[index] for index in sorted(items)]
            analysis = self._analyses[items] = scope_metadata(cst.Module(body=statements))
            for index in items:
                self._analyses_with.setdefault(index, []).append(items)
        return _resolved(analysis.get(node))

    def _item_of(self, node: cst.CSTNode) -> int | None:
        item = first_enclosing(node, self.parents, self.item_index)
        return None if item is None else self.item_index[item]

    @cached_property
    def _index(self) -> tuple[dict[str, set[int]], list[int], dict[str, list[cst.Name]],
                              dict[str, set[int]]]:
        """Per name, the statements that spell it as a name (not as an attribute or a keyword
        argument, which scopes never see); per statement, its node count; the name nodes;
        per name, the statements where it may be bound (spelled other than as a read)."""
        mentions: dict[str, set[int]] = {}
        sizes = [0] * len(self.items)
        names: dict[str, list[cst.Name]] = {}
        binders: dict[str, set[int]] = {}
        unseen: set[int] = set()  # ids of attribute and keyword names
        current = -1
        item_of = self.item_index.get
        for node in self.order:
            index = item_of(node)
            if index is not None:
                current = index
            if current < 0:
                continue
            sizes[current] += 1
            kind = type(node)  # (not isinstance: this loop meets every node of the module)
            if kind is cst.Attribute:
                unseen.add(id(cast(cst.Attribute, node).attr))
            elif kind is cst.Arg:
                keyword = cast(cst.Arg, node).keyword
                if keyword is not None:
                    unseen.add(id(keyword))
            elif kind is cst.Name and id(node) not in unseen:
                name = cast(cst.Name, node)
                mentions.setdefault(name.value, set()).add(current)
                names.setdefault(name.value, []).append(name)
                if not self._only_read(name):
                    binders.setdefault(name.value, set()).add(current)
        return mentions, sizes, names, binders

    def _only_read(self, name: cst.Name) -> bool:
        """A name libcst can only read here: ``name.x``, ``name[...]``, ``name(...)``, an
        argument (``import name.x`` binds it, though)."""
        parent = self.parents.get(name)
        kind = type(parent)
        if kind is cst.Attribute:
            if cast(cst.Attribute, parent).value is not name:
                return False
            while isinstance(parent, cst.Attribute):
                parent = self.parents.get(parent)
            return not isinstance(parent, cst.ImportAlias)
        if kind is cst.Subscript:
            return cast(cst.Subscript, parent).value is name
        if kind is cst.Call:
            return cast(cst.Call, parent).func is name
        if kind is cst.Arg:
            return cast(cst.Arg, parent).value is name
        return False

    @property
    def _mentions(self) -> dict[str, set[int]]:
        return self._index[0]

    @property
    def _sizes(self) -> list[int]:
        return self._index[1]

    # -- what libcst may read differently ------------------------------------------------

    def _answerable(self, node: cst.CSTNode, name: str) -> bool:
        if self.whole_resolved or self._typing_class or self._in_skipped_argument(node):
            return False
        known = self._name_answerable.get(name)
        if known is None:
            strings = self._annotation_strings
            known = strings is not None and not any(name in value for value in strings) and \
                not any(self._in_skipped_argument(use) for use in self._index[2].get(name, ()))
            self._name_answerable[name] = known
        return known

    def _bindings_answerable(self, node: cst.CSTNode, name: str) -> bool:
        """Reads elsewhere do not matter here (strings parsed as annotations only read)."""
        if self.whole_resolved or self._typing_class or self._in_skipped_argument(node):
            return False
        return self._no_use_skipped(name)

    def _no_use_skipped(self, name: str) -> bool:
        known = self._uses_unskipped.get(name)
        if known is None:
            known = self._uses_unskipped[name] = \
                not any(self._in_skipped_argument(use) for use in self._index[2].get(name, ()))
        return known

    @cached_property
    def _uses_unskipped(self) -> dict[str, bool]:
        return {}

    @cached_property
    def _name_answerable(self) -> dict[str, bool]:
        return {}

    @cached_property
    def _typing(self) -> frozenset[str]:
        return _typing_names(self.nodes_of(cst.Import, cst.ImportFrom))

    @cached_property
    def _typing_class(self) -> bool:
        """A class named ``typing``: its members' qualified names start like typing's."""
        return any(isinstance(n, cst.ClassDef) and n.name.value in TYPING_MODULES
                   for n in self.nodes_of(cst.ClassDef))

    def _may_be_typing(self, node: cst.CSTNode) -> bool:
        """A call or subscript libcst may take for one of typing's (cast, TypeVar, List[...])."""
        if isinstance(node, cst.Call):
            return root_name(node) in self._typing
        if isinstance(node, cst.Subscript):
            return isinstance(node.value, cst.Name) and node.value.value in self._typing
        return False

    @cached_property
    def _annotation_strings(self) -> list[str] | None:
        """The values of the strings libcst may parse as annotations (a name in one is
        read there); None when one of them cannot be evaluated."""
        values: list[str] = []
        for node in self._strings_in(self._annotation_like()):
            try:
                evaluated = node.evaluated_value
            except Exception:  # whatever libcst would read: assume anything
                return None
            if isinstance(evaluated, bytes):
                evaluated = evaluated.decode("latin-1")
            values.append(evaluated or "")
        return values

    def _annotation_like(self) -> list[cst.CSTNode]:
        """Annotations, and calls and subscripts that may be typing's: strings below are
        the ones libcst may read as annotations."""
        return [*self.nodes_of(cst.Annotation),
                *(node for node in self.nodes_of(cst.Call, cst.Subscript) if self._may_be_typing(node))]

    def _strings_in(self, roots: list[cst.CSTNode]) -> list[cst.SimpleString | cst.ConcatenatedString]:
        found: dict[int, cst.SimpleString | cst.ConcatenatedString] = {}
        stack = list(roots)
        while stack:
            node = stack.pop()
            if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
                found[id(node)] = node
            stack.extend(children_of(node))
        return list(found.values())

    @cached_property
    def _skipped_arguments(self) -> frozenset[cst.CSTNode]:
        """The first argument of every call that may be ``TypeVar``/``NewType`` (libcst's
        scope analysis does not visit it)."""
        return frozenset(node.args[0] for node in self.nodes_of(cst.Call)
                         if isinstance(node, cst.Call) and node.args and self._may_be_typing(node))

    def _in_skipped_argument(self, node: cst.CSTNode) -> bool:
        skipped = self._skipped_arguments
        current: cst.CSTNode | None = node
        while skipped and current is not None:
            if current in skipped:
                return True
            current = self.parents.get(current)
        return False
