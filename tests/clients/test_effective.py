"""The effective request: what DeepSeek serves for a body, by its rules."""

from __future__ import annotations

from typing import Any

import pytest

from .effective import compare_runs, effective, model_family, thinking_state
from .standin import Recorded


def post(body: Any, path: str = "/chat/completions") -> Recorded:
    return Recorded("POST", path, body)


@pytest.mark.parametrize(("model", "family"), [
    ("deepseek-chat", "deepseek-v4-flash"),
    ("deepseek-coder", "deepseek-v4-flash"),
    ("deepseek-reasoner", "deepseek-v4-flash"),
    ("deepseek-v4-flash", "deepseek-v4-flash"),
    ("deepseek-v4-pro", "deepseek-v4-pro"),
    ("claude-sonnet-4", "claude-sonnet-4"),
])
def test_retired_ids_belong_to_their_successors_family(model: str, family: str) -> None:
    assert model_family(model) == family


@pytest.mark.parametrize(("body", "state"), [
    ({"model": "deepseek-chat"}, "off"),
    ({"model": "deepseek-coder"}, "off"),
    ({"model": "deepseek-chat", "thinking": {"type": "enabled"}}, "on"),
    ({"model": "deepseek-reasoner"}, "on"),
    ({"model": "deepseek-v4-flash"}, "on"),
    ({"model": "deepseek-v4-pro"}, "on"),
    ({"model": "deepseek-v4-flash", "thinking": {"type": "disabled"}}, "off"),
    ({"model": "deepseek-v4-flash", "reasoning_effort": "none"}, "off"),
    ({"model": "deepseek-v4-flash", "reasoning_effort": "high"}, "on"),
    ({"model": "deepseek-chat", "reasoning_effort": "none"}, "off"),
    ({"model": "claude-sonnet-4"}, None),
])
def test_thinking_state_follows_deepseeks_defaults_and_switches(body: dict[str, Any], state: str) -> None:
    assert thinking_state(body) == state


def test_a_faithful_migration_is_equal() -> None:
    before = [post({"model": "deepseek-chat", "messages": [], "temperature": 0.2}),
              post({"model": "deepseek-reasoner", "messages": []})]
    after = [post({"model": "deepseek-v4-flash", "messages": [], "temperature": 0.2,
                   "thinking": {"type": "disabled"}}),
             post({"model": "deepseek-v4-flash", "messages": [], "thinking": {"type": "enabled"}})]
    assert compare_runs(before, after) == []


def test_a_rename_alone_turns_thinking_on() -> None:
    before = [post({"model": "deepseek-chat", "messages": []})]
    after = [post({"model": "deepseek-v4-flash", "messages": []})]
    assert compare_runs(before, after) == ["request 1: thinking off -> on"]


def test_every_other_key_counts_as_sent() -> None:
    before = [post({"model": "deepseek-chat", "messages": [], "temperature": 0.2})]
    after = [post({"model": "deepseek-v4-flash", "messages": [], "thinking": {"type": "disabled"},
                   "top_p": 0.5})]
    assert compare_runs(before, after) == [
        "request 1: body key 'temperature': 0.2 -> '<absent>'",
        "request 1: body key 'top_p': '<absent>' -> 0.5",
    ]


def test_thinking_fields_besides_type_are_compared() -> None:
    before = [post({"model": "deepseek-reasoner", "thinking": {"type": "enabled", "budget_tokens": 9}},
                   "/anthropic/v1/messages")]
    after = [post({"model": "deepseek-v4-flash", "thinking": {"type": "enabled"}}, "/anthropic/v1/messages")]
    assert compare_runs(before, after) == [
        "request 1: body key 'thinking (besides type)': {'budget_tokens': 9} -> '<absent>'"]


def test_another_model_family_endpoint_or_count_is_a_change() -> None:
    before = [post({"model": "deepseek-chat"}), post({"model": "deepseek-chat"})]
    after = [post({"model": "deepseek-v4-pro", "thinking": {"type": "disabled"}}, "/beta/completions")]
    assert compare_runs(before, after) == [
        "request count 2 -> 1",
        "request 1: path /chat/completions -> /beta/completions",
        "request 1: family deepseek-v4-flash -> deepseek-v4-pro",
    ]


def test_a_body_that_is_not_an_object_is_compared_whole() -> None:
    assert effective(Recorded("GET", "/models", None)).others == {"<body>": None}
