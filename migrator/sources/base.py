"""What a file reader hands the engine."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from migrator.findings import Finding, TextEdit

Render = Callable[[Sequence[TextEdit]], bytes]


@dataclass
class Document:
    """A file as read: the text of each part, its findings, and how to write it back.

    ``texts`` maps ``None`` to the whole decoded file, or a 0-based notebook cell
    index to that cell's source. ``render`` turns text edits into the new file
    bytes; ``None`` means the file must never be rewritten (a parse error).
    """

    findings: list[Finding] = field(default_factory=list)
    texts: dict[int | None, str] = field(default_factory=dict)
    render: Render | None = None
    reparse: Callable[[bytes], bool] | None = None  # does rewritten output still parse?
    # Whether ``texts`` are Python whose syntax tree a fix must keep outside its edits. A config
    # file is not: `KEY=deepseek-chat` happens to parse as Python, as a subtraction.
    python_texts: bool = True


@dataclass(frozen=True)
class ReadRequest:
    path: str  # display path
    codes: frozenset[str]
    kind: str = "python"  # the candidate's kind: readers serving several kinds dispatch on it
    # A record (cassette, log, lock file…) not named on the command line: reported at info
    # severity and never rewritten (see :func:`as_record`).
    record: bool = False


RECORD_REASON = "a record (cassette, log, lock file, history): name the file to rewrite it"


def as_record(document: Document) -> Document:
    """A record's findings are information only, and ``fix`` must leave the file alone."""
    from dataclasses import replace

    from migrator.findings import Severity

    document.findings = [
        finding if finding.code == "DSM900" else replace(
            finding, severity=Severity.INFO, fix=None,
            unfixable_reason=RECORD_REASON if finding.fix is not None else finding.unfixable_reason,
        )
        for finding in document.findings
    ]
    document.render = None
    document.reparse = None
    return document
