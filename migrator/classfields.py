"""Class fields whose default is a request's model: a library subclass, a settings class.

Two kinds of project class keep a model ID as a field default that reaches requests:

- a subclass of a recognised library class that overrides the library's model field
  (``class DeepSeekAdapter(ChatOpenAI): model_name: str = Field(default="deepseek-chat",
  alias="model")``): every instantiation in the project is a request of that library, whose
  model is the default unless the call sets the field; the switch goes at each instantiation,
  in the library's spelling (``extra_body=...``);
- a pydantic-settings class (``class Settings(BaseSettings): llm_model: str = "deepseek-chat"``):
  the field is read through an instance (``settings.llm_model``) wherever the project imports
  it, and from the environment (:mod:`migrator.environment` decides what that allows).

The follow is safe only when every place that could give the field another value is seen:
the class is plain (one base, no decorator, no validator or hook method, no other statement
that touches the field), nothing subclasses it, it is not public API, every use of the class
is an instantiation (or a type annotation, ``isinstance``) that sets nothing the tool cannot
see, and the field is read nowhere the follow did not go. A settings instance is followed to
every use (a use other than reading a setting stops the follow), so no other object can be
it; a library subclass's instances are not followed, so no module of the project may read the
field's attribute (``llm.model_name``) at all: a pricing lookup or a comparison there would see
the new ID.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import ExpressionContext, GlobalScope, ScopeProvider

from migrator.context import STRING_NODES, ModelSource, attribute_chain, call_keywords
from migrator.flow import (
    EXTENSIONS,
    Reached,
    ValueFlow,
    _attribute_use,
    _reaches_other_attribute,
    load_context,
)
from migrator.libraries import BY_CALLABLE, Library
from migrator.project import PerProject, Project, display_path
from migrator.strings import literal_value
from migrator.switch import Unfollowable

FIELD_CALLS = frozenset({"pydantic.Field", "pydantic.fields.Field", "pydantic.v1.Field",
                         "pydantic.v1.fields.Field"})
SETTINGS_CLASSES = frozenset({"pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings",
                              "pydantic.BaseSettings", "pydantic.v1.BaseSettings",
                              "pydantic.env_settings.BaseSettings"})
SUBCLASSED_LIBRARIES = frozenset(name for name, library in BY_CALLABLE.items()
                                 if library.subclass_model_field is not None)
ALIAS_KEYWORDS = ("alias", "validation_alias", "env")
# Methods pydantic (or Python) calls on its own: overriding one may set the field or shape the request.
HOOK_METHODS = frozenset({"__init__", "__new__", "__post_init__", "model_post_init", "__init_subclass__",
                          "__getattr__", "__getattribute__", "__setattr__"})
# Decorators of a function that returns one shared instance (`@lru_cache def get_settings()`).
CACHING_DECORATORS = frozenset({"lru_cache", "cache"})
MAX_HOPS = 6  # names and functions an instance may pass through before the follow stops
# Decorators that leave a method a plain reader (a validator or anything else may set the field).
PLAIN_DECORATORS = frozenset({"property", "cached_property", "computed_field", "classmethod",
                              "staticmethod"})
# model_config keys of pydantic-settings that read values from beyond the environment.
OTHER_SOURCES = ("cli_parse_args", "secrets_dir", "json_file", "yaml_file", "toml_file",
                 "pyproject_toml_table_header")
# Keyword arguments that set a library's request body at the instance: a class field there is
# replaced by the switch written at each instantiation.
BODY_FIELDS = ("model_kwargs",)


@dataclass(frozen=True)
class FieldDeclaration:
    """``name: T = default`` or ``name: T = Field(default, alias=...)`` in a class body."""

    klass: cst.ClassDef
    statement: cst.AnnAssign
    name: str
    keywords: frozenset[str]  # the constructor keywords that set it: its name and its aliases
    default: cst.BaseExpression | None
    computed_alias: bool = False  # an alias that is not a literal: other keywords may set it
    factory: bool = False  # `default_factory=`: the default is computed


def flows_of_class_field(flow: ValueFlow, expr: cst.CSTNode, depth: int) -> list[Reached] | None:
    """The requests a class field's default reaches; None when ``expr`` is not the default of a
    field of a library subclass or a settings class (the caller follows it as any value)."""
    declared = declaration_of(flow, expr)
    if declared is None:
        return None
    library = library_base(flow, declared.klass)
    if library is not None:
        if declared.name != library.subclass_model_field:
            return None
        return _AdapterFlow(flow, declared, library).flows(depth)
    if is_settings_class(flow, declared.klass):
        return _SettingsFlow(flow, declared).flows(depth)
    return None


def flows_of_settings_field(flow: ValueFlow, klass: cst.ClassDef, statement: cst.AnnAssign,
                            depth: int) -> list[Reached]:
    """The requests a settings field reaches, entered from the environment side."""
    declared = _declaration(flow, klass, statement)
    if declared is None or not is_settings_class(flow, klass):
        raise Unfollowable(f"`{klass.name.value}` reads the environment in a way the tool cannot follow")
    return _SettingsFlow(flow, declared).flows(depth)


# -- recognising a field declaration ---------------------------------------------------------------


def declaration_of(flow: ValueFlow, expr: cst.CSTNode) -> FieldDeclaration | None:
    parent = flow.index.parent(expr)
    statement: cst.CSTNode | None = None
    if isinstance(parent, cst.AnnAssign) and parent.value is expr:
        statement = parent
    elif isinstance(parent, cst.Arg) and parent.value is expr:
        call = flow.index.parent(parent)
        if isinstance(call, cst.Call) and _is_field_call(flow, call) and _default_argument(call) is parent:
            statement = flow.index.parent(call)
            if not (isinstance(statement, cst.AnnAssign) and statement.value is call):
                return None
    if not isinstance(statement, cst.AnnAssign):
        return None
    klass = _class_of(flow, statement)
    return _declaration(flow, klass, statement) if klass is not None else None


def _class_of(flow: ValueFlow, statement: cst.AnnAssign) -> cst.ClassDef | None:
    """The class whose body holds ``statement`` directly."""
    line = flow.index.parent(statement)
    block = flow.index.parent(line) if isinstance(line, cst.SimpleStatementLine) else None
    klass = flow.index.parent(block) if isinstance(block, cst.IndentedBlock) else None
    return klass if isinstance(klass, cst.ClassDef) else None


def _declaration(flow: ValueFlow, klass: cst.ClassDef, statement: cst.AnnAssign) -> FieldDeclaration | None:
    if not isinstance(statement.target, cst.Name):
        return None
    name = statement.target.value
    value = statement.value
    if isinstance(value, cst.Call) and _is_field_call(flow, value):
        keywords = call_keywords(value)
        aliases = [literal_value(keywords[k].value) if isinstance(keywords[k].value, STRING_NODES) else None
                   for k in ALIAS_KEYWORDS if k in keywords]
        argument = _default_argument(value)
        return FieldDeclaration(klass, statement, name,
                                frozenset({name, *(alias for alias in aliases if alias)}),
                                argument.value if argument is not None else None,
                                computed_alias=any(alias is None for alias in aliases) or
                                any(arg.star for arg in value.args),
                                factory="default_factory" in keywords)
    return FieldDeclaration(klass, statement, name, frozenset({name}), value)


def _is_field_call(flow: ValueFlow, call: cst.Call) -> bool:
    return flow.index.may_be_named(call.func, FIELD_CALLS) and \
        bool(flow.index.qualified_names(call.func) & FIELD_CALLS)


def _default_argument(call: cst.Call) -> cst.Arg | None:
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    if positional:
        return positional[0]
    return call_keywords(call).get("default")


def library_base(flow: ValueFlow, klass: cst.ClassDef) -> Library | None:
    """The recognised library class ``klass`` subclasses (one with a known model field)."""
    for base in klass.bases:
        if not flow.index.may_be_named(base.value, SUBCLASSED_LIBRARIES):
            continue
        for name in flow.index.qualified_names(base.value):
            library = BY_CALLABLE.get(name)
            if library is not None and library.subclass_model_field is not None:
                return library
    return None


def is_settings_class(flow: ValueFlow, klass: cst.ClassDef) -> bool:
    return any(flow.index.qualified_names(base.value) & SETTINGS_CLASSES for base in klass.bases)


# -- following the class ---------------------------------------------------------------------------


class _FieldFlow:
    """What both kinds share: the class must be plain, its uses seen, the field read nowhere else."""

    def __init__(self, flow: ValueFlow, declared: FieldDeclaration) -> None:
        self.flow = flow
        self.state = flow.state
        self.declared = declared
        self.owner = declared.klass.name.value
        self.contexts: list[ValueFlow] = [flow]  # the modules the follow looked at
        self.followed: set[int] = set()  # attribute reads of the field already followed

    @property
    def label(self) -> str:
        return f"`{self.owner}.{self.declared.name}`"

    def blocked(self, message: str, **how: bool) -> None:
        self.state.blocked(Unfollowable(message, **how))

    def require_plain_class(self, touching: Sequence[str] = ()) -> None:
        klass, declared = self.declared.klass, self.declared
        where = self.flow.where(klass)
        if klass.decorators:
            raise Unfollowable(f"`{self.owner}` is decorated ({where}): what it does to its fields is "
                               "not visible")
        if len(klass.bases) != 1 or klass.keywords:
            raise Unfollowable(f"`{self.owner}` has more than one base ({where}): another may set "
                               f"`{declared.name}`")
        if declared.computed_alias:
            raise Unfollowable(f"{self.label} has an alias the tool cannot read ({where})")
        if declared.factory:
            raise Unfollowable(f"{self.label} has a `default_factory` ({where})")
        watched = {*declared.keywords, *touching}
        if not isinstance(klass.body, cst.IndentedBlock):
            raise Unfollowable(f"`{self.owner}` is written on one line ({where})")
        for statement in klass.body.body:
            self._require_plain_statement(statement, watched)

    def _require_plain_statement(self, statement: cst.BaseStatement, watched: set[str]) -> None:
        where = self.flow.where(statement)
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Expr, cst.Pass)):
                    continue
                targets = _targets(small) if isinstance(small, (cst.Assign, cst.AnnAssign)) else set()
                if not targets:
                    self.blocked(f"`{self.owner}` has a statement the tool does not follow ({where})")
                elif targets & watched and small is not self.declared.statement:
                    self.blocked(f"`{self.owner}` sets `{sorted(targets & watched)[0]}` itself ({where}): "
                                 "a value or switch given at each instance would be changed by it")
        elif isinstance(statement, cst.ClassDef) and statement.name.value == "Config":
            return
        elif isinstance(statement, cst.FunctionDef):
            self._require_plain_method(statement, watched)
        else:
            self.blocked(f"`{self.owner}` has a statement the tool does not follow ({where})")

    def _require_plain_method(self, method: cst.FunctionDef, watched: set[str]) -> None:
        name = method.name.value
        where = self.flow.where(method)
        decorators = {_decorator_name(decorator) for decorator in method.decorators}
        if name in HOOK_METHODS or name.startswith("_") or not decorators <= PLAIN_DECORATORS:
            self.blocked(f"`{self.owner}.{name}` ({where}) may change {self.label} or what is sent")
            return
        mentioned = {node.value for node in _names_in(method)} & watched
        if mentioned:
            self.blocked(f"`{self.owner}.{name}` uses `{sorted(mentioned)[0]}` ({where})")

    def require_not_read_elsewhere(self) -> None:
        """The field is read only where this follow went: not through another object."""
        seen: set[int] = set()
        for there in self.contexts:
            if id(there.context) in seen:
                continue
            seen.add(id(there.context))
            for node in there.context.attributes_named(self.declared.keywords):
                if id(node) not in self.followed:
                    self.blocked(f"`.{node.attr.value}` is read at {there.where(node)} through an object "
                                 f"the tool cannot follow: it may be {self.label}")

    def class_uses(self) -> list[tuple[ValueFlow, cst.CSTNode, str]]:
        """Each use of the class in the project with what it is: call, type, subclass or other."""
        uses: list[tuple[ValueFlow, cst.CSTNode, str]] = []
        for there, node in module_level_uses(self.flow, self.owner):
            self.contexts.append(there)
            uses.append((there, node, _use_kind(there, node)))
        for there, node, kind in uses:
            if kind == "subclass":
                self.blocked(f"`{self.owner}` is subclassed at {there.where(node)}: the subclass may "
                             f"give {self.label} another value")
            elif kind == "other":
                self.blocked(f"`{self.owner}` is handed on as a value at {there.where(node)}: what "
                             "creates instances there is not visible")
        return [(there, node, kind) for there, node, kind in uses if kind == "call"]


class _AdapterFlow(_FieldFlow):
    def __init__(self, flow: ValueFlow, declared: FieldDeclaration, library: Library) -> None:
        super().__init__(flow, declared)
        self.library = library

    def flows(self, depth: int) -> list[Reached]:
        del depth  # an instantiation is the request itself
        self.state.names.add(self.declared.name)
        self.require_plain_class(touching=(self.library.thinking_path[0], *BODY_FIELDS))
        reached: list[Reached] = []
        for there, node, _ in self.class_uses():
            call = there.index.parent(node)
            assert isinstance(call, cst.Call)
            reached.extend(self._instantiation(there, call))
        self._require_field_unread()
        return reached

    def _require_field_unread(self) -> None:
        """Instances go where the tool does not follow them: nothing may read the field."""
        project = self.state.project
        if project is None:
            self.require_not_read_elsewhere()
            return
        for place in attribute_reads(project, self.declared.name):
            self.blocked(f"`.{self.declared.name}` is read at {place}: if that is an instance of "
                         f"`{self.owner}`, the code there would see the new ID")

    def _instantiation(self, there: ValueFlow, call: cst.Call) -> list[Reached]:
        where = there.where(call)
        keywords = call_keywords(call)
        if any(arg.star for arg in call.args):
            self.blocked(f"`{self.owner}` is instantiated with `*args`/`**kwargs` at {where}")
            return []
        if self.declared.keywords & set(keywords):
            return []  # its own model: the default does not reach this instance
        others = set(self.library.model_params) & set(keywords)
        if others or any(arg.keyword is None for arg in call.args):
            shown = f"`{sorted(others)[0]}=`" if others else "a positional argument"
            self.blocked(f"`{self.owner}` is instantiated with {shown} at {where}, which does not set "
                         f"{self.label}")
            return []
        source = ModelSource(self.state.node, self.state.match, "class-field")
        request = there.index.subclass_request(call, self.library, source)
        reached = Reached(request, there.context)
        self.state.reached.append(reached)
        return [reached]


class _SettingsFlow(_FieldFlow):
    def flows(self, depth: int) -> list[Reached]:
        from migrator.environment import field_env_names, join_literal, join_variable

        declared = self.declared
        self.state.names.add(declared.name)
        self.require_plain_class()
        self._require_environment_only()
        reached: list[Reached] = []
        for there, node, _ in self.class_uses():
            call = there.index.parent(node)
            assert isinstance(call, cst.Call)
            reached.extend(self._instance(there, call, depth))
        if declared.default is not None:
            join_literal(self.flow, declared.default, f"the default of {self.label} "
                         f"({self.flow.where(declared.default)})")
        path = self.flow.real_path_or_foreign
        names = field_env_names(path, self.owner, declared.name) if path is not None else None
        if names is None:
            self.blocked(f"{self.label} is read from the environment under names the tool did not "
                         "work out")
        else:
            shown = " or ".join(f"`{name}`" for name in sorted(names))
            reached.extend(join_variable(self.flow, names, depth, skip=declared.statement,
                                         where=f"{self.label} is read from the environment as {shown}"))
        self.require_not_read_elsewhere()
        return reached

    def _require_environment_only(self) -> None:
        """A settings source beyond the environment and `.env` (CLI, secrets, files) is not seen."""
        for statement in self.declared.klass.body.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, (cst.Assign, cst.AnnAssign)) and _targets(small) == {"model_config"}:
                    config = small.value
                    if not isinstance(config, cst.Call) or any(arg.star for arg in config.args):
                        self.blocked(f"`{self.owner}.model_config` is not a literal "
                                     f"({self.flow.where(small)})")
                        return
                    sources = [k for k in OTHER_SOURCES if k in call_keywords(config)]
                    if sources:
                        self.blocked(f"`{self.owner}` also reads `{sources[0]}` "
                                     f"({self.flow.where(small)}): another model may come from there")

    def _instance(self, there: ValueFlow, call: cst.Call, depth: int) -> list[Reached]:
        where = there.where(call)
        keywords = set(call_keywords(call))
        if any(arg.star for arg in call.args) or self.declared.keywords & keywords:
            self.blocked(f"`{self.owner}` is instantiated at {where} with its own {self.label}")
            return []
        if any(keyword.startswith("_") for keyword in keywords):
            self.blocked(f"`{self.owner}` is instantiated at {where} with its own settings sources")
            return []
        return self._instance_value(there, call, depth, 0)

    def _instance_value(self, there: ValueFlow, expr: cst.CSTNode, depth: int, hops: int) -> list[Reached]:
        """Where an expression holding an instance goes: a setting read, a name it is bound to,
        the callers of a function that returns it (``@lru_cache def get_settings()``)."""
        parent = there.index.parent(expr)
        if isinstance(parent, cst.Attribute) and parent.value is expr:
            return self._setting_read(there, parent, depth)
        if hops < MAX_HOPS and isinstance(parent, cst.Assign) and parent.value is expr and \
                len(parent.targets) == 1 and isinstance(parent.targets[0].target, cst.Name):
            return self._bound_instance(there, parent.targets[0].target, depth, hops)
        if hops < MAX_HOPS and isinstance(parent, cst.Return):
            return self._returned_instance(there, parent, depth, hops)
        self.blocked(f"an instance of `{self.owner}` is passed on at {there.where(expr)}: what reads "
                     f"{self.label} there is not followed")
        return []

    def _bound_instance(self, there: ValueFlow, target: cst.Name, depth: int, hops: int) -> list[Reached]:
        scope = there.index.scope_of(target)
        try:
            if isinstance(scope, GlobalScope):
                uses = module_level_uses(there, target.value)
            else:
                assignments = list(scope.assignments[target.value]) if scope is not None else []
                if len(assignments) != 1:
                    raise Unfollowable(f"`{target.value}` is bound more than once ({there.where(target)})")
                uses = [(there, node) for node in there.context.in_source_order(
                    access.node for access in assignments[0].references)]
        except Unfollowable as why:
            self.state.blocked(why)
            return []
        reached: list[Reached] = []
        for user, node in uses:
            self.contexts.append(user)
            reached.extend(self._instance_value(user, node, depth, hops + 1))
        return reached

    def _returned_instance(self, there: ValueFlow, statement: cst.Return, depth: int,
                           hops: int) -> list[Reached]:
        function = there.enclosing(statement, cst.FunctionDef)
        plain = function is not None and isinstance(there.index.scope_of(function), GlobalScope) and \
            {_decorator_name(d) for d in function.decorators} <= CACHING_DECORATORS and \
            _only_returns(function, statement)
        if function is None or not plain:
            self.blocked(f"an instance of `{self.owner}` is returned at {there.where(statement)}: where "
                         "it goes is not followed")
            return []
        try:
            uses = module_level_uses(there, function.name.value)
        except Unfollowable as why:
            self.state.blocked(why)
            return []
        reached: list[Reached] = []
        for user, node in uses:
            self.contexts.append(user)
            call = user.index.parent(node)
            if isinstance(call, cst.Call) and call.func is node and not call.args:
                reached.extend(self._instance_value(user, call, depth, hops + 1))
            else:
                self.blocked(f"`{function.name.value}` is used at {user.where(node)} other than by a "
                             f"call: what reads {self.label} there is not followed")
        return reached

    def _setting_read(self, there: ValueFlow, attribute: cst.Attribute, depth: int) -> list[Reached]:
        if attribute.attr.value != self.declared.name:
            return []  # another setting
        self.followed.add(id(attribute))
        if there.context.expression_context(attribute) is not ExpressionContext.LOAD:
            self.blocked(f"{self.label} is set at {there.where(attribute)}")
            return []
        try:
            return there.flows(attribute, depth + 1)
        except Unfollowable as why:
            self.state.blocked(why)
            return []


# -- module-level names across the project ---------------------------------------------------------


def module_level_uses(flow: ValueFlow, name: str) -> list[tuple[ValueFlow, cst.CSTNode]]:
    """Every expression that evaluates to this module's global ``name``: its references here and,
    in the modules importing it, the imported name's references or ``module.name`` (re-exports
    followed). A star import, a module that does not parse or public API stops the follow."""
    scope = flow.context.metadata_of(ScopeProvider, flow.context.module)
    if not isinstance(scope, GlobalScope):
        return []
    assignments = list(scope.assignments[name])
    if len(assignments) != 1:
        raise Unfollowable(f"`{name}` is bound more than once in {flow.context.location.path}")
    found = [(flow, node) for node in flow.context.in_source_order(a.node for a in assignments[0].references)]
    return found + _importer_uses(flow, name, set())


def _importer_uses(flow: ValueFlow, name: str,
                   seen: set[tuple[str, str]]) -> list[tuple[ValueFlow, cst.CSTNode]]:
    state = flow.state
    project, path = state.project, flow.real_path_or_foreign
    module = project.module_of(path) if project is not None and path is not None else None
    if project is None or path is None or module is None or (module, name) in seen:
        return []
    seen.add((module, name))
    if project.is_public(module) and not name.startswith("_"):
        state.blocked(Unfollowable(f"`{name}` is public API of `{module}` (`public-api` setting): code "
                                   "outside the project may import it"))
    found: list[tuple[ValueFlow, cst.CSTNode]] = []
    for binding in project.importers(module, name):
        if binding.importer == path:
            continue
        where = f"{display_path(binding.importer)}:{binding.line}"
        if binding.kind == "star":
            state.blocked(Unfollowable(f"{where} imports everything (`*`) from the module of `{name}`"))
            continue
        context = load_context(binding.importer, flow.context.judgement, state)
        if context is None:
            state.blocked(Unfollowable(f"{display_path(binding.importer)} imports `{name}` but cannot be "
                                       "parsed"))
            continue
        there = ValueFlow(context, state)
        scope = context.metadata_of(ScopeProvider, context.module)
        assignments = list(scope.assignments[binding.local]) if isinstance(scope, GlobalScope) else []
        if len(assignments) != 1:
            state.blocked(Unfollowable(f"`{binding.local}` is bound more than once in "
                                       f"{display_path(binding.importer)}"))
            continue
        for node in context.in_source_order(access.node for access in assignments[0].references):
            if binding.kind == "name":
                found.append((there, node))
                continue
            use = _attribute_use(there.index, node, (*binding.attributes, name))
            if use is not None:
                found.append((there, use))
            elif not _reaches_other_attribute(there.index, node, binding.attributes):
                state.blocked(Unfollowable(f"the module holding `{name}` is passed on at "
                                           f"{there.where(node)}"))
        if binding.kind == "name":
            found.extend(_importer_uses(there, binding.local, seen))
    return found


_ATTRIBUTE_READS: PerProject[dict[str, list[str]]] = PerProject(lambda project: {})  # per name


def attribute_reads(project: Project, name: str) -> list[str]:
    """Where a project module reads an attribute ``name`` (``x.name``, ``getattr(x, "name")``),
    as "path:line": a bytes search finds the modules to parse, CPython's ``ast`` decides."""
    reads = _ATTRIBUTE_READS.of(project)
    if name in reads:
        return reads[name]
    found: list[str] = []
    word = name.encode()
    for path, data in project.sources():
        if word not in data:
            continue
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            found.append(f"{display_path(path)} (which does not parse)")
            continue
        found.extend(f"{display_path(path)}:{getattr(node, 'lineno', 1)}" for node in ast.walk(tree)
                     if _reads_attribute(node, name))
    reads[name] = found
    return found


