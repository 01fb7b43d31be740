"""The request context shared by the thinking rules and by `fix`.

For every call or JSON payload in a module that sends (or binds) a model, one
:class:`Request` says which client library it belongs to, which model it names
(a literal, or followed through a constant, a class attribute, a parameter
default or an ``os.getenv`` default), its thinking state, its reasoning effort
and its sampling parameters. Rules decide from this; they never re-derive it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, TypeVar

import libcst as cst
from libcst.metadata import (
    Assignment,
    BaseMetadataProvider,
    CodeRange,
    ExpressionContext,
    ExpressionContextProvider,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    Scope,
    ScopeProvider,
)
from libcst.metadata.base_provider import LazyValue  # type: ignore[attr-defined]

from migrator.catalog import Catalog, ModelMatch
from migrator.findings import Finding, Span, TextEdit, reported_cell
from migrator.judgement import Judgement, Location
from migrator.libraries import (
    BY_CALLABLE,
    CALLABLE_TAILS,
    ENV_DEFAULT_CALLS,
    HTTP_PAYLOAD,
    LITELLM_PARAMS,
    MAPPING_CONSTRUCTORS,
    METHOD_LIBRARIES,
    Library,
)
from migrator.lines import LineIndex
from migrator.positions import LazyPositions
from migrator.prefilters import (
    ModuleNames,
    QualifiedNameFilter,
    any_literal_may_name_a_model,
    module_names,
)
from migrator.providers import context_of, expression_contexts, mirrors_libcst
from migrator.reference import using_libcst_providers
from migrator.scopes import ScopeIndex, ScopeMap, root_name, scope_metadata
from migrator.strings import StringClaims, StringNode, literal_value
from migrator.treewalk import Walk, first_enclosing, provider_may_recurse_too_deep, walk

_T = TypeVar("_T")
TopLevelStatement = cst.SimpleStatementLine | cst.BaseCompoundStatement

ThinkingState = Literal["enabled", "disabled", "default", "unknown"]
STRING_NODES = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)


@dataclass
class ModelSource:
    """Where a request's model comes from."""

    literal: StringNode | None = None  # the string literal that names it, wherever it is
    match: ModelMatch | None = None
    via: str = "literal"  # literal | constant | attribute | parameter | env-default | followed | unknown


@dataclass
class Thinking:
    state: ThinkingState
    node: cst.BaseExpression | None = None  # the `{"type": ...}` value, when written
    reason: str = ""  # how the state was decided, for messages


@dataclass
class Request:
    """One call (or JSON body) that sends a model, or binds one for later requests."""

    node: cst.Call | cst.Dict
    library: Library
    confident: bool  # recognised by qualified name / imports, not by method shape alone
    arguments: dict[str, cst.BaseExpression]  # keyword arguments, or the payload's string keys
    model_expr: cst.BaseExpression | None
    source: ModelSource
    thinking: Thinking
    effort: str | None = None
    effort_expr: cst.BaseExpression | None = None
    has_unpacked_kwargs: bool = False  # `**kwargs` / `**payload`: settings may come from there
    sampling: dict[str, cst.BaseExpression] = field(default_factory=dict)
    signs: dict[str, cst.BaseExpression] = field(default_factory=dict)  # logprobs, FIM, …

    @property
    def model(self) -> ModelMatch | None:
        return self.source.match


