"""How many retired-ID findings get a safe fix on real code, for this checkout and another revision.

    python benchmarks/fix_safety.py [--base REV] [TREE ...]

With no TREE, the real trees of ``benchmarks/realtrees.py`` are fetched (pinned sdists
from PyPI) and used. For each tree, ``check --output-format json`` runs once with this
checkout and once with the package as it was at ``--base`` (default: the 0.1.0 release
commit), both with the same Python, and the DSM001 findings are counted by what their
fix is: safe, unsafe, none. ``--hunks DIR`` also writes each tree's ``fix --diff`` (safe
fixes only) to DIR for a reading of every hunk.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = "b9e4105"  # the 0.1.0 tree this work started from


def checkout_of(revision: str, into: Path) -> Path:
    """The ``migrator`` package of ``revision``, unpacked under ``into``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "migrator"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def findings_of(tree: Path, package_root: Path) -> list[dict[str, object]]:
    env = {**os.environ, "PYTHONPATH": str(package_root), "DEEPSEEK_MIGRATE_TODAY": "2026-12-01"}
    result = subprocess.run(
        [sys.executable, "-m", "migrator", "check", "--output-format", "json", "--no-progress",
         "--no-respect-gitignore", *(["--no-cache"] if package_root == ROOT else []), "."],
        cwd=tree, env=env, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):
        raise SystemExit(f"{tree}: check failed ({result.returncode}): {result.stderr[-400:]}")
    findings: list[dict[str, object]] = json.loads(result.stdout)["findings"]
    return findings


def tally(findings: list[dict[str, object]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for finding in findings:
        if finding["code"] != "DSM001":
            continue
        fix = finding["fix"]
        counts[fix["applicability"] if isinstance(fix, dict) else "none"] += 1
    return counts


def safe_diff(tree: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DEEPSEEK_MIGRATE_TODAY": "2026-12-01"}
    result = subprocess.run(
        [sys.executable, "-m", "migrator", "fix", "--diff", "--no-progress", "--no-respect-gitignore",
         "--select", "DSM001", "."], cwd=tree, env=env, capture_output=True, text=True, check=False)
    return result.stdout


def share(counts: Counter[str]) -> str:
    total = sum(counts.values())
    if not total:
        return "-"
    return f"{counts['safe']}/{total} ({100 * counts['safe'] / total:.0f}%)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="*", type=Path)
    parser.add_argument("--base", default=BASE)
    parser.add_argument("--hunks", type=Path)
    args = parser.parse_args()
    trees = args.trees
    if not trees:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from realtrees import fetch_all  # type: ignore[import-not-found]

        trees = fetch_all()
    totals = {"base": Counter[str](), "now": Counter[str]()}
    with tempfile.TemporaryDirectory() as scratch:
        old = checkout_of(args.base, Path(scratch))
        print(f"| tree | DSM001 | safe at {args.base} | safe now | unsafe now | no fix now |")
        print("|---|---:|---:|---:|---:|---:|")
        for tree in trees:
            before = tally(findings_of(tree, old))
            after = tally(findings_of(tree, ROOT))
            totals["base"].update(before)
            totals["now"].update(after)
            print(f"| {tree.name} | {sum(after.values())} | {share(before)} | {share(after)} | "
                  f"{after['unsafe']} | {after['none']} |")
            if args.hunks:
                args.hunks.mkdir(parents=True, exist_ok=True)
                (args.hunks / f"{tree.name}.diff").write_text(safe_diff(tree))
        base, now = totals["base"], totals["now"]
        print(f"| **all** | {sum(now.values())} | {share(base)} | {share(now)} | {now['unsafe']} | "
              f"{now['none']} |")


if __name__ == "__main__":
    main()
