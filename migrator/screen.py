"""What a module holds, read from CPython's ``ast``: can any enabled rule report here?

Most modules that pass the bytes prefilter (they mention ``deepseek`` or
``reasoning_content`` somewhere) report nothing: a provider's name in an identifier, a
``delta.reasoning_content`` read. libcst's parse costs about five times CPython's, and the
runner has CPython's tree anyway (it vets the nesting with it), so each rule states what a
module must hold for it to report (``Rule.could_report``), asked of this screen; when no
enabled rule can report, libcst never parses the module.

A rule's condition must hold for every module where it reports: the tests run every rule's
own examples through it, and compare whole runs with and without the screen.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import cached_property
from typing import TypeVar

_Node = TypeVar("_Node", bound=ast.AST)


class ModuleScreen:
    """A module's source and CPython's tree of it, with the questions rules ask of both."""

    def __init__(self, text: str, tree: ast.Module) -> None:
        self.text = text
        self.tree = tree

    @cached_property
    def _walked(self) -> tuple[tuple[str, ...], dict[type[ast.AST], list[ast.AST]]]:
        strings: list[str] = []
        by_type: dict[type[ast.AST], list[ast.AST]] = {}
        for node in ast.walk(self.tree):
            kind = type(node)
            found = by_type.get(kind)
            if found is None:
                found = by_type[kind] = []
            found.append(node)
            if kind is ast.Constant:
                value = constant_text(node)
                if value is not None:
                    strings.append(value)
        return tuple(strings), by_type

    @property
    def strings(self) -> tuple[str, ...]:
        """The value of every string and bytes constant, escapes and implicit concatenations applied."""
        return self._walked[0]

    def nodes(self, kind: type[_Node]) -> list[_Node]:
        """Every node of exactly this type."""
        return self._walked[1].get(kind, [])  # type: ignore[return-value]

    def mentions(self, needle: str) -> bool:
        """Whether ``needle`` is in the source text or in the value of some string constant."""
        return needle in self.text or any(needle in value for value in self.strings)

    def mentions_any(self, needles: Iterable[str]) -> bool:
        wanted = [needle for needle in needles if needle]
        if any(needle in self.text for needle in wanted):
            return True
        return any(needle in value for value in self.strings for needle in wanted)


def constant_text(node: ast.AST | None) -> str | None:
    """A string constant's value; bytes read as Latin-1, as ``strings.literal_value`` reads them."""
    if not isinstance(node, ast.Constant):
        return None
    value = node.value
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value if isinstance(value, str) else None


def is_constant(node: ast.AST | None, value: str) -> bool:
    return constant_text(node) == value


def holds_constant(node: ast.AST, value: str) -> bool:
    """Whether a string constant under ``node`` (itself included) holds ``value``.

    Held, not equal: CPython joins ``"a" "b"`` into one constant, where libcst keeps a
    ``SimpleString`` for each piece.
    """
    return any(value in (constant_text(inner) or "") for inner in ast.walk(node))


def argument_values(call: ast.Call) -> list[ast.expr]:
    """The value of every argument of a call: positional, ``*args``, keyword and ``**kwargs``."""
    values = [arg.value if isinstance(arg, ast.Starred) else arg for arg in call.args]
    return [*values, *(keyword.value for keyword in call.keywords)]
