"""The results cache: a repeated run reads it, a change re-analyses, nothing bad is trusted."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from migrator.cache import CACHE_DIR_NAME
from migrator.discovery import Candidate, DiscoveryOptions, discover
from migrator.engine import FileOutcome, Plan, results_cache, run_files
from migrator.rules import ALL_CODES
from tests.conftest import TODAY, TODAY_DT

HIT = 'from openai import OpenAI\nclient = OpenAI(base_url="https://api.deepseek.com")\n' \
      'client.chat.completions.create(model="deepseek-chat", messages=[])  # deepseek-coder\n'
OTHER = 'MODEL = "deepseek-reasoner"\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "a.py").write_text(HIT)
    (tmp_path / "b.py").write_text(OTHER)
    (tmp_path / "clean.py").write_text("x = 1\n")
    return tmp_path


def plan_for(root: Path, **changes: object) -> Plan:
    base = Plan(codes=frozenset(ALL_CODES), today=TODAY_DT, target="deepseek-v4-flash",
                project_root=root, cache_dir=root / CACHE_DIR_NAME)
    return replace(base, **changes)  # type: ignore[arg-type]


def run(root: Path, plan: Plan, workers: int = 1) -> list[FileOutcome]:
    found = [c for c in discover([str(root)], DiscoveryOptions(project_root=root))
             if isinstance(c, Candidate)]
    return list(run_files(found, plan, workers=workers))


def findings(outcomes: list[FileOutcome]) -> list[object]:
    return [(o.display, o.findings, o.texts) for o in outcomes]


def cached(outcomes: list[FileOutcome]) -> set[str]:
    return {Path(o.display).name for o in outcomes if o.cached}


def entries(root: Path) -> list[Path]:
    return sorted((root / CACHE_DIR_NAME).rglob("*.json"))


def test_a_second_run_reads_every_analysed_file_from_the_cache(project: Path) -> None:
    first = run(project, plan_for(project))
    assert cached(first) == set()
    second = run(project, plan_for(project))
    assert cached(second) == {"a.py", "b.py"}  # clean.py never reaches analysis
    assert findings(second) == findings(first)
    assert sum(len(o.findings) for o in second) >= 3
    assert (project / CACHE_DIR_NAME / ".gitignore").read_text().splitlines()[-1] == "*"


def test_a_changed_file_is_analysed_again(project: Path) -> None:
    run(project, plan_for(project))
    (project / "b.py").write_text('MODEL = "deepseek-coder"\nOTHER = "deepseek-chat"\n')
    second = run(project, plan_for(project))
    # a.py's fix verdicts may depend on b.py (a module it imports or that imports it): a change
    # to any Python file of the project is a miss for every Python module.
    assert cached(second) == set()
    b = next(o for o in second if o.display.endswith("b.py"))
    assert [f.model for f in b.findings] == ["deepseek-coder", "deepseek-chat"]


def test_other_settings_and_another_day_do_not_share_entries(project: Path) -> None:
    run(project, plan_for(project))
    assert cached(run(project, plan_for(project, codes=frozenset({"DSM001"})))) == set()
    assert cached(run(project, plan_for(project, target="deepseek-v4-pro"))) == set()
    later = plan_for(project, today=TODAY_DT.replace(year=TODAY_DT.year + 1))
    assert cached(run(project, later)) == set()
    # ... while a later moment of the same day shows the same findings, so it shares them.
    same_day = plan_for(project, today=TODAY_DT.replace(hour=TODAY_DT.hour + 1))
    assert cached(run(project, same_day)) == {"a.py", "b.py"}


@pytest.mark.parametrize("garbage", [b"", b"{not json", b"[]", b'{"format": 1}',
                                     b'{"format": 1, "key": "x", "depends_on": [], '
                                     b'"findings": [], "texts": {}}'])
def test_a_corrupt_or_foreign_entry_is_ignored_and_replaced(project: Path, garbage: bytes) -> None:
    reference = run(project, plan_for(project, cache_dir=None))
    run(project, plan_for(project))
    for entry in entries(project):
        entry.write_bytes(garbage)
    again = run(project, plan_for(project))
    assert cached(again) == set()
    assert findings(again) == findings(reference)
    assert cached(run(project, plan_for(project))) == {"a.py", "b.py"}  # rewritten whole


def test_an_entry_with_forged_findings_for_other_content_is_not_trusted(project: Path) -> None:
    run(project, plan_for(project))
    cache = results_cache(plan_for(project))
    assert cache is not None
    forged = {"format": 1, "key": "0" * 64, "depends_on": [], "findings": [], "texts": {}}
    for entry in entries(project):  # every entry names another key than its file's
        entry.write_text(json.dumps(forged))
    assert cached(run(project, plan_for(project))) == set()


def test_an_entry_whose_dependency_changed_is_a_miss(project: Path) -> None:
    plan = plan_for(project)
    cache = results_cache(plan)
    assert cache is not None
    key = cache.key("x.py", "python:code", b"data")
    cache.store(key, [], {}, depends_on=[(str(project / "b.py"), "f" * 64)])
    assert cache.load(key) is None
    from migrator.cache import content_hash

    cache.store(key, [], {}, depends_on=[(str(project / "b.py"),
                                          content_hash((project / "b.py").read_bytes()))])
    assert cache.load(key) == ([], {})


def test_concurrent_runs_sharing_the_cache_agree(project: Path) -> None:
    for index in range(30):
        (project / f"m{index}.py").write_text(f'MODEL_{index} = "deepseek-chat"\n')
    reference = findings(run(project, plan_for(project, cache_dir=None)))
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: findings(run(project, plan_for(project), workers=2)),
                                range(4)))
    assert all(result == reference for result in results)
    assert not [p for p in (project / CACHE_DIR_NAME).rglob(".tmp-*")]
    assert findings(run(project, plan_for(project))) == reference


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migrator", "check", "--today", TODAY,
                           "--output-format", "json", "--exit-zero", *args, "."],
                          cwd=root, capture_output=True, text=True, check=False)


def test_the_cli_writes_the_cache_at_the_project_root_and_no_cache_writes_nothing(
        project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.deepseek-migrate]\n")
    cold = cli(project, "--no-cache")
    assert not (project / CACHE_DIR_NAME).exists()
    first = cli(project)
    assert entries(project)
    assert json.loads(first.stdout) == json.loads(cold.stdout)
    assert json.loads(cli(project).stdout) == json.loads(cold.stdout)


def test_the_setting_cache_false_writes_nothing(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.deepseek-migrate]\ncache = false\n")
    done = cli(project)
    assert json.loads(done.stdout)["summary"]["findings"] >= 3
    assert not (project / CACHE_DIR_NAME).exists()


def test_the_cache_is_never_read_as_a_source_even_without_gitignore(tmp_path: Path) -> None:
    """Entries hold findings (model IDs as JSON): a later run must not report them."""
    (tmp_path / "app.py").write_text('from openai import OpenAI\nMODEL = "deepseek-chat"\n')
    command = [sys.executable, "-m", "migrator", "check", "--output-format", "json",
               "--no-progress", "--no-respect-gitignore", "."]
    subprocess.run(command, cwd=tmp_path, capture_output=True, check=False)
    assert (tmp_path / CACHE_DIR_NAME).is_dir()
    second = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    paths = {finding["path"] for finding in json.loads(second.stdout)["findings"]}
    assert paths == {"app.py"}


def test_a_cached_notebook_finding_keeps_the_cell_of_its_request(tmp_path: Path) -> None:
    import shutil

    from tests.conftest import FIXTURES

    shutil.copy(FIXTURES / "projects" / "notebook_cells" / "before" / "sentiment.ipynb", tmp_path)
    first = run(tmp_path, plan_for(tmp_path))
    second = run(tmp_path, plan_for(tmp_path))
    assert cached(second) == {"sentiment.ipynb"}
    requests = [[f.requests for f in o.findings if f.code == "DSM001"] for o in (*first, *second)]
    assert [[(r.cell, r.line, r.column) for r in found] for found in requests[0]] == [[(4, 2, 16)]]
    assert requests[1] == requests[0]
