"""One run of ``check`` or ``fix``, resolved from the options, the config and the catalog.

The layer between the command line (click wiring only, :mod:`migrator.cli`) and the
engine: typed options in, a typed :class:`Invocation` out, and the exit code of a run.
Nothing here knows click; a bad option or config raises :class:`InvocationError`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from migrator.catalog import Catalog
from migrator.discovery import Candidate, DiscoveryOptions
from migrator.engine import Plan, catalog_for, default_workers
from migrator.findings import Finding, Severity
from migrator.settings import Settings

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class InvocationError(ValueError):
    """The run cannot start or go on (bad option, bad config, unreadable named path): exit 2."""


@dataclass(frozen=True)
class Options:
    """The command-line options of ``check`` and ``fix``, as given (``None``: not given)."""

    output_format: str | None = None
    output_file: Path | None = None
    output_file_format: str | None = None
    select: str | None = None
    extend_select: str | None = None
    ignore: str | None = None
    today: str | None = None
    target: str | None = None
    exit_zero: bool = False
    fail_on: str | None = None
    exclude: str | None = None
    extend_exclude: str | None = None
    extend_include: str | None = None
    force_exclude: bool | None = None
    no_respect_gitignore: bool = False
    config: Path | None = None
    catalog: Path | None = None
    unsafe_fixes: bool | None = None
    no_progress: bool = False
    no_cache: bool = False
    workers: int | None = None
    stdin_filename: str | None = None
    statistics: bool = False
    debug: bool = False
    diff: bool = False  # fix only


@dataclass(frozen=True)
class Invocation:
    """Everything a run needs, resolved from the options, the config and the catalog."""

    paths: tuple[str, ...]
    options: Options
    settings: Settings
    catalog: Catalog
    plan: Plan
    output_format: str
    workers: int

    @property
    def progress_allowed(self) -> bool:
        from migrator.reporting import MACHINE_FORMATS

        return (not self.options.no_progress) and sys.stderr.isatty() and \
            self.output_format not in MACHINE_FORMATS

    @property
    def reads_stdin(self) -> bool:
        return "-" in self.paths

    @property
    def statistics(self) -> bool:
        return self.options.statistics

    @property
    def output_file(self) -> Path | None:
        return self.options.output_file

    @property
    def output_file_format(self) -> str | None:
        return self.options.output_file_format

    @property
    def fail_on(self) -> Severity:
        return self.settings.fail_on

    def candidates(self) -> Iterator[Candidate]:
        return candidates(self)

    def stdin_candidate(self) -> Candidate | None:
        return stdin_candidate(self)


def _settings(options: Options, paths: tuple[str, ...]) -> Settings:
    from migrator.settings import load_settings, parse_today, split_codes, split_globs

    def globs(value: str | None) -> tuple[str, ...] | None:
        return split_globs(value) if value else None

    def codes(value: str | None) -> tuple[str, ...] | None:
        return split_codes(value) if value else None

    return load_settings(options.config, Path.cwd(), paths=paths, overrides={
        "today": parse_today(options.today) if options.today else None,
        "target": options.target,
        "select": codes(options.select),
        "extend_select": codes(options.extend_select),
        "ignore": codes(options.ignore),
        "fail_on": Severity.parse(options.fail_on) if options.fail_on else None,
        "exclude": globs(options.exclude),
        "extend_exclude": globs(options.extend_exclude),
        "extend_include": globs(options.extend_include),
        "force_exclude": options.force_exclude,
        "respect_gitignore": False if options.no_respect_gitignore else None,
        "unsafe_fixes": options.unsafe_fixes,
        "catalog_path": options.catalog,
    })


def resolve(paths: tuple[str, ...], options: Options) -> Invocation:
    from migrator.rules import resolve_codes

    if options.target is not None and not options.target.strip():
        raise InvocationError("--target needs a model ID (e.g. deepseek-v4-flash)")
    try:
        settings = _settings(options, paths)
        catalog = catalog_for(settings.catalog_path)  # the engine's copy: built once a run
        target = settings.target or catalog.default_target
        catalog.target(target)
        codes = resolve_codes(settings.select, settings.ignore, settings.extend_select)
    except ValueError as error:  # ConfigError, CatalogError, SelectorError, a bad severity
        raise InvocationError(str(error)) from None
    plan = Plan(
        codes=codes,
        today=settings.today,
        target=target,
        catalog_path=settings.catalog_path,
        per_file_ignores=settings.per_file_ignores,
        unsafe_fixes=bool(settings.unsafe_fixes),
        explicit_target=settings.target is not None,
        project_root=settings.project_root,
        public_api=settings.public_api,
        cache_dir=cache_dir(options, settings),
    )
    if options.output_file_format and not options.output_file:
        raise InvocationError("--output-file-format needs --output-file")
    output_format = options.output_format or ("full" if sys.stdout.isatty() else "concise")
    workers = options.workers or default_workers()
    return Invocation(paths, options, settings, catalog, plan, output_format, workers)


def cache_dir(options: Options, settings: Settings) -> Path | None:
    from migrator.discovery import CACHE_DIRECTORY  # not migrator.cache: hashlib, tempfile

    if options.no_cache or not settings.cache:
        return None
    return Path(settings.project_root or Path.cwd()) / CACHE_DIRECTORY


def discovery_options(settings: Settings) -> DiscoveryOptions:
    return DiscoveryOptions(
        project_root=settings.project_root,
        exclude=settings.exclude,
        extend_exclude=settings.extend_exclude,
        extend_include=settings.extend_include,
        force_exclude=settings.force_exclude,
        respect_gitignore=settings.respect_gitignore,
    )


def candidates(invocation: Invocation) -> Iterator[Candidate]:
    """Files to read; problems met on the way are printed as one line each on stderr."""
    from migrator.discovery import DiscoveryError, Skipped, discover

    paths = [p for p in invocation.paths if p != "-"] if invocation.paths else []
    if invocation.paths and not paths:
        return
    found = 0
    try:
        for item in discover(paths, discovery_options(invocation.settings)):
            if isinstance(item, Skipped):
                sys.stderr.write(f"deepseek-migrate: skipped {item.display}: {item.reason}\n")
            elif isinstance(item, Candidate):
                found += 1
                yield item
    except DiscoveryError as error:
        raise InvocationError(str(error)) from None
    if not found:
        warn_nothing_to_read(paths or ["."], invocation.settings)


def warn_nothing_to_read(paths: Sequence[str], settings: Settings) -> None:
    """As ruff warns: a run that read nothing says so, and what it would have read."""
    from migrator.discovery import DEFAULT_INCLUDES

    patterns = ", ".join((*DEFAULT_INCLUDES, *(settings.extend_include or ())))
    sys.stderr.write(f"deepseek-migrate: warning: no files to check under {' '.join(paths)}; "
                     f"read by default: {patterns} (more with --extend-include)\n")


def stdin_candidate(invocation: Invocation) -> Candidate | None:
    """The source read from ``-``, or None when ``--force-exclude`` excludes its name."""
    from migrator.discovery import DiscoveryError, is_excluded, kind_of

    name = invocation.options.stdin_filename or "-"
    settings = invocation.settings
    if name != "-" and settings.force_exclude:
        try:
            if is_excluded(name, discovery_options(settings)):
                return None
        except DiscoveryError as error:
            raise InvocationError(str(error)) from None
    return Candidate(path=name, display=name.replace("\\", "/"),
                     kind=kind_of(name, opt_in=True) or "python", explicit=True, record=False)


def exit_code(findings: Sequence[Finding], invocation: Invocation) -> int:
    if invocation.options.exit_zero:
        return EXIT_OK
    threshold = invocation.settings.fail_on.rank
    return EXIT_FINDINGS if any(f.severity.rank >= threshold for f in findings) else EXIT_OK


def run_check(invocation: Invocation) -> int:
    """``check``: the report, then the exit code its findings call for."""
    from migrator.checking import ReportFileError
    from migrator.checking import run_check as check

    try:
        return exit_code(check(invocation).findings, invocation)
    except ReportFileError as error:
        raise InvocationError(str(error)) from None


def run_fix(invocation: Invocation) -> int:
    """``fix``: with ``--diff``, exit 1 when something would change; else as ``check`` does."""
    from migrator.checking import ReportFileError
    from migrator.fixing import run_fix as fix

    try:
        result = fix(invocation, invocation.options.diff)
    except ReportFileError as error:
        raise InvocationError(str(error)) from None
    if invocation.options.diff:
        changed = result.totals.files_changed and not invocation.options.exit_zero
        return EXIT_FINDINGS if changed else EXIT_OK
    return exit_code(result.report.findings, invocation)
