"""DSM201 is opt-in (ruff's `extend-select`): a `fix` never leaves findings on what it wrote."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import run_cli

V4_CALL = 'client.chat.completions.create(model="deepseek-v4-flash", messages=[])\n'
PROJECT = {
    "app.py": (
        "from openai import OpenAI\n\n"
        'client = OpenAI(base_url="https://api.deepseek.com")\n'
        'reply = client.chat.completions.create(model="deepseek-chat", messages=[])\n'
        'FALLBACK = "deepseek-reasoner"\n'
    ),
    "settings.py": 'import os\n\nMODEL = os.getenv("DEEPSEEK_MODEL", "deepseek-chat")\n',
    ".env": 'DEEPSEEK_MODEL="deepseek-chat"\n',
    "config.yaml": "llm:\n  model: deepseek-reasoner\n",
}


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def _codes(root: Path, *args: str) -> list[str]:
    result = run_cli("check", "--output-format", "json", *args, ".", cwd=root)
    assert result.returncode in (0, 1), result.stderr.decode()
    return [finding["code"] for finding in json.loads(result.stdout)["findings"]]


def test_dsm201_is_off_by_default_and_selectable(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": V4_CALL})
    assert _codes(tmp_path) == []
    assert _codes(tmp_path, "--extend-select", "DSM201") == ["DSM201"]
    assert _codes(tmp_path, "--select", "DSM201") == ["DSM201"]
    assert _codes(tmp_path, "--select", "DSM2") == ["DSM201"]
    assert _codes(tmp_path, "--extend-select", "DSM201", "--ignore", "DSM201") == []


def test_extend_select_adds_to_an_explicit_selection(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": V4_CALL + 'client.chat.completions.create(model="deepseek-chat")\n'})
    assert _codes(tmp_path, "--select", "DSM001") == ["DSM001"]
    assert sorted(_codes(tmp_path, "--select", "DSM001", "--extend-select", "DSM201")) == [
        "DSM001", "DSM201"]


def test_extend_select_config_key(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": V4_CALL,
                     "pyproject.toml": '[tool.deepseek-migrate]\nextend-select = ["DSM201"]\n'})
    assert _codes(tmp_path) == ["DSM201"]
    # `--select` on the command line replaces the file's selection, extend-select included.
    assert _codes(tmp_path, "--select", "DSM001") == []
    assert _codes(tmp_path, "--select", "DSM001", "--extend-select", "DSM201") == ["DSM201"]


def test_bad_extend_select_is_a_clear_error(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": V4_CALL})
    result = run_cli("check", "--extend-select", "DSM999", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert b"unknown rule code or prefix 'DSM999'" in result.stderr
    _tree(tmp_path, {"pyproject.toml": '[tool.deepseek-migrate]\nextend-select = "DSM2O1"\n'})
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 2 and b"DSM2O1" in result.stderr


def test_rules_and_explain_say_dsm201_is_opt_in() -> None:
    rows = json.loads(run_cli("rules", "--output-format", "json").stdout)
    assert [r["code"] for r in rows if not r["enabled_by_default"]] == ["DSM201"]
    assert {r["severity"] for r in rows if r["code"] == "DSM201"} == {"info"}
    table = run_cli("rules", env={"COLUMNS": "200"}).stdout.decode()
    [row] = [line for line in table.splitlines() if "DSM201" in line]
    assert "info, off by default" in row
    explained = run_cli("explain", "DSM201").stdout.decode()
    assert "off by default" in explained
    assert "--extend-select DSM201 --target deepseek-flash" in explained


def test_fix_leaves_no_finding_on_what_it_wrote(tmp_path: Path) -> None:
    _tree(tmp_path, PROJECT)
    for unsafe in ((), ("--unsafe-fixes",)):
        result = run_cli("fix", "--output-format", "json", *unsafe, ".",
                         cwd=tmp_path)
        assert result.returncode in (0, 1), result.stderr.decode()
        left = [f["code"] for f in json.loads(result.stdout)["findings"]]
        assert "DSM201" not in left
    written = "".join((tmp_path / name).read_text(encoding="utf-8") for name in PROJECT)
    assert "deepseek-chat" not in written and written.count("deepseek-v4-flash") == 5
    assert _codes(tmp_path) == []
    # The V4 IDs it wrote are still what DSM201 reports when asked for.
    assert _codes(tmp_path, "--extend-select", "DSM201").count("DSM201") == 5
