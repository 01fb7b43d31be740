"""Benchmark deepseek-migrate against grep and the generic model-ID scanners.

    python benchmarks/run.py                 # everything, eight stdlib copies, 5 runs each
    python benchmarks/run.py --quick         # smaller trees, 3 runs: a smoke test of the script

The corpora are built once under ``benchmarks/corpora/`` (gitignored) and reused:

- ``stdlib-x1``, ``stdlib-x5``, ``stdlib-xN``: 1, 5 and N copies of the running Python's
  standard library (``.py`` files only, none containing a DeepSeek trigger string);
- ``hits-x1``, ``hits-x5``: a generated hit-heavy tree where every file has several
  findings, and the same tree five times for the scaling check;
- ``mixed``: a standard-library copy in which 1% of the modules name a retired ID,
  with a handful of Markdown/JSON/.env files beside them;
- ``tiny``: 100,000 tiny files (the memory check);
- ``precommit/one_clean_file.py``: one clean module, the pre-commit case; beside it
  ``streamed_reply.py``, a module that names DeepSeek and reads the reasoning but holds
  nothing any rule reports (the screens clear it without libcst);
- ``precommit-hits/providers.py``: a generated 160 KB module dense with DeepSeek requests and
  retired IDs, timed as pre-commit passes it (``--force-exclude --no-progress FILE``);
- ``real/NAME-VERSION``: pinned releases of public packages that call DeepSeek
  (``benchmarks/realtrees.py`` holds the pins and fetches them with pip), each measured
  side by side with llm-sunset, depdesk and ``grep -rlF`` in the same run.

Every corpus root is its own (empty) git repository, as a project checkout would be, so
the enclosing repository's ``.gitignore`` (which ignores ``benchmarks/corpora/``) does
not apply.
Times are wall-clock medians of ``--runs`` runs after one warm-up run (warm page
cache), each run a fresh process, interpreter start included. Peak memory is the
maximum resident set size of the largest process (``/usr/bin/time -v`` when present,
else ``getrusage`` of a wrapper's children).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import realtrees  # the benchmarks are scripts, not a package

HERE = Path(__file__).resolve().parent
CORPORA = HERE / "corpora"
VENVS = CORPORA / "venvs"
TRIGGERS = (b"deepseek", b"reasoning_content")
TODAY = "2026-11-28T00:00:00Z"
GENERIC_SCANNERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # (PyPI distribution, console script, arguments before the path)
    ("llm-sunset", "llm-sunset", ("scan",)),
    ("bydtech-model-retire", "model-retire", ()),
    ("depdesk", "depdesk", ("check",)),
)


# -- corpora ------------------------------------------------------------------------------


def stdlib_sources() -> list[Path]:
    """The standard library's ``.py`` files without a trigger string, in a stable order."""
    root = Path(sysconfig.get_paths()["stdlib"])
    found: list[Path] = []
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in {"site-packages", "__pycache__"})
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            path = Path(directory, name)
            data = path.read_bytes().lower()
            if not any(trigger in data for trigger in TRIGGERS):
                found.append(path)
    return found


def mark_project(root: Path) -> None:
    """Make ``root`` the top of a repository of its own."""
    root.mkdir(parents=True, exist_ok=True)
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    else:
        (root / ".git").mkdir()


def build_once(root: Path, key: str, build: Callable[[Path], None]) -> Path:
    """Build ``root`` unless it was already built with the same ``key``."""
    stamp = root / ".git" / "benchmark-built"
    if stamp.exists() and stamp.read_text() == key:
        return root
    if root.exists():
        shutil.rmtree(root)
    mark_project(root)
    build(root)
    stamp.write_text(key)
    return root


def copy_stdlib(destination: Path, sources: Sequence[Path]) -> None:
    base = Path(sysconfig.get_paths()["stdlib"])
    for source in sources:
        target = destination / source.relative_to(base)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def stdlib_copies(copies: int, sources: Sequence[Path]) -> Path:
    def build(root: Path) -> None:
        for index in range(copies):
            copy_stdlib(root / f"copy{index + 1}", sources)

    return build_once(CORPORA / f"stdlib-x{copies}", f"{copies}:{len(sources)}", build)


