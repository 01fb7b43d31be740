"""Where the project uses the environment, read with CPython's ``ast`` (no libcst).

Every module that mentions the environment is scanned once: reads and writes of named
variables (``os.getenv``, ``os.environ[...]``), settings fields and their environment
names, uses that may touch any variable; and the ``.env`` files' entries. The engine asks
here whether a ``.env`` value is read by the project's code at all before it loads the
value flow (:mod:`migrator.environment`), so checking a lone ``.env`` never imports libcst.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from migrator.configsyntax import Piece, env_pieces
from migrator.decoding import DecodeError, decode_utf8_text
from migrator.lines import LineIndex
from migrator.project import PerProject, Project, display_path

UseKind = Literal["read", "write", "field", "opaque"]
READ_METHODS = ("get", "pop", "setdefault")  # `os.environ.<method>("NAME", ...)`
WHOLE_READS = ("items", "keys", "values")  # `os.environ.items()`: any name may be read
MENTION_LIMIT = 2 * 1024 * 1024  # larger files are data, not where a variable is set
SETTINGS_BASES = ("BaseSettings",)


@dataclass(frozen=True)
class EnvUse:
    """Where a module uses the environment: a read or write of named variables, a settings
    field (its environment names), or a use that may touch any variable (``opaque``)."""

    path: str  # real path
    line: int
    kind: UseKind
    names: frozenset[str] = frozenset()  # upper-cased variable names
    what: str = ""  # "Settings.llm_model" for a field; for an opaque use, what it is


@dataclass(frozen=True)
class EnvEntry:
    """One ``NAME=value`` line of a project `.env` file."""

    path: str  # real path
    line: int
    name: str
    value: str | None  # None: empty, multi-line or unterminated (no value the tool can read)
    start: int  # the value's character range (inside any quotes)
    end: int
    text: str = field(default="", repr=False, compare=False)  # the whole file (gateway names)

    @property
    def where(self) -> str:
        return f"{display_path(self.path)}:{self.line}"


# -- the project's environment uses, once per project -------------------------------------------


@dataclass
class EnvIndex:
    uses: list[EnvUse] = field(default_factory=list)

    def reads_of(self, names: frozenset[str]) -> list[EnvUse]:
        return [use for use in self.uses if use.kind in ("read", "field") and use.names & names]

    def writes_of(self, names: frozenset[str]) -> list[EnvUse]:
        return [use for use in self.uses if use.kind == "write" and use.names & names]

    def opaque(self) -> list[EnvUse]:
        return [use for use in self.uses if use.kind == "opaque"]


_MENTION_WORDS = (b"environ", b"getenv", b"putenv", b"Settings", b"dotenv_values")


def env_index(project: Project) -> EnvIndex:
    """Every environment use in the project's Python files (built once per project object)."""
    return _INDEXES.of(project)


def _built_env_index(project: Project) -> EnvIndex:
    index = EnvIndex()
    classes: list[_Class] = []
    for path, data in project.sources():
        scanner = _scanned(path, data)
        if scanner is not None:
            index.uses.extend(scanner.uses)
            classes.extend(scanner.classes)
    index.uses.extend(_derived_settings(classes))
    return index


_INDEXES = PerProject(_built_env_index)


def _scanned(path: str, data: bytes) -> _Scanner | None:
    if not any(word in data for word in _MENTION_WORDS):
        return None
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    scanner = _Scanner(path)
    scanner.visit(tree)
    return scanner


@dataclass(frozen=True)
class _Class:
    path: str
    line: int
    name: str
    bases: tuple[str, ...]  # the last name of each base


def _derived_settings(classes: Sequence[_Class]) -> list[EnvUse]:
    """A class deriving from a project settings class reads names the tool does not work out."""
    settings = {c.name for c in classes if set(c.bases) & set(SETTINGS_BASES)}
    derived: list[EnvUse] = []
    grew = True
    while grew:
        grew = False
        for klass in classes:
            if klass.name not in settings and set(klass.bases) & settings:
                settings.add(klass.name)
                derived.append(EnvUse(klass.path, klass.line, "opaque",
                                      what=f"by `{klass.name}`, a subclass of a settings class"))
                grew = True
    return derived


def _chain(node: ast.AST) -> list[str]:
    """``os.environ.get`` -> ["os", "environ", "get"] (as :func:`attribute_chain` for libcst)."""
    names: list[str] = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        names.append(node.id)
    return list(reversed(names))


