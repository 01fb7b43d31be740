"""`deepseek-migrate fix`: fixture pairs, idempotence, --diff round trip, summary, atomic writes."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import libcst as cst
import pytest

from migrator.discovery import CACHE_DIRECTORY
from migrator.fileio import Snapshot, WriteRefused, atomic_write
from migrator.findings import TextEdit
from migrator.fixing import unified_diff
from migrator.rewrite import same_tree_outside

from .conftest import FIXTURES, run_cli

FIX_FIXTURES = FIXTURES / "fix"
SOURCES = sorted(p for p in FIX_FIXTURES.glob("*.py"))


def _expected(source: Path, suffix: str) -> bytes:
    path = source.with_name(source.name + suffix)
    if suffix == ".unsafe-fixed" and not path.exists():
        path = source.with_name(source.name + ".fixed")
    return path.read_bytes()


def _fixed_copy(tmp_path_factory: pytest.TempPathFactory, *flags: str) -> Path:
    work = tmp_path_factory.mktemp("fix")
    for source in SOURCES:
        shutil.copy2(source, work / source.name)
    result = run_cli("fix", "--no-progress", "--workers", "1", *flags, ".", cwd=work)
    assert result.returncode in (0, 1), result.stderr.decode()
    return work


@pytest.fixture(scope="module")
def safe_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _fixed_copy(tmp_path_factory)


@pytest.fixture(scope="module")
def unsafe_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _fixed_copy(tmp_path_factory, "--unsafe-fixes")


def test_there_are_enough_fixture_pairs() -> None:
    assert len(SOURCES) >= 25
    assert all(source.with_name(source.name + ".fixed").exists() for source in SOURCES)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_expected_files_parse(source: Path) -> None:
    from migrator.decoding import decode_python_source

    for suffix in (".fixed", ".unsafe-fixed"):
        cst.parse_module(decode_python_source(_expected(source, suffix)).text)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_fix_gives_the_expected_file(source: Path, safe_run: Path) -> None:
    assert (safe_run / source.name).read_bytes() == _expected(source, ".fixed")


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_unsafe_fix_gives_the_expected_file(source: Path, unsafe_run: Path) -> None:
    assert (unsafe_run / source.name).read_bytes() == _expected(source, ".unsafe-fixed")


def test_second_fix_changes_nothing(tmp_path: Path, safe_run: Path) -> None:
    for source in SOURCES:
        shutil.copy2(safe_run / source.name, tmp_path / source.name)
    before = _user_files(tmp_path)
    result = run_cli("fix", "--diff", "--no-progress", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout.decode()
    assert result.stdout == b""
    run_cli("fix", "--no-progress", ".", cwd=tmp_path)
    assert _user_files(tmp_path) == before


def _user_files(root: Path) -> dict[str, bytes]:
    """The files of the tree, without the tool's own cache (its import index may be refreshed)."""
    return {p.name: p.read_bytes() for p in root.iterdir() if p.name != CACHE_DIRECTORY}


