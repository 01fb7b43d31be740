"""Discovery: the paths named on the command line become the files to read, with their kind.

This module knows file names and ignore rules, nothing about DeepSeek.

How a run finds its files
-------------------------
* No path means ``.``. A named directory is walked with :func:`os.scandir`; every
  directory's entries are visited in sorted name order, depth first, so the output order
  is stable. Excluded directories are pruned before anything inside them is listed.
* Version-control metadata (``.git``, ``.hg``, ``.svn``, ``.bzr``, ``.jj``) and
  virtual environments (a directory holding ``pyvenv.cfg`` or ``conda-meta``) are never
  walked into, whatever ``exclude`` says: only naming them on the command line reads them.
* ``exclude`` (default :data:`DEFAULT_EXCLUDES`; a given list replaces it),
  ``extend_exclude``, ``extend_include`` and :data:`RECORD_PATTERNS` are gitignore-style
  patterns matched against the path relative to ``project_root``, so the directories
  above the project never count (a checkout under ``/home/u/build/proj`` is not
  excluded by ``build``). For a directory named on the command line that lies outside
  the project, patterns are matched relative to that directory; for a named file
  outside it, against its name. An ``extend_include`` pattern naming a directory
  (``docs/``) reads every file below it.
* ``.gitignore`` files apply as git applies them: each one's patterns are relative to
  its directory, deeper files override shallower ones, ``!`` re-includes, and nothing
  inside an ignored directory can be re-included. ``.git/info/exclude`` applies with
  the lowest precedence, and the ``.gitignore`` files of the directories between the
  repository's top and a named directory apply too. A nested repository starts afresh.
  Outside any repository, ``.gitignore`` files from the project root (or the named
  directory) downwards still apply. Git's global ``core.excludesFile`` is not read.
* Pattern lists in the common forms (``name``, ``*.ext``, ``dir/``, ``/anchored``) are
  matched by :mod:`migrator.globs` as one regular expression; lists with ``!``
  re-includes or rarer syntax are compiled by pathspec (:class:`pathspec.GitIgnoreSpec`).
  Either way the walk asks, as git does, which patterns match each entry itself (see
  :class:`_Rules`). The only known difference from git is pathspec's own reading of
  ``dir/**/``, which also matches ``dir`` itself.
* A directory named on the command line is walked even when it is excluded (unless
  ``force_exclude``): the exclude patterns are then matched relative to it, and the
  ``.gitignore`` patterns of the directories above it, which ignore it as a whole, are
  dropped. So ``deepseek-migrate check build/`` reads ``build/``.
* A named file is always read unless ``force_exclude`` is set and an exclude pattern or
  (when respected) a ``.gitignore`` rule matches it or a directory above it. Its kind
  comes from its name (``.md`` counts as Markdown when named), else ``"text"`` if an
  ``extend_include`` pattern matches it, else ``"python"`` if it has a Python shebang,
  or no extension and no other shebang; anything else is :class:`Skipped`.
* Files read only because an ``extend_include`` pattern matches them get
  :func:`kind_of` with the opt-in kinds (``"markdown"`` for ``.md``), else ``"text"``.

Symbolic links
--------------
A symbolic link named on the command line is followed. Inside a walk no link is
followed, neither to a directory nor to a file: the target is read where it lives if it
is inside the walked tree, and ``fix`` must never write through a link. A link whose
name would be read is reported as :class:`Skipped` when it is dangling or part of a
loop; links to existing files or directories are skipped silently.

:func:`is_excluded` tells whether ``force_exclude`` would drop a named file (for a name
given to standard input, which need not exist).

Errors
------
:func:`discover` checks every named path before it returns, raising
:class:`DiscoveryError` (one line, the path as given first) for a path that does not
exist or cannot be read. A directory inside a walk that cannot be listed is a
:class:`Skipped` entry; nothing here raises a traceback for a file-system problem.

A file reached more than once (named twice, or named and inside a named directory) is
yielded once, as named on the command line.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from migrator.globs import EntryPatterns, covered, entry_patterns
from migrator.kinds import default_patterns, suffix_table

if TYPE_CHECKING:
    import pathspec

# -- data ----------------------------------------------------------------------------------

#: Directories not walked unless ``exclude`` replaces this list (gitignore style; the trailing
#: '/' limits a pattern to directories, which also lets walked files skip these patterns).
#: ``env`` is deliberately absent: it is as often a configuration directory as a virtual
#: environment, and virtual environments are recognised by their ``pyvenv.cfg`` anyway.
DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git/", ".hg/", ".svn/", ".bzr/", ".jj/",
    ".venv/", "venv/", ".direnv/", "__pypackages__/", "site-packages/", "node_modules/",
    "__pycache__/", "build/", "dist/", "_build/", "buck-out/", "*.egg-info/", ".eggs/",
    ".tox/", ".nox/", ".mypy_cache/", ".pytest_cache/", ".ruff_cache/", ".pytype/", ".cache/",
    ".ipynb_checkpoints/",
)  # fmt: skip
#: The results cache's own directory: its entries hold findings, never sources; never walked,
#: whatever the excludes say.
CACHE_DIRECTORY = ".deepseek-migrate-cache"


def ensure_cache_directory(directory: Path) -> None:
    """Create the results cache directory with a ``.gitignore`` of ``*``, so nobody commits it."""
    if not directory.exists():
        directory.mkdir(parents=True, exist_ok=True)
        ignore = directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Automatically created by deepseek-migrate.\n*\n")

#: The files read by default, as gitignore-style patterns (matched by name, case-sensitive).
#: :func:`kind_of` is the fast equivalent used while walking.
DEFAULT_INCLUDES: tuple[str, ...] = default_patterns()

#: Records that ``fix`` must never rewrite unless the file is named on the command line:
#: recorded HTTP interactions, logs, lock files and benchmark or evaluation histories.
#: Gitignore-style patterns, matched like the exclude patterns.
RECORD_PATTERNS: tuple[str, ...] = (
    "cassettes/",
    "cassette/",
    "*.log",
    "*.lock",  # poetry.lock, uv.lock, Pipfile.lock, pdm.lock, yarn.lock, Cargo.lock ...
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "**/benchmarks/results/",
    "eval_results/",
    "**/evals/history/",
    "*history*.json",
    "*history*.jsonl",
)

#: Never walked into, whatever the exclude patterns say.
VCS_DIRECTORIES: frozenset[str] = frozenset({".git", ".hg", ".svn", ".bzr", ".jj"})

#: A directory holding one of these is a virtual environment and is never walked into.
VIRTUALENV_MARKERS: frozenset[str] = frozenset({"pyvenv.cfg", "conda-meta"})

UNKNOWN_TYPE_REASON = "not a file type deepseek-migrate reads"

_KIND_BY_SUFFIX: dict[str, str] = suffix_table(default=True)
# Kinds read only when asked for (a matching ``extend_include``, or the file is named).
_OPT_IN_KIND_BY_SUFFIX: dict[str, str] = suffix_table(default=False)
_TEXT_KIND = "text"
_GITIGNORE = ".gitignore"
_GIT = ".git"
# Entry names that change how a directory is walked.
_SPECIAL_NAMES = VIRTUALENV_MARKERS | {_GITIGNORE, _GIT}
_NO_SEPARATORS: tuple[str, ...] = ()  # our relative paths already use '/'


# -- the API -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A file to read."""

    # To open: as given, or joined with the walk; not resolved through links. A string: the
    # walk makes one per file, and a ``Path`` costs 6 µs to make and ten times more to pickle.
    path: str
    display: str  # as reported: as given or relative to the current directory, '/' separators
    kind: str  # python, notebook, env, yaml, toml, json, ini, markdown, text
    explicit: bool  # named on the command line
    record: bool  # a record (see RECORD_PATTERNS): fix rewrites it only when explicit


