"""Discovery: which files a run reads, in which order, and what it reports instead."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pathspec
import pytest

from migrator import discovery
from migrator.discovery import (
    DEFAULT_EXCLUDES,
    DEFAULT_INCLUDES,
    UNKNOWN_TYPE_REASON,
    Candidate,
    DiscoveryError,
    DiscoveryOptions,
    Skipped,
    discover,
    is_excluded,
    kind_of,
)

# -- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project directory that is also the current directory."""
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


def make(root: Path, *relatives: str, text: str = "") -> None:
    for relative in relatives:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def make_repository(root: Path) -> None:
    (root / ".git" / "info").mkdir(parents=True)


def run(root: Path, *paths: str, **options: object) -> list[Candidate | Skipped]:
    return list(discover(list(paths), DiscoveryOptions(project_root=root, **options)))  # type: ignore[arg-type]


def found(root: Path, *paths: str, **options: object) -> list[str]:
    """The displays of the candidates, in the order yielded."""
    return [item.display for item in run(root, *paths, **options) if isinstance(item, Candidate)]


def skipped(root: Path, *paths: str, **options: object) -> list[Skipped]:
    return [item for item in run(root, *paths, **options) if isinstance(item, Skipped)]


def candidate(root: Path, display: str, *paths: str, **options: object) -> Candidate:
    matches = [
        item
        for item in run(root, *paths, **options)
        if isinstance(item, Candidate) and item.display == display
    ]
    assert len(matches) == 1, matches
    return matches[0]


# -- kinds -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("app.py", "python"),
        ("stubs.pyi", "python"),
        ("pkg/sub/app.py", "python"),
        ("analysis.ipynb", "notebook"),
        (".env", "env"),
        (".env.local", "env"),
        (".env.production", "env"),
        ("prod.env", "env"),
        ("config.yaml", "yaml"),
        ("compose.yml", "yaml"),
        ("pyproject.toml", "toml"),
        ("package.json", "json"),
        ("setup.cfg", "ini"),
        ("tox.ini", "ini"),
        (".env.json", "json"),
        ("README.md", None),
        ("notes.txt", None),
        ("Makefile", None),
        ("run.log", None),
        ("uv.lock", None),
        (".envrc", None),
        ("app.PY", None),
    ],
)
def test_kind_of_names_the_kind_by_file_name(name: str, kind: str | None) -> None:
    assert kind_of(name) == kind


def test_kind_of_knows_markdown_only_when_opted_in() -> None:
    assert kind_of("docs/guide.md") is None
    assert kind_of("docs/guide.md", opt_in=True) == "markdown"
    assert kind_of("app.py", opt_in=True) == "python"
    assert kind_of("notes.txt", opt_in=True) is None


@pytest.mark.parametrize(
    "name",
    ["a.py", "a.pyi", "n.ipynb", ".env", ".env.dev", "x.env", "c.yaml", "c.yml", "p.toml",
     "d.json", "s.cfg", "t.ini", "r.md", "n.txt", "Makefile", "a.pyc", "x.envrc", "env"],
)  # fmt: skip
def test_default_includes_document_exactly_what_kind_of_reads(name: str) -> None:
    spec = pathspec.GitIgnoreSpec.from_lines(DEFAULT_INCLUDES)
    assert spec.match_file(name) == (kind_of(name) is not None)


# -- walking -----------------------------------------------------------------------------------


def test_no_path_means_the_current_directory(project: Path) -> None:
    make(project, "a.py", "pkg/b.py")
    assert found(project) == ["a.py", "pkg/b.py"]
    assert found(project, ".") == ["a.py", "pkg/b.py"]


def test_walk_yields_only_files_of_known_kinds(project: Path) -> None:
    make(project, "a.py", "b.txt", "c.js", "d.md", "e.json", ".env", "f.ipynb", "Makefile")
    assert found(project) == [".env", "a.py", "e.json", "f.ipynb"]