HIT_MODULE = '''"""Service {index}: summarises tickets with deepseek-chat (legacy)."""

import os

from openai import OpenAI

DEFAULT_MODEL = "deepseek-chat"
FALLBACK_MODEL = "deepseek-reasoner"  # keep in sync with deepseek-chat above
client = OpenAI(api_key=os.environ["DEEPSEEK_API_KEY"], base_url="https://api.deepseek.com")


def summarise_{index}(text: str) -> str:
    response = client.chat.completions.create(
        model="deepseek-chat",
        messages=[{{"role": "user", "content": f"Summarise for ticket {index}: {{text}}"}}],
        temperature=0.{digit},
    )
    return response.choices[0].message.content


def reason_{index}(question: str) -> str:
    response = client.chat.completions.create(
        model="deepseek-reasoner",
        messages=[{{"role": "user", "content": question}}],
    )
    answer = response.choices[0].message
    return answer.reasoning_content or answer.content


class Router{index}:
    """Routes between deepseek-chat and deepseek-reasoner."""

    models = {{"fast": "deepseek-chat", "deep": "deepseek-reasoner"}}

    def pick(self, hard: bool) -> str:
        return self.models["deep" if hard else "fast"]

    def describe(self) -> str:
        return "uses " + DEFAULT_MODEL + " then " + FALLBACK_MODEL
'''