def test_diff_applied_with_git_gives_what_fix_writes(tmp_path: Path, safe_run: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    for source in SOURCES:
        shutil.copy2(source, tmp_path / source.name)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "config", "core.autocrlf", "false"], cwd=tmp_path, check=True)
    result = run_cli("fix", "--diff", "--no-progress", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert b"Would fix" in result.stderr
    assert all((tmp_path / s.name).read_bytes() == s.read_bytes() for s in SOURCES), "--diff wrote"
    (tmp_path / "fix.patch").write_bytes(result.stdout)
    subprocess.run(["git", "apply", "fix.patch"], cwd=tmp_path, check=True)
    for source in SOURCES:
        assert (tmp_path / source.name).read_bytes() == (safe_run / source.name).read_bytes(), source.name


def test_summary_says_what_was_fixed_and_why_the_rest_was_not(tmp_path: Path) -> None:
    for name in ("openai_sync.py", "collision_dict.py", "constant_unfollowed.py"):
        shutil.copy2(FIX_FIXTURES / name, tmp_path / name)
    result = run_cli("fix", "--no-progress", "--output-format", "concise", "--select", "DSM001", ".",
                     cwd=tmp_path)
    out = result.stdout.decode()
    assert result.returncode == 1
    # constant_unfollowed.py's value is printed (harmless) and sent: a safe fix.
    assert "Fixed 2 findings; 2 files changed." in out
    assert "rerun with --unsafe-fixes" in out
    assert "would merge what this dict `PRICES` tells apart" in out
    assert "3 findings left" in out


def test_fix_reads_stdin_and_writes_stdout() -> None:
    source = (FIX_FIXTURES / "openai_sync.py").read_bytes()
    result = run_cli("fix", "-", input=source)
    assert result.stdout == (FIX_FIXTURES / "openai_sync.py.fixed").read_bytes()
    assert b"Fixed 1 finding" in result.stderr
    assert result.returncode == 0


def test_fix_with_json_output_keeps_stdout_machine_readable(tmp_path: Path) -> None:
    import json

    shutil.copy2(FIX_FIXTURES / "collision_dict.py", tmp_path / "c.py")
    result = run_cli("fix", "--output-format", "json", "c.py", cwd=tmp_path)
    report = json.loads(result.stdout)
    assert report["summary"]["findings"] == 3
    assert b"findings left" in result.stderr


def test_fix_exit_zero_when_nothing_remains(tmp_path: Path) -> None:
    shutil.copy2(FIX_FIXTURES / "openai_async.py", tmp_path / "a.py")
    assert run_cli("fix", "a.py", cwd=tmp_path).returncode == 0
    assert run_cli("fix", "--diff", "a.py", cwd=tmp_path).returncode == 0


# -- verification ------------------------------------------------------------------------------


def test_tree_comparison_accepts_the_edited_nodes_only() -> None:
    old = 'f(model="deepseek-chat", n=1)\n'
    rename = TextEdit(9, 22, "deepseek-v4-flash")
    insert = TextEdit(28, 28, ', extra_body={"thinking": {"type": "disabled"}}')
    assert same_tree_outside(old, 'f(model="deepseek-v4-flash", n=1, extra_body={"thinking": '
                             '{"type": "disabled"}})\n', [rename, insert])
    sneaky = TextEdit(28, 28, ") or g(x")  # changes the tree outside the edit's own nodes
    assert not same_tree_outside(old, 'f(model="deepseek-v4-flash", n=1) or g(x)\n', [rename, sneaky])


def test_diff_marks_a_missing_final_newline() -> None:
    patch = unified_diff("x.py", b"a = 1", b"a = 2")
    assert patch.endswith(b"+a = 2\n\\ No newline at end of file\n")
    assert patch.startswith(b"--- a/x.py\n+++ b/x.py\n")


def test_diff_splits_lines_as_git_does() -> None:
    # A CR-only file is one line to git: the hunk replaces it whole, and says it has no "\n".
    patch = unified_diff("x.py", b"a = 1\rb = 2\r", b"a = 1\rb = 3\r")
    assert patch.endswith(b"@@ -1 +1 @@\n-a = 1\rb = 2\r\n\\ No newline at end of file\n"
                          b"+a = 1\rb = 3\r\n\\ No newline at end of file\n")
    crlf = unified_diff("x.py", b"a = 1\r\nb = 2\r\n", b"a = 1\r\nb = 3\r\n")
    assert crlf.endswith(b" a = 1\r\n-b = 2\r\n+b = 3\r\n")


# -- atomic writes -----------------------------------------------------------------------------


def test_atomic_write_keeps_mode_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "m.py"
    target.write_bytes(b"old\n")
    target.chmod(0o640)
    atomic_write(target, b"new\n", Snapshot.read(target))
    assert target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]


def test_atomic_write_refuses_a_file_changed_since_read(tmp_path: Path) -> None:
    target = tmp_path / "m.py"
    target.write_bytes(b"old\n")
    snapshot = Snapshot.read(target)
    target.write_bytes(b"someone else's edit\n")
    with pytest.raises(WriteRefused, match="changed on disk"):
        atomic_write(target, b"new\n", snapshot)
    assert target.read_bytes() == b"someone else's edit\n"


def test_atomic_write_never_writes_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.py"
    real.write_bytes(b"old\n")
    link = tmp_path / "link.py"
    link.symlink_to(real)
    with pytest.raises(WriteRefused, match="symbolic link"):
        atomic_write(link, b"new\n", None)
    assert real.read_bytes() == b"old\n" and link.is_symlink()


def test_atomic_write_failure_leaves_the_original_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "m.py"
    target.write_bytes(b"old\n")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, b"new\n", Snapshot.read(target))
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]


def test_fix_skips_a_symlinked_file_with_a_message(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_bytes((FIX_FIXTURES / "openai_sync.py").read_bytes())
    (tmp_path / "link.py").symlink_to(real)
    result = run_cli("fix", "link.py", cwd=tmp_path)
    assert real.read_bytes() == (FIX_FIXTURES / "openai_sync.py").read_bytes()
    assert result.returncode in (1, 0)


# -- names other code can see ------------------------------------------------------------------


def _notebook(*cells: str) -> bytes:
    import json

    return json.dumps({
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                   "source": source} for source in cells],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }, indent=1).encode()