def _text(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def is_read_chain(chain: Sequence[str]) -> bool:
    """``getenv(...)``, ``os.getenv(...)``, ``os.environ.get(...)`` (and ``pop``, ``setdefault``).

    Matched on the last names only, whatever the module is imported as: a read the tool
    counts too many is only one more read that must agree.
    """
    return chain[-1:] == ["getenv"] or (len(chain) >= 2 and chain[-2] == "environ" and
                                        chain[-1] in READ_METHODS)


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: str) -> None:
        self.path = path
        self.uses: list[EnvUse] = []
        self.classes: list[_Class] = []

    def use(self, node: ast.AST, kind: UseKind, names: Iterable[str] = (), what: str = "") -> None:
        self.uses.append(EnvUse(self.path, getattr(node, "lineno", 1), kind,
                                frozenset(name.upper() for name in names), what))

    def visit_Call(self, node: ast.Call) -> None:
        chain = _chain(node.func)
        if is_read_chain(chain):
            name = _text(node.args[0]) if node.args else _text(_keyword(node, "key"))
            if name is None:
                self.use(node, "opaque", what=f"by a name computed at run time (`{'.'.join(chain)}`)")
            else:
                self.use(node, "read", [name])
        elif chain[-1:] == ["putenv"]:
            name = _text(node.args[0]) if node.args else None
            self.use(node, "write" if name else "opaque", [name] if name else [], "`putenv`")
        elif len(chain) >= 2 and chain[-2] == "environ" and chain[-1] == "update":
            self.use(node, "opaque", what="`os.environ.update(...)`, which may set any variable")
        elif len(chain) >= 2 and chain[-2] == "environ" and chain[-1] in WHOLE_READS:
            self.use(node, "opaque", what=f"whole (`os.environ.{chain[-1]}()`)")
        elif chain[-1:] == ["dotenv_values"]:
            self.use(node, "opaque", what="from a `.env` file as a dict (`dotenv_values`)")
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if _chain(node.value)[-1:] == ["environ"]:
            name = _text(node.slice)
            if name is None:
                self.use(node, "opaque", what="by a name computed at run time (`os.environ[...]`)")
            else:
                self.use(node, "read" if isinstance(node.ctx, ast.Load) else "write", [name])
        self.generic_visit(node)

    def visit_For(self, node: ast.For) -> None:
        self._iterated(node.iter)
        self.generic_visit(node)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self._iterated(node.iter)
        self.generic_visit(node)

    def _iterated(self, iterable: ast.AST) -> None:
        if _chain(iterable)[-1:] == ["environ"]:
            self.use(iterable, "opaque", what="whole (a loop over `os.environ`)")

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        bases = tuple(chain[-1] for base in node.bases if (chain := _chain(base)))
        self.classes.append(_Class(self.path, node.lineno, node.name, bases))
        if any(_chain(base)[-1:] == [name] for base in node.bases for name in SETTINGS_BASES):
            self.uses.extend(_settings_fields(self.path, node))
        self.generic_visit(node)


def _keyword(call: ast.Call, name: str) -> ast.AST | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _settings_fields(path: str, node: ast.ClassDef) -> Iterator[EnvUse]:
    """A pydantic-settings class's fields with the environment names each is read from."""
    prefix = _settings_prefix(node)
    if prefix is None:
        yield EnvUse(path, node.lineno, "opaque", what=f"by `{node.name}`, whose `env_prefix` is "
                     "computed at run time")
        return
    for statement in node.body:
        if not (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)):
            continue
        name = statement.target.id
        if name == "model_config":
            continue
        aliases = _field_aliases(statement.value)
        if aliases is None:
            yield EnvUse(path, statement.lineno, "opaque",
                         what=f"by `{node.name}.{name}`, whose alias is computed at run time")
            continue
        # The alias replaces the prefixed name in pydantic-settings; both count, to be safe.
        names = frozenset({(prefix + name).upper(), *(alias.upper() for alias in aliases)})
        yield EnvUse(path, statement.lineno, "field", names, f"{node.name}.{name}")


def _settings_prefix(node: ast.ClassDef) -> str | None:
    """The class's literal ``env_prefix`` ("" when none); None when it is not a literal."""
    for statement in node.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if any(isinstance(t, ast.Name) and t.id == "model_config" for t in targets):
                return _config_prefix(statement.value)
        if isinstance(statement, ast.ClassDef) and statement.name == "Config":  # pydantic v1
            for inner in statement.body:
                if isinstance(inner, ast.Assign) and any(
                        isinstance(t, ast.Name) and t.id == "env_prefix" for t in inner.targets):
                    return _text(inner.value)
    return ""


