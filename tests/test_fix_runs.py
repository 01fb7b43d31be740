"""What one `fix` run does and says: follow-ups of unsafe fixes, a fixed point, its output.

Driven through the real command line in-process (click's CliRunner), one worker.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from migrator.cli import main
from migrator.discovery import CACHE_DIRECTORY

from .test_formats import sarif_validator

UNKNOWN_SINK = 'from helpers import send\n\nMODEL = "deepseek-chat"\nsend(MODEL)\n'
FORMATS = ("full", "concise", "json", "sarif", "github", "gitlab", "junit")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, [*args], catch_exceptions=False)


def fix(*args: str) -> Result:
    return invoke("fix", "--no-progress", "--workers", "1", *args)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "unknown_sink.py").write_text(UNKNOWN_SINK)
    return tmp_path


# -- 1. unsafe fixes say what they leave to do --------------------------------------------------


FOLLOW_UP = "thinking must be disabled where `MODEL` is sent"


@pytest.mark.parametrize("output_format", FORMATS)
def test_every_format_lists_the_follow_up_of_an_unsafe_fix(project: Path, output_format: str) -> None:
    result = fix("--unsafe-fixes", "--output-format", output_format, "unknown_sink.py")
    assert "deepseek-v4-flash" in (project / "unknown_sink.py").read_text()
    assert FOLLOW_UP in result.stdout, result.stdout
    assert f"{FOLLOW_UP}: unknown_sink.py:3:9" in result.stdout + result.stderr  # the summary


def test_the_json_report_of_fix_carries_the_follow_ups(project: Path) -> None:
    report = json.loads(fix("--unsafe-fixes", "--output-format", "json", ".").stdout)
    assert report["follow_ups"] == [{"path": "unknown_sink.py", "line": 3, "column": 9,
                                     "code": "DSM001", "model": "deepseek-chat",
                                     "action": FOLLOW_UP}]


def test_follow_ups_in_sarif_are_schema_valid_notifications(project: Path) -> None:
    log = json.loads(fix("--unsafe-fixes", "--output-format", "sarif", ".").stdout)
    assert not list(sarif_validator().iter_errors(log))
    (notification,) = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notification["associatedRule"]["id"] == "DSM001"
    assert notification["locations"][0]["physicalLocation"]["region"]["startLine"] == 3


def test_follow_ups_do_not_make_junit_fail(project: Path) -> None:
    root = ET.fromstring(fix("--unsafe-fixes", "--output-format", "junit", "--select", "DSM001",
                             ".").stdout)
    case = root.find(".//testcase")
    assert case is not None and case.find("failure") is None
    assert FOLLOW_UP in (case.findtext("system-out") or "")


def test_a_safe_run_and_check_have_no_follow_ups(project: Path) -> None:
    assert json.loads(fix("--output-format", "json", ".").stdout)["follow_ups"] == []
    assert "follow_ups" not in json.loads(invoke("check", "--output-format", "json", ".").stdout)
    assert (project / "unknown_sink.py").read_text() == UNKNOWN_SINK


def test_a_reasoner_rename_leaves_no_thinking_follow_up(project: Path) -> None:
    (project / "unknown_sink.py").write_text(UNKNOWN_SINK.replace("deepseek-chat", "deepseek-v4-flash"))
    report = json.loads(fix("--unsafe-fixes", "--output-format", "json", ".").stdout)
    assert "deepseek-v4-flash" in (project / "unknown_sink.py").read_text()
    assert report["follow_ups"] == []


# -- 4. one run reaches a fixed point; no fix undoes another ------------------------------------

FIX_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "fix"
REASONER_PAYLOAD_CHANGED = (
    "import requests\n\nMODEL = \"deepseek-reasoner\"\n\n\ndef ask(question, stream=False):\n"
    "    payload = {\"model\": MODEL, \"messages\": [{\"role\": \"user\", \"content\": question}], "
    "\"temperature\": 0.2}\n"
    "    payload[\"stream\"] = stream\n"
    "    return requests.post(\"https://api.deepseek.com/chat/completions\", json=payload)\n"
)


def _tree(root: Path) -> dict[str, bytes]:
    """The files of the tree, without the tool's own cache (its import index may be refreshed)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and CACHE_DIRECTORY not in p.relative_to(root).parts}


