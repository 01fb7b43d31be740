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
    (project / "unknown_sink.py").write_text(UNKNOWN_SINK.replace("deepseek-chat", "deepseek-reasoner"))
    report = json.loads(fix("--unsafe-fixes", "--output-format", "json", ".").stdout)
    assert "deepseek-v4-flash" in (project / "unknown_sink.py").read_text()
    assert report["follow_ups"] == []
