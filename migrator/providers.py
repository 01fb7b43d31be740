"""libcst's ``ExpressionContextProvider`` and ``ScopeProvider``, at less cost per node.

Both go through libcst's visiting machinery: per node a method lookup and a call, and
per field two more, on every node of the module. A scope analysis is the two in a row.

* Expression contexts (load, store, del) are given to a few kinds of node (names,
  attributes, subscripts, tuples, lists, starred elements). Here the rules of libcst's
  ``ExpressionContextVisitor`` run over the children read from the fields
  (``treewalk.children_of``), one loop, no recursion: each rule below is one of its
  ``visit_*`` methods (which children it visits, with which context, whether the node
  itself gets one). It is used only while libcst's visitor has exactly these methods,
  each naming the same fields and contexts as when this was written
  (``mirrors_libcst``); otherwise the provider itself runs.
* The scope analysis is libcst's own visitor, less two costs of the generic machinery:
  the per-field hooks, of which it defines one pair (``ClassDef.bases``), and its
  ``on_leave`` test of every node against 18 node classes, each ``isinstance`` a call
  into ``ABCMeta``: here it is a test of the exact type against those classes and
  their subclasses (``LeanScopeVisitor``).

The tests compare both with libcst's providers on every fixture, a sample of the
standard library and generated programs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from itertools import pairwise

import libcst as cst
from libcst._visitors import CSTVisitor
from libcst.metadata import ExpressionContext, ExpressionContextProvider, MetadataWrapper, ScopeProvider
from libcst.metadata import scope_provider as libcst_scopes
from libcst.metadata.expression_context_provider import ExpressionContextVisitor

from migrator.treewalk import children_of, visitor_method_names

LOAD, STORE, DEL = ExpressionContext.LOAD, ExpressionContext.STORE, ExpressionContext.DEL

_Visit = tuple[cst.CSTNode, ExpressionContext]
_Rule = Callable[[cst.CSTNode, ExpressionContext], Sequence[_Visit]]


def _present(node: cst.CSTNode | None, context: ExpressionContext) -> Sequence[_Visit]:
    return () if node is None else ((node, context),)


def _assign(node: cst.CSTNode, context: ExpressionContext) -> Sequence[_Visit]:
    assert isinstance(node, cst.Assign)
    return [*((target, STORE) for target in node.targets), (node.value, context)]


def _ann_assign(node: cst.CSTNode, context: ExpressionContext) -> Sequence[_Visit]:
    assert isinstance(node, cst.AnnAssign)
    return [(node.target, STORE), (node.annotation, context), *_present(node.value, context)]


def _target_then_value(node: cst.CSTNode, context: ExpressionContext) -> Sequence[_Visit]:
    assert isinstance(node, (cst.AugAssign, cst.NamedExpr))
    return [(node.target, STORE), (node.value, context)]


def _as_name(node: cst.CSTNode, context: ExpressionContext) -> Sequence[_Visit]:
    assert isinstance(node, cst.AsName)
    return [(node.name, STORE)]


def _comp_for(node: cst.CSTNode, context: ExpressionContext) -> Sequence[_Visit]:
    assert isinstance(node, cst.CompFor)
    return [(node.target, STORE), (node.iter, context), *((test, context) for test in node.ifs),
            *_present(node.inner_for_in, context)]


def _for(node: cst.CSTNode, context: ExpressionContext) -> Sequence[_Visit]:
    assert isinstance(node, cst.For)
    return [(node.target, STORE), (node.iter, context), (node.body, context),
            *_present(node.orelse, context)]


def _del(node: cst.CSTNode, context: ExpressionContext) -> Sequence[_Visit]:
    assert isinstance(node, cst.Del)
    return [(node.target, DEL)]


def _attribute(node: cst.CSTNode, context: ExpressionContext) -> Sequence[_Visit]:
    assert isinstance(node, cst.Attribute)
    return [(node.value, LOAD)]  # not ``attr``: ast has no node there, so no context


def _subscript(node: cst.CSTNode, context: ExpressionContext) -> Sequence[_Visit]:
    assert isinstance(node, cst.Subscript)
    elements = node.slice if isinstance(node.slice, Sequence) else (node.slice,)
    return [(node.value, LOAD), *((element, LOAD) for element in elements)]


def _class_def(node: cst.CSTNode, context: ExpressionContext) -> Sequence[_Visit]:
    assert isinstance(node, cst.ClassDef)
    return [(node.name, STORE), (node.body, context), *((base, context) for base in node.bases),
            *((keyword, context) for keyword in node.keywords),
            *((decorator, context) for decorator in node.decorators)]


def _function_def(node: cst.CSTNode, context: ExpressionContext) -> Sequence[_Visit]:
    assert isinstance(node, cst.FunctionDef)
    return [(node.name, STORE), (node.params, context), (node.body, context),
            *((decorator, context) for decorator in node.decorators),
            *_present(node.returns, context)]


def _param(node: cst.CSTNode, context: ExpressionContext) -> Sequence[_Visit]:
    assert isinstance(node, cst.Param)
    return [(node.name, STORE), *_present(node.annotation, context), *_present(node.default, context)]


def _nothing(node: cst.CSTNode, context: ExpressionContext) -> Sequence[_Visit]:
    return ()


def _children(node: cst.CSTNode, context: ExpressionContext) -> Sequence[_Visit]:
    return [(child, context) for child in children_of(node)]


# Per node type: (whether the node gets the context it is visited with, what is visited next).
_RULES: dict[type[cst.CSTNode], tuple[bool, _Rule]] = {
    cst.Assign: (False, _assign),
    cst.AnnAssign: (False, _ann_assign),
    cst.AugAssign: (False, _target_then_value),
    cst.NamedExpr: (False, _target_then_value),
    cst.Name: (True, _nothing),
    cst.AsName: (False, _as_name),
    cst.CompFor: (False, _comp_for),
    cst.For: (False, _for),
    cst.Del: (False, _del),
    cst.Attribute: (True, _attribute),
    cst.Subscript: (True, _subscript),
    cst.Tuple: (True, _children),
    cst.List: (True, _children),
    cst.StarredElement: (True, _children),
    cst.ClassDef: (False, _class_def),
    cst.FunctionDef: (False, _function_def),
    cst.Param: (False, _param),
}

# What libcst's visitor methods name (fields, contexts, helpers) when the rules above were
# written from them, as a digest (the same for libcst 1.4 to 1.9 on Python 3.10 to 3.13).
_LIBCST_VISITOR_DIGEST = "ad109b9f94fd3970"


def _visitor_digest() -> str:
    methods = sorted(name for name in vars(ExpressionContextVisitor) if name.startswith("visit_"))
    described = [(name, getattr(ExpressionContextVisitor, name).__code__.co_names) for name in methods]
    return hashlib.sha256(repr(described).encode()).hexdigest()[:16]


@cache
def mirrors_libcst() -> bool:
    """Whether the rules here are libcst's: the same visitor methods, naming the same things,
    and the provider running the visitor over the module and nothing else."""
    methods = {name for name in vars(ExpressionContextVisitor) if name.startswith(("visit_", "leave_"))}
    return (methods == {f"visit_{kind.__name__}" for kind in _RULES}
            and visitor_method_names(ExpressionContextProvider) == ("visit_Module",)
            and _visitor_digest() == _LIBCST_VISITOR_DIGEST)


def expression_contexts(module: cst.Module) -> Mapping[cst.CSTNode, object]:
    """What ``MetadataWrapper(module).resolve(ExpressionContextProvider)`` gives, node by node.

    The context of a node is decided inside its top-level statement, so a module made of
    one statement gives that statement's nodes the contexts the whole module would.
    """
    if not mirrors_libcst():
        return MetadataWrapper(module, unsafe_skip_copy=True).resolve(ExpressionContextProvider)
    contexts: dict[cst.CSTNode, object] = {}
    stack: list[_Visit] = [(module, LOAD)]
    rules = _RULES
    while stack:
        node, context = stack.pop()
        rule = rules.get(type(node))
        if rule is None:
            stack.extend((child, context) for child in reversed(children_of(node)))
            continue
        gets_context, visits = rule
        if gets_context:
            contexts[node] = context
        stack.extend(reversed(visits(node, context)))
    return contexts


def context_of(node: cst.CSTNode, parents: Mapping[cst.CSTNode, cst.CSTNode],
               statement: cst.CSTNode) -> ExpressionContext | None:
    """The context ``expression_contexts`` gives ``node``, followed down the path from its
    top-level ``statement`` alone: the rules say which context each node on the way hands
    the next (``mirrors_libcst`` must hold; ``parents`` must be exact)."""
    path = [node]
    while path[-1] is not statement:
        above = parents.get(path[-1])
        if above is None:
            raise ValueError("the node is not inside the statement")
        path.append(above)
    context = LOAD
    for holder, child in pairwise(reversed(path)):
        rule = _RULES.get(type(holder))
        if rule is None:
            continue
        given = next((given for visited, given in rule[1](holder, context) if visited is child), None)
        if given is None:
            return None  # libcst's visitor never goes there
        context = given
    rule = _RULES.get(type(node))
    return context if rule is not None and rule[0] else None


# -- scopes ---------------------------------------------------------------------------------


def _subclasses(kinds: Iterable[type]) -> frozenset[type]:
    found: set[type] = set()
    pending = list(kinds)
    while pending:
        kind = pending.pop()
        if kind not in found:
            found.add(kind)
            pending.extend(kind.__subclasses__())
    return frozenset(found)


def _node_type_names() -> frozenset[str]:
    return frozenset(kind.__name__ for kind in _subclasses((cst.CSTNode,)))


@cache
def _field_hooks() -> dict[str, frozenset[str]]:
    """Per node type name, the fields that ``ScopeVisitor`` has ``visit_``/``leave_`` hooks for."""
    nodes = _node_type_names()
    hooks: dict[str, set[str]] = {}
    for method in visitor_method_names(libcst_scopes.ScopeVisitor):
        rest = method.split("_", 1)[1]
        if rest in nodes:
            continue
        node, _, field = rest.partition("_")
        hooks.setdefault(node, set()).add(field)
    return {node: frozenset(fields) for node, fields in hooks.items()}


_ASSIGNMENT_LIKE = _subclasses(getattr(libcst_scopes, "_ASSIGNMENT_LIKE_NODES", ()))


class LeanScopeVisitor(libcst_scopes.ScopeVisitor):
    """libcst's scope visitor, calling only the per-field hooks it defines."""

    def __init__(self, provider: ScopeProvider) -> None:
        super().__init__(provider)
        self._field_hooks = _field_hooks()

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        fields = self._field_hooks.get(type(node).__name__)
        if fields is not None and attribute in fields:
            super().on_visit_attribute(node, attribute)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        fields = self._field_hooks.get(type(original_node).__name__)
        if fields is not None and attribute in fields:
            super().on_leave_attribute(original_node, attribute)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.provider.set_metadata(original_node, self.scope)
        if type(original_node) in _ASSIGNMENT_LIKE:
            self.scope._assignment_count += 1
        CSTVisitor.on_leave(self, original_node)


