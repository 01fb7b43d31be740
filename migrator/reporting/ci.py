"""What the CI formats (SARIF, GitHub, GitLab, JUnit) share.

Notebook findings: a finding's line and column count from the start of its cell (as in
the JSON report), which is not a line of the ``.ipynb`` file a CI viewer shows. The CI
formats therefore point at the notebook file itself (line 1, or no line where the
format allows it) and put the cell and the position inside it in front of the message.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from urllib.parse import quote

from migrator.findings import Finding, Severity
from migrator.reporting import Report

SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)
_WINDOWS_DRIVE = re.compile(r"[A-Za-z]:/")


def located_message(finding: Finding) -> str:
    """The message, prefixed with the cell position for notebook findings."""
    span = finding.span
    if span.cell is None:
        return finding.message
    return f"cell {span.cell}, line {span.line}, column {span.column}: {finding.message}"


def fingerprints(report: Report, findings: Sequence[Finding] | None = None) -> list[str]:
    """One stable, unique fingerprint per finding, in the order of ``findings``.

    Built from the path, the code, the stripped source line and the finding's occurrence
    index among equal (path, code, line content) triples, so that inserting lines above a
    finding does not change it while two identical findings still differ.
    """
    chosen = report.findings if findings is None else findings
    order = sorted(range(len(chosen)), key=lambda i: chosen[i].sort_key)
    seen: Counter[tuple[str, str, str]] = Counter()
    result = [""] * len(chosen)
    for index in order:
        finding = chosen[index]
        content = (report.source_line(finding, finding.span.line) or "").strip()
        key = (finding.path, finding.code, content)
        occurrence = seen[key]
        seen[key] += 1
        payload = "\0".join((finding.path, finding.code, content, str(occurrence)))
        result[index] = hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()
    return result


def repository_path(path: str) -> str:
    """The display path with ``/`` separators and without leading ``./``."""
    posix = path.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    return posix


def relative_uri(path: str) -> str:
    """A URI reference for a display path: ``/`` separators, reserved characters escaped.

    Escaping ``:`` matters: an unescaped colon in the first segment would read as a scheme.
    """
    posix = repository_path(path)
    if posix.startswith("/"):
        return "file://" + quote(posix, safe="/")
    if _WINDOWS_DRIVE.match(posix):
        return "file:///" + quote(posix, safe="/:")
    return quote(posix, safe="/")
