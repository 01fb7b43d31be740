"""Location, code and message, then the source line with a caret under the finding.

Rendered with rich: colour only on a terminal, and rich honours ``NO_COLOR``.
"""

from __future__ import annotations

from typing import TextIO

from migrator.findings import Finding, Severity
from migrator.reporting import Report, follow_up_lines, location_text, summary_line

_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render(report: Report, out: TextIO, *, color: bool = False) -> None:
    if not report.findings:  # nothing worth importing rich for
        for text in follow_up_lines(report):
            out.write(text + "\n")
        out.write(summary_line(report) + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=out, highlight=False, soft_wrap=True,
                      force_terminal=color or None, no_color=not color, emoji=False)
    for finding in report.findings:
        header = Text()
        header.append(location_text(finding), style="bold")
        header.append(": ")
        header.append(finding.code, style=_STYLES[finding.severity])
        header.append(f" [{finding.severity.value}] ", style=_STYLES[finding.severity])
        header.append(finding.message)
        console.print(header)
        for line in _snippet(report, finding):
            console.print(line)
        if finding.code == "DSM001":
            console.print(Text(f"  note: {reaches_text(finding)}", style="cyan"))
        why = report.reasons.get(finding)
        if why:
            console.print(Text(f"  left: {why}", style="magenta"))
        elif finding.fix is not None:
            console.print(Text(f"  help: {finding.fix.description} ({finding.fix.applicability} fix)",
                               style="green"))
        elif finding.unfixable_reason:
            console.print(Text(f"  help: no fix: {finding.unfixable_reason}", style="yellow"))
        console.print()
    for text in follow_up_lines(report):
        console.print(Text(text, style="yellow"))
    console.print(Text(summary_line(report), style="bold"))


def reaches_text(finding: Finding) -> str:
    """Where a DSM001 value goes: "reaches client.py:12 (OpenAI SDK)", or that it reaches none."""
    if not finding.requests:
        return "reaches no request the tool can see"
    places = ", ".join(f"{r.place} ({r.library})" for r in finding.requests)
    return f"reaches {places}"


def _snippet(report: Report, finding: Finding) -> list[object]:
    from rich.text import Text

    span = finding.span
    source = report.source_line(finding, span.line)
    if source is None:
        return []
    number = str(span.line)
    gutter = " " * len(number)
    width = (span.end_column if span.end_line == span.line else len(source) + 1) - span.column
    caret = " " * (span.column - 1) + "^" * max(1, width)
    line = Text(f"{number} | ", style="blue")
    line.append(source.expandtabs(1) if "\t" in source else source)
    marker = Text(f"{gutter} | ", style="blue")
    marker.append(caret, style=_STYLES[finding.severity])
    return [Text(f"{gutter} |", style="blue"), line, marker]
