"""The tool reads code as data: it never runs it, never phones out, never writes outside its paths."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import TODAY, run_cli

LEGACY = 'MODEL = "deepseek-chat"\n'


def planted(marker: Path, name: str) -> str:
    """Source that leaves ``marker`` behind if anything imports or executes it."""
    return (f"open({str(marker / name)!r}, 'w').write('ran')\n"
            f"import os; os.system('touch {marker / (name + '.sh')}')\n" + LEGACY)


@pytest.fixture
def booby_trapped(tmp_path: Path) -> tuple[Path, Path]:
    tree, marker = tmp_path / "tree", tmp_path / "markers"
    marker.mkdir()
    for name in ("conftest.py", "setup.py", "sitecustomize.py", "usercustomize.py",
                 "__init__.py", "__main__.py", "click.py", "libcst.py", "pkg/__init__.py",
                 "pkg/module.py", "notebook_helper.py"):
        path = tree / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(planted(marker, name.replace("/", "_")))
    (tree / "setup.cfg").write_text("[metadata]\nname = x\n")
    (tree / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        "[tool.deepseek-migrate]\n")
    return tree, marker


def console_script() -> str:
    found = shutil.which("deepseek-migrate")
    if found is None:
        pytest.skip("console script not installed")
    return found


def test_scanned_code_is_never_imported_or_executed(booby_trapped: tuple[Path, Path]) -> None:
    tree, marker = booby_trapped
    script = console_script()
    env = {**os.environ, "DEEPSEEK_MIGRATE_TODAY": TODAY}
    runs = [
        run_cli("check", "--no-progress", str(tree), cwd=tree.parent),
        run_cli("check", "--no-progress", ".", cwd=tree),  # python -m puts the cwd on sys.path
        subprocess.run([script, "check", "--workers", "2", "."], cwd=tree, env=env,
                       capture_output=True, check=False),
        subprocess.run([script, "fix", "--diff", "."], cwd=tree, env=env, capture_output=True,
                       check=False),
        subprocess.run([script, "fix", "--unsafe-fixes", "--workers", "2", "."], cwd=tree, env=env,
                       capture_output=True, check=False),
    ]
    for result in runs:
        assert b"Traceback" not in result.stderr
        assert result.returncode in (0, 1), result.stderr
    assert list(marker.iterdir()) == []
    assert "deepseek-chat" not in (tree / "setup.py").read_text()  # fix did read them, as data


NO_NETWORK_RUNNER = textwrap.dedent("""
    import socket, sys
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args))
        with open(sys.argv[1], "a") as log:
            log.write(repr(args) + "\\n")
        raise OSError("network disabled by the test")

    class NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            if args and args[0] == socket.AF_UNIX or kwargs.get("family") == socket.AF_UNIX:
                super().__init__(*args, **kwargs)
                return
            refuse(*args)

    socket.socket = NoSocket
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    socket.gethostbyname = refuse

    from migrator.cli import main
    try:
        main(sys.argv[2:], prog_name="deepseek-migrate")
    except SystemExit as exit:
        sys.exit(exit.code)
