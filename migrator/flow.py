"""Where a model value goes: every use, in this module and in every module that imports it.

A value is followed through plain plumbing — assignment to one name, a module-level
name imported by other modules of the project, a function default or an argument of a
project function, a class attribute read through ``self`` — to the requests it reaches.
Text that is only printed or logged is a harmless use. Any other use stops the
follow with :class:`Unfollowable`, whose message names the use and where it is: a
comparison, a lookup key, a container, a call the tool does not know, a store.
"""

from __future__ import annotations

import hashlib
import os
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import libcst as cst
from libcst.metadata import (
    Assignment,
    ClassScope,
    ExpressionContext,
    GlobalScope,
    ScopeProvider,
)

from migrator.catalog import ModelMatch
from migrator.construction import (
    anonymous_construction,
    class_body_names,
    class_references,
    class_use,
    dynamic_code,
    project_words,
    reinitialisation,
    uncalled_reference,
)
from migrator.context import (
    STRING_NODES,
    ModelSource,
    ModuleContext,
    Request,
    RequestIndex,
    attribute_chain,
    call_keywords,
)
from migrator.distinctions import assigns, class_assignments
from migrator.findings import TextEdit
from migrator.forwarding import Entry, forwarded_kwargs
from migrator.judgement import Judgement, Location
from migrator.libraries import PAYLOAD_KEYWORDS, PAYLOAD_METHODS
from migrator.project import ImportBinding, Project, display_path
from migrator.strings import StringNode, literal_value
from migrator.switch import Unfollowable
from migrator.tables import TableCheck, looked_up_name, table_named

_N = TypeVar("_N", bound=cst.CSTNode)


@dataclass
class FlowExtensions:
    """Follows written in their own modules, which import this one: each registers itself here
    when imported (``migrator.fixes`` imports them all), so this module never imports them."""

    class_field: Callable[[ValueFlow, cst.CSTNode, int], list[Reached] | None] | None = None
    environment_read: Callable[[ValueFlow, cst.Call, int], list[Reached]] | None = None
    settings_field: Callable[[ValueFlow, cst.ClassDef, cst.AnnAssign, int], list[Reached]] | None = None
    instance_attribute: Callable[[ValueFlow, cst.Attribute, int], list[Reached]] | None = None
    dict_entry: Callable[[ValueFlow, cst.DictElement, int], list[Reached]] | None = None
    named_dict_entry: Callable[[ValueFlow, cst.DictElement], bool] | None = None

    def follow_class_field(self, flow: ValueFlow, expr: cst.CSTNode, depth: int) -> list[Reached] | None:
        return _registered(self.class_field, "class_field")(flow, expr, depth)

    def follow_environment_read(self, flow: ValueFlow, call: cst.Call, depth: int) -> list[Reached]:
        return _registered(self.environment_read, "environment_read")(flow, call, depth)

    def follow_settings_field(self, flow: ValueFlow, klass: cst.ClassDef, statement: cst.AnnAssign,
                              depth: int) -> list[Reached]:
        return _registered(self.settings_field, "settings_field")(flow, klass, statement, depth)

    def follow_instance_attribute(self, flow: ValueFlow, target: cst.Attribute, depth: int) -> list[Reached]:
        return _registered(self.instance_attribute, "instance_attribute")(flow, target, depth)

    def follow_dict_entry(self, flow: ValueFlow, element: cst.DictElement, depth: int) -> list[Reached]:
        return _registered(self.dict_entry, "dict_entry")(flow, element, depth)

    def is_named_dict_entry(self, flow: ValueFlow, element: cst.DictElement) -> bool:
        return _registered(self.named_dict_entry, "named_dict_entry")(flow, element)


_F = TypeVar("_F")


def _registered(hook: _F | None, name: str) -> _F:
    if hook is None:
        raise RuntimeError(f"the `{name}` follow is not registered: import migrator.fixes first")
    return hook


EXTENSIONS = FlowExtensions()
MAX_DEPTH = 8  # how many bindings a value may pass through before we stop following it
# Classes whose class-level assignments are per-instance defaults (a constructor keyword).
FIELD_DECORATORS = ("dataclass", "define", "frozen", "mutable")
FIELD_BASES = ("BaseModel", "BaseSettings", "NamedTuple", "TypedDict", "Struct", "RootModel")
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})
LOGGER_NAMES = frozenset({"logger", "log", "logging", "LOGGER", "LOG", "_logger", "_log", "_LOGGER"})


@dataclass(frozen=True)
class Reached:
    """A request the value reaches, in the module (context) where the request is written."""

    request: Request
    context: ModuleContext
    at: cst.CSTNode | None = None  # where it is sent, when elsewhere than its node (a JSON body's post)
    entry: Entry | None = None  # the project function parameter the value entered last

    @property
    def sent_at(self) -> cst.CSTNode:
        return self.at or self.request.node


@dataclass
class FlowState:
    """What one follow shares across the modules it walks through."""

    origin: ModuleContext
    node: StringNode
    match: ModelMatch
    disable: bool
    project: Project | None
    names: set[str] = field(default_factory=set)  # names and attributes the value is bound to
    visited: set[tuple[str, str, int]] = field(default_factory=set)
    inputs: dict[str, str] = field(default_factory=dict)  # real path -> sha256 of foreign files
    reached: list[Reached] = field(default_factory=list)  # every request found, in order
    shown: int = 0  # uses that only print or log the value
    # Why the fix cannot be safe, while the follow goes on to find every other use: a blocking
    # use (named with its place), a value that may come from outside.
    caveats: list[str] = field(default_factory=list)
    # What the fix renames beyond its own literal, so that every value the project supplies to
    # the same requests moves with it (another read's default, a `.env` value: environment.py).
    renamed: list[tuple[ModuleContext, StringNode, ModelMatch]] = field(default_factory=list)
    extra_edits: list[TextEdit] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)  # the parameters being followed, innermost last

    def blocked(self, why: Unfollowable) -> None:
        if why.merges or why.rename_only:
            raise why
        if str(why) not in self.caveats:
            self.caveats.append(str(why))

    def real_path_of(self, context: ModuleContext) -> str | None:
        """The file of a context loaded from another module; None for the origin's own."""
        if context is self.origin:
            return None
        entry = _REAL_PATHS.get(id(context))
        return entry[0] if entry is not None and entry[1]() is context else None