NOTEBOOK_DEFINING_CELL = (
    'from openai import OpenAI\nclient = OpenAI(base_url="https://api.deepseek.com")\n'
    'MODEL = "deepseek-chat"\nclient.chat.completions.create(model=MODEL, messages=[])'
)


def test_a_notebook_name_used_in_a_later_cell_is_followed_there(tmp_path: Path) -> None:
    """The cells are one program: the request of cell 2 gets the switch too, in cell 2."""
    import json

    later = 'client.chat.completions.create(model=MODEL, messages=[], temperature=0.2)'
    (tmp_path / "n.ipynb").write_bytes(_notebook(NOTEBOOK_DEFINING_CELL, later))
    result = run_cli("fix", "--no-progress", "n.ipynb", cwd=tmp_path)
    assert b"Fixed 1 finding" in result.stdout
    cells = json.loads((tmp_path / "n.ipynb").read_bytes())["cells"]
    first, second = ("".join(cell["source"]) for cell in cells)
    assert 'MODEL = "deepseek-v4-flash"' in first
    assert first.count('extra_body={"thinking": {"type": "disabled"}}') == 1
    assert second == later.replace("temperature=0.2)", 'temperature=0.2, extra_body={"thinking": '
                                                        '{"type": "disabled"}})')


def test_a_notebook_name_used_in_a_cell_that_does_not_parse_makes_the_fix_unsafe(
        tmp_path: Path) -> None:
    import json

    broken = 'client.chat.completions.create(model=MODEL, messages=[], temperature=0.2'
    original = _notebook(NOTEBOOK_DEFINING_CELL, broken)
    (tmp_path / "n.ipynb").write_bytes(original)
    result = run_cli("fix", "--no-progress", "n.ipynb", cwd=tmp_path)
    assert (tmp_path / "n.ipynb").read_bytes() == original
    assert b"`MODEL` is also used in cell 2 of this notebook, which does not parse" in result.stdout
    run_cli("fix", "--no-progress", "--unsafe-fixes", "n.ipynb", cwd=tmp_path)
    cells = json.loads((tmp_path / "n.ipynb").read_bytes())["cells"]
    fixed = "".join(cells[0]["source"])  # the whole known edit set, not the rename alone
    assert 'MODEL = "deepseek-v4-flash"' in fixed
    assert 'extra_body={"thinking": {"type": "disabled"}}' in fixed
    assert "".join(cells[1]["source"]) == broken


def test_a_notebook_name_used_in_one_cell_only_is_fixed_safely(tmp_path: Path) -> None:
    original = _notebook(NOTEBOOK_DEFINING_CELL, "print(len('model'))")
    (tmp_path / "n.ipynb").write_bytes(original)
    result = run_cli("fix", "--no-progress", "n.ipynb", cwd=tmp_path)
    assert b"Fixed 1 finding" in result.stdout
    assert b'\\"deepseek-v4-flash\\"' in (tmp_path / "n.ipynb").read_bytes()


@pytest.mark.parametrize("output_format", ["json", "sarif", "concise"])
def test_fix_stdin_writes_only_the_fixed_source_whatever_the_format(output_format: str) -> None:
    source = (FIX_FIXTURES / "openai_sync.py").read_bytes()
    result = run_cli("fix", "-", "--output-format", output_format, input=source)
    assert result.stdout == (FIX_FIXTURES / "openai_sync.py.fixed").read_bytes()
    assert b"Fixed 1 finding" in result.stderr


def test_diff_refuses_what_fix_refuses(tmp_path: Path) -> None:
    real = tmp_path / "real.py"
    real.write_bytes((FIX_FIXTURES / "openai_sync.py").read_bytes())
    (tmp_path / "link.py").symlink_to(real)
    diff = run_cli("fix", "--diff", "--no-progress", "link.py", cwd=tmp_path)
    fix = run_cli("fix", "--no-progress", "link.py", cwd=tmp_path)
    message = b"link.py: not written: is a symbolic link; fix its target instead"
    assert diff.stdout == b"" and diff.returncode == 0
    assert b"0 files would change" in diff.stderr and message in diff.stderr
    assert message in fix.stdout
    assert real.read_bytes() == (FIX_FIXTURES / "openai_sync.py").read_bytes()


def test_summary_says_why_a_refused_file_kept_its_findings(tmp_path: Path) -> None:
    (tmp_path / "real.py").write_text(
        'from openai import OpenAI\nclient = OpenAI()\n'
        'client.chat.completions.create(model="deepseek-chat", messages=[])\n', encoding="utf-8")
    (tmp_path / "link.py").symlink_to("real.py")
    result = run_cli("fix", "link.py", cwd=tmp_path)
    out = result.stdout.decode()
    assert "link.py: not written: is a symbolic link" in out
    assert "(left: fix not applied (not written: is a symbolic link" in out  # with the finding