""")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_no_network_connection(booby_trapped: tuple[Path, Path], tmp_path: Path,
                               workers: str) -> None:
    tree, _ = booby_trapped
    (tree / "client.py").write_text(
        "from openai import OpenAI\nclient = OpenAI(base_url='https://api.deepseek.com/v1')\n"
        "client.chat.completions.create(model='deepseek-reasoner', messages=[])\n")
    runner, log = tmp_path / "runner.py", tmp_path / "attempts.log"
    runner.write_text(NO_NETWORK_RUNNER)
    env = {**os.environ, "DEEPSEEK_MIGRATE_TODAY": TODAY}
    for command in (["check", "--output-format", "json"], ["fix", "--unsafe-fixes"]):
        result = subprocess.run(
            [sys.executable, str(runner), str(log), *command, "--workers", workers, str(tree)],
            cwd=tmp_path, env=env, capture_output=True, check=False)
        assert b"Traceback" not in result.stderr, result.stderr
        assert result.returncode in (0, 1), result.stderr
    assert not log.exists(), log.read_text()
    assert "deepseek-reasoner" not in (tree / "client.py").read_text()


def test_fix_never_writes_through_a_symlink_out_of_the_tree(tmp_path: Path) -> None:
    tree, outside = tmp_path / "tree", tmp_path / "outside"
    tree.mkdir()
    outside.mkdir()
    target = outside / "secret.py"
    target.write_text(LEGACY)
    (tree / "link.py").symlink_to(target)
    (tree / "linkdir").symlink_to(outside, target_is_directory=True)
    (tree / "own.py").write_text(LEGACY)
    for extra in ([], ["--unsafe-fixes"], ["--force-exclude"]):
        result = run_cli("fix", *extra, ".", cwd=tree)
        assert b"Traceback" not in result.stderr
        assert result.returncode in (0, 1), result.stderr
    assert target.read_text() == LEGACY
    assert (tree / "link.py").is_symlink()
    explicit = run_cli("fix", "--unsafe-fixes", "link.py", cwd=tree)
    assert b"Traceback" not in explicit.stderr
    assert target.read_text() == LEGACY
    assert (tree / "link.py").is_symlink()


def test_dot_dot_in_configuration_stays_inside_the_given_paths(tmp_path: Path) -> None:
    tree, outside = tmp_path / "project" / "tree", tmp_path / "project" / "outside"
    tree.mkdir(parents=True)
    outside.mkdir()
    (outside / "other.py").write_text(LEGACY)
    (outside / "catalog.json").write_text(json.dumps({"format": 1}))
    (tree / "app.py").write_text(LEGACY)
    (tree / "pyproject.toml").write_text(
        "[tool.deepseek-migrate]\n"
        'extend-exclude = ["../outside", "../../**", "../*.py"]\n'
        'catalog = "../outside/catalog.json"\n')
    result = run_cli("fix", "--unsafe-fixes", ".", cwd=tree)
    assert b"Traceback" not in result.stderr
    assert result.returncode in (0, 1), result.stderr
    assert (outside / "other.py").read_text() == LEGACY
    assert "deepseek-chat" not in (tree / "app.py").read_text()


def test_missing_catalog_through_dot_dot_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(LEGACY)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.deepseek-migrate]\ncatalog = "../../nowhere/catalog.json"\n')
    result = run_cli("check", ".", cwd=tmp_path)
    stderr = result.stderr.decode()
    assert result.returncode == 2
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1 and "catalog" in stderr


CODE_LIKE = "__import__('os').system('touch {marker}') or eval(\"open('{marker}','w')\")"


def test_catalog_and_config_values_are_data_not_code(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    code = CODE_LIKE.format(marker=marker)
    catalog = {
        "format": 1,
        "sources": [code],
        "models": {"deepseek-chat": {"note": code}},
        "lookalikes": [code],
    }
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    (tmp_path / "pyproject.toml").write_text(
        "[tool.deepseek-migrate]\n"
        f"extend-exclude = [{json.dumps(code)}]\n"
        'catalog = "catalog.json"\n')
    (tmp_path / "app.py").write_text(LEGACY)
    for command in ("check", "fix"):
        result = run_cli(command, "--output-format", "json", ".", cwd=tmp_path)
        assert b"Traceback" not in result.stderr
        assert result.returncode in (1, 0), result.stderr
    assert not marker.exists()


def test_catalog_with_code_in_a_typed_field_is_rejected_in_one_line(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    code = CODE_LIKE.format(marker=marker)
    (tmp_path / "catalog.json").write_text(json.dumps(
        {"format": 1, "models": {"deepseek-chat": {"retired_at": code}}}))
    (tmp_path / "app.py").write_text(LEGACY)
    result = run_cli("check", "--catalog", "catalog.json", ".", cwd=tmp_path)
    stderr = result.stderr.decode()
    assert result.returncode == 2
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1
    assert "retired_at" in stderr
    assert not marker.exists()
