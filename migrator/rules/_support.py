"""Small helpers the thinking-mode rules (DSM003, DSM101-DSM105, DSM201) share.

They decide nothing about a call's shape (that is :mod:`migrator.context`); they answer
"is this request one DeepSeek serves?", "where does this argument stand?", and build the
text edits the rules' fixes are made of.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from migrator.context import Request, mapping_value
from migrator.findings import TextEdit
from migrator.rules.base import ModuleContext

ARGUMENT_NODES = (cst.Arg, cst.DictElement)


def is_deepseek_request(context: ModuleContext, request: Request) -> bool:
    """A request that names a catalog model, or whose model is unknown in a DeepSeek module.

    A model literal outside the catalog (``"gpt-4o"``, an OpenRouter name) is someone
    else's API, where ``reasoning_effort="medium"`` or ``temperature`` mean what they say.
    """
    if request.model is not None:
        return True
    if request.source.literal is not None or isinstance(request.model_expr, cst.BaseString):
        return False
    catalog = context.catalog
    text = context.text
    return any(host in text for host in catalog.deepseek_hosts) or any(
        name in text for name in catalog.env_vars
    )


def argument_of(context: ModuleContext, value: cst.CSTNode) -> cst.CSTNode:
    """The ``name=value`` argument or ``"key": value`` entry holding ``value`` (else itself)."""
    parent = context.requests.parent(value)
    return parent if isinstance(parent, ARGUMENT_NODES) else value


def literal_inner_edit(context: ModuleContext, node: cst.CSTNode, old: str, new: str) -> TextEdit | None:
    """Replace ``old`` by ``new`` inside a simple string literal, leaving prefix and quotes alone.

    Only when ``old`` is spelled verbatim in the source (no escapes), so the edit
    touches exactly the characters of the value.
    """
    if not isinstance(node, cst.SimpleString):
        return None
    raw = node.raw_value
    position = raw.find(old)
    if position < 0:
        return None
    start, _ = context.node_range(node)
    inner = start + len(node.prefix) + len(node.quote) + position
    return context.edit(inner, inner + len(old), new)


def quote_of(request: Request) -> str:
    """The quote character the request's own strings use, so added keys look native."""
    for node in (request.model_expr, *request.arguments.values()):
        if isinstance(node, cst.SimpleString):
            return node.quote[0]
    return '"'


def thinking_value(state: str, keys: Sequence[str], quote: str) -> str:
    """``{"type": "disabled"}`` wrapped in the remaining ``keys`` of a thinking path."""
    q = quote
    value = f"{{{q}type{q}: {q}{state}{q}}}"
    for key in reversed(keys):
        value = f"{{{q}{key}{q}: {value}}}"
    return value


def set_thinking_edit(context: ModuleContext, request: Request, state: str) -> TextEdit | None:
    """Add ``thinking`` in the request's library spelling, merged into what is already written.

    Returns None when the switch is already written or a container on its path is
    not a literal (``extra_body=options``): there is nowhere certain to add it.
    """
    # NOTE: the `fix` command (issue 3, migrator/fixes.py) grows the general version of this;
    # once it lands, DSM102 should call that helper instead.
    path = request.library.thinking_path
    quote = quote_of(request)
    first = request.arguments.get(path[0])
    if first is None:
        return _insert_entry(context, request.node, path[0], thinking_value(state, path[1:], quote), quote)
    container: cst.BaseExpression = first
    for depth, key in enumerate(path[1:], start=1):
        value = mapping_value(container, key)
        if value is False:
            return None
        if value is None:
            if not isinstance(container, (cst.Dict, cst.Call)):
                return None
            return _insert_entry(context, container, key, thinking_value(state, path[depth + 1:], quote),
                                 quote)
        container = value
    return None


def _insert_entry(context: ModuleContext, container: cst.Call | cst.Dict, key: str, value: str,
                  quote: str) -> TextEdit | None:
    """Append ``key=value`` to a call or ``"key": value`` to a dict, following its layout."""
    is_call = isinstance(container, cst.Call)
    elements: Sequence[cst.Arg | cst.BaseDictElement] = (
        container.args if isinstance(container, cst.Call) else container.elements
    )
    entry = f"{key}={value}" if is_call else f"{quote}{key}{quote}: {value}"
    if not elements:
        _, end = context.node_range(container)
        return context.edit(end - 1, end - 1, entry)
    last = elements[-1]
    text = context.text
    last_start, _ = context.node_range(last.value)
    _, value_end = context.node_range(last.value)
    _, container_end = context.node_range(container)
    tail = text[value_end:container_end]
    line_start = text.rfind("\n", 0, last_start) + 1
    before = text[line_start:last_start]
    indent = before[: len(before) - len(before.lstrip())]
    has_comma = isinstance(last.comma, cst.Comma)
    if "\n" in tail and has_comma:
        comma = value_end + tail.index(",") + 1
        return context.edit(comma, comma, f"\n{indent}{entry},")
    if "\n" in tail:
        return context.edit(value_end, value_end, f",\n{indent}{entry}")
    return context.edit(value_end, value_end, f", {entry}")
