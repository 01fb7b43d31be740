"""``path:line:col: CODE message``, one line a finding, then the summary."""

from __future__ import annotations

from typing import TextIO

from migrator.reporting import Report, location_text, summary_line


def render(report: Report, out: TextIO, *, color: bool = False) -> None:
    for finding in report.findings:
        out.write(f"{location_text(finding)}: {finding.code} {finding.message}\n")
    out.write(summary_line(report) + "\n")
