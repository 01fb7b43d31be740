"""The thinking switch at the call sites of a ``**kwargs``-forwarding wrapper.

When the request inside a wrapper passes the wrapper's own ``**kwargs``
(:func:`migrator.forwarding.forwarded_kwargs` decides), the switch goes at each call of
the wrapper that brings the followed value, so every other caller keeps its request.
"""

from __future__ import annotations

import dataclasses

import libcst as cst
from libcst.metadata import ImportAssignment

from migrator.context import ModuleContext
from migrator.findings import TextEdit
from migrator.flow import Reached, ValueFlow, _argument_for, is_method
from migrator.forwarding import Entry, forwarded_kwargs
from migrator.project import ImportBinding
from migrator.switch import Unfollowable, thinking_switch_edits


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
    there = ValueFlow(entry.context, flow.state)
    function = entry.function
    sites: list[tuple[ModuleContext, cst.Call]] = []
    for context, call in there._callers(function):
        passed = _argument_for(function, entry.param, call, is_method(entry.context, function))
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
    project = flow.state.project
    home_path = ValueFlow(home, flow.state).real_path_or_foreign
    path = ValueFlow(context, flow.state).real_path_or_foreign
    module = project.module_of(home_path) if project is not None and home_path is not None else None
    if project is None or module is None or path is None:
        return []
    return [binding for binding in project.bindings(module, function.name.value)
            if binding.importer == path]


def _where(flow: ValueFlow, context: ModuleContext, node: cst.CSTNode) -> str:
    return ValueFlow(context, flow.state).where(node)

