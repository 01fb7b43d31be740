"""The command line: ``check``, ``fix``, ``rules``, ``explain`` (the README documents each)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from migrator import __version__
from migrator.reporting import FORMATS

if TYPE_CHECKING:
    from migrator.invocation import Invocation

F = TypeVar("F", bound=Callable[..., Any])
EXIT_OK, EXIT_ERROR = 0, 2  # migrator.invocation has them all; these two are the command's own


def fail(message: str) -> NoReturn:
    click.echo(f"deepseek-migrate: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def shared_options(command: F) -> F:
    """The options ``check`` and ``fix`` share (README: Commands, Configuration)."""
    options = [
        click.argument("paths", nargs=-1, type=str),
        click.option("--output-format", type=click.Choice(list(FORMATS)),
            help="Report format (default: full on a terminal, concise otherwise)."),
        click.option("--output-file", type=click.Path(path_type=Path, dir_okay=False),
                     help="Write the report to FILE instead of standard output."),
        click.option("--output-file-format", type=click.Choice(list(FORMATS)),
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


def invocation(paths: tuple[str, ...], options: dict[str, Any]) -> Invocation:
    """The typed run these click arguments ask for (click hands them over as keywords)."""
    from migrator.invocation import Options, resolve

    return resolve(paths, Options(**options))


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
            from migrator.checking import silence_stdout

            # The reader went away outside a report (see `silence_stdout`): nothing to say.
            silence_stdout()
            sys.exit(EXIT_OK)
        except Exception as error:
            from migrator.invocation import InvocationError

            if isinstance(error, InvocationError):
                fail(str(error))
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
    from migrator.invocation import run_check

    if options.get("unsafe_fixes"):
        fail("--unsafe-fixes applies to `fix` only: `check` never writes a file")
    sys.exit(run_check(invocation(paths, options)))


@main.command()
@shared_options
@click.option("--diff", is_flag=True, help="Print a unified diff of what fix would do; write nothing.")
@guarded
def fix(paths: tuple[str, ...], **options: Any) -> None:
    """Apply fixes in place (or print them as a diff with --diff)."""
    from migrator.invocation import run_fix

    sys.exit(run_fix(invocation(paths, options)))


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
