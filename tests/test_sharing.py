"""Work shared with a forked helper while the items still come (``migrator.sharing``), and the
big tree's prefilter that uses it: every result in its place, whatever the helper does.

Each run that forks is a new interpreter (pytest's own process has threads and is never
forked); the script prints what it found as JSON on its last line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import RUN_AS_THE_COMMAND_LINE, TODAY

# Runs map_beside over N items produced slowly or fast, with a batch size B; MODE says what
# the helper does: "" its work, "kill" dies at once, "raise" fails on its third batch,
# "short" answers one result too few. Prints the results, whether they are right, and
# whether any child process is left.
MAP = """
import json, os, sys, time
from migrator import sharing, warm

n, batch, mode, slow = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4] == "slow"
parent = os.getpid()
calls = {"here": 0}

def produce():
    for index in range(n):
        if slow and index % 7 == 0:
            time.sleep(0.0005)
        yield index

def square(items):
    for _ in items:
        sum(range(300))  # some work: enough for this process to take batches from the back
    if os.getpid() == parent:
        calls["here"] += len(items)
    elif mode == "raise" and items and items[0] >= 2 * batch:
        raise RuntimeError("the helper fails")
    elif mode == "short":
        return [x * x for x in items][1:]
    return [x * x for x in items]

helper = warm.fork()
if mode == "kill":
    os.kill(helper.pid, 9)
items, results = sharing.map_beside(produce(), square, helper, batch)
try:
    os.waitpid(-1, os.WNOHANG)
    left = True
except ChildProcessError:
    left = False
print(json.dumps({"right": items == list(range(n)) and results == [x * x for x in range(n)],
                  "here": calls["here"], "left": left}))
"""


def run_map(n: int, batch: int, mode: str = "", speed: str = "fast") -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", MAP, str(n), str(batch), mode, speed],
                          capture_output=True, text=True, check=True)
    found: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return found


@pytest.mark.parametrize(("n", "batch"), [(0, 4), (1, 4), (3, 4), (4, 4), (5, 4), (97, 4), (1000, 16)])
@pytest.mark.parametrize("speed", ["fast", "slow"])
def test_every_item_gets_its_own_result_in_order_and_no_helper_is_left(n: int, batch: int,
                                                                        speed: str) -> None:
    found = run_map(n, batch, speed=speed)
    assert found["right"] is True
    assert found["left"] is False


def test_both_processes_take_part_in_a_long_run() -> None:
    found = run_map(20000, 64)
    assert found["right"] is True
    assert 0 < int(found["here"]) < 20000  # type: ignore[call-overload]


@pytest.mark.parametrize("mode", ["kill", "raise", "short"])
def test_whatever_the_helper_fails_to_answer_is_done_here(mode: str) -> None:
    found = run_map(2000, 16, mode)
    assert found["right"] is True
    assert found["left"] is False
    if mode == "kill":
        assert found["here"] == 2000


# ``check`` as the command line runs it, with the big-tree threshold set to THRESHOLD files,
# in batches of two files.
CHECK = """
import json, runpy, sys
from migrator import engine, sharing
engine.PREFILTER_POOL_THRESHOLD = int(sys.argv.pop(1))
real_map = sharing.map_beside
shared = []
def in_small_batches(items, work, helper, batch=sharing.BATCH):
    shared.append(helper.pid)
    return real_map(items, work, helper, 2)