def padding(rng: random.Random, lines: int) -> str:
    """Ordinary code so the hit-heavy files are not only hits."""
    out = []
    for number in range(lines // 4):
        value = rng.randint(0, 10_000)
        out.append(f"\n\ndef helper_{number}(items: list[int]) -> int:\n"
                   f"    return sum(item * {value} for item in items if item % 3)\n")
    return "".join(out)


def build_hits(root: Path, files: int) -> None:
    rng = random.Random(7)
    for index in range(files):
        directory = root / f"pkg{index // 50}"
        directory.mkdir(parents=True, exist_ok=True)
        text = HIT_MODULE.format(index=index, digit=index % 10) + padding(rng, 60)
        (directory / f"service_{index}.py").write_text(text)


def hit_trees(files: int) -> tuple[Path, Path]:
    one = build_once(CORPORA / "hits-x1", str(files), lambda root: build_hits(root, files))

    def five(root: Path) -> None:
        for index in range(5):
            shutil.copytree(one, root / f"copy{index + 1}",
                            ignore=shutil.ignore_patterns(".built", ".git"))

    return one, build_once(CORPORA / "hits-x5", str(files), five)


MIXED_EXTRAS = {
    "README.md": "# Chat\n\nWe call `deepseek-chat` through the OpenAI SDK.\n\n"
                 "```python\nclient.chat.completions.create(model=\"deepseek-chat\", messages=m)\n```\n",
    "config/models.json": '{"default": "deepseek-chat", "reasoning": "deepseek-reasoner"}\n',
    "config/settings.yaml": "llm:\n  model: deepseek-reasoner\n  temperature: 0.2\n",
    ".env": "DEEPSEEK_MODEL=deepseek-chat\n",
}


def build_mixed(root: Path, sources: Sequence[Path]) -> None:
    copy_stdlib(root, sources)
    rng = random.Random(11)
    modules = sorted(p for p in root.rglob("*.py"))
    for path in rng.sample(modules, max(1, len(modules) // 100)):
        with open(path, "a", encoding="utf-8") as handle:
            handle.write('\n\nLLM_MODEL = "deepseek-chat"  # migrated later\n')
    for name, text in MIXED_EXTRAS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def build_tiny(root: Path, files: int) -> None:
    for index in range(files):
        directory = root / f"d{index // 1000:03d}" / f"s{(index // 100) % 10}"
        if index % 100 == 0:
            directory.mkdir(parents=True, exist_ok=True)
        (directory / f"m{index}.py").write_text(f"VALUE_{index} = {index}\n")


# A module that passes the bytes prefilter (it names DeepSeek, it reads the reasoning) and
# that no rule can report in: every rule's screen clears it from CPython's tree.
CLEARED_MODULE = '''"""Print a streamed DeepSeek reply: the reasoning as it arrives, then the answer."""

from __future__ import annotations

import sys

from .deepseek_client import stream_chat


def show(prompt: str) -> str:
    answer = []
    for chunk in stream_chat(prompt):
        delta = chunk.choices[0].delta
        if getattr(delta, "reasoning_content", None):
            sys.stderr.write(delta.reasoning_content)
        elif delta.content:
            answer.append(delta.content)
    return "".join(answer)
'''


def build_precommit(root: Path) -> None:
    source = Path(sysconfig.get_paths()["stdlib"]) / "textwrap.py"
    shutil.copyfile(source, root / "one_clean_file.py")
    (root / "streamed_reply.py").write_text(CLEARED_MODULE)


def build_precommit_hits(root: Path) -> None:
    (root / realtrees.PRECOMMIT_NAME).write_text(realtrees.precommit_module())


# -- measuring ----------------------------------------------------------------------------


@dataclass
class Timing:
    seconds: float
    runs: list[float] = field(default_factory=list)
    output: str = ""
    returncode: int = 0


def run_once(command: Sequence[str], cwd: Path, timeout: float | None = None
             ) -> tuple[float, subprocess.CompletedProcess[str]]:
    env = dict(os.environ, DEEPSEEK_MIGRATE_TODAY=TODAY, NO_COLOR="1")
    # An installed tool runs from bytecode (pip compiles it); the warm-up run writes it here.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    return time.perf_counter() - start, done


def timed(command: Sequence[str], cwd: Path, runs: int, warmup: bool = True,
          timeout: float | None = None) -> Timing:
    if warmup:
        run_once(command, cwd, timeout)
    samples = []
    done = None
    for _ in range(runs):
        seconds, done = run_once(command, cwd, timeout)
        samples.append(seconds)
    assert done is not None
    return Timing(statistics.median(samples), samples, done.stdout, done.returncode)


def peak_rss_mb(command: Sequence[str], cwd: Path) -> float:
    """Maximum resident set size of the largest process the command ran, in MB."""
    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    if gnu_time:
        _, done = run_once([gnu_time, "-v", *command], cwd)
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        if found:
            return int(found.group(1)) / 1024
    wrapper = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True);"
               " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    _, done = run_once([sys.executable, "-c", wrapper, *command], cwd)
    return int(done.stdout.strip()) / 1024


def tool(*args: str) -> list[str]:
    return [sys.executable, "-m", "migrator", "check", *args]


def tool_cold(*args: str) -> list[str]:
    """``check`` without the results cache: what a first run costs."""
    return tool("--no-cache", *args)


def tool_scan(workers: int | None) -> list[str]:
    extra = [] if workers is None else ["--workers", str(workers)]
    return tool_cold("--no-progress", "--exit-zero", "--output-format", "json", *extra, ".")


def grep_scan() -> list[str]:
    return ["grep", "-rlF", "--include=*.py", "deepseek", "."]


def scanned(timing: Timing) -> tuple[int, int]:
    """(files scanned, findings) from the tool's JSON report."""
    try:
        report = json.loads(timing.output)
    except json.JSONDecodeError:
        return -1, -1
    return report["summary"]["files_scanned"], report["summary"]["findings"]


def python_files(root: Path) -> int:
    return sum(1 for _ in root.rglob("*.py"))


# -- generic scanners -----------------------------------------------------------------------


def generic_scanner(distribution: str, script: str) -> Path | None:
    """The scanner's console script, installed into its own venv on first use."""
    venv = VENVS / distribution
    executable = venv / "bin" / script
    if executable.exists():
        return executable
    if (venv / ".not-installable").exists():
        return None
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", distribution],
                       check=True, capture_output=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        venv.mkdir(parents=True, exist_ok=True)
        (venv / ".not-installable").write_text("")
        return None
    return executable if executable.exists() else None


# -- the report -----------------------------------------------------------------------------


@dataclass
class Row:
    case: str
    files: str
    this_tool: str
    reference: str
    ratio: str
    target: str = ""


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} CPUs ({model}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def table(rows: Sequence[Row]) -> str:
    lines = ["| case | files | deepseek-migrate | reference | ratio | target |",
             "|---|---:|---:|---:|---:|---|"]
    for row in rows:
        lines.append(f"| {row.case} | {row.files} | {row.this_tool} | {row.reference} | "
                     f"{row.ratio} | {row.target} |")
    return "\n".join(lines)


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


# -- the benchmark --------------------------------------------------------------------------


def no_hit_rows(trees: Sequence[tuple[str, Path]], runs: int, copies: int) -> list[Row]:
    rows = []
    for label, root in trees:
        mine = timed(tool_scan(None), root, runs)
        files, findings = scanned(mine)
        grep = timed(grep_scan(), root, runs)
        ratio = mine.seconds / grep.seconds
        target = f"≤ 2x grep: {verdict(ratio <= 2)}" if label.endswith(f"x{copies}") else ""  # issue 13
        note = "" if findings == 0 else f" ({findings} findings!)"
        rows.append(Row(f"no hits, {label}", f"{files}{note}", fmt(mine.seconds),
                        f"grep {fmt(grep.seconds)}", f"{ratio:.1f}x", target))
    return rows


def hit_rows(one: Path, five: Path, runs: int, workers: int) -> list[Row]:
    serial = timed(tool_scan(1), one, runs)
    parallel = timed(tool_scan(workers), one, runs)
    serial_files, serial_findings = scanned(serial)
    if scanned(parallel) != (serial_files, serial_findings) or serial.output != parallel.output:
        print("warning: 1 and N workers reported different findings", file=sys.stderr)
    speedup = serial.seconds / parallel.seconds
    grep = timed(grep_scan(), one, runs)
    big = timed(tool_scan(workers), five, runs)
    big_files, big_findings = scanned(big)
    growth = big.seconds / parallel.seconds
    return [
        Row("hit-heavy, 1 worker", f"{serial_files} ({serial_findings} findings)",
            fmt(serial.seconds), f"grep {fmt(grep.seconds)}", f"{serial.seconds / grep.seconds:.0f}x"),
        Row(f"hit-heavy, {workers} workers", f"{serial_files}", fmt(parallel.seconds),
            f"1 worker {fmt(serial.seconds)}", f"{speedup:.2f}x faster",
            f"≥ 1.5x on 2 cores: {verdict(speedup >= 1.5)}" if workers >= 2 else ""),
        Row(f"hit-heavy x5, {workers} workers", f"{big_files} ({big_findings} findings)",
            fmt(big.seconds), f"x1 {fmt(parallel.seconds)}", f"{growth:.2f}x time",
            f"≤ 5.5x: {verdict(growth <= 5.5)}"),
    ]


def mixed_row(root: Path, runs: int) -> Row:
    mine = timed(tool_scan(None), root, runs)
    files, findings = scanned(mine)
    grep = timed(grep_scan(), root, runs)
    return Row("mixed (1% of modules name a retired ID)", f"{files} ({findings} findings)",
               fmt(mine.seconds), f"grep {fmt(grep.seconds)}", f"{mine.seconds / grep.seconds:.1f}x")


def precommit_rows(root: Path, runs: int) -> list[Row]:
    floor = timed([sys.executable, "-c", "pass"], root, runs * 2)
    mine = timed(tool_cold("--force-exclude", "one_clean_file.py"), root, runs * 2)
    cleared = timed(tool_cold("--force-exclude", "streamed_reply.py"), root, runs * 2)
    return [Row("pre-commit: one clean file", "1", fmt(mine.seconds),
                f"`python -c pass` {fmt(floor.seconds)}", f"{mine.seconds / floor.seconds:.1f}x",
                f"≤ 150 ms: {verdict(mine.seconds <= 0.150)}"),
            Row("pre-commit: one module that names DeepSeek, nothing to report", "1",
                fmt(cleared.seconds), f"clean file {fmt(mine.seconds)}",
                f"{cleared.seconds / mine.seconds:.2f}x", f"≤ 150 ms: {verdict(cleared.seconds <= 0.150)}")]


def precommit_hits_rows(root: Path, runs: int) -> list[Row]:
    """The 160 KB module as pre-commit passes it: cold (no cache), then a warm re-run."""
    name = realtrees.PRECOMMIT_NAME
    size = (root / name).stat().st_size
    command = ["--force-exclude", "--no-progress", "--exit-zero", "--output-format", "json", name]
    cold = timed(tool_cold(*command), root, runs)
    _, findings = scanned(cold)
    shutil.rmtree(root / ".deepseek-migrate-cache", ignore_errors=True)
    warm = timed(tool(*command), root, runs)  # the warm-up run fills the cache
    grep = timed(["grep", "-lF", "deepseek", name], root, runs)
    return [
        Row(f"pre-commit: one {size // 1024} KB module with IDs", f"1 ({findings} findings)",
            fmt(cold.seconds), f"grep {fmt(grep.seconds)}", f"{cold.seconds / grep.seconds:.0f}x",
            f"< 600 ms: {verdict(cold.seconds < 0.6)}"),
        Row("pre-commit: the same, cache warm", "1", fmt(warm.seconds),
            f"cold {fmt(cold.seconds)}", f"{cold.seconds / warm.seconds:.1f}x faster"),
    ]


def scanner_command(distribution: str) -> list[str] | None:
    for name, script, args in GENERIC_SCANNERS:
        if name == distribution:
            executable = generic_scanner(name, script)
            return None if executable is None else [str(executable), *args, "."]
    return None


def real_tree_rows(trees: Sequence[tuple[str, Path]], runs: int, timeout: float) -> list[Row]:
    """Each real tree: deepseek-migrate, llm-sunset, depdesk and grep, side by side."""
    sunset = scanner_command("llm-sunset")
    depdesk = scanner_command("depdesk")
    rows = []
    for pin, root in trees:
        mine = timed(tool_scan(None), root, runs)
        files, findings = scanned(mine)
        grep = timed(["grep", "-rlF", "deepseek", "."], root, runs)
        others = []
        ratio = float("inf")
        for label, command in (("llm-sunset", sunset), ("depdesk", depdesk)):
            if command is None:
                others.append(f"{label}: not installed")
                continue
            try:
                theirs = timed(command, root, runs, timeout=timeout)
                others.append(f"{label} {fmt(theirs.seconds)} ({mine.seconds / theirs.seconds:.2f}x)")
                if label == "llm-sunset":
                    ratio = mine.seconds / theirs.seconds
            except subprocess.TimeoutExpired:
                others.append(f"{label} > {timeout:.0f} s")
        target = f"≤ 2x llm-sunset: {verdict(ratio <= 2)}" if sunset is not None else ""
        rows.append(Row(f"real: {pin} ({python_files(root)} .py)", f"{files} ({findings} findings)",
                        fmt(mine.seconds),
                        "; ".join([*others, f"grep {fmt(grep.seconds)}"]),
                        f"{mine.seconds / grep.seconds:.0f}x grep", target))
    return rows


def memory_rows(tiny: Path | None, big: Path) -> list[Row]:
    rows = []
    if tiny is not None:
        files = python_files(tiny)
        peak = peak_rss_mb(tool_scan(None), tiny)
        rows.append(Row("peak memory, tiny files", str(files), f"{peak:.0f} MB", "", "",
                        f"< 300 MB: {verdict(peak < 300)}" if files >= 100_000 else ""))
    peak = peak_rss_mb(tool_scan(None), big)
    rows.append(Row(f"peak memory, {big.name}", str(python_files(big)), f"{peak:.0f} MB", "", ""))
    return rows


def generic_rows(root: Path, timeout: float) -> list[Row]:
    rows = []
    baseline = timed(tool_scan(None), root, 1)
    for distribution, script, args in GENERIC_SCANNERS:
        executable = generic_scanner(distribution, script)
        if executable is None:
            rows.append(Row(f"`{script}` (generic)", "", "", "not installed", ""))
            continue
        try:
            theirs = timed([str(executable), *args, "."], root, 1, warmup=False, timeout=timeout)
            shown = fmt(theirs.seconds)
            ratio = f"{theirs.seconds / baseline.seconds:.0f}x slower"
        except subprocess.TimeoutExpired:
            shown, ratio = f"> {timeout:.0f} s (timeout)", ""
        rows.append(Row(f"`{script}` (generic, 1 run)", root.name, fmt(baseline.seconds),
                        shown, ratio))
    return rows


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=8, help="stdlib copies of the big no-hit tree")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (median)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="N for '1 vs N'")
    parser.add_argument("--hit-files", type=int, default=200, help="files of the hit-heavy tree")
    parser.add_argument("--hit-runs", type=int, default=3,
                        help="timed runs of the (slow) hit-heavy and mixed cases")
    parser.add_argument("--tiny-files", type=int, default=100_000,
                        help="files of the memory tree (0 to skip)")
    parser.add_argument("--generic-timeout", type=float, default=300.0)
    parser.add_argument("--no-generic", action="store_true", help="skip the generic scanners")
    parser.add_argument("--quick", action="store_true",
                        help="small trees and 3 runs (checks the script, not the targets)")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument("--only", help="comma-separated cases: no-hit, hit-heavy, mixed, "
                        "pre-commit, pre-commit-hits, real, memory, generic")
    parser.add_argument("--no-real", action="store_true", help="skip the real trees (pip downloads)")
    parser.add_argument("--real-runs", type=int, default=3, help="timed runs per real tree")
    args = parser.parse_args(argv)
    if args.quick:
        args.copies, args.runs, args.hit_runs, args.hit_files, args.tiny_files = 2, 3, 1, 60, 5_000
        args.real_runs, args.no_real = 1, True
        args.no_generic = True
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print("building corpora under", CORPORA, file=sys.stderr)
    sources = stdlib_sources()
    x1 = stdlib_copies(1, sources)
    x5 = stdlib_copies(5, sources)
    big = stdlib_copies(args.copies, sources)
    hits_one, hits_five = hit_trees(args.hit_files)
    mixed = build_once(CORPORA / "mixed", str(len(sources)), lambda r: build_mixed(r, sources))
    precommit = build_once(CORPORA / "precommit", "2", build_precommit)
    precommit_hits = build_once(CORPORA / "precommit-hits", str(realtrees.PRECOMMIT_BYTES),
                                build_precommit_hits)
    tiny = (build_once(CORPORA / "tiny", str(args.tiny_files),
                       lambda r: build_tiny(r, args.tiny_files)) if args.tiny_files else None)

    rows: list[Row] = []
    steps: list[tuple[str, Callable[[], list[Row]]]] = [
        ("no-hit", lambda: no_hit_rows(
            [("stdlib x1", x1), ("stdlib x5", x5), (f"stdlib x{args.copies}", big)],
            args.runs, args.copies)),
        ("hit-heavy", lambda: hit_rows(hits_one, hits_five, args.hit_runs, args.workers)),
        ("mixed", lambda: [mixed_row(mixed, args.hit_runs)]),
        ("pre-commit", lambda: precommit_rows(precommit, args.runs)),
        ("pre-commit-hits", lambda: precommit_hits_rows(precommit_hits, args.runs)),
        ("memory", lambda: memory_rows(tiny, big)),
    ]
    if not args.no_real:
        steps.append(("real", lambda: real_tree_rows(realtrees.fetch_all(), args.real_runs,
                                                     args.generic_timeout)))
    if not args.no_generic:
        steps.append(("generic", lambda: generic_rows(big, args.generic_timeout)))
    wanted = set(args.only.split(",")) if args.only else {name for name, _ in steps}
    for name, step in steps:
        if name not in wanted:
            continue
        print(f"measuring: {name}", file=sys.stderr)
        rows.extend(step())

    print(f"Machine: {machine()}. Medians of {args.runs} runs (pre-commit: {args.runs * 2}; "
          f"hit-heavy and mixed: {args.hit_runs}; real trees: {args.real_runs}) after a warm-up "
          "run (warm page cache), wall "
          "time including interpreter start.\n")
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps([row.__dict__ for row in rows], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
