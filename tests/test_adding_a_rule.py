"""Adding a rule is one module: registered under its code, it runs, reports, lists and explains."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrator import rules

from .conftest import run_cli

SAMPLE = "tests.sample_rules.dsm950_printed_model_id"


@pytest.fixture
def sample_rule(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(rules.RULE_MODULES, "DSM950", SAMPLE)
    return "DSM950"


def test_a_registered_rule_module_runs_in_check(sample_rule: str, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text('print("deepseek-chat")\nprint("deepseek-v4-flash")\n')
    done = run_cli("check", "--select", sample_rule, "--output-format", "json", "--workers", "1",
                   "app.py", cwd=tmp_path)
    findings = json.loads(done.stdout)["findings"]
    assert done.returncode == 0  # an info finding is below the default --fail-on
    assert [(f["code"], f["line"], f["column"], f["message"]) for f in findings] == [
        ("DSM950", 1, 7, "prints `deepseek-chat`")]


def test_a_registered_rule_is_listed_and_explained(sample_rule: str) -> None:
    listed = json.loads(run_cli("rules", "--output-format", "json").stdout)
    assert [row["code"] for row in listed][-1] == sample_rule
    explained = run_cli("explain", sample_rule)
    assert explained.returncode == 0 and b"A sample" in explained.stdout


def test_its_own_examples_hold(sample_rule: str) -> None:
    from migrator.analysis import analyse_python
    from migrator.catalog import load_catalog
    from migrator.judgement import Judgement, Location
    from migrator.settings import parse_today

    from .conftest import TODAY

    info = rules.rule_info(sample_rule)
    judgement = Judgement(load_catalog(), parse_today(TODAY), "deepseek-v4-flash")
    for example, expected in [(e, 0) for e in info.VALID] + [(e, e.count) for e in info.INVALID]:
        found = analyse_python(example.code, Location("x.py"), judgement, frozenset({sample_rule}))
        assert len(found.findings) == expected, example.code
