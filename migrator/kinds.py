"""The file kinds: the one place that says which files are read, how, and by default or not.

Adding a file kind is one entry here plus its reader module in ``migrator.sources``
(``read(data, request, judgement) -> Document``). Discovery, the engine and the
pre-commit hooks' ``files:`` pattern (tested against this table) all follow it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileKind:
    name: str
    reader: str  # the module in migrator.sources that reads it
    patterns: tuple[str, ...] = ()  # gitignore-style name patterns; "*.x" is a suffix
    default: bool = True  # read while walking; False: only when named or --extend-include'd

    @property
    def suffixes(self) -> tuple[str, ...]:
        return tuple(p[1:] for p in self.patterns if p.startswith("*.") and p.count("*") == 1)


FILE_KINDS: tuple[FileKind, ...] = (
    FileKind("python", "migrator.sources.python", ("*.py", "*.pyi")),
    FileKind("notebook", "migrator.sources.notebook", ("*.ipynb",)),
    FileKind("env", "migrator.sources.configfiles", (".env", ".env.*", "*.env")),
    FileKind("yaml", "migrator.sources.configfiles", ("*.yaml", "*.yml")),
    FileKind("toml", "migrator.sources.configfiles", ("*.toml",)),
    FileKind("json", "migrator.sources.configfiles", ("*.json",)),
    FileKind("ini", "migrator.sources.configfiles", ("*.cfg", "*.ini")),
    FileKind("markdown", "migrator.sources.markdown", ("*.md", "*.markdown"), default=False),
    # Whatever an --extend-include pattern adds that no other kind claims: prose, scanned
    # for mentions and whole-value IDs.
    FileKind("text", "migrator.sources.configfiles", default=False),
)
KINDS: dict[str, FileKind] = {kind.name: kind for kind in FILE_KINDS}
READERS: dict[str, str] = {kind.name: kind.reader for kind in FILE_KINDS}


def suffix_table(*, default: bool) -> dict[str, str]:
    """Suffix -> kind name, for the kinds read by default (or only on request)."""
    return {suffix: kind.name for kind in FILE_KINDS if kind.default is default
            for suffix in kind.suffixes}


def default_patterns() -> tuple[str, ...]:
    return tuple(pattern for kind in FILE_KINDS if kind.default for pattern in kind.patterns)
