"""``deepseek-migrate fix``: collect fixes, apply, verify, write atomically (or diff), re-check.

Per file (in a worker): read the bytes, analyse, keep the safe fixes (and the
unsafe ones with ``--unsafe-fixes``), drop fixes that overlap an earlier one
(ordered by position, so the choice is deterministic), render the new bytes,
verify them (they parse, and their syntax tree equals the old one except at
the edited nodes), then write atomically, or return a unified diff. The new
source is analysed again: what remains is reported, with why it was not fixed.
"""

from __future__ import annotations

import ast
import difflib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from migrator.engine import FileOutcome, Plan, analyse_bytes, run_files, unreadable
from migrator.findings import Finding, Fix, TextEdit

if TYPE_CHECKING:
    from migrator.cli import Invocation
    from migrator.discovery import Candidate
    from migrator.sources.base import Document

PLACEHOLDER = "\0edited"


@dataclass(frozen=True)
class FixPlan(Plan):
    """The run settings plus what `fix` should do with the result."""

    diff: bool = False


@dataclass
class FixOutcome(FileOutcome):
    applied: int = 0
    changed: bool = False
    diff: bytes = b""
    fixed: bytes | None = None  # the new bytes, for standard input
    problem: str | None = None  # why this file's fixes were not written


# -- choosing and applying edits ----------------------------------------------------------------


def wanted(finding: Finding, unsafe: bool) -> bool:
    fix = finding.fix
    return fix is not None and bool(fix.edits) and (fix.applicability == "safe" or unsafe)


def _overlap(a: TextEdit, b: TextEdit) -> bool:
    if a.cell != b.cell or a == b:
        return False
    if a.start == a.end == b.start == b.end:
        return True
    return a.start < b.end and b.start < a.end


def select_fixes(findings: Sequence[Finding], unsafe: bool) -> list[Fix]:
    """Fixes to apply, first by position; a fix overlapping an accepted one is dropped whole."""
    candidates = [f.fix for f in findings if wanted(f, unsafe) and f.fix is not None]
    candidates.sort(key=lambda fix: (min((e.cell or 0, e.start) for e in fix.edits), fix.description))
    accepted: list[Fix] = []
    taken: list[TextEdit] = []
    for fix in candidates:
        if any(_overlap(edit, other) for edit in fix.edits for other in taken):
            continue
        accepted.append(fix)
        taken.extend(fix.edits)
    return accepted


def unique_edits(fixes: Sequence[Fix]) -> list[TextEdit]:
    return sorted({edit for fix in fixes for edit in fix.edits})


# -- verification --------------------------------------------------------------------------------


def verify(document: Document, new: bytes, edits: Sequence[TextEdit]) -> str | None:
    """None when the rewrite is sound, else why not."""
    if document.reparse is not None and not document.reparse(new):
        return "the fixed source would not parse"
    if not document.python_texts:  # its reparse compared the structure already
        return None
    from migrator.sources.text import apply_edits

    by_cell: dict[int | None, list[TextEdit]] = {}
    for edit in edits:
        by_cell.setdefault(edit.cell, []).append(edit)
    for cell, cell_edits in by_cell.items():
        old_text = document.texts.get(cell)
        if old_text is None:
            continue
        if not same_tree_outside(old_text, apply_edits(old_text, cell_edits), cell_edits):
            return "the fixed source would differ from the original beyond the fixed nodes"
    return None


def same_tree_outside(old: str, new: str, edits: Sequence[TextEdit]) -> bool:
    """Do ``old`` and ``new`` have the same Python syntax tree outside the edited nodes?

    Strings touched by an edit become a placeholder on both sides; arguments and
    dict entries that lie wholly inside inserted text are dropped from the new
    tree. Text that is not Python (a config file) is not compared here.
    """
    try:
        old_tree = ast.parse(old)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True
    try:
        new_tree = ast.parse(new)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    old_ranges = [(e.start, e.end) for e in edits]
    new_ranges: list[tuple[int, int]] = []
    delta = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        start = edit.start + delta
        new_ranges.append((start, start + len(edit.text)))
        delta += len(edit.text) - (edit.end - edit.start)
    try:
        old_dump = ast.dump(_Normaliser(old, old_ranges, drop=False).visit(old_tree))
        new_dump = ast.dump(_Normaliser(new, new_ranges, drop=True).visit(new_tree))
    except RecursionError:
        return False
    return old_dump == new_dump


