"""Hostile inputs: every one gives a DSM900 finding or one stderr line, and the run goes on.

Each test puts the hostile file next to a good file with a retired ID, runs the real CLI
and checks: the exit code, no traceback, the reason, and the sibling's finding.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from migrator.discovery import Candidate
from migrator.engine import MAX_ANALYSED_BYTES, Plan, run_files
from migrator.rules import resolve_codes

from .conftest import TODAY_DT, run_cli

LEGACY = b'MODEL = "deepseek-chat"\n'


def check_tree(root: Path, *extra: str) -> tuple[int, list[dict[str, Any]], str]:
    (root / "good.py").write_bytes(LEGACY)
    result = run_cli("check", "--output-format", "json", "--no-progress", *extra, ".", cwd=root)
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr
    assert result.returncode == 1, stderr
    findings = json.loads(result.stdout)["findings"]
    good = [f for f in findings if f["path"] == "good.py"]
    assert [f["code"] for f in good] == ["DSM001"], findings
    return result.returncode, findings, stderr


def findings_in(findings: list[dict[str, Any]], path: str) -> list[dict[str, Any]]:
    return [f for f in findings if f["path"] == path]


def only_parse_error(findings: list[dict[str, Any]], path: str) -> str:
    mine = findings_in(findings, path)
    assert [f["code"] for f in mine] == ["DSM900"], mine
    assert mine[0]["fix"] is None
    return str(mine[0]["message"])


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'x = "deepseek-chat"\n\0\n', "NUL bytes"),
        (b'x = "deepseek-chat"\n# caf\xe9\n', "not valid utf-8: byte 0xe9 at line 2"),
        ('x = "deepseek-chat"\n'.encode("utf-16"), "UTF-16"),
        (b'# -*- coding: klingon -*-\nx = "deepseek-chat"\n', "unknown encoding"),
        (b'# coding: rot13\nx = "deepseek-chat"\n', "unknown encoding 'rot13'"),
        (b'x = "deepseek-chat"\ndef broken(:\n', "cannot parse"),
        (b'x = "deepseek-chat"\ny = ' + b"(" * 3000 + b"1" + b")" * 3000 + b"\n", "nested too deeply"),
        (b'x = "deepseek-chat"\ny = ' + b"-" * 3000 + b"1\n", "nested too deeply"),
        (b'x = "deepseek-chat"\ny = 1' + b" and 1" * 30000 + b"\n", "nested too deeply"),
        (b'import a' + b".b" * 50000 + b'\nx = "deepseek-chat"\n', "nested too deeply"),
    ],
    ids=["nul", "invalid-utf8", "utf16-bom", "unknown-codec", "rot13-codec", "syntax",
         "brackets-3000", "unary-3000", "and-chain-30000", "dotted-import-50000"],
)
def test_undecodable_or_unparsable_file_is_a_parse_error(tmp_path: Path, content: bytes,
                                                         reason: str) -> None:
    (tmp_path / "bad.py").write_bytes(content)
    _, findings, _ = check_tree(tmp_path)
    assert reason in only_parse_error(findings, "bad.py")


@pytest.mark.parametrize(
    ("content", "line", "column"),
    [
        (b"a = 1\r\nb = 2\rc = 3\nx = 'deepseek-chat'\r", 4, 5),
        (b"a = 1\rb = 2\rx = 'deepseek-chat'\r", 3, 5),
        (b"a = 1\r\nb = [\r\n  1]\r\nx = 'deepseek-chat'\r\n", 4, 5),
        (b"\x0c\nif True:\n\tx = 'deepseek-chat'\n\x0c\n", 3, 6),
        (b"\xef\xbb\xbfx = 'deepseek-chat'\n", 1, 5),
        ("\ufeff\u00e9\u00e9 = '\u00e9'; x = 'deepseek-chat'\n".encode(), 1, 15),
        (b"# -*- coding: latin-1 -*-\ns = '\xe9\xe9'; x = 'deepseek-chat'\n", 2, 15),
        (b"x = [" + b"1, " * 20000 + b"'deepseek-chat']\n", 1, 60006),
        (b"x = 'deepseek-chat'", 1, 5),
    ],
    ids=["mixed-endings", "bare-cr", "crlf", "form-feed-and-tab", "utf8-bom", "bom-non-ascii",
         "latin1-cookie", "long-literal-list", "no-final-newline"],
)
def test_odd_but_valid_file_reports_exact_position(tmp_path: Path, content: bytes, line: int,
                                                   column: int) -> None:
    (tmp_path / "odd.py").write_bytes(content)
    _, findings, _ = check_tree(tmp_path)
    mine = findings_in(findings, "odd.py")
    assert [(f["code"], f["line"], f["column"]) for f in mine] == [("DSM001", line, column)]
    assert mine[0]["end_column"] - mine[0]["column"] == len("'deepseek-chat'")


def test_empty_file_has_no_findings(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_bytes(b"")
    _, findings, _ = check_tree(tmp_path)
    assert findings_in(findings, "empty.py") == []


def test_directory_named_like_a_python_file_is_walked_not_read(tmp_path: Path) -> None:
    (tmp_path / "x.py").mkdir()
    (tmp_path / "x.py" / "inner.py").write_bytes(LEGACY)
    _, findings, _ = check_tree(tmp_path)
    assert [f["code"] for f in findings_in(findings, "x.py/inner.py")] == ["DSM001"]
    assert findings_in(findings, "x.py") == []


@pytest.mark.parametrize("kind", ["dangling", "loop"])
def test_broken_symlink_is_one_stderr_line(tmp_path: Path, kind: str) -> None:
    link = tmp_path / "link.py"
    link.symlink_to("nowhere.py" if kind == "dangling" else "link.py")
    _, findings, stderr = check_tree(tmp_path)
    assert findings_in(findings, "link.py") == []
    lines = [line for line in stderr.splitlines() if "link.py" in line]
    assert len(lines) == 1 and lines[0].startswith("deepseek-migrate: "), stderr


def test_broken_symlink_named_on_the_command_line_is_reported(tmp_path: Path) -> None:
    (tmp_path / "link.py").symlink_to("nowhere.py")
    (tmp_path / "good.py").write_bytes(LEGACY)
    result = run_cli("check", "--output-format", "json", "link.py", "good.py", cwd=tmp_path)
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr
    assert result.returncode in (1, 2)
    assert "link.py" in stderr or b"link.py" in result.stdout
    assert len(stderr.strip().splitlines()) <= 1


def test_huge_file_without_a_trigger_is_skipped_by_the_prefilter(tmp_path: Path) -> None:
    line = b"x = [1, 2, 3, 'some string', {'key': 'value'}]  # filler\n"
    (tmp_path / "huge.py").write_bytes(line * (50 * 1024 * 1024 // len(line)))
    _, findings, _ = check_tree(tmp_path)
    assert findings_in(findings, "huge.py") == []


def test_huge_file_with_a_trigger_is_reported_not_parsed(tmp_path: Path) -> None:
    line = b"x = [1, 2, 3, 'some string', {'key': 'value'}]  # filler\n"
    body = line * (50 * 1024 * 1024 // len(line))
    assert len(body) > MAX_ANALYSED_BYTES
    (tmp_path / "huge.py").write_bytes(body + LEGACY)
    _, findings, _ = check_tree(tmp_path)
    assert "larger than" in only_parse_error(findings, "huge.py")
    fixed = run_cli("fix", "--unsafe-fixes", "huge.py", cwd=tmp_path)
    assert "Traceback" not in fixed.stderr.decode()
    assert (tmp_path / "huge.py").stat().st_size == len(body + LEGACY)


def plan() -> Plan:
    return Plan(codes=resolve_codes(["DSM"], []), today=TODAY_DT, target="deepseek-v4-flash")


def candidate(path: Path) -> Candidate:
    return Candidate(path=path, display=path.name, kind="python", explicit=False, record=False)


def test_file_deleted_between_discovery_and_reading(tmp_path: Path) -> None:
    gone, good = tmp_path / "gone.py", tmp_path / "good.py"
    good.write_bytes(LEGACY)
    outcomes = list(run_files([candidate(gone), candidate(good)], plan()))
    assert [o.display for o in outcomes] == ["gone.py", "good.py"]
    assert [(f.code, f.message) for f in outcomes[0].findings] == [
        ("DSM900", "cannot read: no such file or directory")]
    assert [f.code for f in outcomes[1].findings] == ["DSM001"]


def test_unreadable_file(tmp_path: Path) -> None:
    locked = tmp_path / "locked.py"
    locked.write_bytes(LEGACY)
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop reads")
        _, findings, _ = check_tree(tmp_path)
        assert "cannot read: permission denied" in only_parse_error(findings, "locked.py")
    finally:
        locked.chmod(0o644)


def test_unreadable_file_without_privileges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    """The same path as chmod 000, for root too: ``open`` fails with EACCES."""
    import builtins

    locked, good = tmp_path / "locked.py", tmp_path / "good.py"
    locked.write_bytes(LEGACY)
    good.write_bytes(LEGACY)
    real_open = builtins.open

    def guarded_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(str(file)) == locked:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    real_os_open = os.open

    def guarded_os_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(str(file)) == locked:
            raise PermissionError(13, "Permission denied", str(file))
        return real_os_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)  # the engine reads with os.open/os.read
    outcomes = list(run_files([candidate(locked), candidate(good)], plan()))
    assert [(f.code, f.message) for f in outcomes[0].findings] == [
        ("DSM900", "cannot read: permission denied")]
    assert [f.code for f in outcomes[1].findings] == ["DSM001"]


def test_debug_may_show_a_traceback_but_normal_runs_never(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_bytes(b"x = 'deepseek-chat'\n\0")
    _, findings, _ = check_tree(tmp_path, "--debug")
    assert "NUL" in only_parse_error(findings, "bad.py")