def is_name(node: cst.CSTNode, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


def dict_entries(node: cst.Dict) -> dict[str, cst.DictElement]:
    """The entries of a dict literal whose keys are plain strings."""
    entries: dict[str, cst.DictElement] = {}
    for element in node.elements:
        if isinstance(element, cst.DictElement) and isinstance(element.key, STRING_NODES):
            key = literal_value(element.key)
            if key is not None:
                entries[key] = element
    return entries


def call_keywords(node: cst.Call) -> dict[str, cst.Arg]:
    return {arg.keyword.value: arg for arg in node.args if arg.keyword is not None}


def attribute_chain(node: cst.BaseExpression) -> list[str]:
    """``client.chat.completions.create`` -> ["client", "chat", "completions", "create"]."""
    names: list[str] = []
    while isinstance(node, cst.Attribute):
        names.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        names.append(node.value)
    elif isinstance(node, cst.Call):
        names.append("()")
    return list(reversed(names))


def is_mapping_call(node: cst.BaseExpression) -> bool:
    """``dict(...)`` or a settings constructor whose keyword arguments are its entries."""
    return isinstance(node, cst.Call) and attribute_chain(node.func)[-1:] in [
        [name] for name in MAPPING_CONSTRUCTORS]


def mapping_value(node: cst.BaseExpression, key: str) -> cst.BaseExpression | Literal[False] | None:
    """``node[key]`` for a dict literal or ``dict(...)`` call; None if absent, False if opaque."""
    if isinstance(node, cst.Dict):
        entry = dict_entries(node).get(key)
        if entry is not None:
            return entry.value
        if any(isinstance(e, cst.StarredDictElement) for e in node.elements):
            return False
        return None
    if is_mapping_call(node):
        assert isinstance(node, cst.Call)
        arg = call_keywords(node).get(key)
        if arg is not None:
            return arg.value
        return False if any(a.star for a in node.args) or any(
            a.keyword is None for a in node.args) else None
    return False


class RequestIndex:
    """All requests of one module, found on first use and memoised per node."""

    def __init__(self, context: ModuleContext) -> None:
        self.context = context
        self._by_node: dict[int, Request | None] = {}

    # -- metadata ----------------------------------------------------------------------

    @cached_property
    def parents(self) -> dict[cst.CSTNode, cst.CSTNode]:
        self.context.as_libcst_would(ParentNodeProvider)
        return self.context.parents

    def scope_of(self, node: cst.CSTNode) -> Scope | None:
        """The node's scope, for questions about its own name's bindings and reads there."""
        if self._scopes is None:
            return self.context.metadata_of(ScopeProvider, node)
        self.context.as_libcst_would(ScopeProvider)
        return self._scopes.scope_of(node)

    def _binding_scope(self, node: cst.CSTNode, name: str | None) -> Scope | None:
        """The node's scope, for what ``name`` is bound to as seen from the node."""
        if self._scopes is None:
            return self.context.metadata_of(ScopeProvider, node)
        self.context.as_libcst_would(ScopeProvider)
        return self._scopes.scope_for_bindings(node, name)

    @cached_property
    def _scopes(self) -> ScopeIndex | None:
        if self.context.reference:
            return None
        return ScopeIndex(self.context.module, self.context.preorder, self.context.parents,
                          lambda: self.context.metadata(ScopeProvider), self.context.nodes_of)

    @cached_property
    def imported_roots(self) -> frozenset[str]:
        roots: set[str] = set()
        for node in self.context.nodes_of(cst.Import, cst.ImportFrom):
            if isinstance(node, cst.Import):
                roots.update(_dotted(alias.name).split(".")[0] for alias in node.names)
            elif isinstance(node, cst.ImportFrom) and node.module is not None and not node.relative:
                roots.add(_dotted(node.module).split(".")[0])
        return frozenset(roots)

    def qualified_names(self, node: cst.CSTNode) -> set[str]:
        # What QualifiedNameProvider stores for the node, asked of its scope directly: the
        # provider would cost one more traversal of the whole module.
        scope = self._binding_scope(node, root_name(node))
        names = scope.get_qualified_names_for(node) if scope is not None else set()
        return {q.name for q in names}

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(node)

    @cached_property
    def _names(self) -> ModuleNames:
        return module_names(self.context.nodes_of(cst.Import, cst.ImportFrom),
                            self.context.nodes_of(cst.ClassDef))

    @cached_property
    def _env_calls(self) -> QualifiedNameFilter:
        return QualifiedNameFilter(ENV_DEFAULT_CALLS, self._names)

    def may_be_named(self, node: cst.CSTNode, targets: frozenset[str]) -> bool:
        """Whether libcst may give ``node`` one of ``targets`` as a qualified name: a certain
        no (``QualifiedNameFilter``) needs no scope analysis."""
        found = self._name_filters.get(targets)
        if found is None:
            found = self._name_filters[targets] = QualifiedNameFilter(targets, self._names)
        return found.may_match(node)

    @cached_property
    def _name_filters(self) -> dict[frozenset[str], QualifiedNameFilter]:
        return {}

    @cached_property
    def _library_callables(self) -> QualifiedNameFilter:
        return QualifiedNameFilter(BY_CALLABLE, self._names)

    @cached_property
    def literal_may_name_a_model(self) -> bool:
        """Whether a value of this module alone may name a model: a payload dict needs one to
        count, unless the value flow brings its model from another module."""
        if self.context.reference:
            return True
        return any_literal_may_name_a_model(self.context.nodes_of(*STRING_NODES), self.context.catalog)

    # -- finding requests --------------------------------------------------------------

    def request_for(self, node: cst.Call | cst.Dict) -> Request | None:
        key = id(node)
        if key not in self._by_node:
            self._by_node[key] = (
                self._call_request(node) if isinstance(node, cst.Call) else self._payload_request(node)
            )
        return self._by_node[key]

    @cached_property
    def callable_names(self) -> frozenset[str]:
        """Last names a library callable can be called by here: its own, or an import alias."""
        names = set(CALLABLE_TAILS)
        for node in self.context.nodes_of(cst.ImportFrom):
            assert isinstance(node, cst.ImportFrom)
            if isinstance(node.names, cst.ImportStar):
                continue
            for alias in node.names:
                if alias.asname is not None and _dotted(alias.name) in CALLABLE_TAILS:
                    names.add(_dotted(alias.asname.name))
        return frozenset(names)

    def _library_of_call(self, node: cst.Call) -> tuple[Library, bool, str] | None:
        """The library, whether recognised by imports (not shape), and the callable's name."""
        names = attribute_chain(node.func)
        # Qualified names need the scope analysis, the costliest metadata on a long module:
        # only a call whose name could be a library callable pays for it.
        if names and names[-1] in self.callable_names and self._library_callables.may_match(node.func):
            for name in self.qualified_names(node.func):
                library = BY_CALLABLE.get(name)
                if library is not None:
                    return library, True, name
        chain = ".".join(names)
        for library in METHOD_LIBRARIES:
            if any(chain.endswith("." + method) for method in library.methods):
                confident = any(root in self.imported_roots for root in library.import_roots)
                if confident or not any(
                    other.import_roots[0] in self.imported_roots for other in METHOD_LIBRARIES
                ):
                    return library, confident, chain
        return None

    def _call_request(self, node: cst.Call) -> Request | None:
        recognised = self._library_of_call(node)
        if recognised is None:
            return None
        library, confident, callable_name = recognised
        keywords = {name: arg.value for name, arg in call_keywords(node).items()}
        model_expr = self._model_argument(node, library, keywords, callable_name)
        request = Request(
            node=node,
            library=library,
            confident=confident,
            arguments=keywords,
            model_expr=model_expr,
            source=self.model_source(model_expr) if model_expr is not None else ModelSource(via="unknown"),
            thinking=Thinking("default"),
            has_unpacked_kwargs=any(arg.star == "**" for arg in node.args),
        )
        self._describe(request)
        return request

    def subclass_request(self, node: cst.Call, library: Library, source: ModelSource) -> Request:
        """A call of a project subclass of a library class (``DeepSeekAdapter(...)`` for a
        ``ChatOpenAI`` subclass): that library's request, its model a class field's default."""
        request = Request(
            node=node,
            library=library,
            confident=True,
            arguments={name: arg.value for name, arg in call_keywords(node).items()},
            model_expr=None,
            source=source,
            thinking=Thinking("default"),
            has_unpacked_kwargs=any(arg.star == "**" for arg in node.args),
        )
        self._describe(request)
        return request

    @staticmethod
    def _model_argument(node: cst.Call, library: Library, keywords: dict[str, cst.BaseExpression],
                        callable_name: str) -> cst.BaseExpression | None:
        for name in library.model_params:
            if name in keywords:
                return keywords[name]
        if library.positional_callables and callable_name not in library.positional_callables:
            return None
        if library.model_position is not None:
            positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
            if len(positional) > library.model_position:
                return positional[library.model_position].value
        return None

    def followed_payload(self, node: cst.Dict, source: ModelSource) -> Request | None:
        """A JSON body whose ``"model"`` is a value followed from elsewhere (a settings entry,
        an imported constant) that this module alone cannot resolve."""
        return self._payload_request(node, source)

    def _payload_request(self, node: cst.Dict, source: ModelSource | None = None) -> Request | None:
        entries = dict_entries(node)
        model_entry = entries.get("model")
        if model_entry is None or (source is None and not self.literal_may_name_a_model):
            return None
        source = source or self.model_source(model_entry.value)
        if source.match is None:
            return None
        library = LITELLM_PARAMS if self._is_litellm_params(node) else HTTP_PAYLOAD
        request = Request(
            node=node,
            library=library,
            confident=True,
            arguments={key: entry.value for key, entry in entries.items()},
            model_expr=model_entry.value,
            source=source,
            thinking=Thinking("default"),
            has_unpacked_kwargs=any(isinstance(e, cst.StarredDictElement) for e in node.elements),
        )
        self._describe(request)
        return request

    def thinking_at(self, node: cst.Call, library: Library) -> Thinking:
        """The thinking state a call's own keywords set in ``library``'s spelling: the call of
        a wrapper that forwards its keyword arguments to a request of that library."""
        request = Request(
            node=node, library=library, confident=True,
            arguments={name: arg.value for name, arg in call_keywords(node).items()},
            model_expr=None, source=ModelSource(via="unknown"), thinking=Thinking("default"),
            has_unpacked_kwargs=any(arg.star == "**" for arg in node.args))
        self._describe(request)
        return request.thinking

    def routes_through_litellm(self, node: cst.CSTNode) -> bool:
        """A model string given to LiteLLM or DSPy, in a Router's ``litellm_params``, or
        beside LiteLLM gateway routes (`openrouter/vendor/model`) in one dict or list."""
        holder = self.parent(node)
        if self._beside_litellm_routes(node, holder):
            return True
        if isinstance(holder, cst.Arg):
            call = self.parent(holder)
            if not isinstance(call, cst.Call):
                return False
            recognised = self._library_of_call(call)
            if recognised is None or not recognised[0].routes_deepseek_prefix:
                return False
            return holder.value is self._model_argument(call, recognised[0], {
                name: arg.value for name, arg in call_keywords(call).items()}, recognised[2])
        if not isinstance(holder, cst.DictElement) or holder.value is not node:
            return False
        container = self.parent(holder)
        is_model_key = isinstance(holder.key, STRING_NODES) and literal_value(holder.key) == "model"
        return is_model_key and isinstance(container, cst.Dict) and self._is_litellm_params(container)

    def _beside_litellm_routes(self, node: cst.CSTNode, holder: cst.CSTNode | None) -> bool:
        """A table of LiteLLM names: a sibling value spells a gateway the LiteLLM way."""
        if isinstance(holder, cst.DictElement) and holder.value is node:
            container = self.parent(holder)
            siblings = [e.value for e in container.elements if isinstance(e, cst.DictElement)] \
                if isinstance(container, cst.Dict) else []
        elif isinstance(holder, cst.Element):
            container = self.parent(holder)
            siblings = [e.value for e in container.elements] \
                if isinstance(container, (cst.List, cst.Tuple, cst.Set)) else []
        else:
            return False
        catalog = self.context.catalog
        return any(sibling is not node and isinstance(sibling, STRING_NODES)
                   and catalog.is_litellm_gateway_route(literal_value(sibling) or "")
                   for sibling in siblings)

    def _is_litellm_params(self, node: cst.Dict) -> bool:
        parent = self.parent(node)
        return (
            isinstance(parent, cst.DictElement)
            and isinstance(parent.key, STRING_NODES)
            and literal_value(parent.key) == "litellm_params"
        )

    # -- what a request says -----------------------------------------------------------

    def _describe(self, request: Request) -> None:
        catalog = self.context.catalog
        arguments = request.arguments
        effort_param = request.library.effort_param  # None: the library has no such argument
        if effort_param is not None and effort_param in arguments:
            request.effort_expr = arguments[effort_param]
            if isinstance(request.effort_expr, STRING_NODES):
                request.effort = literal_value(request.effort_expr)
        request.sampling = {k: v for k, v in arguments.items() if k in catalog.sampling_parameters}
        request.signs = {k: v for k, v in arguments.items() if k in catalog.non_thinking_signs}
        request.thinking = self._thinking(request)

    def _thinking(self, request: Request) -> Thinking:
        if request.library.no_switch:
            return Thinking("unknown", reason=request.library.no_switch)
        path = request.library.thinking_path
        value: cst.BaseExpression | Literal[False] | None = request.arguments.get(path[0])
        for key in path[1:]:
            if value is None or value is False:
                break
            value = mapping_value(value, key)
        if value is False:
            return Thinking("unknown", reason=f"`{path[0]}` is not a literal")
        if value is not None:
            return self._thinking_value(value)
        if request.effort is not None:
            off = self.context.catalog.effort_off
            state: ThinkingState = "disabled" if request.effort == off else "enabled"
            return Thinking(state, request.effort_expr, reason=f'reasoning_effort="{request.effort}"')
        if request.effort_expr is not None or request.has_unpacked_kwargs:
            return Thinking("unknown", reason="set by an expression the tool cannot follow")
        return Thinking("default")

    @staticmethod
    def _thinking_value(value: cst.BaseExpression) -> Thinking:
        kind = mapping_value(value, "type")
        if kind is None or kind is False or not isinstance(kind, STRING_NODES):
            return Thinking("unknown", value, reason="thinking is set by an expression")
        text = literal_value(kind)
        if text in ("enabled", "disabled"):
            return Thinking(text, value, reason=f'thinking type "{text}"')  # type: ignore[arg-type]
        return Thinking("unknown", value, reason=f"thinking type {text!r}")

    # -- following a model value -------------------------------------------------------

    def model_source(self, expr: cst.BaseExpression) -> ModelSource:
        strings = self.context.strings
        if isinstance(expr, STRING_NODES):
            return ModelSource(expr, strings.whole_match(expr), "literal")
        if isinstance(expr, cst.Call):
            default = self.env_default(expr)
            if default is not None:
                source = self.model_source(default)
                return ModelSource(source.literal, source.match, "env-default")
            return ModelSource(via="unknown")
        bound = self.bound_value(expr)
        if bound is not None:
            value, via = bound
            source = self.model_source(value)
            return ModelSource(source.literal, source.match, via if source.literal else "unknown")
        return ModelSource(via="unknown")

    def env_default(self, call: cst.Call) -> cst.BaseExpression | None:
        """The default of ``os.getenv("X", default)`` and ``os.environ.get("X", default)``."""
        if not self._env_calls.may_match(call.func) or \
                not self.qualified_names(call.func) & set(ENV_DEFAULT_CALLS):
            return None
        keywords = call_keywords(call)
        if "default" in keywords:
            return keywords["default"].value
        positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
        return positional[1].value if len(positional) > 1 else None

    def bound_value(self, expr: cst.BaseExpression) -> tuple[cst.BaseExpression, str] | None:
        """The single value a name or ``self.attr`` is bound to in this module, if any."""
        if isinstance(expr, cst.Name):
            return self._name_value(expr)
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and \
                expr.value.value in ("self", "cls"):
            value = self._class_attribute(expr, expr.attr.value)
            return (value, "attribute") if value is not None else None
        return None

    def assignments_of(self, name: cst.Name) -> list[Assignment]:
        scope = self._binding_scope(name, name.value)
        if scope is None:
            return []
        for access in scope.accesses[name.value]:
            if access.node is name:
                return [a for a in access.referents if isinstance(a, Assignment)]
        return []

    def _name_value(self, name: cst.Name) -> tuple[cst.BaseExpression, str] | None:
        assignments = self.assignments_of(name)
        if len(assignments) != 1:
            return None
        target = assignments[0].node
        if isinstance(target, cst.Param):
            return (target.default, "parameter") if target.default is not None else None
        parent = self.parent(target)
        if isinstance(parent, cst.AssignTarget):
            statement = self.parent(parent)
            if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
                return statement.value, "constant"
        if isinstance(parent, cst.AnnAssign) and parent.value is not None:
            return parent.value, "constant"
        return None

    def _class_attribute(self, node: cst.CSTNode, attribute: str) -> cst.BaseExpression | None:
        current: cst.CSTNode | None = node
        while current is not None and not isinstance(current, cst.ClassDef):
            current = self.parent(current)
        if current is None:
            return None
        for statement in current.body.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Assign) and len(small.targets) == 1 and \
                        is_name(small.targets[0].target, attribute):
                    return small.value
                if isinstance(small, cst.AnnAssign) and small.value is not None and \
                        is_name(small.target, attribute):
                    return small.value
        return None


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