class _Normaliser(ast.NodeTransformer):
    def __init__(self, text: str, ranges: list[tuple[int, int]], drop: bool) -> None:
        from migrator.sources.text import LineIndex

        self.ranges = ranges
        self.drop = drop
        self.text = text
        # The parser's line breaks (\r\n, \r, \n), not str.splitlines' (\f, \x1c, \u2028, …).
        self.line_starts = LineIndex(text).starts

    def _offset(self, line: int, column: int) -> int:
        """The character offset of ast's (line, UTF-8 byte column)."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        encoded = self.text[start:end].encode("utf-8", errors="surrogatepass")
        return start + len(encoded[:column].decode("utf-8", errors="ignore"))

    def _span(self, node: ast.AST) -> tuple[int, int] | None:
        end_line = getattr(node, "end_lineno", None)
        if end_line is None or not hasattr(node, "lineno"):
            return None
        return (self._offset(node.lineno, node.col_offset),  # type: ignore[attr-defined]
                self._offset(end_line, node.end_col_offset))  # type: ignore[attr-defined]

    def _touched(self, node: ast.AST) -> bool:
        span = self._span(node)
        return span is not None and any(s < span[1] and span[0] < e for s, e in self.ranges)

    def _inserted(self, node: ast.AST) -> bool:
        span = self._span(node)
        return self.drop and span is not None and any(
            s <= span[0] and span[1] <= e and s < e for s, e in self.ranges)

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, (str, bytes)) and self._touched(node):
            return ast.Constant(PLACEHOLDER)
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        if self._touched(node) and all(isinstance(v, ast.Constant) for v in node.values):
            return ast.Constant(PLACEHOLDER)
        return self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        node.keywords = [k for k in node.keywords if not (k.arg is not None and self._inserted(k))]
        return self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> ast.AST:
        pairs = [(k, v) for k, v in zip(node.keys, node.values, strict=True)
                 if not (k is not None and self._inserted(k) and self._inserted(v))]
        node.keys = [k for k, _ in pairs]
        node.values = [v for _, v in pairs]
        return self.generic_visit(node)


# -- one file --------------------------------------------------------------------------------------


def fix_bytes(candidate: Candidate, data: bytes, plan: FixPlan) -> tuple[FixOutcome, bytes]:
    """Analyse, fix and verify one file's bytes in memory; returns the outcome and new bytes."""
    outcome, document = analyse_bytes(candidate, data, plan)
    result = FixOutcome(outcome.display, outcome.findings, outcome.texts, parsed=True)
    render = getattr(document, "render", None)
    fixes = select_fixes(outcome.findings, plan.unsafe_fixes)
    if render is None or not fixes:
        return result, data
    edits = unique_edits(fixes)
    try:
        new = render(edits)
    except (ValueError, UnicodeEncodeError) as error:
        result.problem = f"fixes not applied: {error}"
        return result, data
    problem = verify(document, new, edits)  # type: ignore[arg-type]
    if problem is not None:
        result.problem = f"fixes not applied: {problem}"
        return result, data
    if new == data:
        return result, data
    after, _ = analyse_bytes(candidate, new, plan)
    result.findings = after.findings
    result.texts = after.texts
    result.applied = len(fixes)
    result.changed = True
    return result, new


def fix_file(candidate: Candidate, plan: FixPlan, stdin_data: bytes | None = None) -> FixOutcome:
    from migrator.fileio import Snapshot, WriteRefused, atomic_write, check_writable

    try:
        snapshot = Snapshot(stdin_data, 0, 0) if stdin_data is not None else Snapshot.read(candidate.path)
    except OSError as error:
        base = unreadable(candidate, error, plan)
        return FixOutcome(base.display, base.findings)
    result, new = fix_bytes(candidate, snapshot.data, plan)
    if not result.changed:
        if stdin_data is not None:
            result.fixed = snapshot.data
        return result
    if stdin_data is not None:
        result.fixed = new
        return result
    try:
        if plan.diff:  # what `fix` would refuse to write is not a change `--diff` may promise
            check_writable(candidate.path, snapshot)
            result.diff = unified_diff(candidate.display, snapshot.data, new)
        else:
            atomic_write(candidate.path, new, snapshot)
    except (WriteRefused, OSError) as error:
        return _not_written(candidate, snapshot.data, plan, str(error))
    return result


def _not_written(candidate: Candidate, data: bytes, plan: FixPlan, reason: str) -> FixOutcome:
    before, _ = analyse_bytes(candidate, data, plan)
    return FixOutcome(before.display, before.findings, before.texts, parsed=True,
                      problem=f"not written: {reason}")


def fix_chunk(chunk: Sequence[Candidate], plan: Plan) -> list[FileOutcome]:
    assert isinstance(plan, FixPlan)
    return [fix_file(candidate, plan) for candidate in chunk]


