"""Every rule documents itself with VALID / INVALID examples; this runs them (Fixit-style)."""

from __future__ import annotations

import re

import pytest

from migrator.analysis import analyse_python
from migrator.catalog import load_catalog
from migrator.discovery import Candidate
from migrator.findings import Finding, Severity
from migrator.fixing import FixRun, fix_bytes
from migrator.judgement import Judgement, Location
from migrator.lines import LineIndex
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


def _judgement(example: Valid | Invalid) -> Judgement:
    return Judgement(
        CATALOG,
        parse_today(example.options.get("today", TODAY)),
        example.options.get("target", CATALOG.default_target),
    )


def _reported(code: str, example: Valid | Invalid) -> list[Finding]:
    analysis = analyse_python(example.code, Location(example.filename), _judgement(example),
                              frozenset({code}))
    assert analysis.parsed, f"example does not parse:\n{example.code}"
    return analysis.suppressions.filter(analysis.findings)


def _findings(code: str, example: Valid | Invalid) -> list[str]:
    return [f.code for f in _reported(code, example)]


def _spanned(text: str, finding: Finding) -> str:
    lines = LineIndex(text)
    span = finding.span
    start = lines.offset(span.line, span.column - 1)
    return text[start : lines.offset(span.end_line, span.end_column - 1)]


@pytest.mark.parametrize(("code", "index", "example"), _examples("VALID"))
def test_valid_example_has_no_finding(code: str, index: int, example: Valid) -> None:
    assert _findings(code, example) == []


@pytest.mark.parametrize(("code", "index", "example"), _examples("INVALID"))
def test_invalid_example_is_reported_where_and_as_it_says(code: str, index: int,
                                                            example: Invalid) -> None:
    """The count, and each finding's span and message: the span covers source text, and the
    first thing the message names in backticks stands in that text (the ID, the URL, the
    parameter), so a finding reported on the wrong node or with the wrong words fails."""
    findings = _reported(code, example)
    assert [f.code for f in findings] == [code] * example.count
    rule = rule_info(code)
    for finding in findings:
        spanned = _spanned(example.code, finding)
        assert spanned.strip(), finding
        assert finding.severity in {rule.default_severity, Severity.ERROR, Severity.WARNING}
        named = re.findall(r"`([^`]+)`|(?<= )\"([^\"]+)\"", finding.message)
        assert named, f"the message names nothing: {finding.message}"
        first = next(part for part in named[0] if part)
        if finding.message.startswith(f"drops `{first}`"):  # removed by name, or a rebuilt message
            assert first in spanned or '"content"' in spanned, (finding.message, spanned)
        else:
            assert first in spanned or _spelled_in(first, spanned), (finding.message, spanned)


def _spelled_in(name: str, spanned: str) -> bool:
    """An ID the message names as the catalog spells it, written in pieces or with escapes."""
    literal = spanned.replace('" "', "").replace("' '", "").replace("\\x2d", "-")
    return name in literal


def _fixed(code: str, example: Invalid, unsafe: bool) -> str:
    """The example after ``fix``'s own selection, rendering and verification."""
    plan = FixRun(codes=frozenset({code}), today=_judgement(example).today,
                  target=_judgement(example).target, unsafe_fixes=unsafe, prefilter=False)
    candidate = Candidate(example.filename, example.filename, "python", True, False)
    data = example.code.encode("utf-8")
    outcome, new = fix_bytes(candidate, data, plan)
    assert outcome.problem is None, outcome.problem
    return new.decode("utf-8")


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
