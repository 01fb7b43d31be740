"""``deepseek-migrate check``: discover, analyse, report, exit code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from migrator.engine import FileOutcome, check_file, run_files
from migrator.reporting import Report, render

if TYPE_CHECKING:
    from migrator.invocation import Invocation


def collect(invocation: Invocation) -> list[FileOutcome]:
    """Outcomes for every file named or found, and for standard input when ``-`` is given."""
    from migrator.invocation import candidates, stdin_candidate
    from migrator.progress import progress_reporter

    outcomes: list[FileOutcome] = []
    if invocation.reads_stdin:
        candidate = stdin_candidate(invocation)
        if candidate is not None:
            outcomes.append(check_file(candidate, invocation.plan, sys.stdin.buffer.read()))
    files = list(candidates(invocation))
    with progress_reporter(len(files), invocation.progress_allowed) as advance:
        outcomes.extend(run_files(files, invocation.plan, workers=invocation.workers,
                                  on_progress=advance))
    return outcomes


def build_report(invocation: Invocation, outcomes: list[FileOutcome]) -> Report:
    findings = [finding for outcome in outcomes for finding in outcome.findings]
    texts = {outcome.display: outcome.texts for outcome in outcomes if outcome.texts}
    return Report(findings=findings, files_scanned=len(outcomes), today=invocation.plan.today,
                  texts=texts,
                  files=[outcome.display for outcome in outcomes],
                  fail_on=invocation.settings.fail_on)


def run_check(invocation: Invocation) -> int:
    from migrator.invocation import exit_code

    report = build_report(invocation, collect(invocation))
    emit(invocation, report)
    return exit_code(report.findings, invocation)


def emit(invocation: Invocation, report: Report) -> str | None:
    """Write the report where the options say; returns the format standard output got, if any.

    ``--output-file FILE`` sends the report there instead of standard output; with
    ``--output-file-format`` the file gets that format and standard output keeps its report.
    """
    output_file = invocation.options.output_file
    file_format = invocation.options.output_file_format
    if output_file is not None:
        write_report_file(invocation, report, output_file, file_format or invocation.output_format)
        if file_format is None:
            return None
    from migrator.invocation import silence_stdout

    try:  # a reader that stops reading does not change the exit code
        write_report(invocation, report, invocation.output_format, sys.stdout, sys.stdout.isatty())
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
    return invocation.output_format


def write_report(invocation: Invocation, report: Report, output_format: str, out: TextIO,
                 color: bool) -> None:
    if invocation.options.statistics:
        from migrator.reporting.statistics import render_statistics

        render_statistics(report, out, output_format=output_format)
        return
    render(output_format, report, out, color=color)


def write_report_file(invocation: Invocation, report: Report, path: Path, output_format: str) -> None:
    from migrator.invocation import InvocationError

    try:
        if path.parent != Path():
            path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            write_report(invocation, report, output_format, handle, color=False)
    except OSError as error:
        raise InvocationError(f"cannot write the report to {path}: {error.strerror or error}") from None