def unified_diff(display: str, old: bytes, new: bytes) -> bytes:
    """A ``git apply``-able diff of the raw bytes (line endings and encoding untouched).

    Lines are split where git splits them, after ``\n`` only: a CRLF line keeps its
    ``\r``, and a file with CR-only line endings is a single line to git, so its diff
    replaces that one line (``git apply`` still gives exactly what ``fix`` writes).
    """
    path = display.encode("utf-8", errors="surrogateescape")
    lines = difflib.diff_bytes(
        difflib.unified_diff, _git_lines(old), _git_lines(new),
        fromfile=b"a/" + path, tofile=b"b/" + path, lineterm=b"\n",
    )
    out: list[bytes] = []
    for line in lines:
        out.append(line)
        if not line.endswith(b"\n"):
            out.append(b"\n\\ No newline at end of file\n")
    return b"".join(out)


def _git_lines(data: bytes) -> list[bytes]:
    lines = data.split(b"\n")
    last = lines.pop()
    return [line + b"\n" for line in lines] + ([last] if last else [])


# -- the command ------------------------------------------------------------------------------------


@dataclass
class FixTotals:
    applied: int = 0
    files_changed: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)


def run_fix(invocation: Invocation) -> int:
    from dataclasses import fields

    from migrator.checking import build_report, emit
    from migrator.cli import EXIT_FINDINGS, EXIT_OK, candidates, exit_code, stdin_candidate
    from migrator.progress import progress_reporter
    from migrator.reporting import MACHINE_FORMATS

    diff = bool(invocation.options.get("diff"))
    settings = {f.name: getattr(invocation.plan, f.name) for f in fields(invocation.plan)}
    plan = FixPlan(**settings, diff=diff)
    outcomes: list[FileOutcome] = []
    use_stdin = "-" in invocation.paths
    if use_stdin:
        candidate = stdin_candidate(invocation)
        data = sys.stdin.buffer.read()
        if candidate is None:
            sys.stdout.buffer.write(data)
        else:
            outcome = fix_file(candidate, plan, data)
            outcomes.append(outcome)
            if diff:
                outcome.diff = unified_diff(candidate.display, data, outcome.fixed or data) \
                    if outcome.changed else b""
            else:
                sys.stdout.buffer.write(outcome.fixed if outcome.fixed is not None else data)
    files = list(candidates(invocation))
    with progress_reporter(len(files), invocation.progress_allowed) as advance:
        outcomes.extend(run_files(files, plan, worker=fix_chunk, workers=invocation.workers,
                                  on_progress=advance))
    totals = FixTotals()
    for done in outcomes:
        if isinstance(done, FixOutcome):
            totals.applied += done.applied
            totals.files_changed += done.changed
            if done.problem:
                totals.problems.append((done.display, done.problem))
            if diff and done.diff:
                sys.stdout.buffer.write(done.diff)
    sys.stdout.flush()
    report = build_report(invocation, outcomes)
    to_stderr = diff or use_stdin or invocation.output_format in MACHINE_FORMATS
    if not diff and not use_stdin:  # `fix -`: standard output carries the fixed source only
        emit(invocation, report)
    write_summary(sys.stderr if to_stderr else sys.stdout, totals, report.findings, plan, diff)
    if diff:
        return EXIT_FINDINGS if totals.files_changed and not invocation.options.get("exit_zero") \
            else EXIT_OK
    return exit_code(report.findings, invocation)


def why_left(finding: Finding, unsafe: bool, file_problem: str | None = None) -> str:
    if finding.fix is not None and finding.fix.applicability == "unsafe" and not unsafe:
        return "unsafe fix available: rerun with --unsafe-fixes" + (
            f" ({finding.unfixable_reason})" if finding.unfixable_reason else "")
    if finding.fix is not None and file_problem is not None:
        return f"fix not applied ({file_problem})"
    if finding.fix is not None:
        return "fix not applied (it overlaps another fix); rerun `fix`"
    if finding.unfixable_reason:
        return f"no fix: {finding.unfixable_reason}"
    return "no automatic fix: change it by hand"


def write_summary(out: TextIO, totals: FixTotals, left: Sequence[Finding], plan: FixPlan,
                  diff: bool) -> None:
    from migrator.reporting import location_text, plural

    files = plural(totals.files_changed, "file")
    if diff:
        out.write(f"Would fix {plural(totals.applied, 'finding')}; {files} would change.\n")
    else:
        out.write(f"Fixed {plural(totals.applied, 'finding')}; {files} changed.\n")
    for display, problem in totals.problems:
        out.write(f"{display}: {problem}\n")
    if diff:
        return
    if left:
        out.write(f"{plural(len(left), 'finding')} left:\n")
        problems = dict(totals.problems)
        for finding in left:
            why = why_left(finding, plan.unsafe_fixes, problems.get(finding.path))
            out.write(f"  {location_text(finding)}: {finding.code} {why}\n")
    else:
        out.write("No findings left.\n")
