"""JUnit XML: one test suite, one test case per scanned file, a failure listing its findings.

A case fails only for findings at or above ``--fail-on`` (what makes the exit code 1);
lower ones are listed in the case's ``system-out``, so a passing run has no failed test.

CI servers (GitLab, Jenkins, Azure) show each file as a passed or failed test. The XML
library does the escaping; characters XML 1.0 cannot carry at all (most C0 controls)
are replaced first, so the document stays well-formed whatever a message contains.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TextIO

from migrator.findings import Finding, FollowUp, Severity
from migrator.reporting import Report, follow_up_text, location_text, plural
from migrator.reporting.ci import SEVERITY_ORDER

SUITE_NAME = "deepseek-migrate"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render(report: Report, out: TextIO, *, color: bool = False) -> None:
    root = junit_tree(report)
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")


def junit_tree(report: Report) -> ET.Element:
    by_path: dict[str, list[Finding]] = {path: [] for path in report.files}
    for finding in report.findings:
        by_path.setdefault(finding.path, []).append(finding)
    failures = sum(1 for findings in by_path.values()
                   if any(fails(f, report.fail_on) for f in findings))
    counts = {"tests": str(len(by_path)), "failures": str(failures), "errors": "0",
              "skipped": "0"}
    root = ET.Element("testsuites", {"name": SUITE_NAME, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE_NAME, **counts,
                                              "timestamp": report.today_text.rstrip("Z")})
    follow_ups: dict[str, list[FollowUp]] = {}
    for follow_up in report.follow_ups or ():
        follow_ups.setdefault(follow_up.path, []).append(follow_up)
    for path, findings in by_path.items():
        case = add_test_case(suite, path, findings, report.fail_on)
        if path in follow_ups:  # not a failure (the findings decide that), but shown with the case
            output = case.find("system-out")
            if output is None:
                output = ET.SubElement(case, "system-out")
            lines = [output.text] if output.text else []
            lines += [f"follow-up: {follow_up_text(f)}" for f in follow_ups[path]]
            output.text = xml_safe("\n".join(lines))
    return root


def fails(finding: Finding, fail_on: Severity) -> bool:
    """A finding fails its test case exactly when it would make the exit code 1."""
    return finding.severity.rank >= fail_on.rank


def add_test_case(suite: ET.Element, path: str, findings: list[Finding],
                  fail_on: Severity) -> ET.Element:
    case = ET.SubElement(suite, "testcase", {"classname": SUITE_NAME, "name": xml_safe(path),
                                             "file": xml_safe(path)})
    failing = [f for f in findings if fails(f, fail_on)]
    below = [f for f in findings if not fails(f, fail_on)]
    if failing:
        worst = next(s for s in SEVERITY_ORDER if any(f.severity == s for f in failing))
        codes = ", ".join(sorted({f.code for f in failing}))
        failure = ET.SubElement(case, "failure", {
            "message": xml_safe(f"{plural(len(failing), 'finding')}: {codes}"),
            "type": worst.value,
        })
        failure.text = xml_safe("\n".join(finding_line(f) for f in failing))
    if below:  # reported, but the case passes: the run would not fail for them
        output = ET.SubElement(case, "system-out")
        output.text = xml_safe("\n".join(
            [f"{plural(len(below), 'finding')} below --fail-on {fail_on.value}:"]
            + [finding_line(f) for f in below]))
    return case


def finding_line(finding: Finding) -> str:
    return f"{location_text(finding)}: {finding.code} [{finding.severity.value}] {finding.message}"


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
