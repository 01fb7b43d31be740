"""``deepseek-migrate check``: discover, analyse, report, exit code."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from migrator.engine import FileOutcome, check_file, run_files
from migrator.reporting import Report, render

if TYPE_CHECKING:
    from migrator.cli import Invocation


def collect(invocation: Invocation) -> list[FileOutcome]:
    """Outcomes for every file named or found, and for standard input when ``-`` is given."""
    from migrator.cli import candidates, stdin_candidate
    from migrator.progress import progress_reporter

    outcomes: list[FileOutcome] = []
    if "-" in invocation.paths:
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
    from migrator.cli import exit_code

    report = build_report(invocation, collect(invocation))
    emit(invocation, report)
    return exit_code(report.findings, invocation)


def emit(invocation: Invocation, report: Report) -> None:
    """Write the report; a reader that stops reading does not change the exit code."""
    from migrator.cli import silence_stdout

    try:
        write_report(invocation, report)
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()


def write_report(invocation: Invocation, report: Report) -> None:
    if invocation.options.get("statistics"):
        from migrator.reporting.statistics import render_statistics

        render_statistics(report, sys.stdout, output_format=invocation.output_format)
        return
    render(invocation.output_format, report, sys.stdout, color=sys.stdout.isatty())
