"""The JSON report (README: CI, where the formats are listed): one object on standard output."""

from __future__ import annotations

import json
from typing import Any, TextIO

from migrator.findings import Finding, FollowUp, RequestRef
from migrator.reporting import Report


def finding_object(finding: Finding) -> dict[str, Any]:
    span = finding.span
    data: dict[str, Any] = {
        "path": finding.path,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "model": finding.model,
        "replacement": finding.replacement,
        "deadline": finding.deadline,
        "fix": (
            None
            if finding.fix is None
            else {"applicability": finding.fix.applicability, "description": finding.fix.description}
        ),
    }
    if finding.code == "DSM001":
        data["requests"] = [request_object(r) for r in finding.requests]
    if finding.unfixable_reason is not None:
        data["unfixable_reason"] = finding.unfixable_reason
    if span.cell is not None:
        data["cell"] = span.cell
    return data


def request_object(request: RequestRef) -> dict[str, Any]:
    """A request a DSM001 value reaches; in a notebook also its 1-based ``cell``."""
    data: dict[str, Any] = {"path": request.path, "line": request.line, "column": request.column,
                            "library": request.library}
    if request.cell is not None:
        data["cell"] = request.cell
    return data


def follow_up_object(follow_up: FollowUp) -> dict[str, Any]:
    span = follow_up.span
    data: dict[str, Any] = {"path": follow_up.path, "line": span.line, "column": span.column,
                            "code": follow_up.code, "model": follow_up.model,
                            "action": follow_up.action}
    if span.cell is not None:
        data["cell"] = span.cell
    return data


def report_object(report: Report) -> dict[str, Any]:
    data = {
        "tool": "deepseek-migrate",
        "version": report.version,
        "today": report.today_text,
        "findings": [finding_object(finding) for finding in report.findings],
        "summary": {
            "files_scanned": report.files_scanned,
            "findings": len(report.findings),
            "by_code": report.by_code(),
        },
    }
    if report.follow_ups is not None:  # `fix` only
        data["follow_ups"] = [follow_up_object(f) for f in report.follow_ups]
    return data


def render(report: Report, out: TextIO, *, color: bool = False) -> None:
    json.dump(report_object(report), out, indent=2, ensure_ascii=False)
    out.write("\n")