def _reads_attribute(node: ast.AST, name: str) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr == name
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
        node.func.id in ("getattr", "setattr", "hasattr") and len(node.args) >= 2 and \
        isinstance(node.args[1], ast.Constant) and node.args[1].value == name


def _use_kind(flow: ValueFlow, node: cst.CSTNode) -> str:
    """What a use of a class is: ``call``, ``type`` (annotation, isinstance), ``subclass``, ``other``."""
    parent = flow.index.parent(node)
    if isinstance(parent, cst.Call) and parent.func is node:
        return "call"
    if isinstance(parent, cst.Arg):
        holder = flow.index.parent(parent)
        if isinstance(holder, cst.ClassDef):
            return "subclass"
        if isinstance(holder, cst.Call) and attribute_chain(holder.func) in (["isinstance"], ["issubclass"]):
            return "type"
    current: cst.CSTNode | None = parent
    while current is not None and not isinstance(current, (cst.BaseStatement, cst.BaseSmallStatement)):
        if isinstance(current, cst.Annotation):
            return "type"
        current = flow.index.parent(current)
    return "other"


def _only_returns(function: cst.FunctionDef, statement: cst.Return) -> bool:
    """The function's body is ``return <statement's value>`` (after a docstring, if any)."""
    body = list(function.body.body) if isinstance(function.body, cst.IndentedBlock) else []
    if body and isinstance(body[0], cst.SimpleStatementLine) and isinstance(body[0].body[0], cst.Expr):
        body = body[1:]
    return len(body) == 1 and isinstance(body[0], cst.SimpleStatementLine) and \
        len(body[0].body) == 1 and body[0].body[0] is statement and not function.params.params and \
        not function.params.kwonly_params and not function.params.posonly_params


def _decorator_name(decorator: cst.Decorator) -> str:
    expr = decorator.decorator
    chain = attribute_chain(expr.func if isinstance(expr, cst.Call) else expr)
    return chain[-1] if chain else ""


def _targets(statement: cst.Assign | cst.AnnAssign) -> set[str]:
    if isinstance(statement, cst.Assign):
        targets = [target.target for target in statement.targets]
    else:
        targets = [statement.target]
    return {t.value for t in targets if isinstance(t, cst.Name)}


def _names_in(node: cst.CSTNode) -> list[cst.Name]:
    """Every name in ``node``, attribute names included (``self.model_name`` gives ``model_name``)."""
    found: list[cst.Name] = []
    stack: list[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            found.append(current)
        elif isinstance(current, cst.SimpleString):
            value = literal_value(current)
            if value is not None and value.isidentifier():
                found.append(cst.Name(value))
        stack.extend(current.children)
    return found


EXTENSIONS.class_field = flows_of_class_field
EXTENSIONS.settings_field = flows_of_settings_field
