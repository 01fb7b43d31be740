"""The progress bar: on a terminal's standard error for long runs only, never in the output.

Standard error is a pseudo-terminal and standard output a pipe, as when a user pipes a
report on a terminal. rich draws the bar once as it starts, so whether it appears does
not depend on timing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from migrator.progress import MIN_FILES_FOR_PROGRESS, progress_reporter

from .conftest import TODAY

pty = pytest.importorskip("pty")

BAR_LABEL = "checking"


def run_with_terminal_stderr(*args: str, cwd: Path) -> tuple[int, str, str]:
    master, slave = pty.openpty()
    env = {**os.environ, "DEEPSEEK_MIGRATE_TODAY": TODAY, "TERM": "xterm-256color",
           "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen([sys.executable, "-m", "migrator", *args], cwd=cwd, env=env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every writer closed the terminal
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    stdout, _ = process.communicate(timeout=120)
    reader.join(timeout=30)
    os.close(master)
    return process.returncode, stdout.decode("utf-8"), b"".join(chunks).decode("utf-8", "replace")


def make_tree(root: Path, count: int) -> Path:
    for number in range(count):
        (root / f"module_{number:04d}.py").write_text(f"value = {number}\n", encoding="utf-8")
    (root / "legacy.py").write_text('MODEL = "deepseek-chat"\n', encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def long_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tree(tmp_path_factory.mktemp("long"), MIN_FILES_FOR_PROGRESS + 20)


def test_a_long_run_draws_the_bar_on_standard_error_only(long_tree: Path) -> None:
    code, stdout, stderr = run_with_terminal_stderr("check", "--output-format", "concise", ".",
                                                    cwd=long_tree)
    assert code == 1, stderr
    assert BAR_LABEL in stderr
    assert "\x1b" not in stdout and BAR_LABEL not in stdout
    assert stdout.startswith("legacy.py:1:9: DSM001 ")


@pytest.mark.parametrize("options", [
    ("--no-progress", "--output-format", "concise"),
    ("--output-format", "json"),
    ("--output-format", "sarif"),
    ("--output-format", "github"),
    ("--statistics", "--output-format", "json"),
])
def test_no_bar_when_asked_or_with_machine_output(long_tree: Path, options: tuple[str, ...]) -> None:
    code, stdout, stderr = run_with_terminal_stderr("check", *options, ".", cwd=long_tree)
    assert code == 1, stderr
    assert BAR_LABEL not in stderr, stderr
    if "json" in options or "sarif" in options:
        json.loads(stdout)


def test_no_bar_for_a_short_run(tmp_path: Path) -> None:
    make_tree(tmp_path, 5)
    code, _, stderr = run_with_terminal_stderr("check", "--output-format", "concise", ".",
                                               cwd=tmp_path)
    assert code == 1 and BAR_LABEL not in stderr, stderr


def test_no_bar_when_standard_error_is_not_a_terminal(long_tree: Path) -> None:
    env = {**os.environ, "DEEPSEEK_MIGRATE_TODAY": TODAY}
    result = subprocess.run([sys.executable, "-m", "migrator", "check", "--output-format",
                             "concise", "."], cwd=long_tree, env=env, capture_output=True,
                            check=False)
    assert result.returncode == 1
    assert BAR_LABEL.encode() not in result.stderr and b"\x1b" not in result.stderr


def test_the_reporter_is_a_no_op_when_not_allowed_or_short() -> None:
    with progress_reporter(MIN_FILES_FOR_PROGRESS * 10, allowed=False) as advance:
        assert advance is None
    with progress_reporter(MIN_FILES_FOR_PROGRESS - 1, allowed=True) as advance:
        assert advance is None
