"""migrator.globs answers exactly as pathspec.GitIgnoreSpec, without its per-pattern loop."""

from __future__ import annotations

import re

import pathspec
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from migrator import globs
from migrator.discovery import DEFAULT_EXCLUDES, RECORD_PATTERNS

NAMES = ["build", "src", "a.py", "x.egg-info", "node_modules", "b", "results", "benchmarks",
         ".git", "cassettes", "app.log", "poetry.lock", "my history.json", "a?b", "dist",
         "m.pyc", "c.py", "^b", "a/b"]
SEGMENTS = ["build", "*.py", "*.egg-info", "b", "results", "benchmarks", "a?b", "*", "?",
            "node_modules", "*history*.json", "[ab].py", "x\\*", "*.py[cod]", "[!a]*", "[^a]b",
            "[a-c].py", "[]a]", "[z-a]", "a[!x]b"]


@st.composite
def patterns(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=3))
    text = "/".join(parts)
    prefix = draw(st.sampled_from(["", "/", "**/", "!", "# "]))
    suffix = draw(st.sampled_from(["", "/", " ", "/**"]))
    return prefix + text + suffix


@st.composite
def paths(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4))
    return "/".join(parts) + draw(st.sampled_from(["", "/"]))


def same_answers(lines: list[str], path: str) -> None:
    try:
        theirs = pathspec.GitIgnoreSpec.from_lines(lines)
    except (ValueError, re.error):
        with pytest.raises((ValueError, re.error)):
            globs.compile_patterns(lines)
        return
    ours = globs.compile_patterns(lines)
    assert ours.match_file(path) == theirs.match_file(path), (lines, path)
    assert ours.check_file(path).include == theirs.check_file(path).include, (lines, path)


@settings(max_examples=400, deadline=None)
@given(st.lists(patterns(), max_size=5), paths())
@example(["build", "*.py/*"], "a.py/")  # a trailing `*` segment never matches an empty name
def test_matches_like_pathspec(lines: list[str], path: str) -> None:
    same_answers(lines, path)


@pytest.mark.parametrize("lines", [DEFAULT_EXCLUDES, RECORD_PATTERNS], ids=["excludes", "records"])
def test_the_built_in_pattern_lists_take_the_fast_path(lines: tuple[str, ...]) -> None:
    assert not isinstance(globs.compile_patterns(lines), pathspec.GitIgnoreSpec)
    for path in ["build/", "a/build/x.py", "pkg/venv/", "x.egg-info/PKG", "src/app.py",
                 "benchmarks/results/run.json", "deep/benchmarks/results/", "tests/cassettes/a.yaml",
                 "uv.lock", "a/my_history.json", "buildx/y.py", "a/.git/config"]:
        same_answers(list(lines), path)


def test_negations_and_odd_syntax_fall_back_to_pathspec() -> None:
    assert isinstance(globs.compile_patterns(["*.py", "!keep.py"]), pathspec.GitIgnoreSpec)
    assert isinstance(globs.compile_patterns(["[]ab].py"]), pathspec.GitIgnoreSpec)
    assert isinstance(globs.compile_patterns(["a\\*"]), pathspec.GitIgnoreSpec)
    assert not isinstance(globs.compile_patterns(["*.py[cod]"]), pathspec.GitIgnoreSpec)
    assert globs.compile_patterns(["# only a comment", ""]).check_file("a.py").include is None


@st.composite
def entries(draw: st.DrawFn) -> str:
    """A walked entry: a file, or a directory with its trailing '/'."""
    parts = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4))
    return "/".join(parts) + draw(st.sampled_from(["", "/"]))


@settings(max_examples=400, deadline=None)
@given(st.lists(patterns(), max_size=5), entries())
def test_entry_patterns_judge_walked_entries_like_discovery(lines: list[str], entry: str) -> None:
    from migrator.discovery import _Rules

    fast = globs.entry_patterns(lines)
    if fast is None:
        return  # discovery keeps its own loop for these (and reports malformed patterns)
    slow = _Rules(lines)
    assert fast.verdict(entry) == slow.verdict(entry), (lines, entry)
    assert fast.covers(entry) == slow.covers(entry), (lines, entry)


def test_entry_patterns_are_built_for_the_default_lists() -> None:
    assert globs.entry_patterns(DEFAULT_EXCLUDES) is not None
    assert globs.entry_patterns(RECORD_PATTERNS) is not None
    assert globs.entry_patterns(["*.py", "!keep.py"]) is None
    only_comments = globs.entry_patterns(["# a comment", "   "])
    assert only_comments is not None and not only_comments
    assert only_comments.verdict("a/") is None and not only_comments.covers("a/b.py")
