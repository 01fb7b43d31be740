"""A value stored on the instance in ``__init__`` (``self.model = model``), followed to its reads.

What ``self.model`` holds reaches whatever reads it in the class's methods. The follow
counts only when the attribute holds this one value for every instance of the class:

* it is set once, in ``__init__`` of a plain module-level class (no bases, decorators
  or declared fields, nothing named ``model`` in the class body, no ``__setattr__``),
  and nothing in the project sets it again (``obj.model = …``, ``setattr``, ``del``);
* no class in the project subclasses the class, and the class is only called (or named
  in annotations and ``isinstance`` tests), so every instantiation is one that the
  callers rule of :meth:`ValueFlow.flows_into_parameter` sees and requires to agree;
* every read of ``.model`` in the project is ``self.model`` in the class's methods,
  ``obj.model`` on a name bound to a new instance, or one on an object that is
  visibly something else (``self`` of another class, a request's response); each read
  of ours is followed like any value.

Which files mention ``.model`` comes from one scan of the project's files (a pattern
over their bytes, built once per project); only those files are parsed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import libcst as cst
from libcst.metadata import ClassScope, ExpressionContext, GlobalScope

from migrator.construction import class_body_names, class_references, class_use, inside
from migrator.context import STRING_NODES, attribute_chain
from migrator.flow import EXTENSIONS
from migrator.project import PerProject
from migrator.strings import literal_value
from migrator.switch import Unfollowable

if TYPE_CHECKING:
    from migrator.context import ModuleContext
    from migrator.flow import Reached, ValueFlow
    from migrator.project import Project

# Methods whose presence in the class changes what storing or reading an attribute does.
HOOKS = frozenset({"__setattr__", "__getattribute__", "__set_name__", "__init_subclass__"})
PLAIN_BASES = frozenset({"object"})
DYNAMIC_ACCESS = frozenset({"setattr", "delattr", "getattr", "vars"})

Receiver = Literal["ours", "other", "unknown"]


def flows_of_instance_attribute(flow: ValueFlow, target: cst.Attribute, depth: int) -> list[Reached]:
    """The requests ``self.<attr> = value`` reaches through the reads of the attribute."""
    return InstanceAttribute(flow, target).flows(depth)


@dataclass(frozen=True)
class _Touch:
    """One place in a module that reads or writes an attribute of that name."""

    node: cst.CSTNode  # the `x.attr` attribute, or the `setattr(...)` call
    receiver: cst.BaseExpression
    access: Literal["load", "store", "dynamic", "vars"]


class InstanceAttribute:
    def __init__(self, flow: ValueFlow, target: cst.Attribute) -> None:
        self.flow = flow
        self.target = target
        self.name = target.attr.value
        self.state = flow.state
        self.project = flow.state.project
        self.klass = self._owner_class()
        self.owner = f"{self.klass.name.value}.{self.name}"

    # -- the follow --------------------------------------------------------------------

    def flows(self, depth: int) -> list[Reached]:
        self.state.names.add(f"self.{self.name}")
        self._require_plain_class(self.klass)
        self._require_every_instance_visible()
        reached: list[Reached] = []
        for context in self._modules_mentioning():
            there = self._flow_in(context)
            for touch in _touches(context, self.name):
                if touch.node is self.target:
                    continue
                try:
                    reached.extend(self._follow(there, touch, depth))
                except Unfollowable as why:
                    self.state.blocked(why)
        return reached

    def _follow(self, there: ValueFlow, touch: _Touch, depth: int) -> list[Reached]:
        kind = self._receiver(there, touch.receiver)
        if kind == "other" or (touch.access == "vars" and kind == "unknown"):
            return []  # `vars(args)` of an argparse namespace: not worth blocking every flow for
        shown = _dotted(touch.receiver) or "an object"
        if touch.access in ("dynamic", "vars"):
            raise Unfollowable(f"`{shown}` has its attributes set or read by name at "
                               f"{there.where(touch.node)}: `.{self.name}` may be among them")
        if kind == "unknown":
            if touch.access == "store":
                raise Unfollowable(f"`{shown}.{self.name}` is set at {there.where(touch.node)}: the "
                                   f"object may be a `{self.klass.name.value}`")
            raise Unfollowable(f"`{shown}.{self.name}` is read at {there.where(touch.node)}, on an "
                               f"object the tool cannot tell from a `{self.klass.name.value}`")
        if touch.access == "store":
            raise Unfollowable(f"`{self.owner}` is set again at {there.where(touch.node)}")
        return there.flows(touch.node, depth + 1)

    # -- the class -----------------------------------------------------------------------

    def _owner_class(self) -> cst.ClassDef:
        flow = self.flow
        method = flow.enclosing(self.target, cst.FunctionDef)
        klass = flow.enclosing(method, cst.ClassDef) if method is not None else None
        where = flow.where(self.target)
        if method is None or klass is None or method.name.value != "__init__" or \
                not isinstance(flow.index.scope_of(method), ClassScope) or \
                flow.enclosing(method, cst.ClassDef) is not klass:
            raise Unfollowable(f"the value is stored as `.{self.name}` outside an `__init__` ({where})")
        if not isinstance(flow.index.scope_of(klass), GlobalScope):
            raise Unfollowable(f"`{klass.name.value}` is not a module-level class ({where})")
        if not (isinstance(self.target.value, cst.Name) and _is_first_param(method, self.target.value)):
            raise Unfollowable(f"the value is stored on another object than `self` ({where})")
        if method.decorators:
            raise Unfollowable(f"`{klass.name.value}.__init__` is decorated ({where})")
        return klass

    def _require_plain_class(self, klass: cst.ClassDef) -> None:
        from migrator.flow import _declares_fields

        owner = klass.name.value
        where = self.flow.where(klass)
        if klass.decorators or _declares_fields(klass):
            raise Unfollowable(f"`{owner}` is decorated or declares fields ({where}): what its "
                               f"instances hold in `.{self.name}` is not only what `__init__` stores")
        bases = [".".join(attribute_chain(base.value)) for base in klass.bases if base.keyword is None]
        others = [base for base in bases if base not in PLAIN_BASES]
        if others or any(base.keyword is not None for base in klass.bases):
            shown = f"`{others[0]}`" if others else "a metaclass"
            raise Unfollowable(f"`{owner}` is built on {shown} ({where}): what it does with "
                               f"`.{self.name}` is not visible")
        for name, node in class_body_names(klass):
            if name == self.name:
                raise Unfollowable(f"`{owner}` defines `{self.name}` in its body "
                                   f"({self.flow.where(node)})")
            if name in HOOKS:
                raise Unfollowable(f"`{owner}` defines `{name}` ({self.flow.where(node)})")

    def _require_every_instance_visible(self) -> None:
        """The class is only instantiated, tested or annotated: never subclassed or handed on."""
        klass = self.klass.name.value
        for context, names in self._class_bindings():
            there = self._flow_in(context)
            for node in class_references(context, names, self.klass):
                use = class_use(context, node)
                if use == "subclassed":
                    sub = there.enclosing(node, cst.ClassDef)
                    shown = f"`{sub.name.value}`" if sub is not None else "a class"
                    raise Unfollowable(f"{shown} subclasses `{klass}` ({there.where(node)}): its "
                                       f"instances may hold another `.{self.name}`")
                if use == "attribute":
                    raise Unfollowable(f"`{klass}` is used through one of its attributes at "
                                       f"{there.where(node)}: instances it makes are not followed")
                if use == "passed":
                    raise Unfollowable(f"`{klass}` is handed on as a value at {there.where(node)}: "
                                       "its instances may be created where the tool cannot see")

    def _class_bindings(self) -> Iterator[tuple[ModuleContext, set[str]]]:
        """Every module where the class is bound, with the names it is bound to there."""
        flow = self.flow
        klass = self.klass.name.value
        yield flow.context, {klass}
        if flow.context.location.in_notebook:
            where = flow.context.location.name_used_outside(klass)
            if where is not None:
                raise Unfollowable(f"`{klass}` is also used in {where}")
            return
        project, path = self.project, flow.real_path_or_foreign
        module = project.module_of(path) if project is not None and path is not None else None
        if project is None or module is None:
            return
        if project.is_public(module) and not klass.startswith("_"):
            raise Unfollowable(f"`{klass}` is public API of `{module}` (`public-api` setting): code "
                               "outside the project may subclass it or set its attributes")
        for binding in project.bindings(module, klass):
            if binding.importer == path:
                continue
            if binding.kind == "star":
                raise Unfollowable(f"{_display(binding.importer)}:{binding.line} imports everything "
                                   f"(`*`) from the module of `{klass}`")
            context = self._context_of(binding.importer)
            if context is None:
                raise Unfollowable(f"{_display(binding.importer)} imports `{klass}` but cannot be parsed")
            yield context, ({binding.local} if binding.kind == "name" else {klass})

    # -- the files that may touch the attribute ------------------------------------------

    def _modules_mentioning(self) -> list[ModuleContext]:
        flow = self.flow
        contexts = [flow.context]
        if flow.context.location.in_notebook:
            where = flow.context.location.used_outside(rf"\.\s*{re.escape(self.name)}\b|(set|del)attr\s*\(")
            if where is not None:
                raise Unfollowable(f"`.{self.name}` is also used in {where}")
            return contexts
        project, path = self.project, flow.real_path_or_foreign
        if project is None or path is None:
            return contexts
        for other in attribute_index(project).files_touching(self.name):
            if other == path:
                continue
            context = self._context_of(other)
            if context is None:
                raise Unfollowable(f"{_display(other)} mentions `.{self.name}` but cannot be parsed")
            contexts.append(context)
        return contexts

    def _context_of(self, path: str) -> ModuleContext | None:
        from migrator.flow import load_context

        origin = self.state.origin
        if not origin.location.in_notebook and os.path.realpath(origin.location.path) == path:
            return origin
        if self.flow.real_path_or_foreign == path:
            return self.flow.context
        return load_context(path, self.flow.context.judgement, self.state)

    def _flow_in(self, context: ModuleContext) -> ValueFlow:
        from migrator.flow import ValueFlow

        return self.flow if context is self.flow.context else ValueFlow(context, self.state)

    # -- whose attribute a touch is -------------------------------------------------------

    def _receiver(self, there: ValueFlow, receiver: cst.BaseExpression) -> Receiver:
        if not isinstance(receiver, cst.Name):
            return "unknown"
        assignments = there.index.assignments_of(receiver)
        if len(assignments) != 1:
            return "unknown"
        bound = assignments[0].node
        if isinstance(bound, cst.Param):
            return self._parameter_receiver(there, bound)
        value = _assigned_call(there.context, bound)
        if value is None:
            return "unknown"
        if there.index.request_for(value) is not None:
            return "other"  # what a request returns: a response, a client
        if there.context is self.flow.context and isinstance(value.func, cst.Name) and \
                value.func.value == self.klass.name.value:
            return "ours"
        return "ours" if self._instantiates(there.context, value) else "unknown"

    def _parameter_receiver(self, there: ValueFlow, param: cst.Param) -> Receiver:
        """``self`` of a method: ours in the class, another object in any other class."""
        method = there.enclosing(param, cst.FunctionDef)
        klass = there.enclosing(method, cst.ClassDef) if method is not None else None
        if method is None or klass is None or not isinstance(there.index.scope_of(method), ClassScope) \
                or not _is_first_param(method, param.name) or _static_or_class(method):
            return "unknown"
        return "ours" if klass is self.klass else "other"

    def _instantiates(self, context: ModuleContext, call: cst.Call) -> bool:
        """A call of the class under the name an import binds it to in ``context``."""
        if not isinstance(call.func, cst.Name):
            return False
        project, path = self.project, self.flow.real_path_or_foreign
        module = project.module_of(path) if project is not None and path is not None else None
        if project is None or module is None:
            return False
        return any(binding.kind == "name" and binding.local == call.func.value and
                   _same_file(binding.importer, context)
                   for binding in project.bindings(module, self.klass.name.value))


# -- the project's attribute mentions, scanned once -----------------------------------------------

_ATTRIBUTE = re.compile(rb"\.[ \t]*(?:\\\r?\n[ \t]*)?([A-Za-z_][A-Za-z0-9_]*)")
_DYNAMIC = re.compile(rb"(?:\b|__)(?:setattr|delattr|getattr|vars)(?:__)?[ \t]*\(")


@dataclass
class AttributeIndex:
    """Which project files mention ``.NAME`` for each NAME, and which set attributes by name."""

    by_name: dict[str, set[str]]
    dynamic: set[str]

    def files_touching(self, name: str) -> list[str]:
        return sorted(self.by_name.get(name, set()) | self.by_name.get("__dict__", set()) | self.dynamic)


def _built_attribute_index(project: Project) -> AttributeIndex:
    index = AttributeIndex({}, set())
    for path, data in project.sources():
        for name in set(_ATTRIBUTE.findall(data)):
            index.by_name.setdefault(name.decode("ascii"), set()).add(path)
        if _DYNAMIC.search(data):
            index.dynamic.add(path)
    return index


_INDEXES = PerProject(_built_attribute_index)


def attribute_index(project: Project) -> AttributeIndex:
    return _INDEXES.of(project)


# -- reading one module ------------------------------------------------------------------------


def _touches(context: ModuleContext, name: str) -> Iterator[_Touch]:
    """Every ``x.name`` in the module, and every ``setattr``/``getattr`` that may be one."""
    for attribute in context.attributes_named(("__dict__", name)):
        if attribute.attr.value == "__dict__":
            yield _Touch(attribute, attribute.value, "dynamic")  # `obj.__dict__.update(...)`, `[...] = `
            continue
        if inside(context, attribute, (cst.Import, cst.ImportFrom)):
            continue
        how = context.expression_context(attribute)
        access: Literal["load", "store"] = "load" if how is ExpressionContext.LOAD else "store"
        yield _Touch(attribute, attribute.value, access)
    for node in context.nodes_of(cst.Call):
        assert isinstance(node, cst.Call)
        function = _dynamic_access(node.func)
        if function is None:
            continue
        plain = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
        if function == "vars":
            if plain:
                yield _Touch(node, plain[0], "vars")
            continue
        if len(plain) < 2:
            yield _Touch(node, node, "dynamic")
            continue
        named = literal_value(plain[1]) if isinstance(plain[1], STRING_NODES) else None
        if named is None or named == name:
            yield _Touch(node, plain[0], "dynamic")


def _dynamic_access(func: cst.BaseExpression) -> str | None:
    """``setattr``/``getattr``/``delattr``/``vars``, or ``object.__setattr__`` (and
    ``__delattr__``), which take the object and the name the same way."""
    if isinstance(func, cst.Name) and func.value in DYNAMIC_ACCESS:
        return func.value
    if isinstance(func, cst.Attribute) and func.attr.value in ("__setattr__", "__delattr__"):
        return func.attr.value.strip("_")
    return None


def _is_first_param(method: cst.FunctionDef, name: cst.Name) -> bool:
    params = [*method.params.posonly_params, *method.params.params]
    return bool(params) and params[0].name.value == name.value and not _static_or_class(method)


def _static_or_class(method: cst.FunctionDef) -> bool:
    return any(attribute_chain(d.decorator)[-1:] in (["staticmethod"], ["classmethod"])
               for d in method.decorators)


def _assigned_call(context: ModuleContext, target: cst.CSTNode) -> cst.Call | None:
    """The call in ``name = Call(...)`` (or ``name = await Call(...)``) that binds ``target``."""
    parent = context.requests.parent(target)
    statement = context.requests.parent(parent) if isinstance(parent, cst.AssignTarget) else None
    value: cst.BaseExpression | None = None
    if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
        value = statement.value
    elif isinstance(parent, cst.AnnAssign) and parent.target is target:
        value = parent.value
    if isinstance(value, cst.Await):
        value = value.expression
    return value if isinstance(value, cst.Call) else None


def _same_file(path: str, context: ModuleContext) -> bool:
    return not context.location.in_notebook and os.path.realpath(context.location.path) == path


def _display(real: str) -> str:
    from migrator.project import display_path

    return display_path(real)


def _dotted(node: cst.BaseExpression) -> str:
    return ".".join(attribute_chain(node)) if isinstance(node, (cst.Name, cst.Attribute)) else ""


EXTENSIONS.instance_attribute = flows_of_instance_attribute