# -- the module context (moved from rules.base) --------------------------------------------------


@dataclass
class ModuleContext:
    """Everything the rules of one document share; computed once, lazily."""

    module: cst.Module
    wrapper: MetadataWrapper
    text: str
    location: Location
    judgement: Judgement
    findings: list[Finding] = field(default_factory=list)
    # The equivalence tests' switch: libcst's providers instead of the shortcuts below.
    reference: bool = field(default_factory=using_libcst_providers)

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.text)

    @property
    def catalog(self) -> Catalog:
        return self.judgement.catalog

    @cached_property
    def gateway_module(self) -> bool:
        """A module whose strings name a gateway host (OpenRouter): `deepseek/…` is its slug."""
        if not self.catalog.is_gateway_text(self.text):
            return False
        strings = self.nodes_of(cst.SimpleString, cst.FormattedStringText)
        return any(self.catalog.is_gateway_text(getattr(node, "value", "")) for node in strings)

    def nodes_of(self, *kinds: type[cst.CSTNode]) -> list[cst.CSTNode]:
        """Every node of these kinds in the module, in source order; one walk per module."""
        found: list[cst.CSTNode] = []
        for kind in kinds:
            found.extend(self._nodes_by_kind.get(kind, ()))
        return found

    def calls_named(self, names: Iterable[str]) -> list[cst.Call]:
        """The calls whose callee's last name (``attribute_chain(func)[-1]``) is one of
        ``names``, in source order."""
        by_name = self._calls_by_last_name
        found = [call for name in set(names) for call in by_name.get(name, ())]
        order = self._source_order
        return sorted(found, key=lambda call: order.get(call, -1)) if len(found) > 1 else found

    def attributes_named(self, names: Iterable[str]) -> list[cst.Attribute]:
        """The attribute nodes ``x.NAME`` for these names, in source order."""
        by_name = self._attributes_by_name
        lists = [by_name[name] for name in set(names) if name in by_name]
        if len(lists) == 1:
            return list(lists[0])
        order = self._source_order
        return sorted((node for found in lists for node in found), key=lambda node: order.get(node, -1))

    @cached_property
    def _attributes_by_name(self) -> dict[str, list[cst.Attribute]]:
        by_name: dict[str, list[cst.Attribute]] = {}
        for node in self.nodes_of(cst.Attribute):
            assert isinstance(node, cst.Attribute)
            by_name.setdefault(node.attr.value, []).append(node)
        return by_name

    @cached_property
    def _calls_by_last_name(self) -> dict[str, list[cst.Call]]:
        by_name: dict[str, list[cst.Call]] = {}
        for node in self.nodes_of(cst.Call):
            assert isinstance(node, cst.Call)
            chain = attribute_chain(node.func)
            if chain:
                by_name.setdefault(chain[-1], []).append(node)
        return by_name

    @property
    def preorder(self) -> list[cst.CSTNode]:
        """Every node of the module in libcst's visiting order (parents before children)."""
        return self._walk.order

    @cached_property
    def _source_order(self) -> dict[cst.CSTNode, int]:
        return {node: index for index, node in enumerate(self._walk.order)}

    def in_source_order(self, nodes: Iterable[cst.CSTNode]) -> list[cst.CSTNode]:
        """``nodes`` of this module in the order the source has them.

        libcst keeps a name's accesses in a set: iterated as they come, the first blocking
        use (the one a reason names) would change from run to run with the hash seed.
        """
        order = self._source_order
        return sorted(nodes, key=lambda node: order.get(node, -1))

    @cached_property
    def _walk(self) -> Walk:
        return walk(self.module)

    def as_libcst_would(self, provider: type[BaseMetadataProvider[object]]) -> None:
        """Resolve ``provider`` over the whole module, as the analysis did before it resolved
        metadata per statement, where libcst's recursion may fail on a module this deep: the
        module is then "nested too deeply" (DSM900), as it was. Elsewhere, nothing."""
        if provider in self._providers_checked:
            return
        self._providers_checked.add(provider)
        if not self.reference and provider_may_recurse_too_deep(self._walk.depth):
            self.metadata(provider)

    @cached_property
    def _providers_checked(self) -> set[type[BaseMetadataProvider[object]]]:
        return set()

    @cached_property
    def parents(self) -> dict[cst.CSTNode, cst.CSTNode]:
        """Each node's parent, as ``ParentNodeProvider`` has it; the walk records them."""
        if self._walk.parents_exact and not self.reference:
            return self._walk.parents
        return self.metadata(ParentNodeProvider)

    @cached_property
    def _positions(self) -> LazyPositions | dict[cst.CSTNode, CodeRange]:
        if self.reference:
            return self.metadata(PositionProvider)
        return LazyPositions(self.module, self.parents, lambda: self.metadata(PositionProvider))

    def position(self, node: cst.CSTNode) -> CodeRange:
        """``PositionProvider``'s range of a node, computed for its statement only."""
        self.as_libcst_would(PositionProvider)
        return self._positions[node]

    def expression_context(self, node: cst.CSTNode) -> ExpressionContext | None:
        """``ExpressionContextProvider``'s context of a node (load, store, del), computed for
        the node's top-level statement only."""
        self.as_libcst_would(ExpressionContextProvider)
        item = None if self.reference else first_enclosing(node, self.parents, self._top_level_statements)
        if item is None:
            return self.metadata_of(ExpressionContextProvider, node)
        if mirrors_libcst() and self._walk.parents_exact:
            return context_of(node, self.parents, item)
        contexts = self._statement_contexts.get(item)
        if contexts is None:
            contexts = self._statement_contexts[item] = expression_contexts(cst.Module(body=[item]))
        found = contexts.get(node)
        return found if isinstance(found, ExpressionContext) else None

    @cached_property
    def _top_level_statements(self) -> frozenset[TopLevelStatement]:
        return frozenset(self.module.body)

    @cached_property
    def _statement_contexts(self) -> dict[cst.CSTNode, Mapping[cst.CSTNode, object]]:
        return {}

    @cached_property
    def _nodes_by_kind(self) -> dict[type[cst.CSTNode], list[cst.CSTNode]]:
        by_kind: dict[type[cst.CSTNode], list[cst.CSTNode]] = {}
        for node in self.preorder:
            by_kind.setdefault(type(node), []).append(node)
        return by_kind

    @cached_property
    def strings(self) -> StringClaims:
        return StringClaims(self.catalog, self.gateway_module,
                            litellm_route=lambda node: self.requests.routes_through_litellm(node))

    @cached_property
    def requests(self) -> RequestIndex:
        return RequestIndex(self)

    def metadata(self, provider: type[BaseMetadataProvider[_T]]) -> dict[cst.CSTNode, _T]:
        """A provider's metadata, resolved on first use (the wrapper keeps it).

        The whole module's scopes come from ``scope_metadata``: what ``resolve`` gives,
        without the batched walk over every node that calls nothing of the providers'.
        """
        if provider is ScopeProvider and not self.reference:
            return self._whole_scopes  # type: ignore[return-value]
        resolved = self.wrapper.resolve(provider)
        return resolved  # type: ignore[return-value]

    @cached_property
    def _whole_scopes(self) -> ScopeMap:
        return scope_metadata(self.module)

    def metadata_of(self, provider: type[BaseMetadataProvider[_T]], node: cst.CSTNode,
                    default: _T | None = None) -> _T | None:
        """One node's metadata; providers may store lazy values, resolved here."""
        value = self.metadata(provider).get(node, default)
        if isinstance(value, LazyValue):
            return value()  # type: ignore[no-any-return]
        return value

    def start_offset(self, node: cst.CSTNode) -> int:
        start = self.position(node).start
        return self.lines.offset(start.line, start.column)

    def node_range(self, node: cst.CSTNode) -> tuple[int, int]:
        """Character offsets of a node's own source in the document."""
        position = self.position(node)
        return (
            self.lines.offset(position.start.line, position.start.column),
            self.lines.offset(position.end.line, position.end.column),
        )

    def span(self, start: int, end: int) -> Span:
        if self.location.cells is not None:
            return self.location.cells.span(start, end)
        line, column = self.lines.position(start)
        end_line, end_column = self.lines.position(end)
        shift = self.location.line_offset
        cell = reported_cell(self.location.cell)
        return Span(line + shift, column, end_line + shift, end_column, cell)

    def node_span(self, node: cst.CSTNode) -> Span:
        return self.span(*self.node_range(node))

    def edit(self, start: int, end: int, text: str) -> TextEdit:
        if self.location.cells is not None:
            return self.location.cells.edit(start, end, text)
        base = self.location.offset_base
        return TextEdit(start + base, end + base, text, self.location.cell)
