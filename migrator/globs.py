"""Gitignore-style patterns matched with one regular expression per pattern list.

``pathspec`` matches a path against each pattern in turn (its cost grows with the number
of patterns) and costs tens of milliseconds to import, which a pre-commit run on one
file should not pay. :func:`compile_patterns` translates the common pattern forms
(``name``, ``*.ext``, ``dir/``, ``/anchored/path``, ``**/a/b/``) into a single
alternation, so one ``re.match`` answers for all patterns. Anything else (``!``
re-includes, character classes, escapes, ``**`` inside a pattern) falls back to
``pathspec.GitIgnoreSpec``, imported only then. Both give the same answers; a property
test compares them.

Paths are relative, ``/``-separated, and a directory is passed with a trailing ``/``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, cast

_UNSUPPORTED = re.compile(r"[\\\t\r\n\f\v]")
# A character class as pathspec reads it: ``[!...]`` negates, a leading ``^`` is literal.
_CLASS = re.compile(r"\[(?P<negate>!?)(?P<chars>[^\]\[/!]+)\]")


@dataclass(frozen=True)
class CheckResult:
    """What pathspec's ``check_file`` answers: True ignored, False re-included, None silent."""

    include: bool | None


class HasInclude(Protocol):
    @property
    def include(self) -> bool | None: ...


class PatternSet(Protocol):
    """The part of ``pathspec.GitIgnoreSpec`` discovery uses."""

    def match_file(self, path: str, separators: Any = None) -> bool: ...

    def check_file(self, path: str, separators: Any = None) -> HasInclude: ...


def _wildcards(text: str) -> str:
    """``*`` and ``?`` never cross a ``/``; everything else is literal."""
    out = []
    for char in text:
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(char))
    return "".join(out)


def _component(text: str) -> str | None:
    """One pattern segment as a regular expression; None for syntax left to pathspec."""
    out = []
    cursor = 0
    for found in _CLASS.finditer(text):
        out.append(_wildcards(text[cursor : found.start()]))
        chars = found.group("chars")
        if chars.startswith("^"):
            chars = "\\" + chars
        out.append(("[^" if found.group("negate") else "[") + chars + "]")
        cursor = found.end()
    rest = text[cursor:]
    if "[" in rest or "]" in rest:
        return None
    out.append(_wildcards(rest))
    # A path component is never empty: without this, `*.py/*` would match the directory
    # `a.py/` itself (its "component" after the slash being empty), which git does not.
    return "(?=[^/])" + "".join(out)


@dataclass(frozen=True)
class Translated:
    core: str  # matches the path the pattern names (no trailing '/')
    directory_only: bool  # ``dir/``: names directories only
    include: bool  # False for a ``!`` re-include

    @property
    def whole_path(self) -> str:
        """Matches the path named and everything inside it, as pathspec does."""
        return self.core + ("/.*" if self.directory_only else "(?:/.*)?")


def translate(line: str) -> Translated | None:
    """One pattern line as a regular expression; None when it needs pathspec."""
    pattern = line.rstrip(" ")
    include = True
    if pattern.startswith("!"):
        include, pattern = False, pattern[1:]
    if _UNSUPPORTED.search(pattern) or not pattern.strip("/"):
        return None
    floating = pattern.startswith("**/")
    if floating:
        pattern = pattern[3:]
    directory_only = pattern.endswith("/")
    body = pattern.rstrip("/")
    if "**" in body or (body.startswith("/") and floating):
        return None
    if not floating:
        floating = "/" not in body  # a bare name matches at any depth
    body = body.lstrip("/")
    if not body or "//" in body:
        return None
    parts = [_component(part) for part in body.split("/")]
    if any(part is None for part in parts):
        return None
    core = ("(?:.+/)?" if floating else "") + "/".join(part for part in parts if part is not None)
    try:
        re.compile(core)
    except re.error:  # e.g. a reversed range: pathspec names the bad pattern
        return None
    return Translated(core, directory_only, include)


class _RegexPatterns:
    """Patterns that only ignore (no ``!``): a path is ignored when any of them matches,
    so they can share one alternation, matched once."""

    def __init__(self, regexes: list[str]) -> None:
        self._regex = re.compile("(?:" + "|".join(regexes) + r")\Z", re.DOTALL)

    def check_file(self, path: str, separators: Any = None) -> CheckResult:
        return CheckResult(True if self._regex.match(path) else None)

    def match_file(self, path: str, separators: Any = None) -> bool:
        return self._regex.match(path) is not None


class _NoPatterns:
    def check_file(self, path: str, separators: Any = None) -> CheckResult:
        return CheckResult(None)

    def match_file(self, path: str, separators: Any = None) -> bool:
        return False


def _meaningful(lines: Iterable[str]) -> list[str]:
    return [line for line in lines if line.strip() and not line.startswith("#")]


def compile_patterns(lines: Iterable[str]) -> PatternSet:
    """Gitignore-style ``lines`` (blank lines and ``#`` comments ignored) as a matcher."""
    patterns = _meaningful(lines)
    translated = [translate(line) for line in patterns]
    if not translated:
        return _NoPatterns()
    regexes = [item.whole_path for item in translated if item is not None and item.include]
    if len(regexes) == len(translated):
        return _RegexPatterns(regexes)
    # "!" re-includes follow pathspec's precedence rules; odd syntax its parser.
    return _pathspec(patterns)


def _pathspec(patterns: list[str]) -> PatternSet:
    import pathspec

    spec: Any = pathspec.GitIgnoreSpec.from_lines(patterns)  # its check_file has .include too
    return cast(PatternSet, spec)


class EntryPatterns:
    """Patterns judged as a walk judges an entry: only a pattern that names the entry
    itself speaks (the directories above were judged, and pruned, on the way down), and
    ``dir/`` patterns never name a file. One alternation for files, one for directories.

    Built by :func:`entry_patterns` for ignore-only pattern lists; lists with ``!``
    re-includes need the last-match-wins loop of the caller.
    """

    def __init__(self, translated: list[Translated]) -> None:
        self._files = _alternation([t.core for t in translated if not t.directory_only], "")
        self._directories = _alternation([t.core for t in translated], "/")

    def __bool__(self) -> bool:
        return self._directories is not None

    def verdict(self, relative: str) -> bool | None:
        """True when a pattern names ``relative`` itself (a directory ends in '/'), else None."""
        regex = self._directories if relative.endswith("/") else self._files
        return True if regex is not None and regex.match(relative) else None

    def covers(self, relative: str) -> bool:
        """The path or a directory above it is named, judged from the top down."""
        return covered(self.verdict, relative)


def covered(verdict: Callable[[str], bool | None], relative: str) -> bool:
    """Whether ``relative`` or a directory above it is ignored, judged from the top down
    as a walk that prunes ignored directories would judge it."""
    parts = relative.split("/")
    prefix = ""
    for part in parts[:-1]:
        prefix += part + "/"
        if verdict(prefix) is True:
            return True
    return bool(parts[-1]) and verdict(relative) is True


def _alternation(cores: list[str], end: str) -> re.Pattern[str] | None:
    return re.compile("(?:" + "|".join(cores) + ")" + end + r"\Z", re.DOTALL) if cores else None


def entry_patterns(lines: Iterable[str]) -> EntryPatterns | None:
    """:class:`EntryPatterns` for ignore-only lines in the supported forms, else None.

    Lines with nothing but comments give an empty (false) one, as the caller's would be.
    """
    translated = [translate(line) for line in _meaningful(lines)]
    if any(t is None or not t.include for t in translated):
        return None
    return EntryPatterns([t for t in translated if t is not None])