class ValueFlow:
    """Follows a value inside one module; crosses to importing modules through the project."""

    def __init__(self, context: ModuleContext, state: FlowState) -> None:
        self.context = context
        self.index = context.requests
        self.state = state

    # -- where a use is ---------------------------------------------------------------

    def where(self, node: cst.CSTNode) -> str:
        span = self.context.node_span(node)
        place = f"cell {span.cell}:{span.line}" if span.cell is not None else str(span.line)
        return f"{self.context.location.path}:{place}"

    @property
    def real_path_or_foreign(self) -> str | None:
        """This module's file, also for a module loaded from another file of the project."""
        return self.state.real_path_of(self.context) or self.real_path

    @property
    def real_path(self) -> str | None:
        path = self.context.location.path
        if path == "-" or self.context.location.in_notebook or not path.endswith((".py", ".pyi")):
            return None
        return os.path.realpath(path)

    # -- the uses of an expression ----------------------------------------------------

    def flows(self, expr: cst.CSTNode, depth: int) -> list[Reached]:
        """Every request this expression's value reaches; raises when a use is not followed."""
        if depth > MAX_DEPTH:
            raise Unfollowable(f"the value passes through too many names (at {self.where(expr)})")
        declared = EXTENSIONS.follow_class_field(self, expr, depth)
        if declared is not None:
            return declared
        parent = self.index.parent(expr)
        if isinstance(parent, cst.Arg) and parent.value is expr:
            return self._flows_from_argument(parent, expr, depth)
        if isinstance(parent, cst.FormattedStringExpression) and self._only_shown(parent):
            self.state.shown += 1
            return []
        if isinstance(parent, cst.DictElement) and parent.value is expr:
            return self._flows_from_dict_value(parent, expr, depth)
        if isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is expr:
            return self._flows_of_store(parent, depth)
        if isinstance(parent, cst.Param) and parent.default is expr:
            return self.flows_into_parameter(parent, depth)
        self._require_no_merged_table(expr)
        tested = self.test_of(expr)
        if tested is not None:
            raise Unfollowable(f"{_source_name(expr)} is {tested} at {self.where(expr)}; a rename "
                               "alone changes what the code decides", plain=False)
        raise Unfollowable(f"{_source_name(expr)} is used where the tool cannot tell which request "
                           f"it reaches ({self.where(expr)})", plain=not isinstance(
                               parent, (cst.Element, cst.Return, cst.Yield)))

    def _flows_of_store(self, statement: cst.Assign | cst.AnnAssign, depth: int) -> list[Reached]:
        """``name = value`` or ``self.attr = value``: the uses of what the value is stored in."""
        targets = [t.target for t in statement.targets] if isinstance(statement, cst.Assign) \
            else [statement.target]
        if len(targets) == 1 and isinstance(targets[0], cst.Name):
            return self._flows_of_name(targets[0], depth)
        if len(targets) == 1 and isinstance(targets[0], cst.Attribute):
            return EXTENSIONS.follow_instance_attribute(self, targets[0], depth)
        raise Unfollowable(f"the value is assigned to something other than one name at "
                           f"{self.where(statement)}")

    def _reached(self, request: Request, at: cst.CSTNode | None = None) -> Reached:
        entries = self.state.entries
        reached = Reached(request, self.context, at, entries[-1] if entries else None)
        self.state.reached.append(reached)
        return reached

    def _require_no_merged_table(self, expr: cst.CSTNode) -> None:
        """A value used as the key of a lookup table whose keys the rename would merge: no fix."""
        name = looked_up_name(self.context, expr)
        loader = FlowLoader(self.context, self.state)
        table = table_named(self.context, name, self.state.project, loader) if name else None
        if table is None:
            return
        state = self.state
        target = state.origin.judgement.successor_of(state.match.model)
        check = TableCheck(table, state.match.spelled, state.match.respell(target), target,
                           state.origin.catalog, state.project, loader)
        if not check.has_key():
            return  # the table's keys stay; the lookup's outcome changes: a plain key use
        verdict = check.run()
        if verdict.merges is not None:
            raise Unfollowable(f"{_source_name(expr)} is looked up in the table `{table.name}` at "
                               f"{self.where(expr)}; {verdict.merges}", merges=True)

    def test_of(self, expr: cst.CSTNode) -> str | None:
        """What the code does with ``expr`` when it tests it: a comparison operand or a lookup key."""
        current, parent = expr, self.index.parent(expr)
        while isinstance(parent, (cst.Tuple, cst.List, cst.Set, cst.Element, cst.ComparisonTarget)):
            current, parent = parent, self.index.parent(parent)
        if isinstance(parent, cst.Comparison):
            others = [_dotted(o) for o in [parent.left, *(t.comparator for t in parent.comparisons)]
                      if o is not current and _dotted(o)]
            return f"compared with `{others[0]}`" if others else "compared with other values"
        if isinstance(parent, cst.Match) and parent.subject is current:
            return "compared with other values"
        if isinstance(parent, cst.Index) and isinstance(self.index.parent(parent), cst.SubscriptElement):
            return "used as a key"
        if isinstance(parent, cst.DictElement) and parent.key is current:
            return "used as a key"
        if isinstance(parent, cst.Attribute) and parent.value is current and \
                parent.attr.value in ("startswith", "endswith", "lower", "upper", "split", "replace",
                                      "casefold", "strip", "find", "index", "partition", "count"):
            return f"inspected with `.{parent.attr.value}()`"
        return None

    def _only_shown(self, part: cst.FormattedStringExpression) -> bool:
        """An f-string part whose f-string is only printed or logged."""
        string = self.index.parent(part)
        return isinstance(string, cst.FormattedString) and self._is_shown_argument(string)

    def _is_shown_argument(self, expr: cst.CSTNode) -> bool:
        argument = self.index.parent(expr)
        if not isinstance(argument, cst.Arg) or argument.value is not expr:
            return False
        call = self.index.parent(argument)
        return isinstance(call, cst.Call) and _is_print_or_log(call)

    def _flows_from_argument(self, argument: cst.Arg, expr: cst.CSTNode, depth: int) -> list[Reached]:
        call = self.index.parent(argument)
        if not isinstance(call, cst.Call):
            raise Unfollowable(f"the value is passed to something the tool cannot follow "
                               f"({self.where(argument)})")
        if self.index.env_default(call) is expr:
            return EXTENSIONS.follow_environment_read(self, call, depth)
        request = self.index.request_for(call)
        if request is not None and request.model_expr is expr:
            return [self._reached(request)]
        if isinstance(call.func, cst.Attribute) and call.func.attr.value in ("get", "pop", "setdefault") \
                and call.args and call.args[0] is argument:
            raise Unfollowable(f"{_source_name(expr)} is used as a key of `{_dotted(call.func.value)}` "
                               f"at {self.where(call)}; a rename alone changes what the code decides",
                               plain=False)
        if _is_print_or_log(call) and argument.keyword is None:
            self.state.shown += 1
            return []
        function = self._project_function(call)
        if function is not None:
            context, definition = function
            param = _parameter_for(definition, call, argument, is_method(context, definition))
            if param is not None:
                return ValueFlow(context, self.state).flows_into_parameter(
                    param, depth + 1, (self.context, call))
        shown = ".".join(attribute_chain(call.func)) or "a call"
        beside = [f"`{arg.keyword.value}={_dotted(arg.value)}`" for arg in call.args
                  if arg.keyword is not None and arg is not argument and _dotted(arg.value)]
        with_names = f" with {', '.join(beside[:2])}" if beside else ""
        raise Unfollowable(f"the value is passed to `{shown}()`{with_names} at {self.where(call)}, "
                           "which is not a recognised request (it may look the name up)")

    def _flows_from_dict_value(self, element: cst.DictElement, expr: cst.CSTNode,
                               depth: int) -> list[Reached]:
        container = self.index.parent(element)
        if isinstance(container, cst.Dict):
            request = self.index.request_for(container) or self._followed_payload(container, element)
            if request is not None and request.model_expr is expr:
                try:
                    return [self._reached(request, self._require_sent_payload(request))]
                except Unfollowable:
                    if not EXTENSIONS.is_named_dict_entry(self, element):
                        raise
                    # not posted as it is: a settings dict whose "model" entry is read
            if request is None or request.model_expr is expr:
                return EXTENSIONS.follow_dict_entry(self, element, depth)
        raise Unfollowable(f"the value is stored in a dict the tool cannot follow to a request "
                           f"({self.where(element)})")

    # -- names ----------------------------------------------------------------------

    def _flows_of_name(self, target: cst.Name, depth: int) -> list[Reached]:
        scope = self.index.scope_of(target)
        if scope is None:
            raise Unfollowable(f"`{target.value}` has no scope information")
        if isinstance(scope, ClassScope):
            return self._flows_of_class_attribute(target, depth)
        self.state.names.add(target.value)
        assignments = list(scope.assignments[target.value])
        if len(assignments) != 1:
            raise Unfollowable(f"`{target.value}` is assigned more than once in "
                               f"{self.context.location.path}")
        accesses = self.context.in_source_order(access.node for access in assignments[0].references)
        reached = self._flows_of_accesses(target.value, accesses, depth)
        if isinstance(scope, GlobalScope):
            reached += self.flows_through_importers(target.value, depth)
        elif not accesses:
            raise Unfollowable(f"`{target.value}` is not used (at {self.where(target)})")
        return reached

    def _flows_of_accesses(self, name: str, nodes: Sequence[cst.CSTNode], depth: int) -> list[Reached]:
        reached: list[Reached] = []
        for node in nodes:
            try:
                if not isinstance(node, cst.Name):
                    raise Unfollowable(f"`{name}` is used in a way the tool cannot follow "
                                       f"({self.where(node)})")
                reached.extend(self.flows(node, depth + 1))
            except Unfollowable as why:
                self.state.blocked(why)
        return reached

    # -- other modules --------------------------------------------------------------

    def flows_through_importers(self, name: str, depth: int) -> list[Reached]:
        """The requests ``name`` (a module-level name here) reaches in the modules importing it."""
        return self.importer_flows(name, "import", lambda binding: self._flow_in(binding).flows_of_binding(
            binding, name, depth + 1))

    def importer_flows(self, name: str, verb: str,
                       follow: Callable[[ImportBinding], list[Reached]]) -> list[Reached]:
        """What ``follow`` finds at each import of ``name`` (a module-level name here) in the
        rest of the project, once per binding; a binding it cannot follow is noted. Code
        outside the project that may ``verb`` a public name blocks the fix; in a notebook, a
        use of the name outside the joined program does."""
        if self.context.location.in_notebook:
            where = self.context.location.name_used_outside(name)
            if where is not None:
                raise Unfollowable(f"`{name}` is also used in {where}")
            return []
        project, path = self.state.project, self.real_path_or_foreign
        module = project.module_of(path) if project is not None and path is not None else None
        if project is None or module is None:
            return []
        if project.is_public(module) and not name.startswith("_"):
            self.state.blocked(Unfollowable(f"`{name}` is public API of `{module}` (`public-api` "
                                            f"setting): code outside the project may {verb} it"))
        reached: list[Reached] = []
        for binding in project.importers(module, name):
            if binding.importer == path:
                continue
            key = (binding.importer, binding.local, binding.line)
            if key in self.state.visited:
                continue
            self.state.visited.add(key)
            try:
                reached.extend(follow(binding))
            except Unfollowable as why:
                self.state.blocked(why)
        return reached

    def _flow_in(self, binding: ImportBinding) -> ValueFlow:
        context = load_context(binding.importer, self.context.judgement, self.state)
        if context is None:
            raise Unfollowable(f"{display_path(binding.importer)} imports `{binding.local}` but "
                               "cannot be parsed")
        return ValueFlow(context, self.state)

    def flows_of_binding(self, binding: ImportBinding, name: str, depth: int) -> list[Reached]:
        where = f"{self.context.location.path}:{binding.line}"
        if binding.kind == "star":
            raise Unfollowable(f"{where} imports everything (`*`) from the module of `{name}`")
        scope = self._global_scope()
        assignments = list(scope.assignments[binding.local]) if scope is not None else []
        if len(assignments) != 1:
            raise Unfollowable(f"`{binding.local}` is bound more than once in {self.context.location.path}")
        accesses = self.context.in_source_order(access.node for access in assignments[0].references)
        if binding.kind == "name":
            self.state.names.add(binding.local)
            reached = self._flows_of_accesses(binding.local, accesses, depth)
            return reached + self.flows_through_importers(binding.local, depth)
        reached = []
        for node in accesses:
            use = _attribute_use(self.index, node, (*binding.attributes, name))
            if use is None:
                if _reaches_other_attribute(self.index, node, binding.attributes):
                    continue
                raise Unfollowable(f"the module holding `{name}` is passed on at {self.where(node)}")
            if self.context.expression_context(use) is ExpressionContext.STORE:
                raise Unfollowable(f"`{name}` is set again at {self.where(use)}")
            reached.extend(self.flows(use, depth + 1))
        return reached

    def _global_scope(self) -> GlobalScope | None:
        scope = self.context.metadata_of(ScopeProvider, self.context.module)
        return scope if isinstance(scope, GlobalScope) else None

    def _project_function(self, call: cst.Call) -> tuple[ModuleContext, cst.FunctionDef] | None:
        """The project function a call calls by its name (in this module or imported): a
        module-level function, or the ``__init__`` of a module-level class it constructs."""
        if not isinstance(call.func, cst.Name):
            return None
        name = call.func.value
        assignments = self.index.assignments_of(call.func)
        if len(assignments) != 1:  # `try: from fast import ask`, `if ...: def ask` else another
            return None
        node = assignments[0].node
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)) and \
                isinstance(self.index.scope_of(node), GlobalScope):
            return _called_function(self.context, node)
        if isinstance(node, cst.ImportFrom):
            return self._imported_function(node, name)
        return None

    def _imported_function(self, statement: cst.ImportFrom,
                           local: str) -> tuple[ModuleContext, cst.FunctionDef] | None:
        """The function (or class) an imported name is, where it is defined (re-exports, such
        as ``from .bot import Bot`` in a package's ``__init__``, followed)."""
        found = self._defined_where(statement, local, 0)
        if found is None:
            return None
        context, node = found
        if not isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            return None
        return _called_function(context, node)

    # -- functions ------------------------------------------------------------------

    def flows_into_parameter(self, param: cst.Param, depth: int,
                             via: tuple[ModuleContext, cst.Call] | None = None) -> list[Reached]:
        """The requests a parameter reaches; every value it can hold must agree (default, callers),
        unless the switch goes at the calls that bring the value (a ``**kwargs`` forward)."""
        function = self.enclosing(param, cst.FunctionDef)
        if function is None:
            raise Unfollowable(f"the value is a lambda's default ({self.where(param)})")
        if function.decorators:
            raise Unfollowable(f"`{function.name.value}` is decorated ({self.where(function)}): "
                               "what calls it, with which values, is not visible")
        key = (self.context.location.path, f"param:{function.name.value}.{param.name.value}",
               id(via[1]) if via is not None else 0)
        if key in self.state.visited:
            return []
        self.state.visited.add(key)
        scope = self.index.scope_of(function.body)
        if scope is None:
            raise Unfollowable("no scope information")
        self.state.names.add(param.name.value)
        assignments = list(scope.assignments[param.name.value])
        if len(assignments) != 1:
            raise Unfollowable(f"`{param.name.value}` is reassigned in `{function.name.value}` "
                               f"({self.where(function)})")
        accesses = self.context.in_source_order(access.node for access in assignments[0].references)
        if not accesses:
            raise Unfollowable(f"`{param.name.value}` is not used in `{function.name.value}`")
        # The uses first, so that a blocking use is named before the other values it may hold.
        entry = Entry(self.context, function, param, via)
        self.state.entries.append(entry)
        try:
            reached = self._flows_of_accesses(param.name.value, accesses, depth)
        finally:
            self.state.entries.pop()
        if not reached or any(r.entry is not entry or forwarded_kwargs(r.request, entry) is not None
                              for r in reached):
            self._require_agreeing_sources(function, param)
        return reached

    def _require_agreeing_sources(self, function: cst.FunctionDef, param: cst.Param) -> None:
        """Every value the parameter may hold needs the thinking state this fix writes."""
        sources: list[tuple[str, cst.CSTNode, ModuleContext]] = []
        if param.default is not None:
            sources.append((f"its default ({self.where(param.default)})", param.default, self.context))
        for context, call in self._callers(function):
            passed = _argument_for(function, param, call, is_method(self.context, function))
            if isinstance(passed, bool):
                raise Unfollowable(f"`{function.name.value}` is called with `*args`/`**kwargs` at "
                                   f"{ValueFlow(context, self.state).where(call)}", rename_only=True)
            if passed is not None:
                sources.append((ValueFlow(context, self.state).where(passed), passed, context))
        ours = "disabled" if self.state.disable else "enabled"
        origin = ValueFlow(self.state.origin, self.state).where(self.state.node)
        for where, value, context in sources:
            behind = ValueFlow(context, self.state).literal_behind(value, 0)
            state = _thinking_of_source(*behind) if behind is not None else None
            if state is None:
                raise Unfollowable(f"`{function.name.value}` gets another `{param.name.value}` at "
                                   f"{where}, a value the tool cannot follow", rename_only=True)
            if state[1] != ours:
                raise Unfollowable(
                    f"`{function.name.value}` gets `{self.state.match.spelled}` ({origin}) and "
                    f"`{state[0]}` ({where}): one request cannot keep both thinking states; "
                    "choose the successor and the thinking setting of each caller by hand",
                    rename_only=True)

    def literal_behind(self, value: cst.CSTNode, depth: int) -> tuple[ModuleContext, cst.CSTNode] | None:
        """The string literal a value stands for: itself, or a constant here or in a project module."""
        if isinstance(value, STRING_NODES):
            return self.context, value
        if not isinstance(value, cst.Name) or depth > MAX_DEPTH:
            return None
        assignments = self.index.assignments_of(value)
        if len(assignments) != 1:
            return None
        node = assignments[0].node
        if isinstance(node, cst.ImportFrom):
            return self._imported_literal(node, value.value, depth)
        bound = self.index.bound_value(value)
        if bound is None or bound[1] != "constant":
            return None
        return self.literal_behind(bound[0], depth + 1)

    def _imported_literal(self, statement: cst.ImportFrom, local: str,
                          depth: int) -> tuple[ModuleContext, cst.CSTNode] | None:
        found = self._imported_value(statement, local, depth)
        if found is None:
            return None
        context, value = found
        return ValueFlow(context, self.state).literal_behind(value, depth + 1)

    def _imported_value(self, statement: cst.ImportFrom, local: str,
                        depth: int) -> tuple[ModuleContext, cst.BaseExpression] | None:
        """Where an imported name is assigned (``NAME = value``), following re-exports."""
        found = self._defined_where(statement, local, depth)
        if found is None:
            return None
        context, target = found
        value = _assigned_value(context, target) if isinstance(target, cst.Name) else None
        return (context, value) if value is not None else None

    def _defined_where(self, statement: cst.ImportFrom, local: str,
                       depth: int) -> tuple[ModuleContext, cst.CSTNode] | None:
        """The project module where an imported name is bound, and its one binding there (the
        target of ``NAME = ...``, a ``def``, a ``class``), following re-exports."""
        found = self._imported_definition(statement, local)
        if found is None or depth > MAX_DEPTH:
            return None
        context, name = found
        there = ValueFlow(context, self.state)
        scope = there._global_scope()
        bindings = list(scope.assignments[name]) if scope is not None else []
        if len(bindings) != 1 or not isinstance(bindings[0], Assignment):
            return None
        node = bindings[0].node
        if isinstance(node, cst.ImportFrom):
            return there._defined_where(node, name, depth + 1)
        return context, node

    def client_from_project(self, request: Request, depth: int = 0) -> bool:
        """A request recognised by its method shape whose client object is imported from a
        project module that builds it with the library (``client = OpenAI(...)`` there)."""
        if not isinstance(request.node, cst.Call):
            return False
        root: cst.BaseExpression = request.node.func
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name):
            return False
        return self._builds_client(root, request.library.import_roots, depth)

    def _builds_client(self, name: cst.Name, roots: tuple[str, ...], depth: int) -> bool:
        """Whether the imported ``name`` is, where it is defined, a client built by the library."""
        assignments = self.index.assignments_of(name)
        if len(assignments) != 1 or not isinstance(assignments[0].node, cst.ImportFrom):
            return False
        found = self._imported_value(assignments[0].node, name.value, depth)
        if found is None:
            return False
        context, value = found
        if not isinstance(value, cst.Call):
            return False
        names = context.requests.qualified_names(value.func)
        return any(qualified.split(".")[0] in roots for qualified in names)

    def _imported_definition(self, statement: cst.ImportFrom, local: str) -> tuple[ModuleContext, str] | None:
        """The project module an imported name comes from, and its name there."""
        project, path = self.state.project, self.real_path_or_foreign
        if project is None or path is None or isinstance(statement.names, cst.ImportStar):
            return None
        for alias in statement.names:
            bound = alias.asname.name if alias.asname is not None else alias.name
            if not isinstance(bound, cst.Name) or bound.value != local:
                continue
            module = project.resolve_from(path, _dotted(statement.module), len(statement.relative))
            target = project.file_of(module) if module is not None else None
            if target is None:
                return None
            context = load_context(target, self.context.judgement, self.state)
            return (context, _dotted(alias.name)) if context is not None else None
        return None

    def _callers(self, function: cst.FunctionDef) -> list[tuple[ModuleContext, cst.Call]]:
        """Calls of ``function`` in this module and in the modules that import it."""
        name = function.name.value
        owner: str | None = None
        if function.name.value == "__init__" or isinstance(self.index.scope_of(function), ClassScope):
            klass = self.enclosing(function, cst.ClassDef)
            owner = klass.name.value if klass is not None else None
        names = {name} | ({owner} if owner and name == "__init__" else set())
        constructor = klass if owner is not None and name == "__init__" else None
        found = [(self.context, call) for call in _calls_named(self.context, names)]
        self._require_only_called(function)
        if owner is not None and name != "__init__":
            self._require_only_called_in(self.context, set(), name)
        if constructor is not None:
            self._require_visible_constructions(self.context, constructor, {constructor.name.value})
        exported = owner or name
        project, path = self.state.project, self.real_path
        if project is None or path is None:
            return found
        module = project.module_of(path)
        if module is None:
            return found
        if project.is_public(module) and not exported.startswith("_"):
            raise Unfollowable(f"`{exported}` is public API of `{module}` (`public-api` setting): "
                               "callers outside the project may pass other values")
        visited = {path}
        for binding in project.bindings(module, exported):  # re-exports too: callers import them
            if binding.importer == path:
                continue
            visited.add(binding.importer)
            if binding.kind == "star":
                raise Unfollowable(f"{display_path(binding.importer)}:{binding.line} imports everything "
                                   f"(`*`) from the module of `{exported}`")
            context = load_context(binding.importer, self.context.judgement, self.state)
            if context is None:
                raise Unfollowable(f"{display_path(binding.importer)} imports `{exported}` but cannot "
                                   "be parsed")
            local = {binding.local if binding.kind == "name" else exported}
            if constructor is not None:
                self._require_visible_constructions(context, constructor, local)
                local |= {binding.local, "__init__"}  # also `obj.__init__(...)` called again
            elif owner is not None:
                local = {name}  # a method: its calls look like `obj.name(...)`
                self._require_only_called_in(context, set(), name)
            else:
                self._require_only_called_in(context, local, name)
            found.extend((context, call) for call in _calls_named(context, local))
        self._require_no_reach_from_elsewhere(project, module, exported, visited, constructor is not None)
        return found

    def _require_no_reach_from_elsewhere(self, project: Project, module: str, name: str,
                                         visited: set[str], is_class: bool) -> None:
        """What the import graph cannot show: a notebook naming the function with its module,
        or any notebook or config file naming the class (a notebook's code, Hydra's
        ``_target_``); for a class also a module that does not import it but names it
        (``getattr(module, "Analyst")``, a module object handed on) or may make one from an
        instance (``type(obj)(...)``, ``obj.__init__(...)``)."""
        words = project_words(project)
        if is_class:
            outside = list(project.other_files)
        else:
            notebooks = [p for p in project.other_files if p.endswith(".ipynb")]
            outside = sorted({p for part in module.split(".") for p in words.files_naming(part, notebooks)})
        named = words.files_naming(name, outside)
        if named:
            what = "make one" if is_class else "call it"
            raise Unfollowable(f"`{name}` is named in {display_path(named[0])}, which the tool does not "
                               f"follow as code: it may {what} with other values", rename_only=True)
        if not is_class:
            return
        if words.method_functions:
            raise Unfollowable(f"{display_path(words.method_functions[0])} takes a method's function off "
                               f"its instance (`__func__`, `MethodType`): a `{name}` method may run with "
                               "another object as `self`", rename_only=True)
        unvisited = [p for p in project.files if p not in visited]
        named = words.files_naming(name, unvisited)
        if named:
            raise Unfollowable(f"`{name}` is named in {display_path(named[0])}, which does not import it: "
                               "instances may be made there by name (`getattr`, a module object, a "
                               "registry)", rename_only=True)
        for path in sorted(words.unnamed.intersection(unvisited)):
            self._require_no_unnamed_construction(path, name)

    def _require_no_unnamed_construction(self, path: str, name: str) -> None:
        context = load_context(path, self.context.judgement, self.state)
        if context is None:
            raise Unfollowable(f"{display_path(path)} cannot be parsed: it may make a `{name}`")
        node = anonymous_construction(context) or reinitialisation(context)
        if node is not None:
            raise Unfollowable(f"{ValueFlow(context, self.state).where(node)} may make an object of a type "
                               f"it does not name: it may be `{name}`, with other values", rename_only=True)

    def _require_only_called_in(self, context: ModuleContext, names: set[str], function: str) -> None:
        """In a module importing the function (or the class of a method), every reference to
        it is a call: handed on (``HANDLERS = {"ask": ask}``, ``run(ask)``, ``cb = bot.reply``)
        it may be called anywhere, with anything."""
        node = uncalled_reference(context, names, function) or dynamic_code(context)
        if node is not None:
            raise Unfollowable(f"`{function}` is handed on as a value at "
                               f"{ValueFlow(context, self.state).where(node)}: its callers are not all "
                               "visible")

    def _require_visible_constructions(self, context: ModuleContext, klass: cst.ClassDef,
                                       names: set[str]) -> None:
        """Every construction of ``klass`` in a module is a call of one of ``names`` (what
        ``_callers`` collects): the class is not subclassed or handed on, and no code makes
        an object of its type without naming it (``type(obj)(...)``, ``cls(...)``)."""
        there, shown = ValueFlow(context, self.state), klass.name.value
        for node in class_references(context, names, klass):
            use = class_use(context, node)
            if use == "subclassed":
                sub = there.enclosing(node, cst.ClassDef)
                raise Unfollowable(f"`{sub.name.value if sub is not None else 'a class'}` subclasses "
                                   f"`{shown}` ({there.where(node)}): its instances may be made with "
                                   "other values", rename_only=True)
            if use != "ok":
                how = "used through one of its attributes" if use == "attribute" else "handed on as a value"
                raise Unfollowable(f"`{shown}` is {how} at {there.where(node)}: its instances may be "
                                   "made where the tool cannot see", rename_only=True)
        anonymous = anonymous_construction(context) or uncalled_reference(context, set(), "__init__") \
            or dynamic_code(context)
        if anonymous is not None:
            start, end = context.node_range(anonymous)
            raise Unfollowable(f"`{context.text[start:end]}` at {there.where(anonymous)} may construct "
                               f"`{shown}` without naming it: the values its `__init__` gets there are "
                               "not visible", rename_only=True)

    def _require_only_called(self, function: cst.FunctionDef) -> None:
        """A function handed on as a value may be called anywhere, with anything."""
        scope = self.index.scope_of(function)
        if scope is None:
            return
        for assignment in scope.assignments[function.name.value]:
            for node in self.context.in_source_order(access.node for access in assignment.references):
                parent = self.index.parent(node)
                if not (isinstance(parent, cst.Call) and parent.func is node):
                    raise Unfollowable(f"`{function.name.value}` is handed on as a value at "
                                       f"{self.where(node)}: its callers are not all visible")

    # -- class attributes --------------------------------------------------------------

    def _flows_of_class_attribute(self, target: cst.Name, depth: int) -> list[Reached]:
        klass = self.enclosing(target, cst.ClassDef)
        if klass is None:
            raise Unfollowable("class attribute outside a class")
        if len([a for a in class_assignments(klass) if assigns(a, target.value)]) != 1:
            raise Unfollowable(f"`{target.value}` is assigned more than once in its class")
        self.state.names.add(target.value)
        self._require_class_wide(klass, target.value)
        if isinstance(self.index.scope_of(klass), GlobalScope):
            self._require_class_not_imported(klass)
        owners = {"self", "cls", klass.name.value}
        uses = self.context.attributes_named((target.value,))
        if not uses:
            raise Unfollowable(f"`{klass.name.value}.{target.value}` is not used in this module")
        reached: list[Reached] = []
        for use in uses:
            if not (isinstance(use.value, cst.Name) and use.value.value in owners):
                raise Unfollowable(f"`.{target.value}` is read through an object the tool cannot "
                                   f"follow ({self.where(use)})")
            found = self.flows(use, depth + 1)
            if any(r.request.source.literal is not self.state.node for r in found):
                raise Unfollowable(f"`.{target.value}` may hold another value where it is read "
                                   f"({self.where(use)})")
            reached.extend(found)
        return reached

    def _require_class_not_imported(self, klass: cst.ClassDef) -> None:
        project, path = self.state.project, self.real_path
        if self.context.location.in_notebook:
            where = self.context.location.name_used_outside(klass.name.value)
            if where is not None:
                raise Unfollowable(f"`{klass.name.value}` is also used in {where}")
            return
        if project is None or path is None:
            return
        module = project.module_of(path)
        if module is None:
            return
        for binding in project.importers(module, klass.name.value):
            if binding.importer != path:
                raise Unfollowable(f"`{klass.name.value}` is imported by "
                                   f"{display_path(binding.importer)}:{binding.line}: subclasses or "
                                   "instances there may give the attribute another value")

    def _require_class_wide(self, klass: cst.ClassDef, attribute: str) -> None:
        """The attribute holds this one value for every instance, or raise."""
        owner = klass.name.value
        if _declares_fields(klass):
            raise Unfollowable(f"`{owner}.{attribute}` is a per-instance default (`{owner}` declares "
                               "fields): instances may be created with another value")
        family = {owner}
        classes = [node for node in self.context.nodes_of(cst.ClassDef) if isinstance(node, cst.ClassDef)]
        grew = True
        while grew:  # subclasses of subclasses, by name
            grew = False
            for other in classes:
                if other.name.value not in family and _base_names(other) & family:
                    family.add(other.name.value)
                    grew = True
                    if any(assigns(a, attribute) for a in class_assignments(other)):
                        raise Unfollowable(f"subclass `{other.name.value}` gives `{attribute}` "
                                           "another value")
        for node in self.context.calls_named(family):
            if attribute in call_keywords(node):
                raise Unfollowable(f"an instance is created with its own `{attribute}=` "
                                   f"({self.where(node)})")

    # -- JSON bodies -----------------------------------------------------------------

    def _followed_payload(self, container: cst.Dict, element: cst.DictElement) -> Request | None:
        """The JSON body whose ``"model"`` entry is the followed value, recognised by the flow."""
        if not (isinstance(element.key, STRING_NODES) and literal_value(element.key) == "model"):
            return None
        source = ModelSource(self.state.node, self.state.match, "followed")
        return self.index.followed_payload(container, source)

    def _require_sent_payload(self, request: Request) -> cst.CSTNode | None:
        """A JSON body counts when it is visibly posted as JSON (or is a Router entry).

        Returns the call that posts it (None for a Router entry).
        """
        if not request.library.sends_request:
            return None
        node: cst.CSTNode = request.node
        parent = self.index.parent(node)
        if parent is not None and self._is_json_argument(parent):
            return self.index.parent(parent)
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and \
                isinstance(parent.targets[0].target, cst.Name):
            name = parent.targets[0].target
            scope = self.index.scope_of(name)
            if scope is not None:
                assignments = list(scope.assignments[name.value])
                if len(assignments) == 1:
                    if isinstance(scope, GlobalScope):
                        importer = self._first_importer(name.value)
                        if importer is not None:
                            raise Unfollowable(f"`{name.value}` is imported by {importer}, which may "
                                               "change it or send it elsewhere")
                    uses = self.context.in_source_order(a.node for a in assignments[0].references)
                    others = [u for u in uses if not (self._is_json_argument(self.index.parent(u)) or
                                                      self._is_item_read(u) or
                                                      self._keeps_default_through(u))]
                    posts = [self.index.parent(argument) for u in uses
                             if (argument := self.index.parent(u)) is not None and
                             self._is_json_argument(argument)]
                    if uses and not others and posts:
                        return posts[0]
                    where = f" at {self.where(others[0])}" if others else ""
                    raise Unfollowable(f"`{name.value}` is changed or passed on{where} before it is "
                                       "sent (or is never visibly posted as JSON)")
                raise Unfollowable(f"`{name.value}` is bound more than once")
        raise Unfollowable(f"the dict is not visibly posted as a JSON request body ({self.where(node)})")

    def _keeps_default_through(self, use: cst.CSTNode) -> bool:
        """``payload["stream"] = …`` after the literal: thinking enabled (V4's default) survives it.

        Only when keeping thinking on, and only for a literal key that is not the model or
        the effort: whatever the code sets there wins after the fix as it did before.
        """
        subscript = self.index.parent(use)
        if self.state.disable or not isinstance(subscript, cst.Subscript) or subscript.value is not use:
            return False
        if len(subscript.slice) != 1 or not isinstance(subscript.slice[0].slice, cst.Index):
            return False
        key = subscript.slice[0].slice.value
        return isinstance(key, cst.SimpleString) and \
            key.evaluated_value not in ("model", "reasoning_effort")

    def _first_importer(self, name: str) -> str | None:
        """Where another module imports this module's ``name``, as "path:line"; None if nowhere."""
        project, path = self.state.project, self.real_path_or_foreign
        if project is None or path is None:
            return None
        module = project.module_of(path)
        if module is None:
            return None
        for binding in project.importers(module, name):
            if binding.importer != path:
                return f"{display_path(binding.importer)}:{binding.line}"
        return None

    def uses_elsewhere(self, name: str, most: int = 3) -> list[str]:
        """Where a module-level ``name`` is used in this module and the modules importing it."""
        places: list[str] = []
        scope = self._global_scope()
        if scope is not None:
            for assignment in scope.assignments[name]:
                places.extend(self.where(access.node) for access in assignment.references)
        project, path = self.state.project, self.real_path_or_foreign
        module = project.module_of(path) if project is not None and path is not None else None
        if project is not None and module is not None:
            for binding in project.importers(module, name):
                if binding.importer == path or binding.kind != "name":
                    continue
                context = load_context(binding.importer, self.context.judgement, self.state)
                there = ValueFlow(context, self.state) if context is not None else None
                global_scope = there._global_scope() if there is not None else None
                if there is None or global_scope is None:
                    continue
                for assignment in global_scope.assignments[binding.local]:
                    places.extend(there.where(access.node) for access in assignment.references)
        return sorted(dict.fromkeys(places))[:most]

    def _is_item_read(self, use: cst.CSTNode) -> bool:
        """``payload["x"]`` that only reads (not ``payload["x"] = …``, ``del``, ``+=``)."""
        subscript = self.index.parent(use)
        if not isinstance(subscript, cst.Subscript) or subscript.value is not use:
            return False
        return self.context.expression_context(subscript) is ExpressionContext.LOAD

    def _is_json_argument(self, node: cst.CSTNode | None) -> bool:
        if not isinstance(node, cst.Arg) or node.keyword is None:
            return False
        if node.keyword.value not in PAYLOAD_KEYWORDS:
            return False
        call = self.index.parent(node)
        return isinstance(call, cst.Call) and attribute_chain(call.func)[-1:] in (
            [method] for method in PAYLOAD_METHODS)

    def enclosing(self, node: cst.CSTNode, kind: type[_N]) -> _N | None:
        current = self.index.parent(node)
        while current is not None:
            if isinstance(current, kind):
                return current
            current = self.index.parent(current)
        return None


