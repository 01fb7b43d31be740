"""Multi-module fixture projects (`fixtures/projects/NAME/`): the project-wide flow of a model ID.

Each project has `before/` (the project), `after/` (the exact tree `fix` writes), optionally
`unsafe-after/` (the tree `fix --unsafe-fixes` writes), and `expected.toml`: one `[[finding]]`
per DSM001 finding of `check`, with `path` (relative to the project root), `line`, `column`
(1-based; in a notebook also `cell`, as in the JSON report), `applicability` (`safe`,
`unsafe` or `none` for a finding without a fix), `requests` for a safe finding ("path:line",
or "path:cell N:line" in a notebook: the requests the value reaches) and `reason_contains`
for the others (a fragment, or a list of fragments, that the finding's message, fix
description or `unfixable_reason` must contain: the use that blocks a safe fix).

Every command runs through the real CLI with the copied project as the current directory.
"""

from __future__ import annotations

import ast
import difflib
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .conftest import FIXTURES, run_cli

PROJECTS_ROOT = FIXTURES / "projects"
PROJECTS = sorted(path for path in PROJECTS_ROOT.iterdir() if (path / "expected.toml").is_file())
SKIPPED_PARTS = {"__pycache__", ".deepseek-migrate-cache", ".pytest_cache"}

FindingKey = tuple[str, int | None, int, int]

# Flows the expectations describe that the planner does not follow yet: the fix there is
# unsafe (stricter than expected, never looser: `test_no_fix_is_looser_than_expected` runs
# on every project). xfail(strict): a project that starts passing must leave this table.
NOT_FOLLOWED_YET: dict[str, str] = {
}
# The tests of those projects that already pass (their unsafe tree, or the tree left as it was).
PASSING_ALREADY = {
}


def expecting(project: Path, test: str) -> Any:
    """The project as a parameter, xfail(strict) where its flow is not followed yet."""
    reason = NOT_FOLLOWED_YET.get(project.name)
    if (project.name, test) in PASSING_ALREADY:
        reason = None
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(project, id=project.name, marks=marks)


def project_id(project: Path) -> str:
    return project.name


def expected_findings(project: Path) -> list[dict[str, Any]]:
    data = tomllib.loads((project / "expected.toml").read_text(encoding="utf-8"))
    findings: list[dict[str, Any]] = data.get("finding", [])
    return findings


def copy_of(tree: Path, destination: Path) -> Path:
    shutil.copytree(tree, destination, ignore=shutil.ignore_patterns(*SKIPPED_PARTS))
    return destination


def tree_files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not SKIPPED_PARTS.intersection(path.relative_to(root).parts)
    }


def describe_differences(actual: dict[str, bytes], wanted: dict[str, bytes]) -> str:
    lines: list[str] = []
    for name in sorted(set(actual) | set(wanted)):
        if name not in actual:
            lines.append(f"missing: {name}")
        elif name not in wanted:
            lines.append(f"unexpected: {name}")
        elif actual[name] != wanted[name]:
            lines.extend(difflib.unified_diff(
                wanted[name].decode("utf-8", "replace").splitlines(),
                actual[name].decode("utf-8", "replace").splitlines(),
                f"expected/{name}", f"written/{name}", lineterm=""))
    return "\n".join(lines)


def assert_tree_equals(root: Path, wanted: Path) -> None:
    actual, expected = tree_files(root), tree_files(wanted)
    assert actual == expected, describe_differences(actual, expected)


def json_report(cwd: Path) -> dict[str, Any]:
    result = run_cli("check", "--output-format", "json", "--no-progress", "--exit-zero", cwd=cwd)
    assert result.returncode == 0, result.stderr.decode()
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def run_fix(cwd: Path, *extra: str) -> None:
    result = run_cli("fix", "--no-progress", "--exit-zero", *extra, cwd=cwd)
    assert result.returncode == 0, result.stderr.decode()


def key_of(finding: dict[str, Any]) -> FindingKey:
    return (finding["path"], finding.get("cell"), finding["line"], finding["column"])


