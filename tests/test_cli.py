"""The command line as the README documents it: exit codes, options, configuration, JSON shape."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from migrator.rules import ALL_CODES

from .conftest import ROOT, run_cli

CHAT_CALL = 'client.chat.completions.create(model="deepseek-chat", messages=[])\n'


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def _json(tmp_path: Path, *args: str) -> dict[str, object]:
    result = run_cli("check", "--output-format", "json", *args, cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr.decode()
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_json_report_has_the_spec_shape(tmp_path: Path) -> None:
    _tree(tmp_path, {"src/app.py": "import openai\n\nx = 1\n" + CHAT_CALL})
    report = _json(tmp_path, "src")
    assert set(report) == {"tool", "version", "today", "findings", "summary"}
    assert report["tool"] == "deepseek-migrate"
    assert report["today"] == "2026-11-28T00:00:00Z"
    [finding] = report["findings"]  # type: ignore[misc]
    assert {k: finding[k] for k in ("path", "line", "column", "end_line", "end_column", "code",
                                    "severity", "model", "deadline")} == {
        "path": "src/app.py", "line": 4, "column": 38, "end_line": 4, "end_column": 53,
        "code": "DSM001", "severity": "error", "model": "deepseek-chat",
        "deadline": "2026-07-24T15:59:00Z",
    }
    assert finding["replacement"] == "deepseek-v4-flash"
    assert set(finding) >= {"message", "fix"}
    assert report["summary"] == {"files_scanned": 1, "findings": 1, "by_code": {"DSM001": 1}}


def test_exit_code_one_for_errors_and_zero_with_exit_zero(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": CHAT_CALL})
    assert run_cli("check", "a.py", cwd=tmp_path).returncode == 1
    assert run_cli("check", "--exit-zero", "a.py", cwd=tmp_path).returncode == 0


def test_before_the_deadline_it_is_a_warning_that_counts_days(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": CHAT_CALL})
    report = _json(tmp_path, "--today", "2026-07-01", "a.py")
    [finding] = report["findings"]  # type: ignore[misc]
    assert finding["severity"] == "warning"
    assert "23 days left" in finding["message"]
    assert "thinking disabled" in finding["message"]
    only_errors = run_cli("check", "--today", "2026-07-01", "--fail-on", "error", "a.py", cwd=tmp_path)
    assert only_errors.returncode == 0
    at_warning = run_cli("check", "--today", "2026-07-01", "a.py", cwd=tmp_path)
    assert at_warning.returncode == 1


def test_today_from_the_environment(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": CHAT_CALL})
    result = run_cli("check", "--output-format", "json", "a.py", cwd=tmp_path,
                     env={"DEEPSEEK_MIGRATE_TODAY": "2026-07-24T15:58Z"})
    assert json.loads(result.stdout)["findings"][0]["severity"] == "warning"


def test_info_findings_fail_only_with_fail_on_info(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": "# moved off deepseek-chat last year\n"})
    assert run_cli("check", "a.py", cwd=tmp_path).returncode == 0
    assert run_cli("check", "--fail-on", "info", "a.py", cwd=tmp_path).returncode == 1


def test_select_and_ignore_accept_prefixes(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": "# deepseek-chat\n" + CHAT_CALL})
    codes = lambda *args: [f["code"] for f in _json(tmp_path, *args, "a.py")["findings"]]  # type: ignore[union-attr,index]  # noqa: E731
    assert codes("--select", "DSM0") == ["DSM002", "DSM001"]
    assert codes("--select", "DSM0", "--ignore", "DSM002") == ["DSM001"]
    assert codes("--select", "DSM9") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", "XYZ1"], "unknown rule code or prefix 'XYZ1'"),
        (["--today", "tomorrow"], "--today"),
        (["--target", "deepseek-chat"], "target 'deepseek-chat' is not allowed"),
        (["missing_dir"], "missing_dir"),
        (["--catalog", "nope.json"], "nope.json"),
    ],
)
def test_unusable_input_is_exit_two_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    _tree(tmp_path, {"a.py": CHAT_CALL})
    result = run_cli("check", *args, cwd=tmp_path)
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert message in stderr
    assert "Traceback" not in stderr


def test_config_is_read_and_command_line_wins(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "pyproject.toml": '[tool.deepseek-migrate]\nignore = ["DSM002"]\nfail-on = "error"\n'
                          'per-file-ignores = { "tests/*" = ["DSM001"] }\n',
        "app.py": "# deepseek-chat\n" + CHAT_CALL,
        "tests/test_app.py": CHAT_CALL,
    })
    report = _json(tmp_path)
    assert [(f["path"], f["code"]) for f in report["findings"]] == [("app.py", "DSM001")]  # type: ignore[union-attr,index]
    report = _json(tmp_path, "--ignore", "DSM001")
    assert [f["code"] for f in report["findings"]] == ["DSM002"]  # type: ignore[union-attr,index]


def test_paths_outside_the_working_directory_are_judged_by_their_own_config(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "here/pyproject.toml": '[tool.deepseek-migrate]\nignore = ["DSM001"]\n',
        "service/pyproject.toml": '[tool.deepseek-migrate]\nignore = ["DSM002"]\n',
        "service/app.py": "# deepseek-chat\n" + CHAT_CALL,
    })
    from_elsewhere = _json(tmp_path / "here", "../service")
    assert [f["code"] for f in from_elsewhere["findings"]] == ["DSM001"]  # type: ignore[union-attr,index]
    inside = _json(tmp_path / "service")
    assert [f["code"] for f in inside["findings"]] == ["DSM001"]  # type: ignore[union-attr,index]
    piped = run_cli("check", "--output-format", "json", "-", cwd=tmp_path / "here",
                    input=("# deepseek-chat\n" + CHAT_CALL).encode())
    assert [f["code"] for f in json.loads(piped.stdout)["findings"]] == ["DSM002"]  # the cwd's table


def test_unknown_config_key_names_the_key(tmp_path: Path) -> None:
    _tree(tmp_path, {"pyproject.toml": "[tool.deepseek-migrate]\nselekt = ['DSM001']\n", "a.py": ""})
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown key `selekt`" in result.stderr.decode()


def test_bad_config_value_is_exit_two(tmp_path: Path) -> None:
    _tree(tmp_path, {"pyproject.toml": "[tool.deepseek-migrate]\nfail-on = 'sometimes'\n", "a.py": ""})
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "fail-on" in result.stderr.decode()


def test_stdin_with_a_filename(tmp_path: Path) -> None:
    result = run_cli("check", "--output-format", "json", "--stdin-filename", "pkg/app.py", "-",
                     cwd=tmp_path, input=CHAT_CALL.encode())
    report = json.loads(result.stdout)
    assert [(f["path"], f["line"]) for f in report["findings"]] == [("pkg/app.py", 1)]
    assert result.returncode == 1


def test_suppressions(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "a.py": 'A = "deepseek-chat"  # noqa: DSM001\nB = "deepseek-chat"  # noqa: DSM002\n'
                'C = "deepseek-chat"  # deepseek-migrate: ignore[DSM001]\nD = "deepseek-chat"  # noqa\n',
        "b.py": '# deepseek-migrate: skip-file\nA = "deepseek-chat"\n',
    })
    report = _json(tmp_path, "--select", "DSM001")
    assert [(f["path"], f["line"]) for f in report["findings"]] == [("a.py", 2)]  # type: ignore[union-attr,index]


def test_full_format_shows_the_line_and_a_caret(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": CHAT_CALL})
    result = run_cli("check", "--output-format", "full", "a.py", cwd=tmp_path, env={"NO_COLOR": "1"})
    out = result.stdout.decode()
    assert "a.py:1:38: DSM001" in out
    assert CHAT_CALL.rstrip() in out
    caret_line = next(line for line in out.splitlines() if "^" in line)
    assert caret_line.index("^") - caret_line.index("|") - 2 == 37
    assert caret_line.count("^") == len('"deepseek-chat"')
    assert "\x1b[" not in out
    assert "1 error" in out and "126 days ago" in out


def test_concise_format(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": CHAT_CALL})
    out = run_cli("check", "--output-format", "concise", "a.py", cwd=tmp_path).stdout.decode()
    assert out.splitlines()[0].startswith("a.py:1:38: DSM001 `deepseek-chat` was retired on 2026-07-24")


def test_rules_lists_every_spec_code() -> None:
    out = run_cli("rules", "--output-format", "json").stdout
    codes = [row["code"] for row in json.loads(out)]
    assert codes == list(ALL_CODES)
    readme_codes = re.findall(r"^\| (DSM\d{3}) \|", (ROOT / "README.md").read_text(), re.MULTILINE)
    assert readme_codes == codes  # the README's rule table lists the registry, in order


def test_explain_prints_the_rule_documentation() -> None:
    result = run_cli("explain", "DSM001")
    out = result.stdout.decode()
    assert result.returncode == 0
    assert "retired-model-id" in out and "## Why" in out and "## Example" in out
    assert run_cli("explain", "DSM999").returncode == 2


def test_python_dash_m_and_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and b"deepseek-migrate" in result.stdout


def test_finding_and_summary_count_the_same_days(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": CHAT_CALL})
    out = run_cli("check", "--output-format", "concise", "--today", "2026-01-01", "a.py",
                  cwd=tmp_path).stdout.decode()
    assert "(204 days left)" in out
    assert "deepseek-chat retires on 2026-07-24 15:59 UTC, in 204 days." in out


def test_a_closed_pipe_is_not_an_internal_error(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": CHAT_CALL * 4000})
    import subprocess
    import sys

    command = f"{sys.executable} -m migrator check --output-format sarif a.py | head -c 10"
    result = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, check=False)
    assert b"internal error" not in result.stderr
    assert b"Traceback" not in result.stderr


def test_select_and_ignore_apply_to_parse_errors_too(tmp_path: Path) -> None:
    _tree(tmp_path, {"broken.py": 'x = "deepseek-chat"\n(', "data.json": '{"model": "deepseek-chat",'})
    assert {f["code"] for f in _json(tmp_path)["findings"]} == {"DSM900"}  # type: ignore[union-attr]
    assert _json(tmp_path, "--ignore", "DSM900")["findings"] == []
    assert _json(tmp_path, "--select", "DSM001")["findings"] == []


@pytest.mark.parametrize(
    ("table", "message"),
    [('{ "[z-a]" = ["DSM001"] }', "bad pattern '[z-a]'"),
     ('{ "a.py" = ["DSMXYZ"] }', "unknown rule code or prefix 'DSMXYZ'")],
)
def test_bad_per_file_ignores_name_the_setting(tmp_path: Path, table: str, message: str) -> None:
    _tree(tmp_path, {"pyproject.toml": f"[tool.deepseek-migrate]\nper-file-ignores = {table}\n",
                     "a.py": CHAT_CALL})
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr.decode() and "per-file-ignores" in result.stderr.decode()
    assert "internal error" not in result.stderr.decode()


def test_a_broken_pyproject_with_our_table_is_exit_two(tmp_path: Path) -> None:
    _tree(tmp_path, {"pyproject.toml": "[tool.deepseek-migrate]\nselect = [\n", "a.py": CHAT_CALL})
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "not valid TOML" in result.stderr.decode()


@pytest.mark.parametrize("command", ["check", "fix"])
def test_every_option_of_the_command_is_a_typed_field_of_options(command: str) -> None:
    """click hands the options over as keywords; the invocation takes them as typed fields."""
    import typing
    from dataclasses import fields

    from migrator import cli, invocation

    declared = {param.name for param in getattr(cli, command).params if param.name != "paths"}
    hints = typing.get_type_hints(invocation.Options)
    assert declared <= {field.name for field in fields(invocation.Options)}
    assert all(hints[name] is not typing.Any for name in declared)