class FlowLoader:
    """The table check's view of the project: contexts loaded as the follow loads them."""

    def __init__(self, context: ModuleContext, state: FlowState) -> None:
        self.context = context
        self.state = state

    def load(self, real_path: str) -> ModuleContext | None:
        return load_context(real_path, self.context.judgement, self.state)

    def real_path_of(self, context: ModuleContext) -> str | None:
        return self.state.real_path_of(context)

    def display(self, context: ModuleContext, node: cst.CSTNode) -> str:
        return ValueFlow(context, self.state).where(node)

    def display_path(self, real_path: str) -> str:
        return display_path(real_path)

    def file_of(self, context: ModuleContext) -> str | None:
        return ValueFlow(context, self.state).real_path_or_foreign


# -- other files -----------------------------------------------------------------------------




def load_context(path: str, judgement: Judgement, state: FlowState) -> ModuleContext | None:
    """A module context for another project file, parsed as ``check`` parses it."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    digest = hashlib.sha256(data).hexdigest()
    context = _context_for(path, digest, data, judgement)
    if context is not None:
        state.inputs.setdefault(path, digest)
    return context


_CONTEXTS: dict[tuple[str, str, int], ModuleContext | None] = {}
# id of a loaded context -> its real path, while that context lives: a context a running follow
# still holds keeps its path when the cache above is emptied, and a dead one's id never
# lends its path to a new object.
_REAL_PATHS: dict[int, tuple[str, weakref.ref[ModuleContext]]] = {}


def _context_for(path: str, digest: str, data: bytes, judgement: Judgement) -> ModuleContext | None:
    key = (path, digest, id(judgement))
    if key not in _CONTEXTS:
        if len(_CONTEXTS) > 256:
            _CONTEXTS.clear()
            for dead in [k for k, (_, ref) in _REAL_PATHS.items() if ref() is None]:
                del _REAL_PATHS[dead]
        context = _parse_context(path, data, judgement)
        _CONTEXTS[key] = context
        if context is not None:
            _REAL_PATHS[id(context)] = (path, weakref.ref(context))
    return _CONTEXTS[key]


def _parse_context(path: str, data: bytes, judgement: Judgement) -> ModuleContext | None:
    from libcst.metadata import MetadataWrapper

    from migrator.decoding import DecodeError, decode_python_source
    from migrator.parsing import NestedTooDeeply, parse_module

    try:
        text = decode_python_source(data).text
        module = parse_module(text)
    except (DecodeError, cst.ParserSyntaxError, NestedTooDeeply, RecursionError):
        return None
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    return ModuleContext(module, wrapper, text, Location(display_path(path)), judgement)


# -- small helpers ------------------------------------------------------------------------------


def _assigned_value(context: ModuleContext, name: cst.Name) -> cst.BaseExpression | None:
    """The value of ``NAME = value`` (or ``NAME: T = value``) whose target is ``name``."""
    parent = context.requests.parent(name)
    if isinstance(parent, cst.AssignTarget):
        statement = context.requests.parent(parent)
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            return statement.value
    if isinstance(parent, cst.AnnAssign) and parent.target is name:
        return parent.value
    return None


def _thinking_of_source(context: ModuleContext, value: cst.CSTNode) -> tuple[str, str] | None:
    """The spelling and successor thinking state of a retired-ID literal; None for anything else."""
    if not isinstance(value, STRING_NODES):
        return None
    match = context.strings.whole_match(value)
    if match is None or not match.model.is_retired:
        return None
    return match.spelled, match.model.successor_thinking or "enabled"


def _is_print_or_log(call: cst.Call) -> bool:
    chain = attribute_chain(call.func)
    if chain == ["print"]:
        return True
    return len(chain) >= 2 and chain[-1] in LOG_METHODS and (
        chain[-2] in LOGGER_NAMES or chain[-2].endswith(("logger", "log", "LOGGER")))


def _climb(index: RequestIndex, node: cst.CSTNode, attributes: tuple[str, ...]) -> cst.CSTNode | None:
    """The node ``node.a.b`` for ``attributes`` ("a", "b"), when the code spells exactly that."""
    current = node
    for attribute in attributes:
        parent = index.parent(current)
        if not (isinstance(parent, cst.Attribute) and parent.value is current and
                parent.attr.value == attribute):
            return None
        current = parent
    return current


def _attribute_use(index: RequestIndex, node: cst.CSTNode,
                   attributes: tuple[str, ...]) -> cst.Attribute | None:
    """``local.a.b.NAME`` climbing from the ``local`` name node, when the chain is exactly that."""
    used = _climb(index, node, attributes)
    return used if isinstance(used, cst.Attribute) else None


def _reaches_other_attribute(index: RequestIndex, node: cst.CSTNode, attributes: tuple[str, ...]) -> bool:
    """``local.a.OTHER``: the module is used for another of its names."""
    module = _climb(index, node, attributes)
    parent = index.parent(module) if module is not None else None
    return isinstance(parent, cst.Attribute) and parent.value is module


def _called_function(context: ModuleContext, definition: cst.FunctionDef | cst.ClassDef,
                     ) -> tuple[ModuleContext, cst.FunctionDef] | None:
    """What a call of ``definition`` runs with its arguments: the function, or a class's own
    ``__init__``. A class whose construction may not end in that ``__init__`` with the
    call's arguments is not followed: a decorated one, one with a base class (its metaclass
    may see the arguments first), a metaclass or its own ``__new__``, one without ``__init__``."""
    if isinstance(definition, cst.FunctionDef):
        return context, definition
    if definition.decorators or definition.keywords or \
            any(_dotted(base.value) != "object" for base in definition.bases):
        return None
    body = definition.body.body
    if any(isinstance(statement, cst.BaseCompoundStatement) and
           not isinstance(statement, (cst.FunctionDef, cst.ClassDef)) for statement in body):
        return None  # an `if` or `try` in the body may define the constructor another way
    bound = [name for name, _ in class_body_names(definition)]
    constructors = [statement for statement in body
                    if isinstance(statement, cst.FunctionDef) and statement.name.value == "__init__"]
    if len(constructors) != 1 or bound.count("__init__") != 1 or "__new__" in bound:
        return None
    return context, constructors[0]


def _calls_named(context: ModuleContext, names: set[str]) -> list[cst.Call]:
    return [node for node in context.nodes_of(cst.Call)
            if isinstance(node, cst.Call) and set(attribute_chain(node.func)[-1:]) & names]


def is_method(context: ModuleContext, function: cst.FunctionDef) -> bool:
    """A function of a class body that its calls pass the instance (or class) first: any
    but a ``staticmethod``, whatever its first parameter is called."""
    block = context.requests.parent(function)
    if not isinstance(context.requests.parent(block) if block is not None else None, cst.ClassDef):
        return False
    return not any(attribute_chain(d.decorator)[-1:] == ["staticmethod"] for d in function.decorators)


def _positional_params(function: cst.FunctionDef, method: bool) -> list[cst.Param]:
    positional = list(function.params.posonly_params) + list(function.params.params)
    return positional[1:] if method else positional


def _argument_for(function: cst.FunctionDef, param: cst.Param, call: cst.Call,
                  method: bool) -> cst.BaseExpression | bool | None:
    """The value a call passes for ``param``: None when it passes none, False when unknowable.
    A positional-only parameter is never passed by keyword (that keyword goes to ``**kwargs``)."""
    if any(arg.star for arg in call.args):
        return False
    keyword = call_keywords(call).get(param.name.value)
    if keyword is not None and param not in function.params.posonly_params:
        return keyword.value
    positional = _positional_params(function, method)
    if param in positional:
        plain = [arg for arg in call.args if arg.keyword is None]
        at = positional.index(param)
        if len(plain) > at:
            return plain[at].value
    return None


def _parameter_for(function: cst.FunctionDef, call: cst.Call, argument: cst.Arg,
                   method: bool) -> cst.Param | None:
    if argument.star:
        return None
    if argument.keyword is not None:
        for param in [*function.params.params, *function.params.kwonly_params]:
            if param.name.value == argument.keyword.value:
                return param
        return None
    plain = [arg for arg in call.args if arg.keyword is None]
    positional = _positional_params(function, method)
    at = plain.index(argument)
    return positional[at] if at < len(positional) else None


def _source_name(expr: cst.CSTNode) -> str:
    if isinstance(expr, cst.Name):
        return f"`{expr.value}`"
    if isinstance(expr, cst.Attribute):
        return f"`.{expr.attr.value}`"
    return "the value"


def _dotted(node: cst.BaseExpression | None) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _base_names(klass: cst.ClassDef) -> set[str]:
    return {chain[-1] for base in klass.bases if (chain := attribute_chain(base.value))}


def _declares_fields(klass: cst.ClassDef) -> bool:
    """A dataclass, attrs class, pydantic model, NamedTuple or TypedDict."""
    for decorator in klass.decorators:
        expr = decorator.decorator
        chain = attribute_chain(expr.func if isinstance(expr, cst.Call) else expr)
        if chain and (chain[-1] in FIELD_DECORATORS or chain[0] in ("attr", "attrs", "pydantic")):
            return True
    return bool(_base_names(klass) & set(FIELD_BASES))
