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

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import GlobalScope

from migrator.context import Request

if TYPE_CHECKING:
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


def _enclosing_function(context: ModuleContext, node: cst.CSTNode) -> cst.FunctionDef | None:
    current = context.requests.parent(node)
    while current is not None and not isinstance(current, (cst.FunctionDef, cst.Lambda)):
        current = context.requests.parent(current)
    return current if isinstance(current, cst.FunctionDef) else None
