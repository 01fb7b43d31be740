"""Every fixture with an ``.expected`` sidecar is checked through the real CLI.

Sidecar format (fixtures/check/README.md): ``# select: CODES`` then one
``LINE:COL CODE`` (notebooks: ``CELL:LINE:COL CODE``) per expected finding.
Files sharing a selection are checked in one run, as a user would run the tool.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT, run_cli

SIDECARS = sorted(FIXTURES.rglob("*.expected"))


def _parse_sidecar(path: Path) -> tuple[str, list[str]]:
    select = "ALL"
    expected: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("# select:"):
            select = line.split(":", 1)[1].strip()
        elif line and not line.startswith("#"):
            expected.append(line)
    return select, expected


def _source_of(sidecar: Path) -> Path:
    return sidecar.with_name(sidecar.name[: -len(".expected")])


@cache
def _findings_by_file(select: str) -> dict[str, list[str]]:
    files = [_source_of(s) for s in SIDECARS if _parse_sidecar(s)[0] == select]
    relative = [str(f.relative_to(ROOT)) for f in files]
    result = run_cli("check", "--output-format", "json", "--select", select, "--no-progress",
                     "--extend-include", "*.md", "--workers", "1", *relative, cwd=ROOT)
    assert result.returncode in (0, 1), result.stderr.decode()
    report = json.loads(result.stdout)
    found: dict[str, list[str]] = {path: [] for path in relative}
    for finding in report["findings"]:
        cell = f"{finding['cell']}:" if "cell" in finding else ""
        found.setdefault(finding["path"], []).append(
            f"{cell}{finding['line']}:{finding['column']} {finding['code']}"
        )
    return found


def _sort_key(entry: str) -> tuple[int, ...]:
    position, _, code = entry.partition(" ")
    return (*(int(part) for part in position.split(":")), hash(code))


def test_fixture_corpus_is_large_enough() -> None:
    assert len([s for s in SIDECARS if "check" in s.parts]) >= 30


@pytest.mark.parametrize("sidecar", SIDECARS, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_findings(sidecar: Path) -> None:
    select, expected = _parse_sidecar(sidecar)
    source = str(_source_of(sidecar).relative_to(ROOT))
    found = _findings_by_file(select)[source]
    assert sorted(found, key=_sort_key) == sorted(expected, key=_sort_key)
