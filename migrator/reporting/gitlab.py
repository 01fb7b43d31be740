"""GitLab Code Quality report: a JSON array of Code Climate issues.

GitLab shows them in merge requests, keyed by ``fingerprint`` (stable across unrelated
edits, unique within the report; see :func:`migrator.reporting.ci.fingerprints`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TextIO

from migrator.findings import Finding, FollowUp, Severity
from migrator.reporting import Report
from migrator.reporting.ci import fingerprints, located_message, repository_path

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "minor", Severity.INFO: "info"}


def render(report: Report, out: TextIO, *, color: bool = False) -> None:
    issues = [issue(finding, fingerprint)
              for finding, fingerprint in zip(report.findings, fingerprints(report), strict=True)]
    issues += [follow_up_issue(follow_up) for follow_up in report.follow_ups or ()]
    json.dump(issues, out, indent=2, ensure_ascii=False)
    out.write("\n")


def follow_up_issue(follow_up: FollowUp) -> dict[str, Any]:
    """What an applied unsafe fix left to do, as a major issue at the fixed line."""
    span = follow_up.span
    line = 1 if span.cell is not None else span.line
    where = f"cell {span.cell}, line {span.line}: " if span.cell is not None else ""
    payload = "\0".join(("follow-up", follow_up.path, follow_up.code, str(span.cell), str(span.line),
                         str(span.column), follow_up.action))
    return {
        "type": "issue",
        "check_name": follow_up.code,
        "description": f"{where}follow-up: {follow_up.action}",
        "categories": ["Compatibility"],
        "severity": "major",
        "fingerprint": hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest(),
        "location": {"path": repository_path(follow_up.path), "lines": {"begin": line, "end": line}},
    }


def issue(finding: Finding, fingerprint: str) -> dict[str, Any]:
    span = finding.span
    # Cell lines are not lines of the .ipynb file: point at the notebook itself.
    begin, end = (1, 1) if span.cell is not None else (span.line, span.end_line)
    return {
        "type": "issue",
        "check_name": finding.code,
        "description": located_message(finding),
        "categories": ["Compatibility"],
        "severity": SEVERITIES[finding.severity],
        "fingerprint": fingerprint,
        "location": {"path": repository_path(finding.path), "lines": {"begin": begin, "end": end}},
    }
