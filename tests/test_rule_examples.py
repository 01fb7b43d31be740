"""Every rule documents itself with VALID / INVALID examples; this runs them (Fixit-style)."""

from __future__ import annotations

import pytest

from migrator.analysis import analyse_python
from migrator.catalog import load_catalog
from migrator.judgement import Judgement, Location
from migrator.rules import ALL_CODES, available_codes, rule_info
from migrator.rules.base import Rule
from migrator.rules.meta import Invalid, Valid
from migrator.settings import parse_today

from .conftest import TODAY

CATALOG = load_catalog()
VISITOR_RULES = [code for code in available_codes() if issubclass(rule_info(code), Rule)]


def _examples(kind: str) -> list[tuple[str, int, Valid | Invalid]]:
    cases = []
    for code in VISITOR_RULES:
        for index, example in enumerate(getattr(rule_info(code), kind)):
            cases.append(pytest.param(code, index, example, id=f"{code}-{kind.lower()}-{index}"))
    return cases


def _findings(code: str, example: Valid | Invalid) -> list[str]:
    judgement = Judgement(
        CATALOG,
        parse_today(example.options.get("today", TODAY)),
        example.options.get("target", CATALOG.default_target),
    )
    analysis = analyse_python(example.code, Location(example.filename), judgement, frozenset({code}))
    assert analysis.parsed, f"example does not parse:\n{example.code}"
    return [f.code for f in analysis.suppressions.filter(analysis.findings)]


@pytest.mark.parametrize(("code", "index", "example"), _examples("VALID"))
def test_valid_example_has_no_finding(code: str, index: int, example: Valid) -> None:
    assert _findings(code, example) == []


@pytest.mark.parametrize(("code", "index", "example"), _examples("INVALID"))
def test_invalid_example_is_reported(code: str, index: int, example: Invalid) -> None:
    assert _findings(code, example) == [code] * example.count


def _fixed(code: str, example: Invalid, unsafe: bool) -> str:
    from migrator.sources.text import apply_edits

    judgement = Judgement(
        CATALOG,
        parse_today(example.options.get("today", TODAY)),
        example.options.get("target", CATALOG.default_target),
    )
    analysis = analyse_python(example.code, Location(example.filename), judgement, frozenset({code}))
    edits = {
        edit
        for finding in analysis.suppressions.filter(analysis.findings)
        if finding.fix is not None and (finding.fix.applicability == "safe" or unsafe)
        for edit in finding.fix.edits
    }
    return apply_edits(example.code, sorted(edits))


def _fix_examples() -> list[tuple[str, int, Invalid]]:
    return [case for case in _examples("INVALID")
            if case.values[2].fixed is not None or case.values[2].unsafe_fixed is not None]


@pytest.mark.parametrize(("code", "index", "example"), _fix_examples())
def test_invalid_example_fixes_as_documented(code: str, index: int, example: Invalid) -> None:
    if example.fixed is not None:
        assert _fixed(code, example, unsafe=False) == example.fixed
    expected_unsafe = example.unsafe_fixed if example.unsafe_fixed is not None else example.fixed
    assert _fixed(code, example, unsafe=True) == expected_unsafe


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_spec_code_documents_itself(code: str) -> None:
    info = rule_info(code)
    assert info.code == code
    assert info.name and info.summary and info.documentation()
    assert info.VALID and info.INVALID, "a rule carries its own examples"
