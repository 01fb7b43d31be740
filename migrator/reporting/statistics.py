"""``--statistics``: how many findings of each rule, with the deadline, for the CI log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TextIO

from migrator.catalog import parse_utc
from migrator.reporting import Report, summary_line
from migrator.verdicts import relative_to


@dataclass(frozen=True)
class RuleCount:
    code: str
    name: str
    count: int
    fixable: int  # findings with a safe fix
    deadlines: tuple[str, ...]


def rule_counts(report: Report) -> list[RuleCount]:
    from migrator.rules import RULE_MODULES, rule_info

    counts = []
    for code, count in report.by_code().items():
        findings = [f for f in report.findings if f.code == code]
        name = rule_info(code).name if code in RULE_MODULES else ""
        safe = sum(1 for f in findings if f.fix is not None and f.fix.applicability == "safe")
        deadlines = tuple(sorted({f.deadline for f in findings if f.deadline}))
        counts.append(RuleCount(code, name, count, safe, deadlines))
    counts.sort(key=lambda row: (-row.count, row.code))
    return counts


def render_statistics(report: Report, out: TextIO, output_format: str = "concise") -> None:
    rows = rule_counts(report)
    if output_format == "json":
        json.dump(statistics_object(report, rows), out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    width = max((len(str(row.count)) for row in rows), default=1)
    name_width = max((len(row.name) for row in rows), default=0)
    for row in rows:
        fixable = "[*]" if row.fixable else "   "
        line = f"{row.count:>{width}}  {row.code}  {fixable} {row.name:<{name_width}}"
        if row.deadlines:
            line += "  deadline " + ", ".join(deadline_text(report, d) for d in row.deadlines)
        out.write(line.rstrip() + "\n")
    out.write(summary_line(report) + "\n")


def deadline_text(report: Report, deadline: str) -> str:
    moment = parse_utc(deadline, "deadline")
    when = relative_to(report.today, moment)
    return f"{deadline} (passed {when})" if report.today >= moment else f"{deadline} ({when})"


def statistics_object(report: Report, rows: list[RuleCount]) -> dict[str, Any]:
    return {
        "tool": "deepseek-migrate",
        "version": report.version,
        "today": report.today_text,
        "files_scanned": report.files_scanned,
        "findings": len(report.findings),
        "rules": [
            {"code": row.code, "name": row.name, "count": row.count, "fixable": row.fixable,
             "deadlines": list(row.deadlines)}
            for row in rows
        ],
    }
