"""SARIF 2.1.0, as GitHub code scanning accepts it: one run, every rule, results and fixes.

Columns count Unicode code points (``columnKind``), as every position of this tool does.
Notebook findings point at the notebook file (see :mod:`migrator.reporting.ci`) and keep
their cell position under ``properties``; they carry no ``fixes`` because a fix's offsets
address the cell source, not the ``.ipynb`` file a SARIF consumer would patch.
"""

from __future__ import annotations

import json
import re
from typing import Any, TextIO

from migrator.findings import Finding, Fix, FollowUp, RequestRef, Severity, TextEdit
from migrator.lines import LineIndex
from migrator.reporting import Report
from migrator.reporting.ci import fingerprints, located_message, relative_uri

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
# The distribution's registry page: the project has no other public home yet.
INFORMATION_URI = "https://pypi.org/project/deepseek-migrator/"
FINGERPRINT_KEY = "deepseekMigrate/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_SECTION = re.compile(r"^## What it does\s*\n(.*?)(?=^## |\Z)", re.MULTILINE | re.DOTALL)


def render(report: Report, out: TextIO, *, color: bool = False) -> None:
    json.dump(sarif_log(report), out, indent=2, ensure_ascii=False)
    out.write("\n")


def sarif_log(report: Report) -> dict[str, Any]:
    rules = rule_descriptors()
    indices = {rule["id"]: index for index, rule in enumerate(rules)}
    prints = fingerprints(report)
    results = [result_object(report, finding, indices, fingerprint)
               for finding, fingerprint in zip(report.findings, prints, strict=True)]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "deepseek-migrate",
                "version": report.version,
                "semanticVersion": report.version,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "invocations": [invocation_object(report)],
            "results": results,
        }],
    }


def invocation_object(report: Report) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": True,
                                  "properties": {"today": report.today_text,
                                                 "filesScanned": report.files_scanned}}
    if report.follow_ups:
        invocation["toolExecutionNotifications"] = [follow_up_notification(f)
                                                    for f in report.follow_ups]
    return invocation


def follow_up_notification(follow_up: FollowUp) -> dict[str, Any]:
    """What an applied unsafe fix left to do by hand: a warning at the fixed finding."""
    span = follow_up.span
    location = {"artifactLocation": {"uri": relative_uri(follow_up.path)},
                "region": {"startLine": 1} if span.cell is not None else
                {"startLine": span.line, "startColumn": span.column}}
    notification: dict[str, Any] = {
        "level": "warning",
        "message": {"text": f"follow-up: {follow_up.action}"},
        "locations": [{"physicalLocation": location}],
        "descriptor": {"id": "follow-up"},
        "associatedRule": {"id": follow_up.code},
    }
    if span.cell is not None:
        notification["properties"] = {"cell": span.cell, "cellLine": span.line}
    return notification


def rule_descriptors() -> list[dict[str, Any]]:
    from migrator.rules import available_codes, rule_info

    descriptors = []
    for code in available_codes():
        info = rule_info(code)
        documentation = info.documentation()
        help_markdown = f"{documentation}\n\n## Fix safety\n\n{info.fix_safety}"
        descriptors.append({
            "id": info.code,
            "name": info.name,
            "shortDescription": {"text": sentence(info.summary)},
            "fullDescription": {"text": what_it_does(documentation) or sentence(info.summary)},
            "help": {"text": help_markdown, "markdown": help_markdown},
            "helpUri": info.upstream,
            "defaultConfiguration": {"level": LEVELS[info.default_severity]},
            "properties": {"fixable": info.fixable, "tags": ["deepseek", "migration"]},
        })
    return descriptors


def sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def what_it_does(documentation: str) -> str:
    match = _SECTION.search(documentation)
    return " ".join(match.group(1).split()) if match else ""


def result_object(report: Report, finding: Finding, indices: dict[str, int],
                  fingerprint: str) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": finding.code}
    if finding.code in indices:
        result["ruleIndex"] = indices[finding.code]
    result.update({
        "level": LEVELS[finding.severity],
        "message": {"text": located_message(finding)},
        "locations": [{"physicalLocation": physical_location(finding)}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    })
    related = related_locations(finding)
    if related:
        result["relatedLocations"] = related
    fixes = fix_objects(report, finding)
    if fixes:
        result["fixes"] = fixes
    properties = result_properties(finding)
    if properties:
        result["properties"] = properties
    return result


def related_locations(finding: Finding) -> list[dict[str, Any]]:
    """The requests a DSM001 value reaches, as SARIF related locations.

    A request in a notebook cell points at the notebook (line 1, as a finding there does) and
    keeps the cell and the position within it in its message and ``properties``.
    """
    return [related_location(number, request) for number, request in enumerate(finding.requests)]


def related_location(number: int, request: RequestRef) -> dict[str, Any]:
    message = f"the value reaches this request ({request.library})"
    region: dict[str, int] = {"startLine": request.line, "startColumn": request.column}
    if request.cell is not None:
        message += f" in cell {request.cell}, line {request.line}, column {request.column}"
        region = {"startLine": 1}
    location: dict[str, Any] = {
        "id": number,
        "message": {"text": message},
        "physicalLocation": {"artifactLocation": {"uri": relative_uri(request.path)}, "region": region},
    }
    if request.cell is not None:
        location["properties"] = {"cell": request.cell, "cellLine": request.line,
                                  "cellColumn": request.column}
    return location


def physical_location(finding: Finding) -> dict[str, Any]:
    span = finding.span
    if span.cell is not None:
        region = {"startLine": 1}
    else:
        region = {"startLine": span.line, "startColumn": span.column,
                  "endLine": span.end_line, "endColumn": span.end_column}
    return {"artifactLocation": {"uri": relative_uri(finding.path)}, "region": region}


def result_properties(finding: Finding) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for key in ("model", "replacement", "deadline"):
        value = getattr(finding, key)
        if value is not None:
            properties[key] = value
    span = finding.span
    if span.cell is not None:
        properties["cell"] = span.cell
        properties["cellRegion"] = {"startLine": span.line, "startColumn": span.column,
                                    "endLine": span.end_line, "endColumn": span.end_column}
    return properties


def fix_objects(report: Report, finding: Finding) -> list[dict[str, Any]]:
    fix = finding.fix
    # A notebook cell has no lines of the file; a fix spanning files is shown by `fix --diff`.
    if fix is None or not fix.edits or any(e.cell is not None or e.path is not None for e in fix.edits):
        return []
    index = report.line_index(finding.path, None)
    if index is None:
        return []
    return [fix_object(finding.path, fix, index)]


def fix_object(path: str, fix: Fix, index: LineIndex) -> dict[str, Any]:
    replacements = [replacement(index, edit) for edit in sorted(fix.edits)]
    return {
        "description": {"text": fix.description},
        "artifactChanges": [{"artifactLocation": {"uri": relative_uri(path)},
                             "replacements": replacements}],
        "properties": {"applicability": fix.applicability},
    }


def replacement(index: LineIndex, edit: TextEdit) -> dict[str, Any]:
    start_line, start_column = index.position(edit.start)
    end_line, end_column = index.position(edit.end)
    return {
        "deletedRegion": {"startLine": start_line, "startColumn": start_column,
                          "endLine": end_line, "endColumn": end_column},
        "insertedContent": {"text": edit.text},
    }