@pytest.mark.parametrize("mode", [(), ("--unsafe-fixes",)], ids=["safe", "unsafe"])
def test_a_second_fix_changes_nothing_on_every_fixture(project: Path, mode: tuple[str, ...]) -> None:
    (project / "unknown_sink.py").unlink()
    for source in FIX_FIXTURES.glob("*.py"):
        (project / source.name).write_bytes(source.read_bytes())
    (project / "reasoner_payload_changed.py").write_text(REASONER_PAYLOAD_CHANGED)
    first = fix(*mode, ".")
    assert first.exit_code in (0, 1), first.stderr
    after_first = _tree(project)
    second = fix(*mode, ".")
    assert "Fixed 0 findings; 0 files changed." in second.stdout, second.stdout
    assert _tree(project) == after_first


@pytest.mark.parametrize("mode", [(), ("--unsafe-fixes",)], ids=["safe", "unsafe"])
def test_a_reasoner_migration_writes_thinking_enabled_so_dsm102_has_nothing_to_say(
        project: Path, mode: tuple[str, ...]) -> None:
    path = project / "unknown_sink.py"
    path.write_text(REASONER_PAYLOAD_CHANGED)
    fix(*mode, "unknown_sink.py")
    fixed = path.read_text()
    assert '"thinking": {"type": "enabled"}' in fixed and '"disabled"' not in fixed
    report = json.loads(invoke("check", "--output-format", "json", "unknown_sink.py").stdout)
    assert "DSM102" not in report["summary"]["by_code"]
    fix(*mode, "unknown_sink.py")
    assert path.read_text() == fixed


def test_one_run_applies_the_fixes_a_first_fix_brings_to_light(project: Path) -> None:
    # The rename to the V4 ID is unsafe (the value is printed); the request then lacks thinking
    # disabled, which DSM102's fix writes in the same run: one run, nothing left.
    (project / "unknown_sink.py").write_text(
        'import requests\n\nMODEL = "deepseek-chat"\nprint(MODEL)\n'
        'requests.post(URL, json={"model": MODEL, "temperature": 0.2})\n')
    result = fix("--unsafe-fixes", "--select", "DSM0,DSM1", "unknown_sink.py")
    assert '"thinking": {"type": "disabled"}' in (project / "unknown_sink.py").read_text()
    assert "No findings left." in result.stdout, result.stdout


def test_dsm102_never_disables_thinking_a_reasoner_migration_kept_on_in_the_same_run(
        project: Path) -> None:
    # `remember(MODEL)` is a use the tool cannot follow: the fix is unsafe, and it still writes
    # thinking enabled at the request it found, so DSM102 has nothing to turn off there.
    source = ('import requests\n\nMODEL = "deepseek-reasoner"\nremember(MODEL)\n'
              'requests.post(URL, json={"model": MODEL, "temperature": 0.2})\n')
    (project / "unknown_sink.py").write_text(source)
    result = fix("--unsafe-fixes", "--select", "DSM0,DSM1", "unknown_sink.py")
    fixed = (project / "unknown_sink.py").read_text()
    assert "deepseek-v4-flash" in fixed and "disabled" not in fixed
    assert '"thinking": {"type": "enabled"}' in fixed
    assert "DSM102" not in result.stdout


# -- 8. --output-file: one run, two reports ----------------------------------------------------


