"""Small helpers the thinking-mode rules (DSM003, DSM101-DSM105, DSM201) share.

They decide nothing about a call's shape (that is :mod:`migrator.context`); they answer
"is this request one DeepSeek serves?", "where does this argument stand?", and build the
text edits the rules' fixes are made of.
"""

from __future__ import annotations

import libcst as cst

from migrator.context import ModuleContext, Request
from migrator.findings import TextEdit

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
