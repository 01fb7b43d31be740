"""``path:line:col: CODE message``, one line a finding, then the summary."""

from __future__ import annotations

from typing import TextIO

from migrator.reporting import Report, follow_up_lines, location_text, summary_line


def render(report: Report, out: TextIO, *, color: bool = False) -> None:
    for finding in report.findings:
        why = report.reasons.get(finding)
        left = f" (left: {why})" if why else ""
        out.write(f"{location_text(finding)}: {finding.code} {finding.message}{left}\n")
    for line in follow_up_lines(report):
        out.write(line + "\n")
    out.write(summary_line(report) + "\n")
