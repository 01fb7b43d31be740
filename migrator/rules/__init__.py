"""The rule registry: every code the README's rule table names, and the module that implements it.

Selecting codes needs only this table; the rule modules (and libcst with them)
are imported when a file actually has to be parsed, or when `rules`/`explain`
print their documentation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migrator.rules.meta import RuleMeta

    RuleInfo = type[RuleMeta]

RULE_MODULES: dict[str, str] = {
    "DSM001": "dsm001_retired_model_id",
    "DSM002": "dsm002_retired_model_mention",
    "DSM003": "dsm003_expired_base_url",
    "DSM101": "dsm101_thinking_ignores_sampling",
    "DSM102": "dsm102_implicit_thinking",
    "DSM103": "dsm103_remapped_reasoning_effort",
    "DSM104": "dsm104_anthropic_budget_tokens",
    "DSM105": "dsm105_reasoning_content_dropped",
    "DSM201": "dsm201_superseded_model_id",
    "DSM900": "dsm900_parse_error",
}
ALL_CODES: tuple[str, ...] = tuple(RULE_MODULES)  # the built-in codes
# Opt-in rules (ruff's `extend-select`): DSM201 would report every V4 ID a `fix` just wrote.
OFF_BY_DEFAULT: frozenset[str] = frozenset({"DSM201"})
DEFAULT_SELECT: tuple[str, ...] = tuple(code for code in ALL_CODES if code not in OFF_BY_DEFAULT)


def module_of(code: str) -> str:
    """The module implementing a code: a bare name lives in this package; a dotted one
    (a rule registered from elsewhere, as the tests do) is imported as written."""
    name = RULE_MODULES[code]
    return name if "." in name else f"migrator.rules.{name}"


class SelectorError(ValueError):
    pass


def _expand(selector: str) -> set[str]:
    if selector == "ALL":
        return set(RULE_MODULES)
    matched = {code for code in RULE_MODULES if code.startswith(selector)}
    if not matched:
        raise SelectorError(
            f"unknown rule code or prefix {selector!r} (codes: {', '.join(RULE_MODULES)})"
        )
    return matched


def resolve_codes(select: Iterable[str] | None, ignore: Iterable[str],
                  extend_select: Iterable[str] = ()) -> frozenset[str]:
    """Codes of ``--select`` (None: the default selection) and ``--extend-select``, minus
    ``--ignore``; prefixes like ``DSM1`` allowed. An explicit selector (``ALL``, ``DSM2``)
    enables the opt-in rules it matches."""
    chosen: set[str] = set()
    for selector in (DEFAULT_SELECT if select is None else select):
        chosen |= _expand(selector)
    for selector in extend_select:
        chosen |= _expand(selector)
    for selector in ignore:
        chosen -= _expand(selector)
    return frozenset(chosen)


def built_in(code: str) -> bool:
    """Whether a code's rule is one of this package's modules (not registered from elsewhere)."""
    return "." not in RULE_MODULES[code]


def rule_info(code: str) -> RuleInfo:
    """The rule class for a code (imports its module, and libcst with it)."""
    module = import_module(module_of(code))
    info: RuleInfo = module.RULE
    return info


def enabled_rules(codes: Iterable[str]) -> Iterator[tuple[str, RuleInfo]]:
    """Each registered code among ``codes`` with its rule class, in code order (imports them);
    a code whose module is not built into this copy (a rule of a later milestone) is left out."""
    for code in sorted(set(codes)):
        if code not in RULE_MODULES:
            continue
        try:
            yield code, rule_info(code)
        except ModuleNotFoundError:
            continue


def available_codes() -> list[str]:
    """Codes whose module exists in this build."""
    from importlib.util import find_spec

    return [code for code in RULE_MODULES if find_spec(module_of(code))]