def applicability_of(finding: dict[str, Any]) -> str:
    fix = finding.get("fix")
    return "none" if fix is None else str(fix["applicability"])


def reason_text(finding: dict[str, Any]) -> str:
    fix = finding.get("fix") or {}
    parts = [finding.get("message"), fix.get("description"), finding.get("unfixable_reason")]
    return "\n".join(part for part in parts if part)


def request_location(request: dict[str, Any]) -> str:
    cell = request.get("cell")
    where = f"cell {cell}:{request['line']}" if cell is not None else str(request["line"])
    return f"{request['path']}:{where}"


def fragments(expected: dict[str, Any]) -> list[str]:
    wanted = expected.get("reason_contains", [])
    return [wanted] if isinstance(wanted, str) else list(wanted)


@pytest.mark.parametrize("project", PROJECTS, ids=project_id)
def test_expectations_are_complete(project: Path) -> None:
    assert (project / "before" / "pyproject.toml").is_file()
    assert (project / "before" / "run.py").is_file()
    assert (project / "after").is_dir()
    for expected in expected_findings(project):
        assert expected["applicability"] in {"safe", "unsafe", "none"}
        if expected["applicability"] == "safe":
            assert isinstance(expected.get("requests"), list), expected
        else:
            assert fragments(expected), expected
        assert (project / "before" / expected["path"]).is_file(), expected


@pytest.mark.parametrize("project", PROJECTS, ids=project_id)
def test_expected_trees_are_valid_python(project: Path) -> None:
    for tree in ("after", "unsafe-after"):
        for path in sorted((project / tree).rglob("*.py")):
            ast.parse(path.read_bytes(), filename=str(path))


@pytest.mark.parametrize("project", [expecting(p, "check") for p in PROJECTS])
def test_check_reports_the_expected_findings(project: Path, tmp_path: Path) -> None:
    root = copy_of(project / "before", tmp_path / "project")
    report = json_report(root)
    actual = {key_of(f): f for f in report["findings"] if f["code"] == "DSM001"}
    expected = {key_of(f): f for f in expected_findings(project)}
    assert sorted(actual, key=str) == sorted(expected, key=str)
    for key, wanted in expected.items():
        finding = actual[key]
        assert applicability_of(finding) == wanted["applicability"], (key, reason_text(finding))
        if wanted["applicability"] == "safe":
            requests = finding.get("requests")
            assert isinstance(requests, list), f"{key}: the JSON finding has no `requests` list"
            assert all(request.get("library") for request in requests), requests
            assert sorted(map(request_location, requests)) == sorted(wanted["requests"]), key
        else:
            text = reason_text(finding)
            missing = [fragment for fragment in fragments(wanted) if fragment not in text]
            assert not missing, f"{key}: reason lacks {missing}: {text}"


@pytest.mark.parametrize("project", PROJECTS, ids=project_id)
def test_no_fix_is_looser_than_expected(project: Path, tmp_path: Path) -> None:
    """Safety, on every project: no finding gets a safe fix that its expectation does not call
    safe, and where nothing is expected safe, `fix` leaves the tree as it was."""
    root = copy_of(project / "before", tmp_path / "project")
    actual = {key_of(f): f for f in json_report(root)["findings"] if f["code"] == "DSM001"}
    expected = {key_of(f): f for f in expected_findings(project)}
    for key, wanted in expected.items():
        assert key in actual, f"{key}: not reported"
        got = applicability_of(actual[key])
        assert got != "safe" or wanted["applicability"] == "safe", (
            f"{key}: safe where {wanted['applicability']} is expected: {reason_text(actual[key])}")
    if not any(f["applicability"] == "safe" for f in expected.values()):
        run_fix(root)
        assert_tree_equals(root, project / "before")


