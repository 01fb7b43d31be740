"""Both hooks of ``.pre-commit-hooks.yaml`` run by the real pre-commit against this checkout.

``pre-commit try-repo`` clones this repository (HEAD plus uncommitted changes to tracked
files, through a temporary commit), builds a virtualenv and pip-installs it: about twenty
seconds a run, so each test module run pays for two installs and no more. try-repo keeps
its environments in a temporary store of its own; ``PRE_COMMIT_HOME`` still points at a
temporary directory so nothing leaks into the user's cache.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from migrator.discovery import kind_of
from migrator.kinds import FILE_KINDS

from .conftest import TODAY

pytestmark = pytest.mark.precommit

ROOT = Path(__file__).resolve().parent.parent
LEGACY = (
    "from openai import OpenAI\n"
    "\n"
    'client = OpenAI(base_url="https://api.deepseek.com")\n'
    'reply = client.chat.completions.create(model="deepseek-chat", messages=[])\n'
)
FILES = {
    "app.py": LEGACY,
    "legacy/old.py": LEGACY,  # excluded by the temp repo's configuration
    "clean.py": 'MODEL = "deepseek-v4-flash"\n',
    ".env.example": "DEEPSEEK_MODEL=deepseek-chat\n",  # identify gives it no type tag
    "pyproject.toml": '[tool.deepseek-migrate]\nextend-exclude = ["legacy/"]\nselect = ["DSM001"]\n',
}


@dataclass
class HookRun:
    repo: Path
    returncode: int
    output: str

    def text(self, name: str) -> str:
        return (self.repo / name).read_text(encoding="utf-8")


def _git(*args: str, cwd: Path) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return result.stdout


def _is_git_checkout(path: Path) -> bool:
    try:
        return Path(_git("rev-parse", "--show-toplevel", cwd=path).strip()).resolve() == path
    except (OSError, subprocess.CalledProcessError):
        return False


def _fix_command_available() -> bool:
    result = subprocess.run([sys.executable, "-m", "migrator", "fix", "--help"],
                            cwd=ROOT, capture_output=True, check=False)
    return result.returncode == 0


def _staged_repo(path: Path) -> Path:
    path.mkdir()
    _git("init", "-q", cwd=path)
    for name, text in FILES.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    _git("add", *FILES, cwd=path)
    return path


def _untracked_package_files() -> list[str]:
    listing = _git("ls-files", "--others", "--exclude-standard", "--", "migrator", cwd=ROOT)
    return listing.split()


def _try_repo(repo: Path, home: Path, *args: str) -> HookRun:
    if not _is_git_checkout(ROOT):
        pytest.skip(f"{ROOT} is not a git checkout: pre-commit try-repo needs one")
    untracked = _untracked_package_files()
    if untracked:  # try-repo installs HEAD plus changes to tracked and staged files only
        pytest.fail(f"pre-commit try-repo would install without {', '.join(untracked)}: "
                    "stage (git add) or commit them first")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "DEEPSEEK_MIGRATE_TODAY": TODAY,
           "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PRE_COMMIT_COLOR": "never"}
    result = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), *args],
                            cwd=repo, capture_output=True, text=True, env=env, check=False,
                            timeout=600)
    return HookRun(repo, result.returncode, result.stdout + result.stderr)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="module")
def check_hook_on_named_files(tmp_path_factory: pytest.TempPathFactory,
                              pre_commit_home: Path) -> HookRun:
    repo = _staged_repo(tmp_path_factory.mktemp("named") / "repo")
    return _try_repo(repo, pre_commit_home, "deepseek-migrate",
                     "--files", "app.py", "legacy/old.py", "clean.py", ".env.example")


@pytest.fixture(scope="module")
def both_hooks_on_all_files(tmp_path_factory: pytest.TempPathFactory,
                            pre_commit_home: Path) -> HookRun:
    """One install for both hooks: the check hook runs first (ids sort), then the fix hook."""
    repo = _staged_repo(tmp_path_factory.mktemp("all") / "repo")
    return _try_repo(repo, pre_commit_home, "--all-files")


def test_check_hook_fails_with_the_findings(check_hook_on_named_files: HookRun) -> None:
    run = check_hook_on_named_files
    assert run.returncode == 1, run.output
    assert "deepseek-migrate (check)" in run.output and "Failed" in run.output
    assert "app.py:4:" in run.output and "DSM001" in run.output, run.output
    assert ".env.example:1:" in run.output
    assert "clean.py:" not in run.output


def test_check_hook_leaves_excluded_paths_alone(check_hook_on_named_files: HookRun) -> None:
    run = check_hook_on_named_files
    assert "legacy/old.py" not in run.output, run.output
    assert run.text("legacy/old.py") == LEGACY and run.text("app.py") == LEGACY


def test_check_hook_on_all_files_reports_only_included_files(
        both_hooks_on_all_files: HookRun) -> None:
    output = both_hooks_on_all_files.output
    assert "- hook id: deepseek-migrate\n" in output, output
    assert "app.py:4:" in output
    assert ".env.example:1:" in output  # the hook's `files` pattern passed it
    assert "legacy/old.py:" not in output


@pytest.mark.skipif(not _fix_command_available(),
                    reason="`deepseek-migrate fix` is not implemented yet")
def test_fix_hook_rewrites_files_but_not_excluded_ones(both_hooks_on_all_files: HookRun) -> None:
    run = both_hooks_on_all_files
    assert run.returncode == 1, run.output  # pre-commit fails a hook that modified files
    assert "- hook id: deepseek-migrate-fix" in run.output, run.output
    assert "files were modified by this hook" in run.output
    fixed = run.text("app.py")
    assert '"deepseek-chat"' not in fixed and "deepseek-v4-flash" in fixed, fixed
    assert run.text("legacy/old.py") == LEGACY
    assert run.text("clean.py") == FILES["clean.py"]


SAMPLE_NAMES = [
    "app.py", "pkg/types.pyi", "notebooks/eda.ipynb", "ci.yml", "compose.yaml",
    "pyproject.toml", "settings.json", "setup.cfg", "tox.ini", ".env", ".env.local",
    "deploy/.env.example", "prod.env", "README.md", "notes.txt", "Makefile", ".envrc",
    "data.jsonl", ".environment", "script.python", "image.png",
]


def registry_names() -> list[str]:
    """A file name for every pattern of every kind in the registry, at the top and nested."""
    names = []
    for kind in FILE_KINDS:
        for pattern in kind.patterns:
            name = pattern.replace("*", "x")
            names += [name, f"deep/dir/{name}"]
    return names


@pytest.mark.parametrize("hook", ["deepseek-migrate", "deepseek-migrate-fix"])
def test_hooks_pass_exactly_the_files_the_tool_reads_by_default(hook: str) -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    spec = hooks[hook]
    assert "--force-exclude" in spec["entry"].split() and "--no-progress" in spec["entry"].split()
    pattern = re.compile(spec["files"])
    names = SAMPLE_NAMES + registry_names()
    passed = {name for name in names if pattern.search(name)}
    read = {name for name in names if kind_of(name) is not None}
    assert passed == read
    assert {kind_of(name) for name in read} == {k.name for k in FILE_KINDS if k.default}