def test_order_is_by_name_depth_first_and_stable(project: Path) -> None:
    for relative in ["z.py", "b/y.py", "a.py", "b/a/x.py", "c.py", "b/c.py"]:
        make(project, relative)
    expected = ["a.py", "b/a/x.py", "b/c.py", "b/y.py", "c.py", "z.py"]
    assert found(project) == expected
    assert found(project) == expected


def test_candidate_fields_for_a_walked_file(project: Path) -> None:
    make(project, "src/app.py")
    assert run(project, "./src") == [
        Candidate("./src/app.py", "src/app.py", "python", explicit=False, record=False)
    ]


def test_default_excludes_are_pruned_before_listing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    excluded = ["node_modules/pkg/a.py", ".venv/lib/a.py", "venv/a.py", "build/a.py",
                "dist/a.py", "__pycache__/a.py", "x.egg-info/a.json", ".tox/a.py",
                ".mypy_cache/a.json", ".ipynb_checkpoints/n.ipynb", "deep/site-packages/a.py",
                ".git/config.json", ".hg/a.py", ".cache/a.json"]  # fmt: skip
    make(project, "src/app.py", *excluded)
    listed: list[str] = []
    real_scandir = os.scandir

    def recording_scandir(path: str) -> Iterator[os.DirEntry[str]]:
        listed.append(str(path))
        return real_scandir(path)

    monkeypatch.setattr("migrator.discovery.os.scandir", recording_scandir)
    assert found(project) == ["src/app.py"]
    assert sorted(listed) == [".", "./deep", "./src"]


def test_env_is_not_excluded_by_name_but_virtualenvs_are_recognised(project: Path) -> None:
    make(project, "config/env/settings.yaml", "env/lib/python3.12/site.py", "env/pyvenv.cfg")
    make(project, "conda/conda-meta/history.json", "conda/lib/x.py")
    assert found(project) == ["config/env/settings.yaml"]


def test_a_virtualenv_named_on_the_command_line_is_walked(project: Path) -> None:
    make(project, "env/pyvenv.cfg", "env/bin/tool.py")
    assert found(project, "env") == ["env/bin/tool.py", "env/pyvenv.cfg"]


def test_directory_named_like_a_python_file_is_a_directory(project: Path) -> None:
    make(project, "odd.py/inner.py", "odd.py/data.json")
    assert found(project) == ["odd.py/data.json", "odd.py/inner.py"]
    assert found(project, "odd.py") == ["odd.py/data.json", "odd.py/inner.py"]


def test_special_files_are_ignored(project: Path) -> None:
    make(project, "a.py")
    os.mkfifo(project / "pipe.py")
    assert run(project) == [Candidate("./a.py", "a.py", "python", False, False)]


# -- exclude patterns --------------------------------------------------------------------------


def test_absolute_checkout_path_containing_an_excluded_name_is_fine(tmp_path: Path) -> None:
    root = tmp_path / "build" / "dist" / "node_modules" / "proj"
    make(root, "src/app.py", "build/skip.py")
    assert found(root, str(root)) == [f"{root.as_posix()}/src/app.py"]
    assert found(root, str(root / "src")) == [f"{root.as_posix()}/src/app.py"]


def test_absolute_checkout_path_as_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "build" / "proj"
    make(root, "src/app.py", "build/skip.py")
    monkeypatch.chdir(root)
    assert found(root) == ["src/app.py"]
    assert found(root, str(root / "src")) == ["src/app.py"]


def test_given_exclude_replaces_the_defaults(project: Path) -> None:
    make(project, "build/a.py", "gen/b.py", "src/c.py")
    assert found(project, exclude=("gen",)) == ["build/a.py", "src/c.py"]


def test_vcs_metadata_is_never_walked_even_without_default_excludes(project: Path) -> None:
    make(project, ".git/hooks/x.py", ".svn/y.py", "a.py")
    assert found(project, exclude=()) == ["a.py"]


