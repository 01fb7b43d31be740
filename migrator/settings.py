"""Run settings: command-line options over ``[tool.deepseek-migrate]`` over defaults.

Settings are plain, picklable data so worker processes receive them whole.
An unknown key or a bad value is a :class:`ConfigError` naming it (exit 2).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from migrator.catalog import CatalogError, parse_utc
from migrator.findings import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

SECTION = "deepseek-migrate"
TODAY_ENV = "DEEPSEEK_MIGRATE_TODAY"


class ConfigError(ValueError):
    """A setting that cannot be used; the message names it and says what is allowed."""


@dataclass(frozen=True)
class Settings:
    today: datetime
    target: str | None = None  # None: the catalog's default target
    select: tuple[str, ...] | None = None  # None: every rule that is on by default
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.WARNING
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    extend_include: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    force_exclude: bool = False
    respect_gitignore: bool = True
    unsafe_fixes: bool = False
    catalog_path: Path | None = None
    project_root: Path = field(default_factory=Path.cwd)
    config_path: Path | None = None
    # Packages that code outside the project imports: their names keep fixes unsafe.
    public_api: tuple[str, ...] = ()
    cache: bool = True  # `cache = false`: neither read nor write the results cache

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def parse_today(value: str, where: str = "--today") -> datetime:
    try:
        return parse_utc(value, where)
    except CatalogError as error:
        raise ConfigError(str(error)) from None


def default_today() -> datetime:
    from_env = os.environ.get(TODAY_ENV)
    if from_env:
        return parse_today(from_env, TODAY_ENV)
    return datetime.now(timezone.utc).replace(microsecond=0)


def split_codes(value: str | Sequence[str]) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(item.strip().upper() for item in items if item.strip())


def split_globs(value: str | Sequence[str]) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(item.strip() for item in items if item.strip())


# -- configuration files ---------------------------------------------------------------


def _has_section(path: Path) -> bool:
    """Whether a pyproject.toml holds our table; a broken one that names it is an error."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if f"tool.{SECTION}" not in text:  # cheap: most pyproject.toml files are not ours
        return False
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config {path} is not valid TOML: {error}") from None
    return SECTION in data.get("tool", {})


def find_config(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.deepseek-migrate]`` table."""
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and _has_section(candidate):
            return candidate
    return None


def marked_root(start: Path) -> Path | None:
    """The nearest directory from ``start`` up with a ``.git`` or a ``pyproject.toml``."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists() or (directory / "pyproject.toml").is_file():
            return directory
    return None


def find_project_root(start: Path) -> Path:
    return marked_root(start) or start


