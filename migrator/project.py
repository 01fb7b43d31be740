"""The project around a module: which modules import which names, built once per process.

A fix is safe only when every use of a value is seen, and a module-level name can be
used wherever another module imports it. This model answers "who imports ``NAME``
from module ``M``?" from the import statements of the project's Python files, never
from a word search: one read of each file, the import statements found by a cheap
pattern and confirmed by CPython's ``ast``, relative imports and ``src/`` layouts
resolved, ``__init__`` re-exports followed by asking the model again for the package.

With a results cache directory, the import statements found in each file are kept
there (``imports.json``) under the file's size, modification and change times and inode,
as git's index keeps them: a later run stats every file and reads only those that
changed, so checking one file of a large project opens the files its values reach and
no others.

It imports neither libcst nor the rules: the readers and the planner ask it.
"""

from __future__ import annotations

import ast
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Generic, Literal, TypeVar

# A statement that may import: the pattern only finds where to look; ast decides.
_IMPORT_LINE = re.compile(
    rb"^[ \t]*(?:from[ \t]+[.\w]+[ \t]+import[ \t]*(?:\([^)]*\)|[^\n]*)|import[ \t]+[^\n]*)",
    re.MULTILINE,
)
SOURCE_ROOTS = ("src", "lib")


@dataclass(frozen=True)
class ImportBinding:
    """One import statement of ``importer`` that binds ``local`` to the name or its module.

    ``kind`` is ``"name"`` for ``from M import NAME [as local]``, ``"module"`` when
    ``local`` is the module itself (``import M as local``, ``from P import M``) and
    the name is reached as ``local.<attributes>.NAME``, ``"star"`` for
    ``from M import *`` (the name is bound without a statement that names it).
    """

    importer: str  # real path
    kind: Literal["name", "module", "star"]
    local: str
    attributes: tuple[str, ...] = ()  # `import a.b` binds `a`; the name is `a.b.NAME`
    line: int = 1


@dataclass(frozen=True)
class _Import:
    module: str  # absolute dotted module the statement imports from
    name: str | None  # None: `import module`; "*" for a star import
    local: str
    line: int


