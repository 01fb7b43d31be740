"""What each built-in rule needs a module to hold before it can report, asked without libcst.

Most modules that pass the bytes prefilter report nothing (``migrator.screen``). The rule
classes are libcst visitors, so importing one imports libcst (about a third of a second);
their screens live here instead, importable with CPython's ``ast`` alone, so that a run
whose modules are all cleared never imports libcst. Each rule class takes its screen from
this table (``could_report = staticmethod(...)``); the tests check the two agree.

A screen must hold for every module where its rule reports: loosen, never tighten.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from migrator.catalog import Catalog
from migrator.screen import ModuleScreen, argument_values, constant_text, holds_constant, is_constant

Screen = Callable[[ModuleScreen, Catalog], bool]
SCREENS: dict[str, Screen] = {}


def screens(*codes: str) -> Callable[[Screen], Screen]:
    """Register a function as the screen of these rule codes."""
    def register(screen: Screen) -> Screen:
        for code in codes:
            SCREENS[code] = screen
        return screen
    return register


@screens("DSM001", "DSM201")
def names_a_model(screen: ModuleScreen, catalog: Catalog) -> bool:
    """A string judged by its whole value names a catalog model: every spelling holds the bare ID."""
    return screen.mentions_any(catalog.models)


@screens("DSM101", "DSM102", "DSM103")
def may_send_a_deepseek_request(screen: ModuleScreen, catalog: Catalog) -> bool:
    """A DeepSeek request names a catalog model in this module, or the module names a
    DeepSeek host or environment variable (``is_deepseek_request``)."""
    return screen.mentions_any([*catalog.models, *catalog.deepseek_hosts, *catalog.env_vars])


@screens("DSM002")
def mentions_a_retired_model(screen: ModuleScreen, catalog: Catalog) -> bool:
    return screen.mentions_any(model.id for model in catalog.retired_models)


@screens("DSM003")
def names_an_expired_base_url(screen: ModuleScreen, catalog: Catalog) -> bool:
    return screen.mentions_any(catalog.expired_base_urls)


@screens("DSM104")
def names_the_anthropic_endpoint(screen: ModuleScreen, catalog: Catalog) -> bool:
    return catalog.anthropic_base_url in screen.text


# Keys a rebuilt chat message may keep; rebuilding an assistant message from these alone drops
# the reasoning field.
MESSAGE_KEYS = frozenset({"role", "content", "tool_calls", "tool_call_id", "name"})


@screens("DSM105")
def may_drop_reasoning_content(screen: ModuleScreen, catalog: Catalog) -> bool:
    """Each ``visit_*`` of DSM105, loosened to CPython's tree: a call that pops or excludes
    the key, a ``del`` of it, a dict comprehension that filters on it or on an allowlist, or
    a dict that may rebuild an assistant message; none without the key in the module."""
    key = catalog.reasoning_field
    if not screen.mentions(key):
        return False
    return (
        any(_may_drop_in_call(call, key) for call in screen.nodes(ast.Call))
        or any(_may_delete(node, key) for node in screen.nodes(ast.Delete))
        or any(_may_filter(node, key) for node in screen.nodes(ast.DictComp))
        or any(_may_rebuild_message(node) for node in screen.nodes(ast.Dict))
    )


def _may_drop_in_call(call: ast.Call, key: str) -> bool:
    if isinstance(call.func, ast.Attribute) and call.func.attr == "pop" and \
            any(is_constant(value, key) for value in argument_values(call)):
        return True
    return any(keyword.arg == "exclude" and holds_constant(keyword.value, key) for keyword in call.keywords)


def _may_delete(node: ast.Delete, key: str) -> bool:
    targets = list(node.targets)
    while targets:
        target = targets.pop()
        if isinstance(target, (ast.Tuple, ast.List)):
            targets.extend(target.elts)
        elif isinstance(target, ast.Subscript) and holds_constant(target.slice, key):
            return True
    return False


def _may_filter(node: ast.DictComp, key: str) -> bool:
    for clause in (test for generator in node.generators for test in generator.ifs):
        for comparison in ast.walk(clause):
            if not isinstance(comparison, ast.Compare):
                continue
            for operator, comparator in zip(comparison.ops, comparison.comparators, strict=True):
                excluding = isinstance(operator, (ast.NotEq, ast.NotIn, ast.IsNot))
                if excluding and holds_constant(comparison, key):
                    return True
                if isinstance(operator, ast.In) and isinstance(comparator, (ast.Tuple, ast.List, ast.Set)):
                    return True
    return False


def _may_read(value: ast.expr, field: str) -> bool:
    """DSM105's ``_read_from`` loosened: ``E.field``, ``E["field"]``, ``E.get(... "field" ...)``."""
    if isinstance(value, ast.Attribute):
        return value.attr == field
    if isinstance(value, ast.Subscript):
        return is_constant(value.slice, field)
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
        value.func.attr == "get" and any(is_constant(arg, field) for arg in argument_values(value))


def _may_rebuild_message(node: ast.Dict) -> bool:
    entries: dict[str, ast.expr] = {}
    for key, value in zip(node.keys, node.values, strict=True):
        name = constant_text(key)
        if name is None or name not in MESSAGE_KEYS:
            return False
        entries[name] = value
    if "role" not in entries or "content" not in entries or not _may_read(entries["content"], "content"):
        return False
    role = entries["role"]
    return is_constant(role, "assistant") or _may_read(role, "role")