@pytest.mark.parametrize("project", [expecting(p, "fix") for p in PROJECTS])
def test_fix_writes_the_after_tree_and_is_idempotent(project: Path, tmp_path: Path) -> None:
    root = copy_of(project / "before", tmp_path / "project")
    run_fix(root)
    assert_tree_equals(root, project / "after")
    run_fix(root)
    assert_tree_equals(root, project / "after")


@pytest.mark.parametrize("project", [expecting(p, "unsafe") for p in PROJECTS])
def test_unsafe_fixes_write_the_unsafe_after_tree(project: Path, tmp_path: Path) -> None:
    """With `unsafe-after/`, that tree; with no unsafe finding, `after/`; else stable output."""
    root = copy_of(project / "before", tmp_path / "project")
    run_fix(root, "--unsafe-fixes")
    has_unsafe = any(f["applicability"] == "unsafe" for f in expected_findings(project))
    if (project / "unsafe-after").is_dir():
        wanted: Path | None = project / "unsafe-after"
    else:
        wanted = None if has_unsafe else project / "after"
    if wanted is not None:
        assert_tree_equals(root, wanted)
    first = tree_files(root)
    for path in sorted(root.rglob("*.py")):
        ast.parse(path.read_bytes(), filename=str(path))
    run_fix(root, "--unsafe-fixes")
    assert tree_files(root) == first, describe_differences(tree_files(root), first)


ELSEWHERE = ["constant_imported", "src_layout_relative", "dotenv_getenv", "public_package"]


@pytest.mark.parametrize("name", ELSEWHERE)
def test_checking_a_project_from_another_directory_reads_that_project(name: str, tmp_path: Path) -> None:
    """The project model and the settings come from the checked path, not the working directory."""
    project = copy_of(PROJECTS_ROOT / name / "before", tmp_path / "elsewhere" / name)
    (project / "pyproject.toml").write_text(f'[project]\nname = "{name}"\n', encoding="utf-8")
    inside = json_report(project)["findings"]
    result = run_cli("check", "--output-format", "json", "--no-progress", "--exit-zero",
                     f"elsewhere/{name}", cwd=tmp_path)  # a directory that is no project
    assert result.returncode == 0, result.stderr.decode()
    outside = json.loads(result.stdout)["findings"]

    def judged(findings: list[dict[str, Any]], prefix: str) -> list[tuple[object, ...]]:
        return [(f["path"].removeprefix(prefix), f["line"], f["column"], f["code"], applicability_of(f),
                 reason_text(f).replace(prefix, "")) for f in findings]

    assert judged(outside, f"elsewhere/{name}/") == judged(inside, "")
    assert any(applicability_of(f) == "safe" for f in inside) or name == "public_package"


SEVERAL_BLOCKING_USES = {
    "config.py": 'DEFAULTS = {\n    "model": "deepseek-chat",\n    "timeout": 30,\n}\n'
                 "KEYS = set(DEFAULTS.keys())\n\n\ndef load(stored):\n"
                 "    if stored:\n        cfg = {**DEFAULTS, **stored}\n    else:\n"
                 "        cfg = dict(DEFAULTS)\n    return cfg\n\n\ndef reset(save):\n"
                 "    save(dict(DEFAULTS))\n    return DEFAULTS\n",
    "pyproject.toml": '[project]\nname = "several"\n',
}


def test_the_reason_a_fix_is_unsafe_does_not_change_with_the_hash_seed(tmp_path: Path) -> None:
    """A name's uses come from libcst in a set: the first blocking one must not depend on
    how that set happens to iterate."""
    for name, text in SEVERAL_BLOCKING_USES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    reasons = set()
    for seed in range(6):
        result = run_cli("check", "--no-cache", "--output-format", "json", "--exit-zero", cwd=tmp_path,
                         env={"PYTHONHASHSEED": str(seed)})
        findings = json.loads(result.stdout)["findings"]
        reasons.add(tuple(reason_text(f) for f in findings if f["code"] == "DSM001"))
    assert len(reasons) == 1, reasons
    (found,) = reasons
    assert found and "config.py:10" in found[0], found  # the first use in the source