def read_source(path: str) -> bytes | None:
    """A project file's bytes, or None when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


@dataclass
class Project:
    """The Python files of one project and the imports between them."""

    root: str
    files: tuple[str, ...]
    public_packages: tuple[str, ...] = ()
    index_dir: str | None = None  # where the import index is kept between runs; None: nowhere
    # The other files `check` reads: `.env` files (values the environment reads may take) and
    # the rest (notebooks, YAML, TOML, JSON, INI), where a variable may be set another way.
    env_files: tuple[str, ...] = ()
    other_files: tuple[str, ...] = ()
    _imports: dict[str, tuple[_Import, ...]] | None = field(default=None, repr=False)
    _modules: dict[str, str] | None = field(default=None, repr=False)
    files_read: int = 0

    # -- module names ----------------------------------------------------------------

    def module_of(self, path: str) -> str | None:
        """The dotted module name of a file of this project (``src/`` layouts stripped)."""
        real = os.path.realpath(path)
        relative = os.path.relpath(real, self.root)
        if relative.startswith(".."):
            return None
        parts = list(Path(relative).with_suffix("").parts)
        if len(parts) > 1 and parts[0] in SOURCE_ROOTS:
            parts = parts[1:]
        if parts and parts[-1] == "__init__":
            parts = parts[:-1]
        if not parts or not all(part.isidentifier() for part in parts):
            return None
        return ".".join(parts)

    def sources(self) -> Iterator[tuple[str, bytes]]:
        """Each Python file of the project with its bytes; one that cannot be read is left
        out (its own check reports it)."""
        for path in self.files:
            data = read_source(path)
            if data is not None:
                yield path, data

    def file_of(self, module: str) -> str | None:
        """The project file that defines ``module`` (a module file or a package's ``__init__``)."""
        if self._modules is None:
            self._modules = {}
            for path in self.files:
                name = self.module_of(path)
                if name is not None:
                    self._modules.setdefault(name, path)
        return self._modules.get(module)

    def resolve_from(self, path: str, module: str, level: int) -> str | None:
        """The absolute module a ``from`` import in ``path`` names (relative levels resolved)."""
        if not level:
            return module
        own = self.module_of(path)
        if own is None:
            return None
        package = own if self.is_package(path) else own.rpartition(".")[0]
        parts = package.split(".") if package else []
        if level - 1 > len(parts):
            return None
        anchor = parts[: len(parts) - (level - 1)]
        return ".".join([*anchor, *([module] if module else [])]) or None

    def is_package(self, path: str) -> bool:
        return os.path.basename(path) == "__init__.py"

    def is_public(self, module: str) -> bool:
        """A module under a package that code outside the project imports (``public-api``)."""
        return any(module == package or module.startswith(package + ".")
                   for package in self.public_packages)

    # -- imports ---------------------------------------------------------------------

    def importers(self, module: str, name: str) -> list[ImportBinding]:
        """Every import in the project that binds ``module.name`` or ``module`` itself."""
        found: list[ImportBinding] = []
        parent, _, last = module.rpartition(".")
        for path, imports in self._all_imports().items():
            for item in imports:
                if item.module == module and item.name == name:
                    found.append(ImportBinding(path, "name", item.local, (), item.line))
                elif item.module == module and item.name == "*":
                    found.append(ImportBinding(path, "star", name, (), item.line))
                elif item.module == parent and item.name == last and parent:
                    found.append(ImportBinding(path, "module", item.local, (), item.line))
                elif item.name is None and item.module == module:
                    found.append(ImportBinding(path, "module", item.local,
                                               _attributes_after(item.local, module), item.line))
                elif item.name is None and module.startswith(item.module + ".") and \
                        item.local == item.module.split(".")[0]:
                    pass  # `import a` does not load `a.b`: a use of `a.b.NAME` relies on another import
        return sorted(found, key=lambda b: (b.importer, b.line))

    def bindings(self, module: str, name: str) -> list[ImportBinding]:
        """:meth:`importers`, also through re-exports: a module that imports the name by name
        (``from .llm import chat`` in a package's ``__init__``) is one more place to import it from."""
        found: list[ImportBinding] = []
        seen: set[tuple[str, str]] = set()
        queue = [(module, name)]
        while queue:
            current = queue.pop()
            if current in seen:
                continue
            seen.add(current)
            for binding in self.importers(*current):
                found.append(binding)
                there = self.module_of(binding.importer) if binding.kind == "name" else None
                if there is not None:
                    queue.append((there, binding.local))
        return sorted(set(found), key=lambda b: (b.importer, b.line, b.local))

    def _all_imports(self) -> dict[str, tuple[_Import, ...]]:
        if self._imports is None:
            index = ImportIndex.load(self.index_dir, self.root)
            self._imports = {}
            for path in self.files:
                stamp = file_stamp(path)
                imports = index.get(path, stamp) if stamp is not None else None
                if imports is None:
                    imports = self._imports_of(path)
                    if stamp is not None:
                        index.put(path, stamp, imports)
                if imports:
                    self._imports[path] = imports
            index.save(self.files)
        return self._imports

    def _imports_of(self, path: str) -> tuple[_Import, ...]:
        data = read_source(path)
        if data is None:
            return ()
        self.files_read += 1
        if b"import" not in data:
            return ()
        module = self.module_of(path)
        package = (module or "") if self.is_package(path) else (module or "").rpartition(".")[0]
        found: list[_Import] = []
        for match in _IMPORT_LINE.finditer(data):
            statement = _statement(match.group(0))
            if statement is None:
                continue
            line = data.count(b"\n", 0, match.start()) + 1
            found.extend(_resolved(statement, package, line))
        return tuple(found)


Stamp = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def file_stamp(path: str) -> Stamp | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


# A file changed within this long before its entry is written may change again within the
# same timestamp tick (coarse file systems): such an entry is not kept ("racy git").
_RACY_NS = 2_000_000_000
_INDEX_FORMAT = 1


class ImportIndex:
    """The import statements of each project file, kept between runs under its stamp.

    An entry is used only when the file's stamp is exactly the one recorded; anything
    unreadable or foreign is ignored. The file is replaced atomically, so two runs that
    share it see a whole index or none, and a lost update only costs a re-read.
    """

    def __init__(self, path: str | None, root: str,
                 entries: dict[str, tuple[Stamp, tuple[_Import, ...]]]) -> None:
        self.path = path
        self.root = root
        self.entries = entries
        self.changed = False

    @classmethod
    def load(cls, directory: str | None, root: str) -> ImportIndex:
        if directory is None:
            return cls(None, root, {})
        path = os.path.join(directory, "imports.json")
        try:
            with open(path, "rb") as handle:
                data = json.loads(handle.read())
            if data.get("format") != _INDEX_FORMAT or data.get("root") != root:
                return cls(path, root, {})
            entries = {
                str(file): (_stamp_from(stamp), tuple(_Import(str(m), None if n is None else str(n),
                                                              str(local), int(line))
                                                      for m, n, local, line in imports))
                for file, (stamp, imports) in dict(data["files"]).items()
            }
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return cls(path, root, {})
        return cls(path, root, entries)

    def get(self, path: str, stamp: Stamp) -> tuple[_Import, ...] | None:
        entry = self.entries.get(path)
        if entry is None or entry[0] != stamp:
            return None
        return entry[1]

    def put(self, path: str, stamp: Stamp, imports: tuple[_Import, ...]) -> None:
        if time.time_ns() - stamp[1] < _RACY_NS:
            self.changed |= self.entries.pop(path, None) is not None
        elif self.entries.get(path) != (stamp, imports):
            self.entries[path] = (stamp, imports)
            self.changed = True

    def save(self, files: Iterable[str]) -> None:
        """Write the entries of ``files`` (the project as it is now), if anything changed."""
        if self.path is None or not self.changed:
            return
        wanted = set(files)
        data = {
            "format": _INDEX_FORMAT,
            "root": self.root,
            "files": {path: [list(stamp), [[i.module, i.name, i.local, i.line] for i in imports]]
                      for path, (stamp, imports) in sorted(self.entries.items()) if path in wanted},
        }
        from migrator.discovery import ensure_cache_directory
        from migrator.fileio import replace_whole

        try:
            ensure_cache_directory(Path(os.path.dirname(self.path)))
            text = json.dumps(data, separators=(",", ":"))
            replace_whole(self.path, text.encode("utf-8"), ".imports-", ".tmp")
        except OSError:
            return  # an index that cannot be written is no error: the next run reads again


def _stamp_from(value: object) -> Stamp:
    size, mtime, ctime, inode = (int(part) for part in value)  # type: ignore[attr-defined]
    return (size, mtime, ctime, inode)


def _statement(raw: bytes) -> ast.Import | ast.ImportFrom | None:
    text = raw.decode("utf-8", errors="replace").strip()
    text = text.split(";")[0] if not text.startswith("from") or "(" not in text else text
    try:
        tree = ast.parse(text.replace("\\\n", " "))
    except (SyntaxError, ValueError):
        return None
    if len(tree.body) == 1 and isinstance(tree.body[0], (ast.Import, ast.ImportFrom)):
        return tree.body[0]
    return None


def _resolved(statement: ast.Import | ast.ImportFrom, package: str, line: int) -> Iterable[_Import]:
    if isinstance(statement, ast.Import):
        for alias in statement.names:
            local = alias.asname or alias.name.split(".")[0]
            yield _Import(alias.name, None, local, line)
        return
    base = statement.module or ""
    if statement.level:
        parts = package.split(".") if package else []
        if statement.level - 1 > len(parts):
            return
        anchor = parts[: len(parts) - (statement.level - 1)]
        base = ".".join([*anchor, *([base] if base else [])])
    for alias in statement.names:
        if alias.name == "*":
            yield _Import(base, "*", "*", line)
        else:
            yield _Import(base, alias.name, alias.asname or alias.name, line)


def _attributes_after(local: str, module: str) -> tuple[str, ...]:
    """`import a.b` binds `a`; the module is reached as `a.b`: the attributes after `a`."""
    parts = module.split(".")
    if parts[0] == local:
        return tuple(parts[1:])
    return ()  # `import a.b as x`: x is the module itself


def project_fingerprint(root: str, public_packages: tuple[str, ...] = (),
                        index_dir: str | None = None) -> str:
    """What a cached result that followed values across modules depends on: every project
    file's path, size and modification time (one stat each, no read): the Python files, and the
    `.env` and other files an environment variable's values are looked for in."""
    import hashlib

    project = project_at(root, public_packages, index_dir)
    digest = hashlib.sha256(repr(public_packages).encode())
    for path in (*project.files, *project.env_files, *project.other_files):
        try:
            info = os.stat(path)
        except OSError:
            continue
        digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@lru_cache(maxsize=4)
def project_at(root: str, public_packages: tuple[str, ...] = (),
               index_dir: str | None = None) -> Project:
    """The project under ``root``: its Python files as ``check`` walks them (excludes honoured).

    ``index_dir``: the results cache directory, where the import index is kept.
    """
    from migrator.discovery import Candidate, DiscoveryError, DiscoveryOptions, discover

    by_kind: dict[str, list[str]] = {"python": [], "env": [], "other": []}
    try:
        for item in discover([root], DiscoveryOptions(project_root=Path(root))):
            if isinstance(item, Candidate) and not (item.record and item.kind != "python"):
                kind = item.kind if item.kind in by_kind else "other"
                by_kind[kind].append(os.path.realpath(item.path))
    except (DiscoveryError, OSError):
        pass
    return Project(os.path.realpath(root), tuple(by_kind["python"]), public_packages,
                   index_dir=index_dir, env_files=tuple(by_kind["env"]),
                   other_files=tuple(by_kind["other"]))


_Value = TypeVar("_Value")


class PerProject(Generic[_Value]):
    """One value per project, made on first use and kept with the project itself.

    Keyed by ``id(project)`` (a project is not hashable), the entry holds the project: an
    id is handed to a new object once its object is freed (a fix's next round, an
    in-process caller's next run), and a freed project's value must never answer for it.
    """

    def __init__(self, make: Callable[[Project], _Value], most: int = 8) -> None:
        self._make = make
        self._most = most
        self._entries: dict[int, tuple[Project, _Value]] = {}

    def of(self, project: Project) -> _Value:
        entry = self._entries.get(id(project))
        if entry is None or entry[0] is not project:
            if len(self._entries) >= self._most:
                self._entries.clear()
            entry = self._entries[id(project)] = (project, self._make(project))
        return entry[1]


def display_path(real: str) -> str:
    """A path as reports show it: relative to the current directory when below it."""
    relative = os.path.relpath(real)
    return (real if relative.startswith("..") else relative).replace(os.sep, "/")
