"""The thinking switch at the callers of a wrapper that forwards ``**kwargs`` to the request.

``def chat(messages, model="deepseek-chat", **kwargs): return client.chat.completions.create(
model=model, messages=messages, **kwargs)`` cannot take the switch inside: a caller that
passes its own ``extra_body`` would then send the keyword twice. The keyword arguments
reach the request untouched, though, so the switch goes at each call that brings the
followed value, in the library's spelling (``chat(msgs, extra_body={"thinking": …})``,
merged into an ``extra_body`` the call already passes): the calls that leave the
parameter to its default when the value is the default, or the one call that passes
it. A call that passes another value for the parameter keeps its request as it was.

That holds only when the wrapper is a module-level function whose every call is visible
(:meth:`ValueFlow._callers`), its ``**kwargs`` is used nowhere but at the request, no
parameter of its own takes the switch's keyword, the request sets no part of the switch
itself, and each call site spells its arguments out (no ``**options``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import GlobalScope, ImportAssignment

from migrator.context import Request
from migrator.findings import TextEdit
from migrator.switch import Unfollowable, thinking_switch_edits

if TYPE_CHECKING:
    from migrator.flow import Reached, ValueFlow
    from migrator.project import ImportBinding
    from migrator.context import ModuleContext


@dataclass(frozen=True)
class Entry:
    """How a followed value enters a project function: as a parameter's default, or as the
    argument of one call (``via``)."""

    context: ModuleContext  # where the function is defined
    function: cst.FunctionDef
    param: cst.Param
    via: tuple[ModuleContext, cst.Call] | None = None


def forwarded_kwargs(request: Request, entry: Entry | None) -> str | None:
    """Why the switch cannot go at the callers of ``entry``'s function; None when it can."""
    if entry is None or not isinstance(request.node, cst.Call):
        return "no wrapper"
    function = entry.function
    index = entry.context.requests
    if not isinstance(index.scope_of(function), GlobalScope):
        return f"`{function.name.value}` is not a module-level function"
    kwargs = function.params.star_kwarg
    stars = [arg for arg in request.node.args if arg.star]
    if not (isinstance(kwargs, cst.Param) and len(stars) == 1 and stars[0].star == "**" and
            isinstance(stars[0].value, cst.Name) and stars[0].value.value == kwargs.name.value):
        return "the request unpacks something else than the wrapper's own `**kwargs`"
    if _enclosing_function(entry.context, request.node) is not function:
        return "the request is not in the wrapper's own body"
    scope = index.scope_of(function.body)
    assignments = list(scope.assignments[kwargs.name.value]) if scope is not None else []
    if len(assignments) != 1 or [a.node for a in assignments[0].references] != [stars[0].value]:
        return f"`**{kwargs.name.value}` is used elsewhere in `{function.name.value}` than at the request"
    library = request.library
    switch_keys = {library.thinking_path[0], *([library.effort_param] if library.effort_param else [])}
    own = {p.name.value for p in (*function.params.posonly_params, *function.params.params,
                                  *function.params.kwonly_params)}
    if switch_keys & (own | set(request.arguments)) or request.effort_expr is not None:
        return "the wrapper or its request sets part of the thinking switch itself"
    return None


def call_site_edits(flow: ValueFlow, found: Reached, wanted: str, quote: str) -> list[TextEdit]:
    """The switch at every call of the wrapper that brings the followed value."""
    entry = found.entry
    why = forwarded_kwargs(found.request, entry)
    if why is not None or entry is None:
        raise Unfollowable(f"thinking may be set by `**kwargs` at the request ({why})")
    edits: list[TextEdit] = []
    for context, call in call_sites(flow, entry):
        where = _where(flow, context, call)
        if any(arg.star for arg in call.args):
            raise Unfollowable(f"the call of `{entry.function.name.value}` at {where} unpacks "
                               "arguments: they may set thinking")
        thinking = context.requests.thinking_at(call, found.request.library)
        if thinking.state in ("enabled", "disabled"):
            continue  # the caller's own setting wins, as it did before
        if thinking.state == "unknown":
            raise Unfollowable(f"the call at {where} sets thinking by an expression ({thinking.reason})")
        site = thinking_switch_edits(context, call, found.request.library, wanted, quote)
        path = flow.state.real_path_of(context)
        edits.extend(dataclasses.replace(edit, path=path) if path else edit for edit in site)
    return edits


def call_sites(flow: ValueFlow, entry: Entry) -> list[tuple[ModuleContext, cst.Call]]:
    """The calls that bring the value: the one it is passed at, or every call that leaves the
    parameter to its default (each visibly a call of this very function)."""
    if entry.via is not None:
        return [entry.via]
    from migrator.flow import ValueFlow, _argument_for

    there = ValueFlow(entry.context, flow.state)
    function = entry.function
    sites: list[tuple[ModuleContext, cst.Call]] = []
    for context, call in there._callers(function):
        passed = _argument_for(function, entry.param, call)
        where = _where(flow, context, call)
        if passed is False:
            raise Unfollowable(f"the call of `{function.name.value}` at {where} unpacks arguments: "
                               f"it may pass its own `{entry.param.name.value}`")
        if not _calls_function(flow, context, call, function, entry.context):
            raise Unfollowable(f"the call at {where} may be one of `{function.name.value}`: the tool "
                               "cannot tell")
        if passed is None:
            sites.append((context, call))
    if not sites:
        raise Unfollowable(f"`{function.name.value}` is called nowhere in the project with its default "
                           f"`{entry.param.name.value}`: the callers that use it are not visible")
    return sites


def _calls_function(flow: ValueFlow, context: ModuleContext, call: cst.Call, function: cst.FunctionDef,
                    home: ModuleContext) -> bool:
    """The call's name is bound to the function: defined here, or imported from its module by
    name (``chat(...)``) or as a module (``llm.chat(...)``), as the project model found."""
    func = call.func
    if context is home:
        if not isinstance(func, cst.Name):
            return False
        assignments = context.requests.assignments_of(func)
        return len(assignments) == 1 and assignments[0].node is function
    name = func if isinstance(func, cst.Name) else \
        func.value if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and \
        func.attr.value == function.name.value else None
    if name is None or len(context.requests.assignments_of(name)) != 1 or \
            not isinstance(context.requests.assignments_of(name)[0], ImportAssignment):
        return False
    kind = "name" if name is func else "module"
    return any(binding.kind == kind and binding.local == name.value
               for binding in _bindings_in(flow, home, function, context))


def _bindings_in(flow: ValueFlow, home: ModuleContext, function: cst.FunctionDef,
                 context: ModuleContext) -> list[ImportBinding]:
    """The imports of the function (or of its module) that the module of ``context`` holds."""
    from migrator.flow import ValueFlow

    project = flow.state.project
    home_path = ValueFlow(home, flow.state).real_path_or_foreign
    path = ValueFlow(context, flow.state).real_path_or_foreign
    module = project.module_of(home_path) if project is not None and home_path is not None else None
    if project is None or module is None or path is None:
        return []
    return [binding for binding in project.bindings(module, function.name.value)
            if binding.importer == path]


def _enclosing_function(context: ModuleContext, node: cst.CSTNode) -> cst.FunctionDef | None:
    current = context.requests.parent(node)
    while current is not None and not isinstance(current, (cst.FunctionDef, cst.Lambda)):
        current = context.requests.parent(current)
    return current if isinstance(current, cst.FunctionDef) else None


def _where(flow: ValueFlow, context: ModuleContext, node: cst.CSTNode) -> str:
    from migrator.flow import ValueFlow

    return ValueFlow(context, flow.state).where(node)

