"""``deepseek-migrate check``: discover, analyse, report.

The engine layer: it runs what a :class:`Run` describes (``migrator.invocation.Invocation``
is one) and hands back the report; the invocation turns that into an exit code.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO

from migrator.engine import FileOutcome, Plan, check_file, prefiltered, run_files
from migrator.reporting import Report, render

if TYPE_CHECKING:
    from migrator.discovery import Candidate
    from migrator.findings import Severity


class ReportFileError(ValueError):
    """``--output-file`` cannot be written: the run stops with exit 2."""


class Run(Protocol):
    """What ``check`` and ``fix`` need to know of a run, and nothing of how it was asked for."""

    @property
    def plan(self) -> Plan: ...
    @property
    def workers(self) -> int: ...
    @property
    def output_format(self) -> str: ...
    @property
    def output_file(self) -> Path | None: ...  # the report goes there instead of standard output
    @property
    def output_file_format(self) -> str | None: ...  # the file's format; stdout keeps its own
    @property
    def statistics(self) -> bool: ...
    @property
    def fail_on(self) -> Severity: ...
    @property
    def progress_allowed(self) -> bool: ...
    @property
    def reads_stdin(self) -> bool: ...

    def stdin_candidate(self) -> Candidate | None:
        """The source read from ``-`` (None: excluded by name)."""

    def candidates(self) -> Iterator[Candidate]:
        """The files named or found, in order."""


def collect(run: Run) -> list[FileOutcome]:
    """Outcomes for every file named or found, and for standard input when ``-`` is given."""
    from migrator.progress import progress_reporter

    outcomes: list[FileOutcome] = []
    if run.reads_stdin:
        candidate = run.stdin_candidate()
        if candidate is not None:
            outcomes.append(check_file(candidate, run.plan, sys.stdin.buffer.read()))
    files = prefiltered(run.candidates(), run.plan, run.workers)
    with progress_reporter(len(files.items), run.progress_allowed) as advance:
        outcomes.extend(run_files(files, run.plan, workers=run.workers, on_progress=advance))
    return outcomes


def build_report(run: Run, outcomes: list[FileOutcome]) -> Report:
    findings = [finding for outcome in outcomes for finding in outcome.findings]
    texts = {outcome.display: outcome.texts for outcome in outcomes if outcome.texts}
    return Report(findings=findings, files_scanned=len(outcomes), today=run.plan.today,
                  texts=texts,
                  files=[outcome.display for outcome in outcomes],
                  fail_on=run.fail_on)


def run_check(run: Run) -> Report:
    """Check every file and print the report; returns it for the exit code."""
    report = build_report(run, collect(run))
    emit(run, report)
    return report


def emit(run: Run, report: Report) -> str | None:
    """Write the report where the options say; returns the format standard output got, if any.

    ``--output-file FILE`` sends the report there instead of standard output; with
    ``--output-file-format`` the file gets that format and standard output keeps its report.
    """
    output_file = run.output_file
    file_format = run.output_file_format
    if output_file is not None:
        write_report_file(run, report, output_file, file_format or run.output_format)
        if file_format is None:
            return None
    try:  # a reader that stops reading does not change the exit code
        write_report(run, report, run.output_format, sys.stdout, sys.stdout.isatty())
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
    return run.output_format


def write_report(run: Run, report: Report, output_format: str, out: TextIO,
                 color: bool) -> None:
    if run.statistics:
        from migrator.reporting.statistics import render_statistics

        render_statistics(report, out, output_format=output_format)
        return
    render(output_format, report, out, color=color)


def write_report_file(run: Run, report: Report, path: Path, output_format: str) -> None:
    try:
        if path.parent != Path():
            path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            write_report(run, report, output_format, handle, color=False)
    except OSError as error:
        raise ReportFileError(f"cannot write the report to {path}: {error.strerror or error}") from None


def silence_stdout() -> None:
    """The reader went away (`check | head -1`): not an error of ours, and nothing to say.

    Whatever is still to be written goes nowhere, so the run ends with the exit code
    its findings imply, and Python's final flush of standard output cannot fail.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
