"""The fast paths give exactly the findings of the slow path.

Fast paths: the bytes prefilter (files without a trigger string are never parsed), the
process pool (``--workers N``), and the startup that imports neither libcst nor rich
when no file needs them. Timings belong to ``benchmarks/run.py``, not here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrator import engine
from migrator.discovery import Candidate, DiscoveryOptions, discover
from migrator.engine import FileOutcome, Plan, run_files
from migrator.rules import ALL_CODES
from tests.conftest import FIXTURES, TODAY, TODAY_DT

CLEAN_MODULE = '''"""A module without any of the catalog's trigger strings."""

import os


def answer(question: str) -> str:
    return os.environ.get("MODEL", "gpt-4o") + question  # noqa: E501
'''


def plan(**changes: object) -> Plan:
    base = Plan(codes=frozenset(ALL_CODES), today=TODAY_DT, target="deepseek-v4-flash")
    return replace(base, **changes)  # type: ignore[arg-type]


def python_fixtures() -> list[Path]:
    """Enough fixtures with findings to go through the pool, from every directory."""
    every = sorted((FIXTURES / "check").rglob("*.py"))
    return every[:: max(1, len(every) // (engine.POOL_THRESHOLD + 4))]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The check fixtures (every one a hit) interleaved with clean modules."""
    root = tmp_path_factory.mktemp("tree")
    for index, source in enumerate(python_fixtures()):
        target = root / f"pkg{index % 5}" / f"{index:03d}_{source.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        (target.parent / f"{index:03d}_clean.py").write_text(CLEAN_MODULE)
    # Files the prefilter must let through although the trigger is not visible as bytes.
    (root / "utf16.py").write_bytes('MODEL = "deepseek-chat"\n'.encode("utf-16"))
    (root / "nul.py").write_bytes(b"\0\0\0")
    return root


def candidates_of(root: Path) -> list[Candidate]:
    found = discover([str(root)], DiscoveryOptions(project_root=root))
    return [item for item in found if isinstance(item, Candidate)]


def summary(outcomes: list[FileOutcome]) -> list[tuple[str, list[object]]]:
    return [(outcome.display, list(outcome.findings)) for outcome in outcomes]


@pytest.fixture(scope="module")
def serial(tree: Path) -> list[FileOutcome]:
    """The reference: one process, prefilter on."""
    return list(run_files(candidates_of(tree), plan(), workers=1))


def test_the_tree_is_big_enough_for_the_pool(serial: list[FileOutcome]) -> None:
    parsed = [o for o in serial if o.parsed]
    assert len(parsed) >= engine.POOL_THRESHOLD
    assert sum(len(o.findings) for o in parsed) > len(parsed)


def test_two_workers_give_the_findings_of_one_in_the_same_order(
    tree: Path, serial: list[FileOutcome]
) -> None:
    files = candidates_of(tree)
    pooled = list(run_files(files, plan(), workers=2))
    assert [o.display for o in serial] == [c.display for c in files]
    assert summary(pooled) == summary(serial)
    assert [o.texts for o in pooled] == [o.texts for o in serial]


def test_a_prefilter_shared_between_processes_gives_the_same_outcomes(
    tree: Path, serial: list[FileOutcome], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = candidates_of(tree)
    gone = replace(files[0], path=tree / "deleted-after-discovery.py", display="deleted.py")
    monkeypatch.setattr(engine, "PREFILTER_POOL_THRESHOLD", 2)
    pooled = list(run_files([gone, *files], plan(), workers=2))
    assert summary(pooled[1:]) == summary(serial)
    assert [f.code for f in pooled[0].findings] == ["DSM900"]
    assert "no such file" in pooled[0].findings[0].message


def test_the_prefilter_changes_no_finding(tree: Path, serial: list[FileOutcome]) -> None:
    unfiltered = list(run_files(candidates_of(tree), plan(prefilter=False), workers=2))
    assert summary(serial) == summary(unfiltered)
    # ... while really skipping the clean files, and only them.
    skipped = {o.display for o in serial if not o.parsed}
    assert skipped == {o.display for o in unfiltered if o.display.endswith("_clean.py")}
    assert all(o.parsed for o in unfiltered)


def test_chunks_cover_every_file_once_in_order() -> None:
    items = [Candidate(f"f{i}.py", f"f{i}.py", "python", False, False) for i in range(1000)]
    for workers in (1, 2, 3, 8):
        chunks = engine.chunked(items, workers)
        assert [c for chunk in chunks for c in chunk] == items
        assert len(chunks) >= min(len(items), workers)


FRAGMENTS = [
    'MODEL = "deepseek-chat"',
    'MODEL = "DeepSeek-Chat"',
    'MODEL = "DEEPSEEK-REASONER"',
    "MODEL = 'deepseek/deepseek-reasoner'",
    'URL = "https://api.deepseek.com/v1"',
    'client.chat.completions.create(model="deepseek-coder", temperature=0.2)',
    'client.chat.completions.create(model=m, reasoning_effort="minimal")',
    'body = {"model": "deepseek-v4-flash", "logprobs": True}',
    "msg.pop('reasoning_content', None)",
    "# talk to deepseek-chat here",
    'f"{name} uses deepseek-reasoner"',
    "x = 1",
    "def f():\n    return 'deepseek-chat'  # noqa: DSM001",
    "class C:\n    model: str = 'gpt-4o'",
    "broken = (",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6))
def test_prefilter_on_or_off_same_findings_for_any_module(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "module.py"
    path.write_text("\n".join(lines) + "\n")
    candidate = Candidate(path, "module.py", "python", True, False)
    fast = engine.check_file(candidate, plan(prefilter=True))
    slow = engine.check_file(candidate, plan(prefilter=False))
    if fast.parsed:
        assert fast.findings == slow.findings
    else:  # never parsed: only a syntax error of a file without any trigger goes unreported
        assert fast.findings == []
        assert {finding.code for finding in slow.findings} <= {"DSM900"}


# -- through the command line -------------------------------------------------------------


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migrator", *args], cwd=cwd, text=True,
                          capture_output=True, env={**os.environ, "DEEPSEEK_MIGRATE_TODAY": TODAY},
                          check=False)


def test_cli_workers_one_and_two_print_the_same_report(tree: Path) -> None:
    reports = [run("check", "--output-format", "json", "--no-progress", "--workers", workers, ".",
                   cwd=tree) for workers in ("1", "2")]
    assert reports[0].returncode == reports[1].returncode == 1
    assert json.loads(reports[0].stdout) == json.loads(reports[1].stdout)
    assert json.loads(reports[0].stdout)["summary"]["findings"] > 0


IMPORT_PROBE = textwrap.dedent("""
    import sys
    from migrator.cli import main
    try:
        main(sys.argv[1:])
    except SystemExit as done:
        code = done.code
    heavy = [name for name in ("libcst", "rich", "pathspec", "concurrent.futures.process")
             if name in sys.modules]
    print("exit", code, "heavy", ",".join(heavy) or "-", file=sys.stderr)
""")


def probe_imports(*args: str, cwd: Path) -> str:
    done = subprocess.run([sys.executable, "-c", IMPORT_PROBE, *args], cwd=cwd, text=True,
                          capture_output=True, check=False)
    return done.stderr.strip().splitlines()[-1]


@pytest.fixture
def clean_tree(tmp_path: Path) -> Path:
    for index in range(30):
        (tmp_path / f"pkg{index % 3}").mkdir(exist_ok=True)
        (tmp_path / f"pkg{index % 3}" / f"m{index}.py").write_text(CLEAN_MODULE)
    return tmp_path


def test_a_clean_tree_never_imports_libcst_nor_rich(clean_tree: Path) -> None:
    assert probe_imports("check", "--no-progress", ".", cwd=clean_tree) == "exit 0 heavy -"


def test_the_pre_commit_case_imports_nothing_heavy(clean_tree: Path) -> None:
    line = probe_imports("check", "--force-exclude", "pkg0/m0.py", "pkg1/m1.py", cwd=clean_tree)
    assert line == "exit 0 heavy -"


def test_a_hit_imports_libcst_so_the_probe_can_see_it(clean_tree: Path) -> None:
    (clean_tree / "hit.py").write_text('MODEL = "deepseek-chat"\n')
    assert probe_imports("check", "--workers", "1", "hit.py", cwd=clean_tree) == \
        "exit 1 heavy libcst"


@pytest.mark.parametrize("name", [".env", "settings.yaml", "config.toml", "app.json"])
def test_checking_a_config_file_with_findings_never_imports_libcst(clean_tree: Path, name: str) -> None:
    """Config readers and their rules' value hooks are libcst-free: only Python needs a parse.

    (A `.env` variable the project's code reads is followed into that code, which needs
    libcst: the clean tree reads `MODEL`, so the `.env` here sets another variable.)
    """
    body = {".env": "LLM_MODEL=deepseek-chat\n", "settings.yaml": "model: deepseek-chat\n",
            "config.toml": 'model = "deepseek-chat"\n', "app.json": '{"model": "deepseek-chat"}\n'}
    (clean_tree / name).write_text(body[name])
    assert probe_imports("check", "--workers", "1", "--output-format", "concise", name,
                         cwd=clean_tree) == "exit 1 heavy -"


def test_a_env_variable_the_code_reads_is_followed_into_the_code(clean_tree: Path) -> None:
    (clean_tree / ".env").write_text("MODEL=deepseek-chat\n")  # the clean tree reads MODEL
    assert probe_imports("check", "--workers", "1", "--output-format", "concise", ".env",
                         cwd=clean_tree) == "exit 1 heavy libcst"


def test_the_prefilter_knows_the_wide_byte_order_marks_the_decoder_knows() -> None:
    from migrator.decoding import _WIDE_BOMS

    assert tuple(bom for bom, _ in _WIDE_BOMS) == engine._WIDE_BOMS


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 70_001])
def test_read_whole_reads_every_byte(tmp_path: Path, size: int) -> None:
    path = tmp_path / "f.py"
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    path.write_bytes(data)
    assert engine.read_whole(path) == data


def test_an_unreadable_candidate_is_a_dsm900_finding(tmp_path: Path) -> None:
    directory = tmp_path / "looks_like.py"
    directory.mkdir()
    missing = tmp_path / "gone.py"
    outcomes = list(run_files([Candidate(directory, "looks_like.py", "python", True, False),
                               Candidate(missing, "gone.py", "python", True, False)], plan()))
    assert [[f.code for f in o.findings] for o in outcomes] == [["DSM900"], ["DSM900"]]


# -- on-demand metadata and the light traversal ---------------------------------------------


def full_path_findings(text: str) -> tuple[list[object], object] | None:
    """The reference: every metadata provider resolved up front, libcst's batched visit."""
    from libcst.metadata import (
        ExpressionContextProvider,
        MetadataWrapper,
        ParentNodeProvider,
        PositionProvider,
        ScopeProvider,
    )

    from migrator import traversal
    from migrator.context import ModuleContext
    from migrator.engine import judgement_for
    from migrator.judgement import Location
    from migrator.parsing import parse_module
    from migrator.reference import libcst_providers
    from migrator.suppressions import Suppressions

    try:
        module = parse_module(text)
    except Exception:  # the fast path reports these the same way (DSM900)
        return None
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    with libcst_providers():
        context = ModuleContext(module, wrapper, text, Location("m.py"), judgement_for(plan()))  # type: ignore[arg-type]
    assert context.reference
    suppressions = Suppressions()
    visitors = [traversal._CommentCollector(context, suppressions),
                *(rule(context) for rule in traversal.visitor_rules(frozenset(ALL_CODES)))]
    wrapper.resolve_many([PositionProvider, ParentNodeProvider, ScopeProvider,
                          ExpressionContextProvider])
    wrapper.visit_batched(visitors)
    return [finding_tuple(f) for f in context.findings], suppressions


def finding_tuple(finding: object) -> tuple[object, ...]:
    return (finding, getattr(finding, "unfixable_reason", None), getattr(finding, "anchor_line", None))


def fast_path_findings(text: str) -> tuple[list[object], object] | None:
    from migrator.analysis import analyse_python
    from migrator.engine import judgement_for
    from migrator.judgement import Location

    analysis = analyse_python(text, Location("m.py"), judgement_for(plan()),  # type: ignore[arg-type]
                              frozenset(ALL_CODES))
    if not analysis.parsed:
        return None
    return [finding_tuple(f) for f in analysis.findings], analysis.suppressions


def assert_same_as_full_path(text: str) -> None:
    fast, full = fast_path_findings(text), full_path_findings(text)
    if fast is None or full is None or fast[0] or not cleared_by_the_screen(text):
        assert fast == full
    else:  # nothing to report: the module's own noqa comments have nothing to act on
        assert fast[0] == full[0]


def cleared_by_the_screen(text: str) -> bool:
    import ast

    from migrator.analysis import could_report
    from migrator.engine import judgement_for

    judgement = judgement_for(plan())
    return not could_report(text, ast.parse(text), judgement.catalog, frozenset(ALL_CODES))  # type: ignore[attr-defined]


PYTHON_FIXTURES = sorted(p for p in FIXTURES.rglob("*") if p.suffix == ".py" or p.name.endswith(".py.fixed"))


@pytest.mark.parametrize("path", PYTHON_FIXTURES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_on_demand_metadata_gives_the_findings_of_the_full_path(path: Path) -> None:
    from migrator.decoding import DecodeError, decode_python_source

    try:
        text = decode_python_source(path.read_bytes()).text
    except DecodeError:
        pytest.skip("not decodable: DSM900 either way")
    assert_same_as_full_path(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS[:-1]), min_size=1, max_size=8))
def test_on_demand_metadata_matches_the_full_path_for_any_module(lines: list[str]) -> None:
    assert_same_as_full_path("from openai import OpenAI\n" + "\n".join(lines) + "\n")


ATTRIBUTES = '''
import os
class Client:
    model = "deepseek-chat"
    def send(self):
        return self.model, os.path.join(self.__dict__, self.model.upper()), other.model
