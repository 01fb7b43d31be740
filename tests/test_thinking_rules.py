"""DSM003, DSM101-DSM105 and DSM201: the fixture corpus through the CLI, and their fixes.

Fixture layout (fixtures/rules/README.md): ``X.py`` with ``X.py.expected`` (the findings
`check` reports), and for fixable rules ``X.py.fixed`` (safe fixes applied) and
``X.py.unsafe-fixed`` (safe and unsafe fixes applied).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import libcst as cst
import pytest

from migrator.analysis import analyse_python
from migrator.catalog import load_catalog
from migrator.decoding import apply_edits
from migrator.findings import Finding
from migrator.judgement import Judgement, Location
from migrator.rules import available_codes, rule_info
from migrator.rules.meta import Invalid
from migrator.settings import parse_today

from .conftest import FIXTURES, ROOT, TODAY, run_cli

# Every rule with fixtures under fixtures/rules/: all but the retired-ID rules (their
# fixtures are fixtures/check/ and fixtures/fix/) and DSM900 (no source shows it twice alike).
CODES = tuple(code for code in available_codes() if code not in ("DSM001", "DSM002", "DSM900"))
RULE_FIXTURES = FIXTURES / "rules"
SIDECARS = sorted(RULE_FIXTURES.rglob("*.expected"))
CATALOG = load_catalog()


def _select_of(sidecar: Path) -> str:
    first = sidecar.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# select:"), f"{sidecar} must start with '# select: CODES'"
    return first.split(":", 1)[1].strip()


def _expected(sidecar: Path) -> list[str]:
    lines = sidecar.read_text(encoding="utf-8").splitlines()[1:]
    return sorted(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _source(sidecar: Path) -> Path:
    return sidecar.with_name(sidecar.name[: -len(".expected")])


def _options(source: Path) -> dict[str, str]:
    """``# options: target=deepseek-flash`` on the fixture's first line sets the run's target."""
    first = source.read_text(encoding="utf-8").splitlines()[0]
    if not first.startswith("# options:"):
        return {}
    pairs = (item.split("=", 1) for item in first.split(":", 1)[1].split())
    return {key.strip(): value.strip() for key, value in pairs}


@cache
def _report(select: str, target: str) -> dict[str, list[dict[str, object]]]:
    files = [_source(s) for s in SIDECARS
             if _select_of(s) == select and _options(_source(s)).get("target", "") == target]
    relative = [str(f.relative_to(ROOT)) for f in files]
    extra = ["--target", target] if target else []
    result = run_cli("check", "--output-format", "json", "--select", select, "--no-progress",
                     "--workers", "1", *extra, *relative, cwd=ROOT)
    assert result.returncode in (0, 1), result.stderr.decode()
    found: dict[str, list[dict[str, object]]] = {path: [] for path in relative}
    for finding in json.loads(result.stdout)["findings"]:
        found.setdefault(finding["path"], []).append(finding)
    return found


def test_every_rule_has_fixtures_in_three_libraries() -> None:
    by_code: dict[str, set[str]] = {code: set() for code in CODES}
    for sidecar in SIDECARS:
        for code in _select_of(sidecar).split(","):
            by_code[code].add(sidecar.parent.name)
    assert {code: len(dirs) for code, dirs in by_code.items() if len(dirs) < 3} == {}


@pytest.mark.parametrize("sidecar", SIDECARS, ids=lambda p: str(p.relative_to(RULE_FIXTURES)))
def test_check_reports_the_expected_findings(sidecar: Path) -> None:
    source = _source(sidecar)
    findings = _report(_select_of(sidecar), _options(source).get("target", ""))[
        str(source.relative_to(ROOT))]
    assert sorted(f"{f['line']}:{f['column']} {f['code']}" for f in findings) == _expected(sidecar)
    fixes = {f["fix"]["applicability"] for f in findings if f["fix"]}  # type: ignore[index]
    # A sidecar of fixed output exists exactly when some fix of that safety is offered.
    assert ("safe" in fixes) == source.with_name(source.name + ".fixed").exists()
    assert bool(fixes) == source.with_name(source.name + ".unsafe-fixed").exists()


def _rule_findings(text: str, codes: frozenset[str], target: str | None = None,
                   path: str = "example.py") -> list[Finding]:
    judgement = Judgement(CATALOG, parse_today(TODAY), target or CATALOG.default_target)
    analysis = analyse_python(text, Location(path), judgement, codes)
    assert analysis.parsed
    return analysis.suppressions.filter(analysis.findings)


def _fixed(text: str, findings: list[Finding], unsafe: bool) -> str:
    allowed = {"safe", "unsafe"} if unsafe else {"safe"}
    edits = [e for f in findings if f.fix and f.fix.applicability in allowed for e in f.fix.edits]
    return apply_edits(text, edits)


FIXED_SIDECARS = sorted(
    [*RULE_FIXTURES.rglob("*.py.fixed"), *RULE_FIXTURES.rglob("*.py.unsafe-fixed")]
)


def _fix_examples() -> list[object]:
    cases = []
    for code in CODES:
        for index, example in enumerate(rule_info(code).INVALID):
            if example.fixed is not None or example.unsafe_fixed is not None:
                cases.append(pytest.param(code, example, id=f"{code}-invalid-{index}"))
    return cases


@pytest.mark.parametrize(("code", "example"), _fix_examples())
def test_documented_fix_examples_hold(code: str, example: Invalid) -> None:
    findings = _rule_findings(example.code, frozenset({code}), example.options.get("target"))
    if example.fixed is not None:
        assert _fixed(example.code, findings, unsafe=False) == example.fixed
    if example.unsafe_fixed is not None:
        assert _fixed(example.code, findings, unsafe=True) == example.unsafe_fixed


@pytest.mark.parametrize("code", CODES)
def test_rules_without_a_documented_safe_fix_offer_none(code: str) -> None:
    info = rule_info(code)
    for example in info.INVALID:
        findings = _rule_findings(example.code, frozenset({code}), example.options.get("target"))
        safe = [f for f in findings if f.fix and f.fix.applicability == "safe"]
        if example.fixed is None:
            assert safe == [], example.code


@pytest.mark.parametrize("expected", FIXED_SIDECARS, ids=lambda p: str(p.relative_to(RULE_FIXTURES)))
def test_fix_command_writes_the_expected_file(expected: Path, tmp_path: Path) -> None:
    """Through ``fix`` itself (fix selection, verification, atomic write); a second run
    changes nothing: the fixes remove what they were for."""
    unsafe = expected.name.endswith(".unsafe-fixed")
    source = expected.with_name(expected.name.rsplit(".py.", 1)[0] + ".py")
    select = _select_of(source.with_name(source.name + ".expected"))
    target = _options(source).get("target")
    copy = tmp_path / source.name
    copy.write_bytes(source.read_bytes())
    args = ["fix", "--select", select, "--no-progress", "--workers", "1", copy.name]
    args += ["--unsafe-fixes"] if unsafe else []
    args += ["--target", target] if target else []
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr.decode()
    fixed = copy.read_text(encoding="utf-8")
    assert fixed == expected.read_text(encoding="utf-8")
    cst.parse_module(fixed)
    run_cli(*args, cwd=tmp_path)
    assert copy.read_text(encoding="utf-8") == fixed