def test_extend_exclude_adds_to_the_defaults(project: Path) -> None:
    make(project, "build/a.py", "api_pb2.py", "app.py", "docs/conf.py")
    assert found(project, extend_exclude=("*_pb2.py", "/docs")) == ["app.py"]


def test_exclude_patterns_match_relative_to_the_project_root(project: Path) -> None:
    make(project, "tests/fixtures/a.py", "tests/test_a.py", "other/tests/fixtures/b.py")
    options = {"extend_exclude": ("tests/fixtures/",)}
    assert found(project, "tests", **options) == ["tests/test_a.py"]
    assert found(project, "other", **options) == ["other/tests/fixtures/b.py"]


def test_exclude_negation_reincludes(project: Path) -> None:
    make(project, "build/a.py", "dist/b.py")
    assert found(project, extend_exclude=("!build/",)) == ["build/a.py"]


def test_directory_outside_the_project_matches_relative_to_itself(tmp_path: Path) -> None:
    root, other = tmp_path / "proj", tmp_path / "other"
    make(root, "a.py")
    make(other, "gen/x.py", "keep/gen.py", "build/y.py")
    assert found(root, str(other), extend_exclude=("/gen/",)) == [f"{other.as_posix()}/keep/gen.py"]


def test_named_excluded_directory_is_walked_unless_force_exclude(project: Path) -> None:
    make(project, "build/lib/a.py", "build/node_modules/b.py", "build/build/c.py")
    assert found(project, "build") == ["build/lib/a.py"]
    assert found(project, "build/lib") == ["build/lib/a.py"]
    assert found(project, "build", force_exclude=True) == []
    assert found(project, "build/lib", force_exclude=True) == []


# -- explicit files ----------------------------------------------------------------------------


def test_explicit_file_is_always_read(project: Path) -> None:
    make(project, "node_modules/x.py", "build/y.py")
    assert run(project, "node_modules/x.py") == [
        Candidate("node_modules/x.py", "node_modules/x.py", "python", True, False)
    ]
    assert found(project, "./build/y.py") == ["build/y.py"]


def test_force_exclude_applies_excludes_to_explicit_files(project: Path) -> None:
    make(project, "node_modules/x.py", "src/app.py", "src/app_pb2.py")
    names = ("node_modules/x.py", "src/app.py", "src/app_pb2.py")
    assert found(project, *names, force_exclude=True, extend_exclude=("*_pb2.py",)) == ["src/app.py"]
    assert found(project, *names, extend_exclude=("*_pb2.py",)) == list(names)


def test_force_exclude_applies_gitignore_to_explicit_files(project: Path) -> None:
    make_repository(project)
    write(project / ".gitignore", "generated/\nsecret.py\n")
    write(project / "generated/.gitignore", "!keep.py\n")
    make(project, "generated/keep.py", "secret.py", "app.py")
    names = ("generated/keep.py", "secret.py", "app.py")
    assert found(project, *names, force_exclude=True) == ["app.py"]
    assert found(project, *names) == list(names)
    assert found(project, *names, force_exclude=True, respect_gitignore=False) == list(names)


def test_is_excluded_judges_a_name_that_need_not_exist(project: Path) -> None:
    make_repository(project)
    write(project / ".gitignore", "generated/\n")
    options = DiscoveryOptions(project, extend_exclude=("*_pb2.py",))
    assert is_excluded("node_modules/x.py", options)
    assert is_excluded("src/api_pb2.py", options)
    assert is_excluded("generated/deep/x.py", options)
    assert not is_excluded("src/app.py", options)
    assert not is_excluded("generated/x.py", DiscoveryOptions(project, respect_gitignore=False))


