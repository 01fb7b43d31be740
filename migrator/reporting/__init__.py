"""Report formats: one module per format, all fed the same :class:`Report`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from importlib import import_module
from typing import TYPE_CHECKING, TextIO

from migrator import __version__
from migrator.catalog import format_utc, parse_utc
from migrator.findings import Finding, FollowUp, Severity, cell_index

if TYPE_CHECKING:
    from migrator.lines import LineIndex

# The output formats: name -> module with ``render(report, out, color)``. Adding a format is
# its module plus one entry here (and in MACHINE_FORMATS when a program reads it); the
# command line's --output-format choice is this table.
FORMATS: dict[str, str] = {
    "full": "migrator.reporting.full",
    "concise": "migrator.reporting.concise",
    "json": "migrator.reporting.json_format",
    "sarif": "migrator.reporting.sarif",
    "github": "migrator.reporting.github",
    "gitlab": "migrator.reporting.gitlab",
    "junit": "migrator.reporting.junit",
}
# Formats read by programs: nothing else may be written to standard output with them.
MACHINE_FORMATS = frozenset({"json", "sarif", "github", "gitlab", "junit"})


@dataclass
class Report:
    findings: list[Finding]
    files_scanned: int
    today: datetime
    texts: dict[str, dict[int | None, str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)  # every file scanned, for per-file formats
    # What applied unsafe fixes left to do by hand; None for `check`, which applies nothing.
    follow_ups: list[FollowUp] | None = None
    # Why `fix` left each finding, shown with it by the formats people read.
    reasons: dict[Finding, str] = field(default_factory=dict)
    fail_on: Severity = Severity.WARNING  # findings below it do not fail the run (JUnit cases)
    version: str = __version__
    _line_indexes: dict[tuple[str, int | None], LineIndex | None] = field(
        default_factory=dict, repr=False)

    @property
    def today_text(self) -> str:
        return format_utc(self.today)

    def by_code(self) -> dict[str, int]:
        return dict(sorted(Counter(f.code for f in self.findings).items()))

    def by_severity(self) -> dict[Severity, int]:
        counts = Counter(f.severity for f in self.findings)
        return {severity: counts[severity] for severity in reversed(Severity) if counts[severity]}

    def source_line(self, finding: Finding, line: int) -> str | None:
        cell = cell_index(finding.span.cell)
        index = self.line_index(finding.path, cell)
        if index is None:
            return None
        return index.line_text(line) if 1 <= line <= len(index.starts) else None

    def line_index(self, path: str, cell: int | None) -> LineIndex | None:
        """The line table of one document, built once per report (findings share it)."""
        from migrator.lines import LineIndex

        key = (path, cell)
        if key not in self._line_indexes:
            text = self.texts.get(path, {}).get(cell)
            self._line_indexes[key] = None if text is None else LineIndex(text)
        return self._line_indexes[key]


def render(format_name: str, report: Report, out: TextIO, *, color: bool = False) -> None:
    module = import_module(FORMATS[format_name])
    module.render(report, out, color=color)


def location_text(finding: Finding) -> str:
    span = finding.span
    cell = f"cell {span.cell}:" if span.cell is not None else ""
    return f"{finding.path}:{cell}{span.line}:{span.column}"


def follow_up_location(follow_up: FollowUp) -> str:
    span = follow_up.span
    cell = f"cell {span.cell}:" if span.cell is not None else ""
    return f"{follow_up.path}:{cell}{span.line}:{span.column}"


def follow_up_text(follow_up: FollowUp) -> str:
    """``thinking must be disabled where `MODEL` is sent: app.py:3:9 (DSM001 deepseek-chat)``."""
    about = " ".join(part for part in (follow_up.code, follow_up.model) if part)
    return f"{follow_up.action}: {follow_up_location(follow_up)} ({about})"


def follow_up_lines(report: Report) -> list[str]:
    """The follow-ups for people, under a heading; nothing when there are none."""
    if not report.follow_ups:
        return []
    heading = f"{plural(len(report.follow_ups), 'follow-up')} left by unsafe fixes (do by hand):"
    return [heading] + [f"  {follow_up_text(f)}" for f in report.follow_ups]


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_line(report: Report) -> str:
    """One line for people: what was scanned, what was found, how late it is."""
    scanned = plural(report.files_scanned, "file")
    if not report.findings:
        return f"No findings in {scanned} scanned."
    severities = ", ".join(
        plural(count, severity.value) for severity, count in report.by_severity().items()
    )
    text = f"Found {plural(len(report.findings), 'finding')} ({severities}) in {scanned} scanned."
    return text + deadline_note(report)


def deadline_note(report: Report) -> str:
    from migrator.verdicts import human_moment, relative_to

    deadlines = sorted({f.deadline for f in report.findings if f.deadline and f.code == "DSM001"})
    notes = []
    for deadline in deadlines:
        moment = parse_utc(deadline, "deadline")
        models = sorted({f.model for f in report.findings if f.deadline == deadline and f.model})
        passed = report.today >= moment
        verb = ("was" if len(models) == 1 else "were") if passed else ("retires" if len(models) == 1
                                                                         else "retire")
        action = f"{verb} retired on" if passed else f"{verb} on"
        notes.append(f" {', '.join(models)} {action} {human_moment(moment)}, "
                     f"{relative_to(report.today, moment)}.")
    return "".join(notes)
