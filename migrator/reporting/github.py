"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line a finding.

GitHub turns each line into an annotation on the pull request. Escaping follows the
runner's rules: in the message ``%``, CR and LF are percent-encoded; in the properties
(``file=…,title=…``) ``:`` and ``,`` are as well, since they delimit the command.
Notebook findings are file-level annotations (no line) with the cell position in the message.
"""

from __future__ import annotations

from typing import TextIO

from migrator.findings import Finding, FollowUp, Severity
from migrator.reporting import Report
from migrator.reporting.ci import located_message, repository_path

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(report: Report, out: TextIO, *, color: bool = False) -> None:
    for finding in report.findings:
        out.write(workflow_command(finding) + "\n")
    for follow_up in report.follow_ups or ():
        out.write(follow_up_command(follow_up) + "\n")


def workflow_command(finding: Finding) -> str:
    properties = ",".join(f"{key}={escape_property(value)}"
                          for key, value in annotation_properties(finding))
    return f"::{COMMANDS[finding.severity]} {properties}::{escape_data(located_message(finding))}"


def follow_up_command(follow_up: FollowUp) -> str:
    """A warning annotation at the fixed line: the fix left this to do by hand."""
    span = follow_up.span
    properties = [("file", repository_path(follow_up.path))]
    message = follow_up.action
    if span.cell is None:
        properties += [("line", str(span.line)), ("col", str(span.column))]
    else:
        message = f"cell {span.cell}, line {span.line}, column {span.column}: {message}"
    properties.append(("title", f"{follow_up.code} follow-up"))
    text = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::warning {text}::{escape_data(message)}"


def annotation_properties(finding: Finding) -> list[tuple[str, str]]:
    span = finding.span
    properties = [("file", repository_path(finding.path))]
    if span.cell is None:
        properties += [("line", str(span.line)), ("col", str(span.column)),
                       ("endLine", str(span.end_line)), ("endColumn", str(span.end_column))]
    properties.append(("title", finding.code))
    return properties


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")