@dataclass(frozen=True)
class Skipped:
    """A path that looked like something to read but was not; ``reason`` is one line."""

    display: str
    reason: str


@dataclass(frozen=True)
class DiscoveryOptions:
    project_root: Path  # patterns are matched against paths relative to this root
    exclude: tuple[str, ...] | None = None  # None: DEFAULT_EXCLUDES; given: replaces them
    extend_exclude: tuple[str, ...] = ()
    extend_include: tuple[str, ...] = ()  # more gitignore-style file patterns to read
    force_exclude: bool = False
    respect_gitignore: bool = True


class DiscoveryError(Exception):
    """A path named on the command line does not exist or cannot be read (exit 2)."""


def kind_of(path: str, *, opt_in: bool = False) -> str | None:
    """The kind of file ``path`` names, by its name alone; None when not read by default.

    With ``opt_in`` the kinds read only on request count too (``.md`` is ``"markdown"``).
    """
    name = path.rpartition("/")[2].rpartition(os.sep)[2]
    kind = _kind_by_name(name)
    if kind is None and opt_in:
        kind = _OPT_IN_KIND_BY_SUFFIX.get(_suffix(name))
    return kind


def discover(paths: Sequence[str], options: DiscoveryOptions) -> Iterator[Candidate | Skipped]:
    """The files to read under ``paths`` (``["."]`` when empty), each once, in a stable order.

    Every path is checked before this returns: :class:`DiscoveryError` for one that does
    not exist or cannot be read. Iterating raises it only if a named directory becomes
    unlistable in the meantime.
    """
    named = [_resolve_named(path) for path in (paths or ["."])]
    return _Discovery(options).run(named)