sharing.map_beside = in_small_batches
""" + RUN_AS_THE_COMMAND_LINE + """
print("SHARED", len(shared), file=sys.stderr)
"""


def write_tree(root: Path) -> None:
    for index in range(40):
        package = root / f"pkg{index % 3}"
        package.mkdir(exist_ok=True)
        if index % 9 == 4:
            body = ('from openai import OpenAI\n'
                    f'OpenAI().chat.completions.create(model="deepseek-chat", messages=[], n={index})\n')
        else:
            body = f"VALUE = {index}\n"
        (package / f"m{index:02d}.py").write_text(body, encoding="utf-8")
    (root / "wide.py").write_bytes('MODEL = "deepseek-reasoner"\n'.encode("utf-16"))
    unreadable = root / "pkg0" / "locked.py"
    unreadable.write_text('MODEL = "deepseek-chat"\n', encoding="utf-8")
    unreadable.chmod(0)


def check_json(root: Path, threshold: int, *args: str, shares: int = 0) -> dict[str, object]:
    """The JSON report; ``shares``: how many times the reading must have been shared."""
    env = {**os.environ, "DEEPSEEK_MIGRATE_TODAY": TODAY}
    done = subprocess.run([sys.executable, "-c", CHECK, str(threshold), "check", "--no-cache",
                           "--no-progress", "--exit-zero", "--output-format", "json", *args, "."],
                          cwd=root, capture_output=True, text=True, env=env, check=True)
    assert done.stderr.splitlines()[-1] == f"SHARED {shares}", done.stderr
    report: dict[str, object] = json.loads(done.stdout)
    report.pop("today", None)
    return report


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="needs a file this user cannot read")
def test_a_big_tree_read_beside_the_walk_gets_the_report_of_one_process(tmp_path: Path) -> None:
    write_tree(tmp_path)
    alone = check_json(tmp_path, 10**9, "--workers", "1")
    shared = check_json(tmp_path, 3, "--workers", "2", shares=1)
    assert shared == alone
    codes = sorted(str(f["code"]) for f in alone["findings"])  # type: ignore[attr-defined]
    assert codes.count("DSM001") >= 5 and "DSM900" in codes  # hits, the wide file, the unreadable one


def test_a_big_tree_read_beside_the_walk_gets_the_report_of_one_process_as_root_too(
        tmp_path: Path) -> None:
    write_tree(tmp_path)
    (tmp_path / "pkg0" / "locked.py").chmod(0o644)
    alone = check_json(tmp_path, 10**9, "--workers", "1")
    assert check_json(tmp_path, 3, "--workers", "2", shares=1) == alone
    assert check_json(tmp_path, 1, "--workers", "2", shares=1) == alone
    assert check_json(tmp_path, 3, "--workers", "3") == alone  # more cores: a pool after the walk


# The engine's verdicts for a list of files, some of them gone, with the helper and without.
VERDICTS = """
import json, sys
from pathlib import Path
from migrator import engine
from migrator.discovery import Candidate
root = Path(sys.argv[1])
names = sorted(p.name for p in root.iterdir()) + ["gone1.py", "gone2.py"]
files = [Candidate(root / name, name, "python", False, False) for name in names]
plan = engine.Plan(codes=frozenset(), today=engine.datetime.now(), target="deepseek-v4-flash")
alone = engine.prefiltered(files, plan, workers=1)
engine.PREFILTER_POOL_THRESHOLD = 3
here = []
real_verdicts = engine.prefilter_verdicts
def counted(paths, catalog_path, prefilter):
    here.extend(paths)  # (the helper's own calls count in its own copy of the list)
    return real_verdicts(paths, catalog_path, prefilter)
counted.__module__, counted.__qualname__ = "migrator.engine", "prefilter_verdicts"  # pickled by name
engine.prefilter_verdicts = counted
shared = engine.prefiltered(iter(files), plan, workers=2)
def shown(verdicts):
    return [type(v).__name__ if isinstance(v, OSError) else v for v in verdicts]
print(json.dumps({"same_items": shared.items == files == alone.items, "here": len(here),
                  "alone": shown(alone.verdicts), "shared": shown(shared.verdicts)}))
"""


def test_the_helpers_verdicts_are_the_engines_and_a_failed_read_is_its_error(tmp_path: Path) -> None:
    for index in range(700):
        hit = index % 50 == 7
        (tmp_path / f"m{index:03d}.py").write_text('M = "deepseek-chat"\n' if hit else "M = 1\n",
                                                   encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", VERDICTS, str(tmp_path)], capture_output=True,
                          text=True, check=True)
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["same_items"] is True
    assert found["shared"] == found["alone"]
    assert found["alone"][-2:] == ["FileNotFoundError", "FileNotFoundError"]
    assert found["alone"].count("analyse") == 14
    assert found["here"] < 702  # the helper read a part (perhaps all: the files are tiny)


# ``fix`` interrupted while the tree is still being read.
INTERRUPTED = """
import runpy, sys
from migrator import engine
def interrupt(*args, **kwargs):
    raise KeyboardInterrupt
engine.prefilter_paths = interrupt
sys.argv = ["deepseek-migrate", "fix", "--no-cache", "--no-progress", "."]
runpy.run_module("migrator", run_name="__main__")
"""


def test_fix_interrupted_while_reading_says_it_wrote_nothing(tmp_path: Path) -> None:
    (tmp_path / "client.py").write_text('MODEL = "deepseek-chat"\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", INTERRUPTED], cwd=tmp_path, capture_output=True,
                          text=True, check=False)
    assert "interrupted before writing any file" in done.stderr
    assert (tmp_path / "client.py").read_text(encoding="utf-8") == 'MODEL = "deepseek-chat"\n'
