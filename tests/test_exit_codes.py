"""Exit codes follow the findings, even when the reader closes the pipe; JUnit agrees with them."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .conftest import TODAY, run_cli

CHAT_CALL = 'client.chat.completions.create(model="deepseek-chat", messages=[])\n'
# Far more report than a pipe buffers (64 KiB on Linux): the writer meets the closed pipe.
BIG = CHAT_CALL * 4000


def _first_line_then_close(tmp_path: Path, *args: str) -> tuple[int, bytes, bytes]:
    """`deepseek-migrate ARGS | head -1`: read one line through a real pipe, then close it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "migrator", *args], cwd=tmp_path, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env={**os.environ, "DEEPSEEK_MIGRATE_TODAY": TODAY})
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    errors = process.stderr.read()
    return process.wait(timeout=120), first, errors


@pytest.mark.parametrize("output_format", ["concise", "full", "json", "sarif", "junit"])
def test_a_closed_pipe_keeps_the_exit_code_of_the_findings(tmp_path: Path,
                                                           output_format: str) -> None:
    (tmp_path / "a.py").write_text(BIG, encoding="utf-8")
    code, first, errors = _first_line_then_close(
        tmp_path, "check", "--no-progress", "--output-format", output_format, "a.py")
    assert first  # the reader did get the start of the report
    assert code == 1
    assert errors == b""  # neither a traceback nor "Exception ignored ... BrokenPipeError"


def test_a_closed_pipe_with_exit_zero_or_nothing_failing_exits_0(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(BIG, encoding="utf-8")
    assert _first_line_then_close(tmp_path, "check", "--exit-zero", "a.py")[0] == 0
    assert _first_line_then_close(tmp_path, "check", "--fail-on", "error", "--today",
                                  "2026-01-01", "a.py")[0] == 0  # warnings only before the date


def test_shell_pipe_into_head(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(BIG, encoding="utf-8")
    command = f"set -o pipefail; {sys.executable} -m migrator check a.py | head -1 >/dev/null"
    result = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True,
                            check=False)
    assert result.returncode == 1 and result.stderr == b""


def test_fix_report_into_a_closed_pipe_keeps_its_exit_code(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(BIG, encoding="utf-8")  # unknown client: nothing safe to fix
    code, _, errors = _first_line_then_close(tmp_path, "fix", "--output-format", "concise", ".")
    assert code == 1 and errors == b""
    assert (tmp_path / "a.py").read_text(encoding="utf-8") == BIG


# -- JUnit: a case fails exactly for what fails the run -----------------------------------------

MIXED = {
    "retired.py": CHAT_CALL,  # DSM001 error
    "mention.py": "# we used deepseek-chat before\nx = 1\n",  # DSM002 info
    "both.py": CHAT_CALL + "# old: deepseek-reasoner\n",  # error + info
    "clean.py": "x = 1\n",
}


def _junit_cases(tmp_path: Path, *args: str) -> tuple[int, dict[str, ET.Element], ET.Element]:
    for name, text in MIXED.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_cli("check", "--output-format", "junit", *args, *sorted(MIXED), cwd=tmp_path)
    root = ET.fromstring(result.stdout)
    cases = {case.get("name") or "": case for case in root.iter("testcase")}
    suite = root.find("testsuite")
    assert suite is not None
    return result.returncode, cases, suite


def test_junit_fails_only_for_findings_at_or_above_fail_on(tmp_path: Path) -> None:
    code, cases, suite = _junit_cases(tmp_path)
    assert code == 1 and suite.get("failures") == "2"
    assert cases["mention.py"].find("failure") is None
    assert "DSM002" in (cases["mention.py"].findtext("system-out") or "")
    both = cases["both.py"].find("failure")
    assert both is not None and both.get("message") == "1 finding: DSM001"
    assert "DSM002" not in (both.text or "")
    assert "deepseek-reasoner" in (cases["both.py"].findtext("system-out") or "")
    assert cases["clean.py"].find("failure") is None
    assert cases["clean.py"].find("system-out") is None


def test_junit_with_fail_on_info_fails_every_case_with_findings(tmp_path: Path) -> None:
    code, cases, suite = _junit_cases(tmp_path, "--fail-on", "info")
    assert code == 1 and suite.get("failures") == "3"
    assert cases["mention.py"].find("failure") is not None
    assert cases["mention.py"].find("system-out") is None


def test_junit_of_a_passing_run_has_no_failure(tmp_path: Path) -> None:
    code, cases, suite = _junit_cases(tmp_path, "--fail-on", "error", "--today", "2026-01-01")
    assert code == 0 and suite.get("failures") == "0"
    assert all(case.find("failure") is None for case in cases.values())
    assert "DSM001" in (cases["retired.py"].findtext("system-out") or "")