def _config_prefix(value: ast.AST | None) -> str | None:
    if isinstance(value, ast.Call):
        if any(k.arg is None for k in value.keywords):
            return None
        prefix = _keyword(value, "env_prefix")
        return "" if prefix is None else _text(prefix)
    if isinstance(value, ast.Dict):
        for key, item in zip(value.keys, value.values, strict=True):
            if key is None:
                return None
            if _text(key) == "env_prefix":
                return _text(item)
        return ""
    return None


def _field_aliases(value: ast.AST | None) -> list[str] | None:
    """The literal names ``Field(alias=, validation_alias=, env=)`` gives; None if computed."""
    if not (isinstance(value, ast.Call) and _chain(value.func)[-1:] == ["Field"]):
        return []
    names: list[str] = []
    for keyword in value.keywords:
        if keyword.arg is None:
            return None
        if keyword.arg not in ("alias", "validation_alias", "env"):
            continue
        found = _alias_names(keyword.value)
        if found is None:
            return None
        names.extend(found)
    return names


def _alias_names(value: ast.AST) -> list[str] | None:
    text = _text(value)
    if text is not None:
        return [text]
    if isinstance(value, (ast.List, ast.Tuple)):
        items = [_text(item) for item in value.elts]
        return [item for item in items if item is not None] if all(items) else None
    if isinstance(value, ast.Call) and _chain(value.func)[-1:] == ["AliasChoices"] and not value.keywords:
        items = [_text(item) for item in value.args]
        return [item for item in items if item is not None] if all(items) else None
    return None


# -- the project's `.env` files -----------------------------------------------------------------


def env_entries(project: Project, names: frozenset[str]) -> list[EnvEntry]:
    """Every line of a project `.env` file that sets one of ``names`` (any case)."""
    found: list[EnvEntry] = []
    for path in project.env_files:
        found.extend(entry for entry in _entries_of(path) if entry.name.upper() in names)
    return found


def _entries_of(path: str) -> list[EnvEntry]:
    try:
        with open(path, "rb") as handle:
            text = decode_utf8_text(handle.read()).text
    except (OSError, DecodeError):
        return []
    lines = LineIndex(text)
    entries: list[EnvEntry] = []
    key: Piece | None = None
    for piece in env_pieces(text):
        if piece.kind == "key":
            if key is not None:  # `NAME=` with nothing after it
                entries.append(_entry(path, lines, key, None, text))
            key = piece
        elif key is not None and piece.kind in ("value", "text"):
            entries.append(_entry(path, lines, key, piece if piece.kind == "value" else None, text))
            key = None
        elif key is not None and piece.kind == "comment":
            entries.append(_entry(path, lines, key, None, text))
            key = None
    if key is not None:
        entries.append(_entry(path, lines, key, None, text))
    return entries


def _entry(path: str, lines: LineIndex, key: Piece, value: Piece | None, text: str) -> EnvEntry:
    line = lines.position(key.start)[0]
    if value is None:
        return EnvEntry(path, line, key.value, None, key.end, key.end, text)
    return EnvEntry(path, line, key.value, value.value, value.start, value.end, text)


def _digest(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


# -- other files that name a variable -------------------------------------------------------------


_MENTIONS: PerProject[dict[str, list[str]]] = PerProject(lambda project: {})  # per name


def mentions(project: Project, name: str) -> list[str]:
    """Where the other files the tool reads (YAML, TOML, JSON, INI, notebooks) name ``name``."""
    known = _MENTIONS.of(project)
    if name not in known:
        pattern = re.compile(rb"(?<![A-Za-z0-9_])" + re.escape(name.encode()) + rb"(?![A-Za-z0-9_])",
                             re.IGNORECASE)
        found: list[str] = []
        for path in project.other_files:
            try:
                if os.path.getsize(path) > MENTION_LIMIT:
                    continue
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                continue
            hit = pattern.search(data)
            if hit is not None:
                line = data.count(b"\n", 0, hit.start()) + 1
                found.append(f"{display_path(path)}:{line}")
        known[name] = found
    return known[name]


# -- joining a read to the values the project supplies --------------------------------------------


def read_by_the_project(text: str, project: Project) -> bool:
    """Does any Python module of the project read a variable this ``.env`` text sets?"""
    names = frozenset(piece.value.upper() for piece in env_pieces(text) if piece.kind == "key")
    return bool(names) and bool(env_index(project).reads_of(names))
