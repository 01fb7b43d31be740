"""The warm worker (``migrator.warm``): the same reports, and it really does the parsing.

Every run here is a new interpreter started as the command line is (the worker is forked
at start-up, before any thread exists; pytest's own process is never forked).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, RUN_AS_THE_COMMAND_LINE, TODAY, run_subprocess

PROJECTS = sorted(p / "before" for p in (FIXTURES / "projects").iterdir() if (p / "before").is_dir())

# Runs the command line as ``python -m migrator`` does, then prints on stderr what the main
# process saw: whether it imported libcst, whether a worker was started, its pid, and
# whether it is still there. MODE "kill" kills the worker as soon as it is forked.
PROBE = """
import json, os, runpy, sys
from migrator import warm
mode = sys.argv.pop(1)
seen = {"started": False, "pid": None}
real_start = warm.start
def start(preload):
    real_start(preload)
    worker = warm.active()
    seen["started"] = worker is not None
    seen["pid"] = worker.pid if worker else None
    if worker is not None and mode == "kill":
        os.kill(worker.pid, 9)
warm.start = start
""" + RUN_AS_THE_COMMAND_LINE + """
seen["libcst"] = "libcst" in sys.modules
seen["left"] = warm.active() is not None
print("PROBE " + json.dumps(seen), file=sys.stderr)
"""


def probe(cwd: Path, mode: str, *args: str) -> tuple[dict[str, object], dict[str, object]]:
    """(the JSON report, what the probe saw) of ``check ARGS`` in ``cwd``."""
    env = {**os.environ, "DEEPSEEK_MIGRATE_TODAY": TODAY}
    done = subprocess.run([sys.executable, "-c", PROBE, mode, "check", "--no-cache", "--no-progress",
                           "--output-format", "json", *args],
                          cwd=cwd, capture_output=True, text=True, env=env, check=False)
    line = done.stderr.strip().splitlines()[-1]
    assert line.startswith("PROBE "), done.stderr
    report: dict[str, object] = json.loads(done.stdout)
    seen: dict[str, object] = json.loads(line[len("PROBE "):])
    return report, seen


def without_timing(report: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in report.items() if key not in {"today", "elapsed"}}


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.parent.name)
def test_a_project_gets_the_same_report_with_and_without_the_warm_worker(project: Path) -> None:
    args = ("check", "--no-cache", "--no-progress", "--output-format", "json", ".")
    warm = run_subprocess(*args, cwd=project)
    alone = run_subprocess(*args, "--workers", "1", cwd=project)
    assert warm.returncode == alone.returncode
    assert without_timing(json.loads(warm.stdout)) == without_timing(json.loads(alone.stdout))


def write_tree(root: Path) -> None:
    (root / "client.py").write_text(
        'from openai import OpenAI\n\nclient = OpenAI(base_url="https://api.deepseek.com")\n'
        'reply = client.chat.completions.create(model="deepseek-chat", messages=[])\n',
        encoding="utf-8")
    (root / "stream.py").write_text(
        "from .deepseek import stream\n\ndef show(delta):\n    return delta.reasoning_content\n",
        encoding="utf-8")


def test_the_worker_parses_and_the_main_process_never_imports_libcst(tmp_path: Path) -> None:
    write_tree(tmp_path)
    report, seen = probe(tmp_path, "", ".")
    assert seen["started"] is True
    assert seen["libcst"] is False  # the finding below came from the worker
    assert [(f["path"], f["code"]) for f in report["findings"]] == [("client.py", "DSM001")]  # type: ignore[index, union-attr]
    assert seen["left"] is False
    with pytest.raises(ProcessLookupError):  # killed and reaped, not left behind
        os.kill(int(seen["pid"]), 0)  # type: ignore[call-overload]
    alone, seen_alone = probe(tmp_path, "", "--workers", "1", ".")
    assert seen_alone["started"] is False and seen_alone["libcst"] is True
    assert without_timing(alone) == without_timing(report)


def test_a_dead_worker_leaves_the_work_to_the_main_process(tmp_path: Path) -> None:
    write_tree(tmp_path)
    report, seen = probe(tmp_path, "kill", ".")
    assert seen["started"] is True and seen["libcst"] is True and seen["left"] is False
    normal, _ = probe(tmp_path, "", ".")
    assert without_timing(report) == without_timing(normal)


def test_named_files_that_the_prefilter_clears_start_no_worker(tmp_path: Path) -> None:
    write_tree(tmp_path)
    (tmp_path / "clean.py").write_text("x = 1\n", encoding="utf-8")
    _, clean = probe(tmp_path, "", "--force-exclude", "clean.py")
    assert clean["started"] is False and clean["libcst"] is False
    _, named = probe(tmp_path, "", "--force-exclude", "clean.py", "client.py")
    assert named["started"] is True and named["libcst"] is False


WORKER_CALLS = """
from migrator import warm
warm.start(())
worker = warm.active()
assert worker is not None
print(worker.run(len, "abc"))
print(worker.run(int, "not a number"))
print(warm.active())
"""


def test_a_call_that_raises_in_the_worker_answers_none_and_stops_it() -> None:
    done = subprocess.run([sys.executable, "-c", WORKER_CALLS], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["3", "None", "None"]


PRELOAD_COLLECTION = """
import gc
from migrator import warm
warm.start(("json",))
worker = warm.active()
assert worker is not None
print(worker.run(gc.isenabled), worker.run(gc.get_freeze_count) > 0)
"""


def test_the_worker_collects_garbage_again_once_it_has_imported_the_analysis() -> None:
    done = subprocess.run([sys.executable, "-c", PRELOAD_COLLECTION], capture_output=True,
                          text=True, check=True)
    assert done.stdout.split() == ["True", "True"]


@pytest.mark.parametrize(("argv", "expected"), [
    (["check", "."], True),
    (["check"], True),
    (["fix", "."], False),
    (["check", "--workers", "1", "."], False),
    (["check", "--workers=1", "."], False),
    (["check", "--workers", "2", "."], True),
    (["check", "--help"], False),
    (["check", "-"], False),
    (["check", "-", "a.py"], True),
    (["--version"], False),
])
def test_which_command_lines_may_use_the_worker(argv: list[str], expected: bool) -> None:
    from migrator import warm

    assert warm.wanted(argv) is (expected and sys.platform.startswith("linux"))


FORK_FAILS = """
import os
from migrator import warm
def refuse():
    raise BlockingIOError(11, "Resource temporarily unavailable")
os.fork = refuse
before = sorted(os.listdir("/proc/self/fd"))
print(warm.fork(), sorted(os.listdir("/proc/self/fd")) == before)
"""


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="lists descriptors through /proc")
def test_a_fork_that_fails_gives_no_worker_and_keeps_no_pipe_open() -> None:
    done = subprocess.run([sys.executable, "-c", FORK_FAILS], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["None", "True"]