def test_explicit_file_kinds(project: Path) -> None:
    make(project, "README.md", "notes.txt", "noext", "data.csv")
    write(project / "tool", "#!/usr/bin/env python3\nprint()\n")
    write(project / "tool.cgi", "#!/usr/bin/python\nprint()\n")
    write(project / "script", "#!/bin/sh\necho\n")
    items = run(project, "README.md", "notes.txt", "noext", "tool", "tool.cgi", "script")
    assert [(item.display, getattr(item, "kind", None)) for item in items] == [
        ("README.md", "markdown"),
        ("notes.txt", None),
        ("noext", "python"),
        ("tool", "python"),
        ("tool.cgi", "python"),
        ("script", None),
    ]
    assert skipped(project, "notes.txt") == [Skipped("notes.txt", UNKNOWN_TYPE_REASON)]
    assert found(project, "notes.txt", extend_include=("*.txt",)) == ["notes.txt"]


def test_explicit_special_file_is_skipped(project: Path) -> None:
    os.mkfifo(project / "pipe.py")
    assert skipped(project, "pipe.py") == [Skipped("pipe.py", "not a regular file")]


def test_explicit_symlink_is_followed(project: Path) -> None:
    make(project, "real/a.py")
    (project / "link.py").symlink_to(project / "real/a.py")
    (project / "linkdir").symlink_to(project / "real")
    assert found(project, "link.py") == ["link.py"]
    assert found(project, "linkdir") == ["linkdir/a.py"]


# -- displays and paths ------------------------------------------------------------------------


def test_display_follows_the_path_as_given(project: Path, tmp_path: Path) -> None:
    make(project, "src/a.py")
    make(tmp_path, "outside/b.py")
    assert found(project, "./src/a.py") == ["src/a.py"]
    assert found(project, "src//a.py") == ["src/a.py"]
    assert found(project, "./src/") == ["src/a.py"]
    assert found(project, str(project / "src")) == ["src/a.py"]
    assert found(project, str(project / "src" / "a.py")) == ["src/a.py"]
    assert found(project, str(project)) == ["src/a.py"]
    assert found(project, "../outside") == ["../outside/b.py"]
    outside = (tmp_path / "outside").as_posix()
    assert found(project, str(tmp_path / "outside")) == [f"{outside}/b.py"]


def test_path_is_as_given_joined_with_the_walk(project: Path) -> None:
    make(project, "src/pkg/a.py")
    (project / "alias").symlink_to(project / "src")
    [item] = run(project, "alias")
    assert isinstance(item, Candidate)
    assert item.path == "alias/pkg/a.py"
    assert item.display == "alias/pkg/a.py"


# -- deduplication -------------------------------------------------------------------------------


def test_a_file_reached_twice_is_yielded_once_as_explicit(project: Path) -> None:
    make(project, "src/a.py", "src/b.py")
    items = run(project, "src", "src/a.py", "./src/a.py", ".", "src")
    displays = [item.display for item in items]
    assert sorted(displays) == ["src/a.py", "src/b.py"]
    explicit = {item.display: item.explicit for item in items if isinstance(item, Candidate)}
    assert explicit == {"src/a.py": True, "src/b.py": False}


def test_file_named_through_a_link_and_walked_is_yielded_once(project: Path) -> None:
    make(project, "src/a.py")
    (project / "link.py").symlink_to(project / "src/a.py")
    assert found(project, "link.py", "src") == ["link.py"]


# -- gitignore ---------------------------------------------------------------------------------


def test_nested_gitignore_with_negation(project: Path) -> None:
    make_repository(project)
    write(project / ".gitignore", "*.json\n!keep.json\nlogs/\n# comment\n")
    write(project / "sub/.gitignore", "!sub_keep.json\n*.yaml\n/only_here.py\n")
    make(project, "a.json", "keep.json", "logs/x.py", "c.yaml", "app.py")
    make(project, "sub/x.json", "sub/sub_keep.json", "sub/c.yaml", "sub/only_here.py")
    make(project, "sub/deeper/only_here.py", "sub/deeper/keep.json", "sub/logs/y.py")
    assert found(project) == [
        "app.py",
        "c.yaml",
        "keep.json",
        "sub/deeper/keep.json",
        "sub/deeper/only_here.py",
        "sub/sub_keep.json",
    ]