x.y.model = obj.path
'''


@given(st.lists(st.sampled_from(["model", "__dict__", "path", "join", "upper", "y", "absent"]),
                max_size=4))
def test_attributes_by_name_are_the_attribute_nodes_with_that_name_in_source_order(
        names: list[str]) -> None:
    from libcst.metadata import MetadataWrapper

    from migrator.context import ModuleContext
    from migrator.engine import judgement_for
    from migrator.judgement import Location
    from migrator.parsing import parse_module

    module = parse_module(ATTRIBUTES)
    context = ModuleContext(module, MetadataWrapper(module, unsafe_skip_copy=True), ATTRIBUTES,
                            Location("m.py"), judgement_for(plan()))  # type: ignore[arg-type]
    every = context.nodes_of(cst.Attribute)
    expected = [node for node in every if isinstance(node, cst.Attribute) and node.attr.value in names]
    assert context.attributes_named(names) == expected


# -- the cyclic collector, paused per file --------------------------------------------------


def _one_retired_id(tmp_path: Path) -> tuple[Candidate, Plan]:
    module = tmp_path / "client.py"
    module.write_text('MODEL = "deepseek-chat"\n')
    candidate = Candidate(module, "client.py", "python", True, False)
    return candidate, Plan(codes=frozenset(ALL_CODES), today=TODAY_DT, target="deepseek-v4-flash")


@pytest.mark.parametrize("enabled_before", [True, False])
def test_a_file_is_analysed_with_the_collector_paused_and_it_is_left_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, enabled_before: bool) -> None:
    import gc

    from migrator import analysis

    seen: list[bool] = []
    real = analysis.analyse_python

    def spy(*args: object, **kwargs: object) -> analysis.Analysis:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(analysis, "analyse_python", spy)
    candidate, plan = _one_retired_id(tmp_path)
    (gc.enable if enabled_before else gc.disable)()
    try:
        outcome = engine.check_file(candidate, plan)
        assert gc.isenabled() is enabled_before
    finally:
        gc.enable()
    assert seen == [False]
    assert [f.code for f in outcome.findings] == ["DSM001"]


def test_the_collector_is_enabled_again_when_the_analysis_raises(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from migrator import analysis

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("analysis failed")

    monkeypatch.setattr(analysis, "analyse_python", broken)
    candidate, plan = _one_retired_id(tmp_path)
    with pytest.raises(RuntimeError):
        engine.check_file(candidate, plan)
    assert gc.isenabled()