# What the methods replaced and the provider's entry name, when this was written.
_SCOPE_PROVIDER_ENTRY = ("ScopeVisitor", "visit", "infer_accesses")
_SCOPE_VISITOR_ON_LEAVE = ("provider", "set_metadata", "scope", "isinstance", "_ASSIGNMENT_LIKE_NODES",
                           "_assignment_count", "super", "on_leave")


@cache
def lean_scopes_apply() -> bool:
    """Whether ``LeanScopeVisitor`` does what libcst's visitor does: the provider runs the
    visitor over the module and nothing else, ``on_leave`` is as it was, and no field hook
    is inherited from anywhere but ``CSTVisitor``'s no-op defaults."""
    visitor = libcst_scopes.ScopeVisitor
    own = {name for name in ("on_visit_attribute", "on_leave_attribute") if any(
        name in vars(klass) for klass in visitor.__mro__[: visitor.__mro__.index(CSTVisitor)])}
    return (visitor_method_names(ScopeProvider) == ("visit_Module",)
            and ScopeProvider.visit_Module.__code__.co_names == _SCOPE_PROVIDER_ENTRY
            and visitor.on_leave.__code__.co_names == _SCOPE_VISITOR_ON_LEAVE
            and bool(_ASSIGNMENT_LIKE) and not own)


def scope_analysis(module: cst.Module) -> Mapping[cst.CSTNode, object]:
    """What ``MetadataWrapper(module).resolve(ScopeProvider)`` gives, node by node."""
    if not (mirrors_libcst() and lean_scopes_apply()):
        return MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    provider = ScopeProvider()
    provider.metadata = {ExpressionContextProvider: expression_contexts(module)}
    visitor = LeanScopeVisitor(provider)
    module.visit(visitor)
    visitor.infer_accesses()
    return provider._computed