def is_excluded(path: str, options: DiscoveryOptions) -> bool:
    """Whether ``force_exclude`` drops the file ``path`` names; it need not exist.

    For ``--stdin-filename``: the exclude patterns and (when respected) the ignore files
    that apply to ``path`` or a directory above it.
    """
    return _Discovery(options).named_file_excluded(os.path.abspath(path))


# -- file names ----------------------------------------------------------------------------


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:] if dot >= 0 else ""


def _is_env_file_name(name: str) -> bool:
    return name == ".env" or name.startswith(".env.") or name.endswith(".env")


def _kind_by_name(name: str) -> str | None:
    kind = _KIND_BY_SUFFIX.get(_suffix(name))
    if kind is None and _is_env_file_name(name):
        return "env"
    return kind


def _has_extension(name: str) -> bool:
    return "." in name.lstrip(".")


def _first_line(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.readline(256)
    except OSError:
        return b""


def _looks_like_python_script(path: str, name: str) -> bool:
    """A Python shebang, or no extension and no shebang naming another interpreter."""
    first = _first_line(path)
    if first.startswith(b"#!"):
        return b"python" in first
    return not _has_extension(name)


# -- paths named on the command line -------------------------------------------------------


@dataclass(frozen=True)
class _Named:
    given: str  # as on the command line
    display: str
    absolute: str  # absolute and normalised, symbolic links kept
    real: str  # symbolic links resolved: the identity used to yield a file once
    is_dir: bool


def _reason(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, (FileNotFoundError, NotADirectoryError)):
        return "no such file or directory"
    if error.errno == errno.ELOOP:
        return "symbolic link loop"
    return (error.strerror or type(error).__name__).lower()


def _slashed(path: str) -> str:
    return path.replace(os.sep, "/") if os.sep != "/" else path


def _display_of(given: str, absolute: str) -> str:
    """As given when relative (normalised), relative to the current directory when under it."""
    if not os.path.isabs(given):
        return _slashed(os.path.normpath(given))
    inside = _relative_within(absolute, os.getcwd())
    return _slashed(absolute) if inside is None else (inside.rstrip("/") or ".")


def _check_readable(given: str, is_dir: bool) -> None:
    wanted = os.R_OK | os.X_OK if is_dir else os.R_OK
    if not os.access(given, wanted):
        raise DiscoveryError(f"{given}: permission denied")


def _resolve_named(given: str) -> _Named:
    try:
        is_dir = stat.S_ISDIR(os.stat(given).st_mode)
    except OSError as error:
        raise DiscoveryError(f"{given}: {_reason(error)}") from None
    _check_readable(given, is_dir)
    absolute = os.path.abspath(given)
    return _Named(given, _display_of(given, absolute), absolute, os.path.realpath(given), is_dir)


def _relative_within(path: str, root: str) -> str | None:
    """``path`` relative to ``root`` with '/' separators ("" for root itself), else None."""
    if path == root:
        return ""
    prefix = root if root.endswith(os.sep) else root + os.sep
    if not path.startswith(prefix):
        return None
    return _slashed(path[len(prefix) :])


def _with_separator(path: str) -> str:
    return path if path.endswith(os.sep) else path + os.sep


def _as_directory_prefix(relative: str) -> str:
    return relative + "/" if relative else ""


# -- patterns ------------------------------------------------------------------------------

# The group pathspec's gitignore regular expressions use to mark "matched as a directory".
_DIRECTORY_MARK = "ps_d"


_PATTERN_ERRORS = (ValueError, re.error)  # what pathspec raises for a malformed pattern


def _invalid_patterns(patterns: Sequence[str]) -> list[str]:
    import pathspec

    invalid: list[str] = []
    for pattern in patterns:
        try:
            pathspec.GitIgnoreSpec.from_lines([pattern])
        except _PATTERN_ERRORS:
            invalid.append(pattern)
    return invalid


def _compile(lines: Iterable[str], *, lenient: bool = False) -> pathspec.GitIgnoreSpec | None:
    """The patterns compiled once, or None when there are none.

    A malformed pattern is skipped when ``lenient`` (as git does in an ignore file), else
    it is a :class:`DiscoveryError` naming it (a bad option: exit 2).
    """
    patterns = [line for line in lines if line.strip()]
    if not patterns:
        return None
    import pathspec  # only here: its import costs a pre-commit run tens of milliseconds

    try:
        return pathspec.GitIgnoreSpec.from_lines(patterns)
    except _PATTERN_ERRORS as error:
        return _compile_valid_patterns(patterns, lenient, error)


def _compile_valid_patterns(
    patterns: Sequence[str], lenient: bool, error: Exception
) -> pathspec.GitIgnoreSpec | None:
    import pathspec

    invalid = _invalid_patterns(patterns)
    if not lenient:
        named = repr(invalid[0]) if invalid else f"a pattern ({error})"
        raise DiscoveryError(f"{named} is not a valid gitignore-style pattern") from None
    valid = [pattern for pattern in patterns if pattern not in invalid]
    return pathspec.GitIgnoreSpec.from_lines(valid) if valid and invalid else None


def _is_directory_pattern(pattern: object) -> bool:
    return isinstance(pattern, str) and pattern.rstrip().endswith("/")


# A pattern as pathspec compiled it: its expression's search, the index of the expression's
# directory-mark group (0 when it has none), and True to ignore or False to re-include (``!``).
_Pattern = tuple[Callable[..., "re.Match[str] | None"], int, bool]


def _matches_itself(search: Callable[..., re.Match[str] | None], mark: int, relative: str) -> bool:
    """Whether a pattern that matched ``relative`` matched the path itself.

    pathspec's expressions end in a directory mark (``build`` matches ``build/`` itself
    and, through it, ``build/x.py``), or match a directory's contents (``a/**`` is
    ``^a/``: it matches ``a/x.py``, not ``a/``), or anything (``*``).
    """
    found = search(relative)
    if found is None:
        return False
    last = len(relative) - 1
    if mark and found.start(mark) != -1:
        if found.start(mark) == last:
            return True
        again = search(relative, last)  # an unanchored expression (``*/`` is any '/')
        return again is not None and again.start(mark) == last
    return not (relative.endswith("/") and found.end() == last + 1)


def _patterns_of(spec: pathspec.GitIgnoreSpec) -> list[tuple[_Pattern, bool]]:
    """Each active pattern of ``spec``, last first, with whether it names directories only."""
    found: list[tuple[_Pattern, bool]] = []
    for pattern in reversed(spec.patterns):
        if pattern.include is None or pattern.regex is None:
            continue  # a comment or blank line
        mark = pattern.regex.groupindex.get(_DIRECTORY_MARK, 0)
        compiled = (pattern.regex.search, mark, pattern.include)
        found.append((compiled, _is_directory_pattern(pattern.pattern)))
    return found


class _Rules:
    """Gitignore-style patterns, compiled by pathspec, judged as git judges a walked entry.

    :class:`pathspec.GitIgnoreSpec` answers for a whole path, counting matches on the
    directories above it. A walk has judged those directories already (and pruned the
    ignored ones), and git lets only the patterns that match the entry itself speak, the
    last one deciding; a match through a directory above must not speak again (it would
    let ``!dir/`` hide a lower-precedence ignore file, and ``*`` / ``!*/`` / ``!*.py``
    would lose every file). So each pattern pathspec compiled is asked whether it matches
    the entry itself, last pattern first. Directory-only patterns (``build/``) are never
    tried on files.
    """

    def __init__(self, lines: Iterable[str], *, lenient: bool = False) -> None:
        spec = _compile(lines, lenient=lenient)
        patterns = _patterns_of(spec) if spec is not None else []
        self._for_directories = tuple(pattern for pattern, _ in patterns)
        self._for_files = tuple(pattern for pattern, directory_only in patterns if not directory_only)

    def __bool__(self) -> bool:
        return bool(self._for_directories)

    def verdict(self, relative: str) -> bool | None:
        """True: matched; False: re-included by ``!``; None: no pattern matches it itself.

        ``relative`` ends in '/' for a directory.
        """
        patterns = self._for_directories if relative.endswith("/") else self._for_files
        for search, mark, include in patterns:
            if search(relative) is not None and _matches_itself(search, mark, relative):
                return include
        return None

    def covers(self, relative: str) -> bool:
        """The path or a directory above it is matched, judged from the top down as a walk would."""
        return covered(self.verdict, relative)


def _rules(lines: Sequence[str], *, lenient: bool = False) -> _Rules | EntryPatterns:
    """Ignore-only patterns in the common forms share one regular expression
    (:mod:`migrator.globs`, proven equal to :class:`_Rules`); the rest go through pathspec."""
    fast = entry_patterns(lines)
    return fast if fast is not None else _Rules(lines, lenient=lenient)


# -- ignore files ----------------------------------------------------------------------------

# A chain of ignore files, most specific first: (how much to strip from a path relative to
# the repository top to make it relative to the ignore file's directory, its rules).
_Chain = tuple[tuple[int, "_Rules | EntryPatterns"], ...]


def _read_ignore_file(path: str) -> _Rules | EntryPatterns | None:
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            rules = _rules(handle.read().splitlines(), lenient=True)
    except OSError:
        return None  # an unreadable ignore file ignores nothing, as in git
    return rules if rules else None


def _git_directory(top: str) -> str | None:
    """The repository's common git directory: ``.git``, or where a ``.git`` file points."""
    dot_git = os.path.join(top, _GIT)
    if os.path.isdir(dot_git):
        return dot_git
    first = _first_line(dot_git).decode("utf-8", "surrogateescape").strip()
    if not first.startswith("gitdir:"):
        return None
    git_dir = os.path.join(top, first[len("gitdir:") :].strip())
    common = _first_line(os.path.join(git_dir, "commondir")).decode("utf-8", "replace").strip()
    return os.path.join(git_dir, common) if common else git_dir


def _info_exclude_chain(top: str) -> _Chain:
    git_dir = _git_directory(top)
    rules = _read_ignore_file(os.path.join(git_dir, "info", "exclude")) if git_dir else None
    return ((0, rules),) if rules else ()


def _with_ignore_file(chain: _Chain, directory: str, prefix: str) -> _Chain:
    rules = _read_ignore_file(os.path.join(directory, _GITIGNORE))
    return ((len(prefix), rules), *chain) if rules else chain


def _gitignore_verdict(chain: _Chain, relative: str) -> bool | None:
    """The most specific ignore file that speaks decides. ``relative`` to the repository top."""
    for strip, rules in chain:
        include = rules.verdict(relative[strip:])
        if include is not None:
            return include
    return None


@dataclass(frozen=True)
class _IgnoreLevel:
    """The ignore rules in force for a directory's entries."""

    prefix: str  # the directory relative to the repository top, "" or ending in '/'
    chain: _Chain  # including the directory's own .gitignore
    ignored: bool  # the directory itself (or one above it, below the top) is ignored


class _GitIgnores:
    """The .gitignore rules above named paths, each ignore file read and compiled once."""

    def __init__(self) -> None:
        self._tops: dict[str, str | None] = {}
        self._levels: dict[tuple[str, str], _IgnoreLevel] = {}

    def repository_top(self, directory: str) -> str | None:
        """The nearest directory at or above ``directory`` holding ``.git``."""
        climbed: list[str] = []
        top: str | None = None
        current = directory
        while True:
            if current in self._tops:
                top = self._tops[current]
                break
            climbed.append(current)
            if os.path.lexists(os.path.join(current, _GIT)):
                top = current
                break
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
        for seen in climbed:
            self._tops[seen] = top
        return top

    def level(self, directory: str, top: str) -> _IgnoreLevel:
        """The rules for ``directory``'s entries; ``top`` is at or above ``directory``."""
        cached = self._levels.get((directory, top))
        if cached is not None:
            return cached
        if directory == top or os.path.dirname(directory) == directory:
            chain = _info_exclude_chain(top) if top == self.repository_top(top) else ()
            level = _IgnoreLevel("", _with_ignore_file(chain, directory, ""), False)
        else:
            level = self._level_below(self.level(os.path.dirname(directory), top), directory)
        self._levels[directory, top] = level
        return level

    @staticmethod
    def _level_below(parent: _IgnoreLevel, directory: str) -> _IgnoreLevel:
        prefix = parent.prefix + os.path.basename(directory) + "/"
        ignored = parent.ignored or _gitignore_verdict(parent.chain, prefix) is True
        return _IgnoreLevel(prefix, _with_ignore_file(parent.chain, directory, prefix), ignored)


# -- walking -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Directory:
    """A directory to list during a walk, with its paths in every frame of reference."""

    fs: str  # to list: as given, joined with the walk
    display: str  # "" or ending in '/'
    project: str  # relative to the project root (or the walk root): records, includes
    exclude: str  # what exclude patterns match: as ``project`` unless the root was excluded
    git: str  # relative to the repository top
    chain: _Chain  # the ignore files above this directory
    key: str  # the real path, ending in a separator
    record: bool  # inside a directory of records
    root: bool


_Item: TypeAlias = "Candidate | Skipped | _Directory"


def _entry_name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _symlink_problem(path: str) -> str | None:
    """Why a link cannot be read (dangling, loop), or None when its target exists."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return "dangling symbolic link"
    except OSError as error:
        return _reason(error)
    return None


@lru_cache(maxsize=1)
def _record_rules() -> _Rules | EntryPatterns:
    return _rules(RECORD_PATTERNS)


class _Discovery:
    """One run: compiled patterns, the ignore-file cache and what was already yielded."""

    def __init__(self, options: DiscoveryOptions) -> None:
        self._options = options
        self._project_root = os.path.abspath(options.project_root)
        self._project_root_real = os.path.realpath(options.project_root)
        excludes = DEFAULT_EXCLUDES if options.exclude is None else options.exclude
        self._excludes = _rules([*excludes, *options.extend_exclude])
        self._includes = _compile(options.extend_include)
        self._records = _record_rules()
        self._gitignores = _GitIgnores() if options.respect_gitignore else None
        self._seen: set[str] = set()
        self._named_files: set[str] = set()
        self._walked_roots: set[str] = set()

    def run(self, named: Sequence[_Named]) -> Iterator[Candidate | Skipped]:
        self._named_files = {item.real for item in named if not item.is_dir}
        for item in named:
            if item.is_dir:
                yield from self._walk(item)
            else:
                found = self._named_file(item)
                if found is not None:
                    yield found

    # -- frames of reference --

    def _project_relative(self, absolute: str) -> str | None:
        relative = _relative_within(absolute, self._project_root)
        if relative is None:
            relative = _relative_within(os.path.realpath(absolute), self._project_root_real)
        return relative

    def _top_for(self, directory: str, fallback: str) -> str:
        """The repository top, else the project root if above, else ``fallback``."""
        assert self._gitignores is not None
        top = self._gitignores.repository_top(directory)
        if top is not None:
            return top
        inside = _relative_within(directory, self._project_root) is not None
        return self._project_root if inside else fallback

    # -- matching --

    def _gitignored(self, chain: _Chain, relative: str) -> bool:
        return bool(chain) and _gitignore_verdict(chain, relative) is True

    def _excluded(self, directory: _Directory, name: str) -> bool:
        """Whether the entry ``name`` (ending in '/' for a directory) of a walked directory is excluded."""
        return self._excludes.verdict(directory.exclude + name) is True or self._gitignored(
            directory.chain, directory.git + name
        )

    def _included_kind(self, relative: str, name: str) -> str | None:
        """The kind of a file read only because an ``extend_include`` pattern matches it."""
        if self._includes is None or not self._includes.match_file(relative, _NO_SEPARATORS):
            return None
        return kind_of(name, opt_in=True) or _TEXT_KIND

    # -- files named on the command line --

    def _pattern_path(self, absolute: str) -> str:
        """What patterns match for a named file: relative to the project, else its name."""
        relative = self._project_relative(absolute)
        return relative if relative is not None else os.path.basename(absolute)

    def _file_gitignored(self, absolute: str) -> bool:
        if self._gitignores is None:
            return False
        directory, name = os.path.split(absolute)
        level = self._gitignores.level(directory, self._top_for(directory, directory))
        return level.ignored or self._gitignored(level.chain, level.prefix + name)

    def named_file_excluded(self, absolute: str) -> bool:
        relative = self._pattern_path(absolute)
        return self._excludes.covers(relative) or self._file_gitignored(absolute)

    def _named_file_kind(self, item: _Named, relative: str) -> str | None:
        name = os.path.basename(item.absolute)
        kind = kind_of(name, opt_in=True) or self._included_kind(relative, name)
        if kind is None and _looks_like_python_script(item.given, name):
            kind = "python"
        return kind

    def _named_file(self, item: _Named) -> Candidate | Skipped | None:
        if item.real in self._seen:
            return None
        self._seen.add(item.real)
        if not os.path.isfile(item.given):
            return Skipped(item.display, "not a regular file")
        if self._options.force_exclude and self.named_file_excluded(item.absolute):
            return None
        relative = self._pattern_path(item.absolute)
        kind = self._named_file_kind(item, relative)
        if kind is None:
            return Skipped(item.display, UNKNOWN_TYPE_REASON)
        record = self._records.covers(relative)
        return Candidate(item.given, item.display, kind, True, record)

    # -- directories named on the command line --

    def _walk(self, item: _Named) -> Iterator[Candidate | Skipped]:
        root = self._root_directory(item)
        if root is None or root.key in self._walked_roots:
            return
        self._walked_roots.add(root.key)
        stack: list[Iterator[_Item]] = [iter((root,))]
        while stack:
            found = next(stack[-1], None)
            if found is None:
                stack.pop()
            elif isinstance(found, _Directory):
                stack.append(iter(self._expand(found)))
            else:
                yield found

    def _root_directory(self, item: _Named) -> _Directory | None:
        """The walk's first directory, or None when ``force_exclude`` excludes it."""
        project = self._project_relative(item.absolute)
        project_prefix = _as_directory_prefix(project or "")
        exclude = project_prefix
        if self._excludes.covers(exclude):
            if self._options.force_exclude:
                return None
            exclude = ""  # named although excluded: match relative to it
        git, chain, ignored = self._root_ignore_rules(item)
        if ignored:
            if self._options.force_exclude:
                return None
            git, chain = "", ()  # named although ignored: the rules above it ignore it whole
        display = "" if item.display == "." else item.display + "/"
        key = _with_separator(item.real)
        record = self._records.covers(project_prefix)
        return _Directory(item.given, display, project_prefix, exclude, git, chain, key, record, root=True)

    def _root_ignore_rules(self, item: _Named) -> tuple[str, _Chain, bool]:
        """The root's path from the repository top, the rules above it, and if they ignore it."""
        if self._gitignores is None:
            return "", (), False
        top = self._top_for(item.absolute, item.absolute)
        if top == item.absolute:
            return "", (), False  # its own .git and .gitignore are read when it is listed
        above = self._gitignores.level(os.path.dirname(item.absolute), top)
        git = above.prefix + os.path.basename(item.absolute) + "/"
        return git, above.chain, above.ignored or self._gitignored(above.chain, git)

    # -- one directory of a walk --

    def _expand(self, directory: _Directory) -> list[_Item]:
        """The directory's entries to yield or descend into, in name order."""
        entries = self._list(directory)
        if isinstance(entries, Skipped):
            return [entries]
        entered = self._enter(directory, entries)
        if entered is None:
            return []
        found = (self._visit(entered, entry) for entry in entries)
        return [item for item in found if item is not None]

    def _list(self, directory: _Directory) -> list[os.DirEntry[str]] | Skipped:
        try:
            with os.scandir(directory.fs) as listing:
                return sorted(listing, key=_entry_name)
        except OSError as error:
            if directory.root:
                raise DiscoveryError(f"{directory.fs}: {_reason(error)}") from None
            return Skipped(directory.display.rstrip("/"), _reason(error))

    def _enter(self, directory: _Directory, entries: list[os.DirEntry[str]]) -> _Directory | None:
        """The directory with its own ignore rules added; None for a virtual environment."""
        special = {entry.name for entry in entries if entry.name in _SPECIAL_NAMES}
        if not directory.root and not special.isdisjoint(VIRTUALENV_MARKERS):
            return None
        if self._gitignores is None or special.isdisjoint((_GIT, _GITIGNORE)):
            return directory
        git, chain = directory.git, directory.chain
        if _GIT in special:  # the top of a repository: the rules above it stop here
            git, chain = "", _info_exclude_chain(directory.fs)
        if _GITIGNORE in special:
            chain = _with_ignore_file(chain, directory.fs, git)
        return replace(directory, git=git, chain=chain)

    def _visit(self, directory: _Directory, entry: os.DirEntry[str]) -> _Item | None:
        if entry.is_symlink():
            return self._symlink(directory, entry)
        if entry.is_dir(follow_symlinks=False):
            return self._subdirectory(directory, entry)
        if entry.is_file(follow_symlinks=False):
            return self._walked_file(directory, entry)
        return None  # sockets, pipes, devices

    def _subdirectory(self, directory: _Directory, entry: os.DirEntry[str]) -> _Directory | None:
        name = entry.name
        if name in VCS_DIRECTORIES or name == CACHE_DIRECTORY or self._excluded(directory, name + "/"):
            return None
        key = directory.key + name + os.sep
        if key in self._walked_roots:
            return None  # already walked as a directory named on the command line
        project = directory.project + name + "/"
        record = directory.record or self._records.verdict(project) is True
        return _Directory(
            entry.path, directory.display + name + "/", project, directory.exclude + name + "/",
            directory.git + name + "/", directory.chain, key, record, root=False,
        )  # fmt: skip

    def _walked_kind(self, directory: _Directory, name: str) -> str | None:
        return _kind_by_name(name) or self._included_kind(directory.project + name, name)

    def _walked_file(self, directory: _Directory, entry: os.DirEntry[str]) -> Candidate | None:
        name = entry.name
        kind = self._walked_kind(directory, name)
        if kind is None or self._excluded(directory, name):
            return None
        key = directory.key + name
        if key in self._seen or key in self._named_files:
            return None
        self._seen.add(key)
        record = directory.record or self._records.verdict(directory.project + name) is True
        return Candidate(entry.path, directory.display + name, kind, False, record)

    def _symlink(self, directory: _Directory, entry: os.DirEntry[str]) -> Skipped | None:
        """Links are not followed; one that would be read is reported if it is broken."""
        name = entry.name
        if self._walked_kind(directory, name) is None or self._excluded(directory, name):
            return None
        problem = _symlink_problem(entry.path)
        return None if problem is None else Skipped(directory.display + name, problem)
