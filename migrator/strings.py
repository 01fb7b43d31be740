"""What a string literal is, as a whole: its value, and whether it names a catalog model.

Shared by the rules and the fixes so the decision is made once per node.
Implicit concatenations and placeholder-free f-strings are judged by their
whole value; their pieces are then claimed and never judged on their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from migrator.catalog import Catalog, Mention, ModelMatch

StringNode = cst.SimpleString | cst.ConcatenatedString | cst.FormattedString


_PLAIN_PREFIXES = frozenset(("", "r", "R", "u", "U"))
_BYTES_PREFIXES = frozenset(("b", "B", "br", "bR", "Br", "BR", "rb", "rB", "Rb", "RB"))


def _plain_body(node: cst.SimpleString) -> str | None:
    """The value where it is the source between the quotes: no escape, no carriage return
    (the tokenizer turns those into newlines), no NUL; bytes only in ASCII. ``literal_eval``
    costs about 10 µs a string, and the analysis reads the same strings many times."""
    body = node.raw_value
    if "\\" in body or "\r" in body or "\0" in body:
        return None
    prefix = node.prefix
    if prefix in _PLAIN_PREFIXES or (prefix in _BYTES_PREFIXES and body.isascii()):
        return body
    return None


def literal_value(node: cst.BaseExpression) -> str | None:
    """The value of a string literal with no placeholders; bytes are read as Latin-1."""
    if isinstance(node, cst.SimpleString):
        plain = _plain_body(node)
        if plain is not None:
            return plain
        try:
            value = node.evaluated_value
        except (ValueError, SyntaxError):  # pragma: no cover - libcst parsed it already
            return None
        return value.decode("latin-1") if isinstance(value, bytes) else value
    if isinstance(node, cst.ConcatenatedString):
        left, right = literal_value(node.left), literal_value(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, cst.FormattedString) and all(
        isinstance(part, cst.FormattedStringText) for part in node.parts
    ):
        text = "".join(part.value for part in node.parts if isinstance(part, cst.FormattedStringText))
        return text.replace("{{", "{").replace("}}", "}")
    return None


def string_pieces(node: cst.BaseExpression) -> list[cst.SimpleString | cst.FormattedString]:
    if isinstance(node, cst.ConcatenatedString):
        return [*string_pieces(node.left), *string_pieces(node.right)]
    if isinstance(node, (cst.SimpleString, cst.FormattedString)):
        return [node]
    return []


def _inner_strings(node: cst.ConcatenatedString) -> list[cst.BaseExpression]:
    inner: list[cst.BaseExpression] = []
    for side in (node.left, node.right):
        inner.append(side)
        if isinstance(side, cst.ConcatenatedString):
            inner.extend(_inner_strings(side))
    return inner


@dataclass
class StringClaims:
    catalog: Catalog
    gateway_module: bool
    # In a gateway module, whether a string is routed by LiteLLM, where `deepseek/` means
    # DeepSeek's own API (LiteLLM spells the OpenRouter route `openrouter/deepseek/…`).
    litellm_route: Callable[[cst.CSTNode], bool] | None = None
    # id of each string node inside a concatenation -> whether the whole named a model
    _claimed: dict[int, bool] = field(default_factory=dict)
    _matches: dict[int, ModelMatch | None] = field(default_factory=dict)

    def whole_match(self, node: StringNode) -> ModelMatch | None:
        """The model a string names as a whole; ``None`` for pieces of a larger string."""
        key = id(node)
        if key in self._matches:
            return self._matches[key]
        if key in self._claimed:
            return None
        value = literal_value(node)
        match = None if value is None else self._match_value(node, value)
        self._matches[key] = match
        if isinstance(node, cst.ConcatenatedString):
            for inner in _inner_strings(node):
                self._claimed[id(inner)] = match is not None
        return match

    def _match_value(self, node: StringNode, value: str) -> ModelMatch | None:
        match = self.catalog.match_whole(value, gateway_module=self.gateway_module)
        if match is None and self.gateway_module and self.litellm_route is not None \
                and self.litellm_route(node):
            match = self.catalog.match_whole(value)
        return match

    def is_claimed_piece(self, node: cst.CSTNode) -> bool:
        return id(node) in self._claimed

    def mentions(self, text: str) -> list[Mention]:
        return self.catalog.mentions(text, gateway_module=self.gateway_module)