def test_allowlist_idiom_keeps_directories_walkable(project: Path) -> None:
    make_repository(project)
    write(project / ".gitignore", "*\n!*/\n!*.py\n")
    make(project, "src/a.py", "src/b.json", "c.yaml", "d.py")
    assert found(project) == ["d.py", "src/a.py"]


def test_reincluded_directory_does_not_hide_lower_precedence_rules(project: Path) -> None:
    make_repository(project)
    write(project / ".git/info/exclude", "x.toml\n")
    write(project / ".gitignore", "data/*\n!data/inner/\ngen/\n")
    write(project / "src/.gitignore", "!gen/\n")
    make(project, "data/inner/x.toml", "data/inner/a.py", "data/b.py", "src/gen/x.toml", "src/gen/c.py")
    assert found(project) == ["data/inner/a.py", "src/gen/c.py"]


GIT_SCENARIO = {
    ".gitignore": "*.json\n!keep.json\nlogs/\n/secret.py\ngen/\ndata/*\n!data/inner/\npkg/**/x.toml\nc/**\n",
    "src/.gitignore": "!*.json\nkeep/\n!gen/\n*.yaml\n*/\n!*/\n",
    "pkg/sub/.gitignore": "/a.py\ndeep/*.py\n!deep/gen_x.py\n",
    "data/inner/.gitignore": "c.yaml\n",
    "docs/.gitignore": "!x.toml\n[ab].json\n**/q/\n",
    ".git/info/exclude": "b.json\nx.toml\n!c/x.py\n",
}


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_gitignore_handling_agrees_with_git(project: Path) -> None:
    subprocess.run(["git", "init", "-q", "."], check=True)
    names = ["a.py", "b.json", "c.yaml", "keep.json", "gen_x.py", "secret.py", "x.toml", "x.py"]
    directories = ["", "src/", "src/gen/", "src/keep/", "logs/", "pkg/sub/", "pkg/sub/deep/", "data/",
                   "data/inner/", "docs/", "docs/q/", "c/", "c/d/"]  # fmt: skip
    make(project, *(directory + name for directory in directories for name in names))
    for relative, text in GIT_SCENARIO.items():
        write(project / relative, text)
    listing = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard"], capture_output=True, text=True, check=True
    )
    expected = sorted(path for path in listing.stdout.split() if not path.endswith(".gitignore"))
    assert sorted(found(project, exclude=())) == expected


def test_nothing_inside_an_ignored_directory_is_reincluded(project: Path) -> None:
    make_repository(project)
    write(project / ".gitignore", "data/\n")
    write(project / "data/.gitignore", "!x.py\n")
    make(project, "data/x.py", "app.py")
    assert found(project) == ["app.py"]


def test_gitignore_is_respected_without_a_repository(project: Path) -> None:
    write(project / ".gitignore", "gen/\n")
    make(project, "gen/a.py", "app.py")
    assert found(project) == ["app.py"]


def test_respect_gitignore_false_ignores_every_ignore_file(project: Path) -> None:
    make_repository(project)
    write(project / ".gitignore", "*.py\n")
    write(project / ".git/info/exclude", "*.json\n")
    make(project, "a.py", "b.json")
    assert found(project, respect_gitignore=False) == ["a.py", "b.json"]


def test_git_info_exclude_applies_below_gitignore(project: Path) -> None:
    make_repository(project)
    write(project / ".git/info/exclude", "secret.py\nlocal/\nshared.py\n")
    write(project / ".gitignore", "!shared.py\n")
    make(project, "secret.py", "local/a.py", "shared.py", "app.py")
    assert found(project) == ["app.py", "shared.py"]
    assert found(project, "local") == ["local/a.py"]  # named: walked although ignored
    assert found(project, "local", force_exclude=True) == []


