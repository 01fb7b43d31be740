"""DSM105 reasoning-content-dropped.

Upstream: https://api-docs.deepseek.com/guides/thinking_mode (tool calls in thinking mode:
``reasoning_content`` must be passed back).
"""

from __future__ import annotations

import libcst as cst

from migrator.findings import Severity
from migrator.rules.base import Rule
from migrator.rules.meta import Invalid, Valid
from migrator.rules.screens import MESSAGE_KEYS, may_drop_reasoning_content
from migrator.strings import literal_value
from migrator.treewalk import subtree

_EXCLUDING = (cst.NotEqual, cst.NotIn, cst.IsNot)


def _is_literal(node: cst.CSTNode, key: str) -> bool:
    return isinstance(node, cst.SimpleString) and literal_value(node) == key


def _holds_literal(node: cst.CSTNode, key: str) -> bool:
    """Whether the string literal ``key`` is ``node`` or anywhere inside it."""
    return any(_is_literal(inner, key) for inner in subtree(node))


def _pops(node: cst.Call, key: str) -> bool:
    """``E.pop("key", ...)``."""
    return isinstance(node.func, cst.Attribute) and node.func.attr.value == "pop" and \
        bool(node.args) and _is_literal(node.args[0].value, key)


def _subscripts(node: cst.CSTNode, key: str) -> bool:
    """``E["key"]``."""
    if not isinstance(node, cst.Subscript) or len(node.slice) != 1:
        return False
    index = node.slice[0].slice
    return isinstance(index, cst.Index) and _is_literal(index.value, key)


def _read_from(value: cst.BaseExpression, field: str) -> cst.BaseExpression | None:
    """``E`` when ``value`` reads ``field`` from it: ``E["field"]``, ``E.field``, ``E.get("field")``."""
    if isinstance(value, cst.Attribute) and value.attr.value == field:
        return value.value
    if isinstance(value, cst.Subscript) and _subscripts(value, field):
        return value.value
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and \
            value.func.attr.value == "get" and value.args and _is_literal(value.args[0].value, field):
        return value.func.value
    return None


