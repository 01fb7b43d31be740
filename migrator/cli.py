"""The command line: ``check``, ``fix``, ``rules``, ``explain`` (see SPEC.md)."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from migrator import __version__

F = TypeVar("F", bound=Callable[..., Any])
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def fail(message: str) -> NoReturn:
    click.echo(f"deepseek-migrate: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def shared_options(command: F) -> F:
    """The options SPEC.md gives both ``check`` and ``fix``."""
    options = [
        click.argument("paths", nargs=-1, type=str),
        click.option("--output-format", type=click.Choice(
            ["full", "concise", "json", "sarif", "github", "gitlab", "junit"]),
            help="Report format (default: full on a terminal, concise otherwise)."),
        click.option("--output-file", type=click.Path(path_type=Path, dir_okay=False),
                     help="Write the report to FILE instead of standard output."),
        click.option("--output-file-format", type=click.Choice(
            ["full", "concise", "json", "sarif", "github", "gitlab", "junit"]),
            help="Format of --output-file; standard output then keeps the --output-format "
                 "report (one run: SARIF to a file, annotations to the log)."),
        click.option("--select", help="Comma-separated rule codes or prefixes to enable."),
        click.option("--extend-select",
                     help="Rule codes or prefixes to add to the selection (DSM201 is off by default)."),
        click.option("--ignore", help="Comma-separated rule codes or prefixes to disable."),
        click.option("--today", help="Judge deadlines at this moment: YYYY-MM-DD[THH:MM[:SS]Z]."),
        click.option("--target", help="Successor for retired IDs (default deepseek-v4-flash)."),
        click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain."),
        click.option("--fail-on", type=click.Choice(["error", "warning", "info"]),
                     help="Lowest severity that makes the exit code 1 (default warning)."),
        click.option("--exclude", help="Gitignore-style patterns that replace the default excludes."),
        click.option("--extend-exclude", help="Gitignore-style patterns to exclude as well."),
        click.option("--extend-include", help="More file patterns to read, e.g. '*.md'."),
        click.option("--force-exclude", is_flag=True, default=None,
                     help="Apply excludes to files named on the command line too."),
        click.option("--no-respect-gitignore", is_flag=True, default=False,
                     help="Read files that .gitignore excludes."),
        click.option("--config", type=click.Path(path_type=Path, dir_okay=False),
                     help="Settings file (default: nearest pyproject.toml with the tool's table)."),
        click.option("--catalog", type=click.Path(path_type=Path, dir_okay=False),
                     help="Catalog file that overrides or extends the bundled one."),
        click.option("--unsafe-fixes", is_flag=True, default=None,
                     help="(fix) Also apply fixes marked unsafe."),
        click.option("--no-progress", is_flag=True, help="Never draw a progress bar."),
        click.option("--no-cache", is_flag=True,
                     help="Neither read nor write the results cache (.deepseek-migrate-cache/)."),
        click.option("--workers", type=click.IntRange(min=1),
                     help="Processes used to parse and fix (default: CPU count)."),
        click.option("--stdin-filename", help="The name of the source read from '-'."),
        click.option("--statistics", is_flag=True, help="Print counts by rule instead of findings."),
        click.option("--debug", is_flag=True, help="Show tracebacks of internal errors."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@dataclass
class Invocation:
    """Everything a run needs, resolved from the options, the config and the catalog."""

    paths: tuple[str, ...]
    options: dict[str, Any]
    settings: Any
    catalog: Any
    plan: Any
    output_format: str
    workers: int

    @property
    def progress_allowed(self) -> bool:
        from migrator.reporting import MACHINE_FORMATS

        return (not self.options.get("no_progress")) and sys.stderr.isatty() and \
            self.output_format not in MACHINE_FORMATS


def resolve(paths: tuple[str, ...], options: dict[str, Any]) -> Invocation:
    from migrator.engine import Plan, catalog_for, default_workers
    from migrator.findings import Severity
    from migrator.rules import resolve_codes
    from migrator.settings import load_settings, parse_today, split_codes, split_globs

    if options.get("target") is not None and not options["target"].strip():
        fail("--target needs a model ID (e.g. deepseek-v4-flash)")
    try:
        overrides: dict[str, Any] = {
            "today": parse_today(options["today"]) if options.get("today") else None,
            "target": options.get("target"),
            "select": split_codes(options["select"]) if options.get("select") else None,
            "extend_select": split_codes(options["extend_select"])
            if options.get("extend_select") else None,
            "ignore": split_codes(options["ignore"]) if options.get("ignore") else None,
            "fail_on": Severity.parse(options["fail_on"]) if options.get("fail_on") else None,
            "exclude": split_globs(options["exclude"]) if options.get("exclude") else None,
            "extend_exclude": split_globs(options["extend_exclude"])
            if options.get("extend_exclude") else None,
            "extend_include": split_globs(options["extend_include"])
            if options.get("extend_include") else None,
            "force_exclude": options.get("force_exclude"),
            "respect_gitignore": False if options.get("no_respect_gitignore") else None,
            "unsafe_fixes": options.get("unsafe_fixes"),
            "catalog_path": options.get("catalog"),
        }
        settings = load_settings(options.get("config"), Path.cwd(), overrides)
        catalog = catalog_for(settings.catalog_path)  # the engine's copy: built once a run
        target = settings.target or catalog.default_target
        catalog.target(target)
        codes = resolve_codes(settings.select, settings.ignore, settings.extend_select)
    except ValueError as error:  # ConfigError, CatalogError, SelectorError, a bad severity
        fail(str(error))
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
    if options.get("output_file_format") and not options.get("output_file"):
        fail("--output-file-format needs --output-file")
    output_format = options.get("output_format") or ("full" if sys.stdout.isatty() else "concise")
    workers = options.get("workers") or default_workers()
    return Invocation(paths, options, settings, catalog, plan, output_format, workers)


def cache_dir(options: dict[str, Any], settings: Any) -> Path | None:
    from migrator.cache import CACHE_DIR_NAME

    if options.get("no_cache") or not settings.cache:
        return None
    return Path(settings.project_root or Path.cwd()) / CACHE_DIR_NAME


def discovery_options(settings: Any) -> Any:
    from migrator.discovery import DiscoveryOptions

    return DiscoveryOptions(
        project_root=settings.project_root,
        exclude=settings.exclude,
        extend_exclude=settings.extend_exclude,
        extend_include=settings.extend_include,
        force_exclude=settings.force_exclude,
        respect_gitignore=settings.respect_gitignore,
    )


def candidates(invocation: Invocation) -> Iterator[Any]:
    """Files to read; problems met on the way are printed as one line each on stderr."""
    from migrator.discovery import Candidate, DiscoveryError, Skipped, discover

    paths = [p for p in invocation.paths if p != "-"] if invocation.paths else []
    if invocation.paths and not paths:
        return
    found = 0
    try:
        for item in discover(paths, discovery_options(invocation.settings)):
            if isinstance(item, Skipped):
                click.echo(f"deepseek-migrate: skipped {item.display}: {item.reason}", err=True)
            elif isinstance(item, Candidate):
                found += 1
                yield item
    except DiscoveryError as error:
        fail(str(error))
    if not found:
        warn_nothing_to_read(paths or ["."], invocation.settings)


def warn_nothing_to_read(paths: Sequence[str], settings: Any) -> None:
    """As ruff warns: a run that read nothing says so, and what it would have read."""
    from migrator.discovery import DEFAULT_INCLUDES

    patterns = ", ".join((*DEFAULT_INCLUDES, *(settings.extend_include or ())))
    click.echo(f"deepseek-migrate: warning: no files to check under {' '.join(paths)}; "
               f"read by default: {patterns} (more with --extend-include)", err=True)


def stdin_candidate(invocation: Invocation) -> Any | None:
    """The source read from ``-``, or None when ``--force-exclude`` excludes its name."""
    from migrator.discovery import Candidate, DiscoveryError, is_excluded, kind_of

    name = invocation.options.get("stdin_filename") or "-"
    settings = invocation.settings
    if name != "-" and settings.force_exclude:
        try:
            if is_excluded(name, discovery_options(settings)):
                return None
        except DiscoveryError as error:
            fail(str(error))
    return Candidate(path=Path(name), display=name.replace("\\", "/"),
                     kind=kind_of(name, opt_in=True) or "python", explicit=True, record=False)


def exit_code(findings: Sequence[Any], invocation: Invocation) -> int:
    if invocation.options.get("exit_zero"):
        return EXIT_OK
    threshold = invocation.settings.fail_on.rank
    return EXIT_FINDINGS if any(f.severity.rank >= threshold for f in findings) else EXIT_OK


def silence_stdout() -> None:
    """The reader went away (`check | head -1`): not an error of ours, and nothing to say.

    Whatever is still to be written goes nowhere, so the run ends with the exit code
    its findings imply, and Python's final flush of standard output cannot fail.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def guarded(command: F) -> F:
    """Turn unexpected exceptions into one line and exit 2 (a traceback with --debug)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (SystemExit, click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("deepseek-migrate: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # The reader went away outside a report (see `silence_stdout`): nothing to say.
            silence_stdout()
            sys.exit(EXIT_OK)
        except Exception as error:
            if kwargs.get("debug"):
                raise
            fail(f"internal error: {type(error).__name__}: {error} (rerun with --debug for details)")

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deepseek-migrate")
def main() -> None:
    """Find and rewrite retired DeepSeek model IDs and thinking-mode parameters."""


@main.command()
@shared_options
@guarded
def check(paths: tuple[str, ...], **options: Any) -> None:
    """Report findings; never writes a file."""
    from migrator.checking import run_check

    if options.get("unsafe_fixes"):
        fail("--unsafe-fixes applies to `fix` only: `check` never writes a file")
    invocation = resolve(paths, options)
    sys.exit(run_check(invocation))


@main.command()
@shared_options
@click.option("--diff", is_flag=True, help="Print a unified diff of what fix would do; write nothing.")
@guarded
def fix(paths: tuple[str, ...], **options: Any) -> None:
    """Apply fixes in place (or print them as a diff with --diff)."""
    from migrator.fixing import run_fix

    invocation = resolve(paths, options)
    sys.exit(run_fix(invocation))


@main.command(name="rules")
@click.option("--output-format", type=click.Choice(["table", "json"]), default="table")
def rules_command(output_format: str) -> None:
    """Table of every rule: code, name, default severity, fixable."""
    from migrator.explain import print_rules

    print_rules(output_format)


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """One rule's documentation with a before/after example."""
    from migrator.explain import explain_rule

    if not explain_rule(code.upper()):
        fail(f"unknown rule code {code!r} (run `deepseek-migrate rules` for the list)")
