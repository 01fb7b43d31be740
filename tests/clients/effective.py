"""What a recorded request asks DeepSeek for, by DeepSeek's rules.

Two requests are the same when they go to the same endpoint, reach the same model family in the
same thinking state, and carry every other body key with the same value. The model ID itself is
not compared: a retired ID and its successor are one family (the catalog's ``successor``), which
is the point of the migration. The thinking state follows the catalog's defaults per ID (legacy
``deepseek-chat`` / ``deepseek-coder`` off, ``deepseek-reasoner`` and the V4 IDs on) unless the
body switches it with ``thinking.type`` or ``reasoning_effort``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from migrator.catalog import Catalog, load_catalog

from .standin import Recorded

ON, OFF = "on", "off"
THINKING_ON_TYPES = {"enabled", "adaptive"}


@cache
def catalog() -> Catalog:
    return load_catalog()


def model_family(model: object) -> str:
    """The model a request is served by: a retired ID's family is its successor's."""
    if not isinstance(model, str):
        return repr(model)
    entry = catalog().models.get(model)
    while entry is not None and entry.is_retired and entry.successor is not None:
        entry = catalog().models[entry.successor]
    return entry.id if entry is not None else model


def default_thinking(model: object) -> str | None:
    entry = catalog().models.get(model) if isinstance(model, str) else None
    if entry is None:
        return None  # not a DeepSeek ID (an Anthropic alias, a typo): no rule to apply
    return ON if entry.thinking == "enabled" else OFF


def thinking_state(body: dict[str, Any]) -> str | None:
    """``on`` / ``off`` as DeepSeek decides it for this body (None: not a DeepSeek model)."""
    switch = body.get("thinking")
    if isinstance(switch, dict) and isinstance(switch.get("type"), str):
        return ON if switch["type"] in THINKING_ON_TYPES else OFF
    effort = body.get("reasoning_effort")
    if isinstance(effort, str):
        return OFF if effort == catalog().effort_off else ON
    return default_thinking(body.get("model"))


def _other_keys(body: dict[str, Any]) -> dict[str, Any]:
    others = {key: value for key, value in body.items() if key not in ("model", "thinking")}
    switch = body.get("thinking")
    if isinstance(switch, dict):
        rest = {key: value for key, value in switch.items() if key != "type"}
        if rest:  # budget_tokens and the like are compared as sent
            others["thinking (besides type)"] = rest
    elif "thinking" in body:
        others["thinking"] = switch
    return others


@dataclass(frozen=True)
class Effective:
    method: str
    path: str
    family: str | None
    thinking: str | None
    others: dict[str, Any] = field(hash=False)

    def describe(self) -> str:
        return f"{self.method} {self.path} family={self.family} thinking={self.thinking}"


def effective(request: Recorded) -> Effective:
    body = request.body
    if not isinstance(body, dict):
        return Effective(request.method, request.path, None, None, {"<body>": body})
    return Effective(request.method, request.path, model_family(body.get("model")),
                     thinking_state(body), _other_keys(body))


def differences(before: Effective, after: Effective) -> list[str]:
    """Each way ``after`` asks for something else than ``before``, as ``what: old -> new``."""
    changes = []
    for name in ("method", "path", "family", "thinking"):
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            changes.append(f"{name} {old} -> {new}")
    for key in sorted(set(before.others) | set(after.others)):
        old, new = before.others.get(key, "<absent>"), after.others.get(key, "<absent>")
        if old != new:
            changes.append(f"body key {key!r}: {old!r} -> {new!r}")
    return changes


def compare_runs(before: list[Recorded], after: list[Recorded]) -> list[str]:
    """Request by request, in order: every change, named ``request N: ...``; [] when all are equal."""
    changes = []
    if len(before) != len(after):
        changes.append(f"request count {len(before)} -> {len(after)}")
    for number, (old, new) in enumerate(zip(before, after, strict=False), start=1):
        changes.extend(f"request {number}: {change}"
                       for change in differences(effective(old), effective(new)))
    return changes