class ReasoningContentDropped(Rule):
    """
    ## What it does
    Finds code that removes `reasoning_content` from chat messages: `msg.pop("reasoning_content")`,
    `del m["reasoning_content"]`, dict comprehensions that filter the key out
    (`{k: v for k, v in m.items() if k != "reasoning_content"}`, or keep only
    `role` / `content`), `model_dump(exclude={"reasoning_content"})`, and messages rebuilt
    from an assistant message with only `role` and `content` in a module that deals with
    `reasoning_content`.

    ## Why
    In the R1 era (`deepseek-reasoner`), DeepSeek's docs said the opposite of today's rule:
    sending an assistant message's `reasoning_content` back in the next request was an
    error (HTTP 400), so client code and agent frameworks learnt to strip it from the
    history. V4 in thinking mode reverses this for tool calls: the assistant's
    `reasoning_content` **must** be passed back in the following turns of a tool-call loop,
    or the API answers HTTP 400 "The reasoning_content in the thinking mode must be passed
    back to the API.". Code that still strips it works for plain chat and breaks the first
    time the model calls a tool.
    """

    code = "DSM105"
    name = "reasoning-content-dropped"
    summary = "code that strips `reasoning_content` from the message history (R1-era advice)"
    default_severity = Severity.WARNING
    fixable = "never"
    fix_safety = (
        "No automatic fix: keeping the key means removing code whose purpose (and whose "
        "callers) the tool cannot see; keep `reasoning_content` on assistant messages that "
        "carry `tool_calls` when they are sent back."
    )
    upstream = "https://api-docs.deepseek.com/guides/thinking_mode"
    VALID = (
        Valid('messages.append(response.choices[0].message)\n'),
        Valid('msg = {"role": "assistant", "content": reply.content,\n'
              '       "reasoning_content": reply.reasoning_content, "tool_calls": reply.tool_calls}\n'),
        Valid('headers.pop("Authorization")\n'),
        Valid('clean = {k: v for k, v in m.items() if k != "debug"}\n'),
        Valid('history = [{"role": m["role"], "content": m["content"]} for m in turns]\n'),
        Valid('thoughts = message.reasoning_content\nprint(thoughts)\n'),
    )
    INVALID = (
        Invalid('for msg in history:\n    msg.pop("reasoning_content", None)\n'),
        Invalid('def clean(m):\n    if "reasoning_content" in m:\n        del m["reasoning_content"]\n'),
        Invalid('messages = [{k: v for k, v in m.items() if k != "reasoning_content"} for m in messages]\n'),
        Invalid('history.append(message.model_dump(exclude={"reasoning_content"}))\n'),
        Invalid(
            'reply = response.choices[0].message\nlog.debug(reply.reasoning_content)\n'
            'messages.append({"role": "assistant", "content": reply.content})\n'
        ),
        Invalid(
            'def to_history(turns):\n'
            '    # reasoning_content must not be sent back to deepseek-reasoner\n'
            '    return [{k: v for k, v in t.items() if k in ("role", "content")} for t in turns]\n'
        ),
    )

    MESSAGE = (
        "drops `reasoning_content` from a message (R1-era advice: sending it back was a 400); "
        "V4 thinking mode requires it in tool-call turns, or answers HTTP 400 \"The "
        "reasoning_content in the thinking mode must be passed back to the API.\""
    )

    SCREEN = may_drop_reasoning_content

    @property
    def _key(self) -> str:
        return self.catalog.reasoning_field

    def _contains_key(self, node: cst.CSTNode) -> bool:
        return _holds_literal(node, self._key)

    def visit_Call(self, node: cst.Call) -> None:
        if _pops(node, self._key):
            self.report(node, self.MESSAGE)
            return
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "exclude" and self._contains_key(arg.value):
                self.report(arg, self.MESSAGE)

    def visit_Del(self, node: cst.Del) -> None:
        targets = node.target.elements if isinstance(node.target, cst.Tuple) else [node.target]
        for target in targets:
            value = target.value if isinstance(target, cst.Element) else target
            if _subscripts(value, self._key):
                self.report(node, self.MESSAGE)
                return

    def visit_DictComp(self, node: cst.DictComp) -> None:
        for clause in _comprehension_ifs(node.for_in):
            if self._filters_key_out(clause.test):
                self.report(node, self.MESSAGE)
                return

    def _filters_key_out(self, test: cst.BaseExpression) -> bool:
        for comparison in subtree(test):
            if not isinstance(comparison, cst.Comparison):
                continue
            for target in comparison.comparisons:
                if isinstance(target.operator, _EXCLUDING) and self._contains_key(comparison):
                    return True
                if isinstance(target.operator, cst.In) and self._allowlist_without_key(target.comparator):
                    return True
        return False

    def _allowlist_without_key(self, node: cst.BaseExpression) -> bool:
        """``k in ("role", "content")`` in a module that knows about ``reasoning_content``."""
        if not isinstance(node, (cst.Tuple, cst.List, cst.Set)) or self._key not in self.context.text:
            return False
        keys = {literal_value(e.value) for e in node.elements}
        return "content" in keys and self._key not in keys and keys <= MESSAGE_KEYS

    def visit_Dict(self, node: cst.Dict) -> None:
        if self._key not in self.context.text or not self._rebuilds_assistant_message(node):
            return
        self.report(node, self.MESSAGE)

    def _rebuilds_assistant_message(self, node: cst.Dict) -> bool:
        entries: dict[str, cst.BaseExpression] = {}
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                return False
            key = literal_value(element.key) if isinstance(element.key, cst.SimpleString) else None
            if key is None or key not in MESSAGE_KEYS:
                return False
            entries[key] = element.value
        if "role" not in entries or "content" not in entries:
            return False
        source = _read_from(entries["content"], "content")
        if source is None:
            return False
        role = entries["role"]
        if isinstance(role, cst.SimpleString):
            return literal_value(role) == "assistant"
        role_source = _read_from(role, "role")
        return role_source is not None and role_source.deep_equals(source)


def _comprehension_ifs(clause: cst.CompFor | None) -> list[cst.CompIf]:
    found: list[cst.CompIf] = []
    while clause is not None:
        found.extend(clause.ifs)
        clause = clause.inner_for_in
    return found


RULE = ReasoningContentDropped
