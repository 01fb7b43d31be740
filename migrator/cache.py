"""The results cache: a file's findings, keyed by everything they depend on.

An entry lives in ``.deepseek-migrate-cache/`` at the project root (with a ``.gitignore``
of ``*`` so nobody commits it) and is named by the hash of its key: the tool's code,
the catalog's content, the settings that change findings (codes, target, per-file
ignores, ...), the path and kind of the file, the day-relevant moment and the file's
content hash. A run reads an entry only when its recorded key is exactly the one asked
for and every other file it lists in ``depends_on`` still has the recorded content hash
(cross-module findings will list the modules they read; today the list is empty).

Entries are written to a temporary file and renamed, so two runs sharing the cache
see either a whole entry or none; anything unreadable, malformed or foreign is a miss,
never trusted: the entries are JSON data, read with a schema check, never code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from migrator import __version__
from migrator.catalog import Catalog
from migrator.discovery import CACHE_DIRECTORY, ensure_cache_directory
from migrator.fileio import replace_whole
from migrator.findings import Finding, Fix, RequestRef, Severity, Span, TextEdit

CACHE_DIR_NAME = CACHE_DIRECTORY
FORMAT = 3  # 2: findings keep the requests they reach, fixes their other files; 3: a request's cell
_PACKAGE = Path(__file__).resolve().parent


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The tool's version and its installed code (sizes and times of its files).

    The version alone would let a development checkout reuse results of older rules.
    """
    parts = [__version__]
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in {".py", ".json"}:
            stat = path.stat()
            parts.append(f"{path.relative_to(_PACKAGE)}:{stat.st_size}:{stat.st_mtime_ns}")
    return content_hash("\n".join(parts).encode())


@lru_cache(maxsize=4)
def catalog_fingerprint(catalog_path: Path | None) -> str:
    """The bundled catalog's content and the user catalog's, when one is given."""
    data = (_PACKAGE / "catalog.json").read_bytes()
    if catalog_path is not None:
        data += b"\0" + Path(catalog_path).read_bytes()
    return content_hash(data)


def catalog_moments(catalog: Catalog) -> list[datetime]:
    moments: set[datetime] = set(catalog.expired_base_urls.values())
    for entry in catalog.models.values():
        moments.update(m for m in (entry.retired_at, entry.since) if m is not None)
    return sorted(moments)


def day_key(catalog: Catalog, today: datetime) -> list[tuple[bool, int]]:
    """What findings see of ``today``: for each catalog moment, passed or not and the
    whole days between (severities and "126 days ago" messages). Stable within a day,
    so pre-commit runs on the same day share entries."""
    return [(today >= moment, int(abs((moment - today).total_seconds()) // 86400))
            for moment in catalog_moments(catalog)]


class ResultsCache:
    """One run's view of the cache directory; ``settings`` is the run's common key."""

    def __init__(self, directory: Path, settings: Mapping[str, Any]) -> None:
        self.directory = directory
        self.settings = json.dumps(settings, sort_keys=True, default=str)

    def key(self, display: str, kind: str, data: bytes) -> str:
        return content_hash("\0".join([self.settings, display, kind, content_hash(data)]).encode())

    def _entry_path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def load(self, key: str) -> tuple[list[Finding], dict[int | None, str]] | None:
        """The findings and texts stored under ``key``, or None (a miss, whatever the cause)."""
        try:
            entry = json.loads(self._entry_path(key).read_bytes())
            if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
                return None
            if not _dependencies_unchanged(entry["depends_on"]):
                return None
            findings = [_finding_from(item) for item in entry["findings"]]
            texts = {(None if cell == "" else int(cell)): str(text)
                     for cell, text in dict(entry["texts"]).items()}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None
        return findings, texts

    def store(self, key: str, findings: Sequence[Finding], texts: Mapping[int | None, str],
              depends_on: Iterable[tuple[str, str]] = ()) -> None:
        """Write one entry atomically; a cache that cannot be written is no error."""
        entry = {
            "format": FORMAT,
            "key": key,
            "depends_on": [list(pair) for pair in depends_on],
            "findings": [_finding_to(finding) for finding in findings],
            "texts": {("" if cell is None else str(cell)): text for cell, text in texts.items()},
        }
        target = self._entry_path(key)
        try:
            self._prepare(target.parent)
            replace_whole(target, json.dumps(entry).encode("utf-8"), ".tmp-", ".json")
        except OSError:
            return

    def _prepare(self, directory: Path) -> None:
        ensure_cache_directory(self.directory)
        directory.mkdir(exist_ok=True)


def _dependencies_unchanged(depends_on: object) -> bool:
    if not isinstance(depends_on, list):
        return False
    for path, expected in depends_on:
        try:
            if content_hash(Path(path).read_bytes()) != expected:
                return False
        except OSError:
            return False
    return True


def _finding_to(finding: Finding) -> dict[str, Any]:
    span = finding.span
    fix = finding.fix
    return {
        "path": finding.path,
        "span": [span.line, span.column, span.end_line, span.end_column, span.cell],
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "model": finding.model,
        "replacement": finding.replacement,
        "deadline": finding.deadline,
        "fix": None if fix is None else {
            "applicability": fix.applicability,
            "description": fix.description,
            "edits": [[e.start, e.end, e.text, e.cell, e.path] for e in fix.edits],
            "inputs": [list(pair) for pair in fix.inputs],
            "follow_up": fix.follow_up,
        },
        "unfixable_reason": finding.unfixable_reason,
        "anchor_line": finding.anchor_line,
        "requests": [[r.path, r.line, r.column, r.library, r.cell] for r in finding.requests],
    }


def _optional(value: object, kind: type) -> Any:
    if value is not None and not isinstance(value, kind):
        raise TypeError(f"expected {kind.__name__}")
    return value


def _required(value: object, kind: type) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise TypeError(f"expected {kind.__name__}")
    return value


def _finding_from(item: Mapping[str, Any]) -> Finding:
    line, column, end_line, end_column, cell = item["span"]
    span = Span(_required(line, int), _required(column, int), _required(end_line, int),
                _required(end_column, int), _optional(cell, int))
    fix_data = item["fix"]
    fix = None
    if fix_data is not None:
        applicability = fix_data["applicability"]
        if applicability not in ("safe", "unsafe"):
            raise ValueError("applicability")
        edits = tuple(TextEdit(_required(s, int), _required(e, int), _required(t, str),
                               _optional(c, int), _optional(p, str))
                      for s, e, t, c, p in fix_data["edits"])
        inputs = tuple((_required(p, str), _required(d, str)) for p, d in fix_data["inputs"])
        fix = Fix(applicability, _required(fix_data["description"], str), edits, inputs,
                  _optional(fix_data["follow_up"], str))
    return Finding(
        path=_required(item["path"], str),
        span=span,
        code=_required(item["code"], str),
        severity=Severity(item["severity"]),
        message=_required(item["message"], str),
        model=_optional(item["model"], str),
        replacement=_optional(item["replacement"], str),
        deadline=_optional(item["deadline"], str),
        fix=fix,
        unfixable_reason=_optional(item["unfixable_reason"], str),
        anchor_line=_optional(item["anchor_line"], int),
        requests=tuple(RequestRef(_required(p, str), _required(line, int), _required(col, int),
                                  _required(lib, str), _optional(cell, int))
                       for p, line, col, lib, cell in item["requests"]),
    )