def read_config(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read config {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config {path} is not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config {path} is not valid TOML: {error}") from None
    if path.name == "pyproject.toml":
        section = data.get("tool", {}).get(SECTION, {})
    else:  # a dedicated file may hold the table at the top level or under [tool.deepseek-migrate]
        section = data.get("tool", {}).get(SECTION, data)
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [tool.{SECTION}] must be a table")
    return section


def _str_list(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        return split_globs(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ConfigError(f"{path}: `{key}` must be a list of strings")


def _bool(value: Any, key: str, path: Path) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{path}: `{key}` must be true or false")
    return value


def _per_file_ignores(value: Any, path: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    from migrator.globs import compile_patterns
    from migrator.rules import SelectorError, resolve_codes

    if not isinstance(value, dict):
        raise ConfigError(f"{path}: `per-file-ignores` must be a table of glob = [codes]")
    table = []
    for glob, raw_codes in value.items():
        codes = split_codes(_str_list(raw_codes, f"per-file-ignores.{glob}", path))
        try:
            compile_patterns([glob]).match_file("probe.py")
            resolve_codes(codes, ())
        except SelectorError as error:
            raise ConfigError(f"{path}: `per-file-ignores.{glob}`: {error}") from None
        except (ValueError, re.error) as error:
            raise ConfigError(f"{path}: `per-file-ignores`: bad pattern {glob!r}: {error}") from None
        table.append((glob, codes))
    return tuple(table)


def _severity(value: Any, key: str, path: Path) -> Severity:
    try:
        return Severity.parse(str(value))
    except ValueError as error:
        raise ConfigError(f"{path}: `{key}`: {error}") from None


_KEYS: Mapping[str, tuple[str, Any]] = {
    "select": ("select", lambda v, k, p: split_codes(_str_list(v, k, p))),
    "extend-select": ("extend_select", lambda v, k, p: split_codes(_str_list(v, k, p))),
    "ignore": ("ignore", lambda v, k, p: split_codes(_str_list(v, k, p))),
    "exclude": ("exclude", _str_list),
    "extend-exclude": ("extend_exclude", _str_list),
    "extend-include": ("extend_include", _str_list),
    "per-file-ignores": ("per_file_ignores", lambda v, k, p: _per_file_ignores(v, p)),
    "target": ("target", lambda v, k, p: str(v)),
    "fail-on": ("fail_on", _severity),
    "force-exclude": ("force_exclude", _bool),
    "respect-gitignore": ("respect_gitignore", _bool),
    "unsafe-fixes": ("unsafe_fixes", _bool),
    "public-api": ("public_api", lambda v, k, p: tuple(_str_list(v, k, p))),
    "cache": ("cache", _bool),
    "catalog": ("catalog_path", lambda v, k, p: (p.parent / str(v))),
    "today": ("today", lambda v, k, p: parse_today(str(v), f"{p}: today")),
}


def settings_from_config(section: Mapping[str, Any], path: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, raw in section.items():
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"{path}: unknown key `{key}` in [tool.{SECTION}] (known keys: {known})")
        attribute, convert = _KEYS[key]
        values[attribute] = convert(raw, key, path)
    return values


def search_start(paths: Sequence[str], cwd: Path) -> Path:
    """Where the config and the project root are looked for.

    From the working directory when the checked paths are inside its project (or no path
    is given, or only ``-``); paths elsewhere (``check ~/src/app`` run from a directory that
    is no project, or another one) from the directory holding them all, when a project
    marker is found above it; so a project gives the same results wherever the tool starts.
    """
    named = [os.path.abspath(cwd / path) for path in paths if path != "-"]
    directories = [path if os.path.isdir(path) else os.path.dirname(path) for path in named]
    try:
        start = Path(os.path.commonpath(directories)) if directories else cwd
    except ValueError:  # different drives
        return cwd
    if start == Path(start.anchor):
        return cwd
    around_cwd = marked_root(cwd)
    if around_cwd is not None and start.is_relative_to(around_cwd):
        return cwd
    if marked_root(start) is not None or not start.is_relative_to(cwd):
        return start
    return cwd


def load_settings(config: Path | None, cwd: Path, overrides: Mapping[str, Any],
                  paths: Sequence[str] = ()) -> Settings:
    """Defaults, then the config file, then the command line (``None`` = not given)."""
    start = search_start(paths, cwd)
    config_path = config if config is not None else find_config(start)
    if config is not None and not config.is_file():
        raise ConfigError(f"--config {config}: no such file")
    from_file = settings_from_config(read_config(config_path), config_path) if config_path else {}
    root = config_path.parent if config_path else find_project_root(start)
    base = Settings(today=from_file.pop("today", None) or default_today(), project_root=root,
                    config_path=config_path)
    command_line = {**overrides, "extend_select": _extend_select(from_file, overrides)}
    return base.with_overrides(**from_file).with_overrides(**command_line)


def _extend_select(from_file: Mapping[str, Any], overrides: Mapping[str, Any]) -> tuple[str, ...]:
    """As in ruff: `--extend-select` adds to the file's list; `--select` replaces both."""
    from_command_line = tuple(overrides.get("extend_select") or ())
    if overrides.get("select") is not None:
        return from_command_line
    return tuple(from_file.get("extend_select", ())) + from_command_line