def test_info_exclude_of_a_worktree_lives_in_the_common_git_directory(tmp_path: Path) -> None:
    common = tmp_path / "main.git"
    write(common / "info/exclude", "wt_secret.py\n")
    write(common / "worktrees/wt/commondir", "../..\n")
    worktree = tmp_path / "wt"
    write(worktree / ".git", f"gitdir: {common / 'worktrees/wt'}\n")
    make(worktree, "wt_secret.py", "app.py")
    assert found(worktree, str(worktree)) == [f"{worktree.as_posix()}/app.py"]


def test_gitignores_above_the_walked_directory_apply(project: Path) -> None:
    make_repository(project)
    write(project / ".gitignore", "gen_*.py\n/pkg/sub/skip.py\n")
    write(project / "pkg/.gitignore", "sub/also_skip.py\n")
    make(project, "pkg/sub/gen_x.py", "pkg/sub/skip.py", "pkg/sub/also_skip.py", "pkg/sub/a.py")
    assert found(project, "pkg/sub") == ["pkg/sub/a.py"]
    assert found(project, "pkg/sub/skip.py") == ["pkg/sub/skip.py"]


def test_gitignores_above_the_project_root_up_to_the_repository_apply(tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    make_repository(repository)
    write(repository / ".gitignore", "*.yaml\n")
    project = repository / "services" / "api"
    make(project, "app.py", "conf.yaml")
    assert found(project, str(project)) == [f"{project.as_posix()}/app.py"]


def test_named_ignored_directory_is_walked_with_its_own_rules(project: Path) -> None:
    make_repository(project)
    write(project / ".gitignore", "vendor/\n*.yaml\n")
    write(project / "vendor/.gitignore", "skip.py\n")
    make(project, "vendor/lib.py", "vendor/skip.py", "vendor/c.yaml")
    assert found(project) == []
    assert found(project, "vendor") == ["vendor/c.yaml", "vendor/lib.py"]
    assert found(project, "vendor", force_exclude=True) == []


def test_nested_repository_starts_afresh(project: Path) -> None:
    make_repository(project)
    write(project / ".gitignore", "*.yaml\n")
    make_repository(project / "inner")
    write(project / "inner/.git/info/exclude", "local.py\n")
    make(project, "a.yaml", "inner/b.yaml", "inner/local.py", "inner/app.py")
    assert found(project) == ["inner/app.py", "inner/b.yaml"]


def test_each_ignore_file_is_read_once(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_repository(project)
    write(project / ".gitignore", "x.py\n")
    for index in range(5):
        write(project / f"d{index}/.gitignore", "y.py\n")
        make(project, f"d{index}/a.py", f"d{index}/b.py")
    reads: list[str] = []
    real_read = discovery._read_ignore_file

    def counting_read(path: str) -> object:
        reads.append(path)
        return real_read(path)

    monkeypatch.setattr(discovery, "_read_ignore_file", counting_read)
    found(project, "d0", "d1/a.py", "d1/b.py", "d2", force_exclude=True)
    assert len(reads) == len(set(reads))


# -- extend_include ------------------------------------------------------------------------------


def test_extend_include_reads_markdown_and_text(project: Path) -> None:
    make(project, "README.md", "docs/guide.md", "docs/notes.txt", "notes.txt", "app.py")
    assert found(project) == ["app.py"]
    items = run(project, extend_include=("*.md", "docs/*.txt"))
    assert [(item.display, getattr(item, "kind", None)) for item in items] == [
        ("README.md", "markdown"),
        ("app.py", "python"),
        ("docs/guide.md", "markdown"),
        ("docs/notes.txt", "text"),
    ]


def test_extend_include_does_not_override_excludes(project: Path) -> None:
    make(project, "node_modules/README.md", "README.md")
    assert found(project, extend_include=("*.md",)) == ["README.md"]


# -- records ---------------------------------------------------------------------------------------


def test_records_are_marked(project: Path) -> None:
    make(project, "tests/cassettes/chat.yaml", "tests/cassette/one.json", "app.py",
         "benchmarks/results/run.json", "eval_results/x.json", "evals/history/x.json",
         "chat_history.json", "history.json", "package-lock.json", "benchmarks/run.py",
         "app.log", "deps.lock", "history.jsonl")  # fmt: skip
    items = run(project, extend_include=("*.log", "*.lock", "*.jsonl"))
    records = {item.display: item.record for item in items if isinstance(item, Candidate)}
    assert records == {
        "app.log": True,
        "app.py": False,
        "benchmarks/results/run.json": True,
        "benchmarks/run.py": False,
        "chat_history.json": True,
        "deps.lock": True,
        "eval_results/x.json": True,
        "evals/history/x.json": True,
        "history.json": True,
        "history.jsonl": True,
        "package-lock.json": True,
        "tests/cassette/one.json": True,
        "tests/cassettes/chat.yaml": True,
    }


def test_explicit_records_are_marked_and_explicit(project: Path) -> None:
    make(project, "tests/cassettes/chat.yaml")
    item = candidate(project, "tests/cassettes/chat.yaml", "tests/cassettes/chat.yaml")
    assert (item.explicit, item.record) == (True, True)
    item = candidate(project, "tests/cassettes/chat.yaml", "tests/cassettes")
    assert (item.explicit, item.record) == (False, True)


def test_records_look_only_below_the_project_root(tmp_path: Path) -> None:
    root = tmp_path / "cassettes" / "proj"
    make(root, "conf.yaml")
    [item] = run(root, str(root))
    assert isinstance(item, Candidate)
    assert not item.record


def test_record_patterns_are_data() -> None:
    assert "cassettes/" in discovery.RECORD_PATTERNS
    assert "*.lock" in discovery.RECORD_PATTERNS
    assert "node_modules/" in DEFAULT_EXCLUDES


# -- symbolic links ----------------------------------------------------------------------------


def test_symlinks_inside_a_walk_are_not_followed(project: Path) -> None:
    make(project, "real/a.py")
    (project / "linked_dir").symlink_to(project / "real")
    (project / "linked.py").symlink_to(project / "real/a.py")
    assert run(project) == [Candidate("./real/a.py", "real/a.py", "python", False, False)]


def test_symlinked_directory_loop_is_not_walked(project: Path) -> None:
    make(project, "pkg/a.py")
    (project / "pkg/again").symlink_to(project)
    assert found(project) == ["pkg/a.py"]


def test_dangling_symlink_and_loop_are_skipped(project: Path) -> None:
    make(project, "app.py")
    (project / "dangling.py").symlink_to(project / "missing.py")
    (project / "loop_a.py").symlink_to(project / "loop_b.py")
    (project / "loop_b.py").symlink_to(project / "loop_a.py")
    (project / "unrelated").symlink_to(project / "nowhere")
    assert run(project) == [
        Candidate("./app.py", "app.py", "python", False, False),
        Skipped("dangling.py", "dangling symbolic link"),
        Skipped("loop_a.py", "symbolic link loop"),
        Skipped("loop_b.py", "symbolic link loop"),
    ]


def test_broken_links_that_are_excluded_are_not_reported(project: Path) -> None:
    (project / "build").mkdir()
    (project / "build/dangling.py").symlink_to(project / "missing.py")
    (project / "gone.py").symlink_to(project / "missing.py")
    assert run(project, extend_exclude=("gone.py",)) == []


# -- errors ----------------------------------------------------------------------------------------


def test_missing_path_raises_before_anything_is_yielded(project: Path) -> None:
    make(project, "a.py")
    with pytest.raises(DiscoveryError, match=r"^missing\.py: no such file or directory$"):
        discover(["a.py", "missing.py"], DiscoveryOptions(project))


def test_dangling_and_looping_explicit_links_raise(project: Path) -> None:
    (project / "dangling.py").symlink_to(project / "missing.py")
    (project / "loop.py").symlink_to(project / "loop.py")
    with pytest.raises(DiscoveryError, match=r"^dangling\.py: no such file or directory$"):
        discover(["dangling.py"], DiscoveryOptions(project))
    with pytest.raises(DiscoveryError, match=r"^loop\.py: symbolic link loop$"):
        discover(["loop.py"], DiscoveryOptions(project))


def test_unreadable_named_paths_raise(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(project, "locked/a.py", "secret.py")
    monkeypatch.setattr("migrator.discovery.os.access", lambda path, mode: False)
    with pytest.raises(DiscoveryError, match=r"^locked: permission denied$"):
        discover(["locked"], DiscoveryOptions(project))
    with pytest.raises(DiscoveryError, match=r"^secret\.py: permission denied$"):
        discover(["secret.py"], DiscoveryOptions(project))


def test_named_directory_that_cannot_be_listed_raises(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(project, "locked/a.py")
    real_scandir = os.scandir

    def refusing_scandir(path: str) -> Iterator[os.DirEntry[str]]:
        if str(path) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr("migrator.discovery.os.scandir", refusing_scandir)
    with pytest.raises(DiscoveryError, match=r"^locked: permission denied$"):
        list(discover(["locked"], DiscoveryOptions(project)))


def test_unlistable_subdirectory_is_skipped(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(project, "a.py", "locked/b.py", "z.py")
    real_scandir = os.scandir

    def refusing_scandir(path: str) -> Iterator[os.DirEntry[str]]:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr("migrator.discovery.os.scandir", refusing_scandir)
    assert run(project) == [
        Candidate("./a.py", "a.py", "python", False, False),
        Skipped("locked", "permission denied"),
        Candidate("./z.py", "z.py", "python", False, False),
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_real_permission_denied_subdirectory(project: Path) -> None:  # pragma: no cover
    make(project, "locked/b.py", "a.py")
    (project / "locked").chmod(0)
    try:
        assert skipped(project) == [Skipped("locked", "permission denied")]
    finally:
        (project / "locked").chmod(0o755)


# -- speed -------------------------------------------------------------------------------------


def test_a_large_tree_is_walked_quickly(project: Path) -> None:
    make_repository(project)
    python_gitignore = "\n".join(
        ["__pycache__/", "*.py[cod]", "*.so", "build/", "dist/", "*.egg-info/", ".tox/",
         ".coverage", "*.log", "local_settings.py", "instance/", ".env", ".venv", "env/",
         "venv/", "/site", ".mypy_cache/", "*.sage.py", "docs/_build/", "target/"] * 3
    )  # fmt: skip
    write(project / ".gitignore", python_gitignore)
    for package in range(20):
        for module in range(150):
            make(project, f"pkg{package}/sub{module % 10}/m{module}.py")
    make(project, *(f"node_modules/lib{index}/index.py" for index in range(500)))
    start = time.perf_counter()
    assert len(found(project)) == 3000
    assert time.perf_counter() - start < 2.0


# -- malformed patterns ------------------------------------------------------------------------


def test_malformed_gitignore_lines_are_skipped_as_git_skips_them(project: Path) -> None:
    make_repository(project)
    write(project / ".gitignore", "[z-a].py\n!\n*.json\n")
    make(project, "a.py", "b.json")
    assert found(project) == ["a.py"]


@pytest.mark.parametrize("option", ["extend_exclude", "exclude", "extend_include"])
def test_malformed_option_pattern_is_a_discovery_error(project: Path, option: str) -> None:
    make(project, "a.py")
    with pytest.raises(DiscoveryError, match=r"^'\[z-a\]\.py' is not a valid gitignore-style pattern$"):
        discover([], DiscoveryOptions(project, **{option: ("ok.py", "[z-a].py")}))  # type: ignore[arg-type]