def test_output_file_takes_the_report_instead_of_standard_output(project: Path) -> None:
    result = invoke("check", "--output-format", "json", "--output-file", "out/report.json", ".")
    assert result.exit_code == 1 and result.stdout == ""
    report = json.loads((project / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["by_code"] == {"DSM001": 1}


def test_one_check_writes_sarif_to_a_file_and_annotations_to_standard_output(project: Path) -> None:
    result = invoke("check", "--output-format", "github", "--output-file", "r.sarif",
                    "--output-file-format", "sarif", ".")
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=unknown_sink.py,line=3,")
    log = json.loads((project / "r.sarif").read_text(encoding="utf-8"))
    assert not list(sarif_validator().iter_errors(log))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["DSM001"]


def test_fix_writes_its_report_and_follow_ups_to_the_output_file(project: Path) -> None:
    result = fix("--unsafe-fixes", "--output-format", "json", "--output-file", "fix.json", ".")
    assert result.stdout == ""
    report = json.loads((project / "fix.json").read_text(encoding="utf-8"))
    assert report["follow_ups"][0]["action"] == FOLLOW_UP
    assert FOLLOW_UP in result.stderr  # the summary still lists it for the person at the terminal


def test_output_file_format_alone_and_an_unwritable_output_file_are_errors(project: Path) -> None:
    alone = invoke("check", "--output-file-format", "sarif", ".")
    assert alone.exit_code == 2 and "--output-file-format needs --output-file" in alone.stderr
    (project / "blocker").write_text("")
    bad = invoke("check", "--output-file", "blocker/report.json", ".")
    assert bad.exit_code == 2 and "cannot write the report to blocker/report.json" in bad.stderr


# -- 7. what `fix` and the other commands print ---------------------------------------------------

LEFT_BEHIND = 'MODELS = {"deepseek-chat": 1, "deepseek-reasoner": 2}\n'


@pytest.mark.parametrize("output_format", ["full", "concise"])
def test_fix_prints_each_finding_left_once_with_why(project: Path, output_format: str) -> None:
    (project / "collision.py").write_text(LEFT_BEHIND)
    result = fix("--output-format", output_format, "collision.py")
    lines = [line for line in result.stdout.splitlines() if "collision.py:1:" in line]
    assert len(lines) == 2, result.stdout  # one line per finding, no second list
    assert result.stdout.count("would merge what this dict") == 2
    assert "2 findings left, each shown above with why." in result.stdout


def test_fix_diff_says_how_many_findings_it_would_leave_and_prints_statistics(project: Path) -> None:
    (project / "collision.py").write_text(LEFT_BEHIND)
    result = fix("--diff", "--statistics", "--unsafe-fixes", ".")
    assert result.stdout.startswith("--- a/unknown_sink.py")  # the diff alone on stdout
    assert "2 findings would be left" in result.stderr  # the 2 collisions (DSM201 is opt-in)
    assert "DSM001" in result.stderr and "retired-model-id" in result.stderr  # the statistics
    assert (project / "unknown_sink.py").read_text() == UNKNOWN_SINK


def test_a_tree_with_nothing_to_read_says_so(project: Path) -> None:
    (project / "unknown_sink.py").unlink()
    (project / "notes.txt").write_text("deepseek-chat\n")
    for command in ("check", "fix"):
        result = invoke(command, ".")
        assert result.exit_code == 0
        assert "no files to check under .; read by default: *.py" in result.stderr


def test_check_refuses_unsafe_fixes_and_an_empty_target(project: Path) -> None:
    unsafe = invoke("check", "--unsafe-fixes", ".")
    assert unsafe.exit_code == 2 and "--unsafe-fixes applies to `fix` only" in unsafe.stderr
    for command in ("check", "fix"):
        empty = invoke(command, "--target", "", ".")
        assert empty.exit_code == 2 and "--target needs a model ID" in empty.stderr
    assert (project / "unknown_sink.py").read_text() == UNKNOWN_SINK


def test_an_interrupted_fix_lists_the_files_it_wrote(project: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import migrator.fixing as fixing

    (project / "second.py").write_text(UNKNOWN_SINK)
    real = fixing.fix_file

    def interrupted_after_the_first(candidate: object, *args: object) -> object:
        if fixing.WRITTEN:
            raise KeyboardInterrupt
        return real(candidate, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(fixing, "fix_file", interrupted_after_the_first)
    result = fix("--unsafe-fixes", ".")
    assert result.exit_code == 130
    assert "interrupted after writing 1 file(s), each whole: second.py" in result.stderr
    assert (project / "unknown_sink.py").read_text() == UNKNOWN_SINK


def test_rules_piped_is_a_plain_table_as_wide_as_columns() -> None:
    result = CliRunner(env={"COLUMNS": "100"}).invoke(main, ["rules"])
    lines = result.stdout.splitlines()
    assert any(line.split()[:1] == ["DSM001"] for line in lines)
    assert max(len(line) for line in lines) <= 100
    assert not any(ch in result.stdout for ch in "┃━│─\x1b")


def test_the_progress_bar_says_fixing_during_fix(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import migrator.progress as progress

    labels: list[str] = []
    real = progress.progress_reporter

    def spy(total: int, allowed: bool, label: str = "checking") -> object:
        labels.append(label)
        return real(total, allowed, label)

    monkeypatch.setattr(progress, "progress_reporter", spy)
    fix("--no-progress", ".")
    fix("--diff", ".")
    assert labels == ["fixing", "checking"]


def test_pre_commit_hooks_run_serially() -> None:
    import yaml

    hooks = yaml.safe_load((FIX_FIXTURES.parent.parent / ".pre-commit-hooks.yaml").read_text())
    assert all(hook["require_serial"] is True for hook in hooks)
