"""``deepseek-migrate fix``: collect fixes, apply, verify, write atomically (or diff), re-check.

Per file (in a worker): read the bytes, analyse, keep the safe fixes (and the
unsafe ones with ``--unsafe-fixes``), drop fixes that overlap an earlier one
(ordered by position, so the choice is deterministic), render the new bytes,
verify them (they parse, and their syntax tree equals the old one except at
the edited nodes), then write atomically, or return a unified diff. The new
source is analysed again: what remains is reported, with why it was not fixed.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from migrator.engine import FileOutcome, Plan, analyse_bytes, prefiltered, run_files, unreadable
from migrator.findings import Finding, Fix, FollowUp
from migrator.parsing import collection_paused
from migrator.rewrite import select_fixes, unique_edits, verify, wanted

if TYPE_CHECKING:
    from migrator.checking import Run
    from migrator.discovery import Candidate
    from migrator.reporting import Report

MAX_ROUNDS = 10  # fix, re-analyse, fix again: a bound in case two fixes ever keep trading places
# Files this process has written in this run, for the message of an interrupted `fix`.
WRITTEN: list[str] = []
HELD_CODE = "DSM102"  # its fix disables thinking, which a reasoner migration keeps on


@dataclass(frozen=True)
class FixRun(Plan):
    """The run settings plus what `fix` should do with the result."""

    diff: bool = False


@dataclass
class FixOutcome(FileOutcome):
    applied: int = 0
    changed: bool = False
    diff: bytes = b""
    fixed: bytes | None = None  # the new bytes, for standard input
    problem: str | None = None  # why this file's fixes were not written
    follow_ups: list[FollowUp] = field(default_factory=list)  # left by the unsafe fixes applied
    held: set[tuple[str, int, int, int, str]] = field(default_factory=set)  # see held_back()


# -- one file --------------------------------------------------------------------------------------


def fix_bytes(candidate: Candidate, data: bytes, plan: FixRun) -> tuple[FixOutcome, bytes]:
    """Analyse, fix and verify one file's bytes in memory until no fix applies (a fixed point).

    A fix may bring another to light (a rename, then the request it reaches), so each round
    fixes what the analysis of the previous round's text offers, as ruff does, up to
    ``MAX_ROUNDS``. Each round is verified against its own input; a round that fails
    verification is dropped and what the earlier rounds wrote stays.
    """
    with collection_paused():
        return _fix_rounds(candidate, data, plan)


def _fix_rounds(candidate: Candidate, data: bytes, plan: FixRun) -> tuple[FixOutcome, bytes]:
    outcome, document = analyse_bytes(candidate, data, plan)
    result = FixOutcome(outcome.display, outcome.findings, outcome.texts, parsed=True)
    current = data
    kept_on = False  # a retired thinking ID was migrated with thinking kept on in this run
    for _ in range(MAX_ROUNDS):
        held = held_back(outcome.findings, kept_on)
        result.held = {f.sort_key for f in held}
        # A fix that spans files is written by the main process, all its files together.
        fixes = [f for f in select_fixes([f for f in outcome.findings if f not in held], plan.unsafe_fixes)
                 if not f.spans_files]
        render = getattr(document, "render", None)
        if render is None or not fixes:
            break
        new, problem = _render_round(document, render, fixes)
        if problem is not None:
            result.problem = f"fixes not applied: {problem}"
            break
        if new == current:
            break
        kept_on = kept_on or keeps_thinking_on(outcome.findings, fixes, plan)
        result.follow_ups.extend(follow_ups_of(outcome.findings, fixes))
        result.applied += len(fixes)
        outcome, document = analyse_bytes(candidate, new, plan)
        current = new
    result.changed = current != data
    if result.changed:
        result.findings = outcome.findings
        result.texts = outcome.texts
    return result, current


def _render_round(document: object, render: Any, fixes: Sequence[Fix]) -> tuple[bytes, str | None]:
    """The new bytes of one round, or why they may not be written."""
    edits = unique_edits(fixes)
    try:
        new: bytes = render(edits)
    except (ValueError, UnicodeEncodeError) as error:
        return b"", str(error)
    return new, verify(document, new, edits)  # type: ignore[arg-type]


def keeps_thinking_on(findings: Sequence[Finding], applied: Sequence[Fix], plan: FixRun) -> bool:
    """Did one of ``applied`` migrate an ID whose successor keeps thinking on (`deepseek-reasoner`)?"""
    from migrator.engine import catalog_for

    models = catalog_for(plan.catalog_path).models
    chosen = {id(fix) for fix in applied}
    return any(f.fix is not None and id(f.fix) in chosen and f.model in models and
               models[f.model].successor_thinking == "enabled" for f in findings)


def held_back(findings: Sequence[Finding], kept_on: bool) -> list[Finding]:
    """Fixes one run must not apply: DSM102 disabling thinking in a file where this run has
    just migrated `deepseek-reasoner` keeping it on (the request may be that very one)."""
    if not kept_on:
        return []
    return [f for f in findings if f.code == HELD_CODE and f.fix is not None]


def follow_ups_of(findings: Sequence[Finding], applied: Sequence[Fix]) -> list[FollowUp]:
    """What the applied fixes left to do by hand, at the findings they fixed."""
    chosen = {id(fix) for fix in applied}
    found = (FollowUp.of(f) for f in findings if f.fix is not None and id(f.fix) in chosen)
    return [follow_up for follow_up in found if follow_up is not None]


def fix_file(candidate: Candidate, plan: FixRun, stdin_data: bytes | None = None) -> FixOutcome:
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
            WRITTEN.append(candidate.display)
    except (WriteRefused, OSError) as error:
        return _not_written(candidate, snapshot.data, plan, str(error))
    return result


def _not_written(candidate: Candidate, data: bytes, plan: FixRun, reason: str) -> FixOutcome:
    before, _ = analyse_bytes(candidate, data, plan)
    return FixOutcome(before.display, before.findings, before.texts, parsed=True,
                      problem=f"not written: {reason}")


def fix_chunk(chunk: Sequence[Candidate], plan: Plan) -> list[FileOutcome]:
    assert isinstance(plan, FixRun)
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
    follow_ups: list[FollowUp] = field(default_factory=list)
    held: set[tuple[str, int, int, int, str]] = field(default_factory=set)


@dataclass
class FixResult:
    """What a ``fix`` run did (for the exit code) and the findings left."""

    report: Report
    totals: FixTotals


def run_fix(run: Run, diff: bool) -> FixResult:
    from dataclasses import fields

    from migrator.checking import build_report, emit
    from migrator.progress import progress_reporter
    from migrator.reporting import MACHINE_FORMATS

    WRITTEN.clear()
    settings = {f.name: getattr(run.plan, f.name) for f in fields(run.plan)}
    plan = FixRun(**settings, diff=diff)
    outcomes: list[FileOutcome] = []
    use_stdin = run.reads_stdin
    if use_stdin:
        candidate = run.stdin_candidate()
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
    label = "checking" if diff else "fixing"
    try:
        found = prefiltered(run.candidates(), plan, run.workers)
        files = found.items
        with progress_reporter(len(files), run.progress_allowed, label) as advance:
            for done_file in run_files(found, plan, worker=fix_chunk, workers=run.workers,
                                       on_progress=advance):
                outcomes.append(done_file)
    except KeyboardInterrupt:
        if not diff:
            report_interrupted(outcomes)
        raise
    outcomes = _apply_cross_file_fixes(files, outcomes, plan)
    totals = FixTotals()
    for done in outcomes:
        if isinstance(done, FixOutcome):
            totals.applied += done.applied
            totals.files_changed += done.changed
            if not diff:  # `--diff` applies nothing, so it leaves nothing to do
                totals.follow_ups.extend(done.follow_ups)
            totals.held |= done.held
            if done.problem:
                totals.problems.append((done.display, done.problem))
            if diff and done.diff:
                sys.stdout.buffer.write(done.diff)
    sys.stdout.flush()
    report = build_report(run, outcomes)
    report.follow_ups = totals.follow_ups
    problems = dict(totals.problems)
    report.reasons = {f: why_left(f, plan.unsafe_fixes, problems.get(f.path), f.sort_key in totals.held)
                      for f in report.findings}
    to_stderr = diff or use_stdin or run.output_format in MACHINE_FORMATS
    on_stdout = None
    if not diff and not use_stdin:  # `fix -`: standard output carries the fixed source only
        on_stdout = emit(run, report)
    elif diff and run.statistics:  # stdout carries the diff
        from migrator.reporting.statistics import render_statistics

        render_statistics(report, sys.stderr)
    listed = on_stdout in ("full", "concise") and not run.statistics
    write_summary(sys.stderr if to_stderr else sys.stdout, totals, report.findings, plan, diff,
                  follow_ups_listed=listed, findings_listed=listed)
    return FixResult(report, totals)


def _apply_cross_file_fixes(files: Sequence[Candidate], outcomes: list[FileOutcome],
                            plan: FixRun) -> list[FileOutcome]:
    """Plan, verify and write (or diff) the fixes that span files, after the workers."""
    import os

    from migrator.transaction import plan_transaction, refreshed_outcomes, write_all

    targets: set[str] = set()
    origins: set[str] = set()
    for outcome in outcomes:
        for finding in outcome.findings:
            fix = finding.fix
            if fix is not None and fix.spans_files and wanted(finding, plan.unsafe_fixes):
                origins.add(outcome.display)
                targets.update(edit.path for edit in fix.edits if edit.path is not None)
    if not origins:
        return outcomes
    involved = [c for c in files if c.display in origins or os.path.realpath(c.path) in targets]
    transaction = plan_transaction(involved, plan)
    if not plan.diff:
        write_all(transaction)
    refreshed = refreshed_outcomes(transaction, files, plan)
    changed = {change.display: change for change in transaction.changes}
    updated: list[FileOutcome] = []
    for outcome in outcomes:
        change = changed.pop(outcome.display, None)
        if change is None:
            updated.append(outcome)
            continue
        base = refreshed.get(outcome.display, outcome)
        done = FixOutcome(outcome.display, base.findings, base.texts, parsed=True)
        done.applied = (outcome.applied if isinstance(outcome, FixOutcome) and not plan.diff else 0)
        done.changed = True
        if plan.diff:
            done.diff = unified_diff(outcome.display, change.old, change.new)
        updated.append(done)
    for change in changed.values():  # a file the run did not list (it names no DeepSeek ID)
        extra = FixOutcome(change.display, changed=True)
        if plan.diff:
            extra.diff = unified_diff(change.display, change.old, change.new)
        updated.append(extra)
    if updated:
        first = next((o for o in updated if isinstance(o, FixOutcome)), None)
        if first is not None:
            first.applied += transaction.applied
            first.follow_ups.extend(transaction.follow_ups)
    for display, problem in transaction.problems:
        updated.append(FixOutcome(display, problem=problem))
    return updated


def report_interrupted(outcomes: Sequence[FileOutcome]) -> None:
    """Name the files an interrupted `fix` already rewrote (each whole: writes are atomic)."""
    written = sorted({*WRITTEN, *(o.display for o in outcomes
                                  if isinstance(o, FixOutcome) and o.changed and o.fixed is None)})
    if written:
        sys.stderr.write(f"deepseek-migrate: interrupted after writing {len(written)} "
                         f"file(s), each whole: {', '.join(written)}\n")
    else:
        sys.stderr.write("deepseek-migrate: interrupted before writing any file\n")


def why_left(finding: Finding, unsafe: bool, file_problem: str | None = None,
             held: bool = False) -> str:
    if held:
        return ("fix held back: this run migrated a `deepseek-reasoner` here keeping thinking on, "
                "and this fix would disable it; check by hand which mode the request needs")
    if finding.fix is not None and finding.fix.applicability == "unsafe" and not unsafe:
        return "unsafe fix available: rerun with --unsafe-fixes" + (
            f" ({finding.unfixable_reason})" if finding.unfixable_reason else "")
    if finding.fix is not None and file_problem is not None:
        return f"fix not applied ({file_problem})"
    if finding.fix is not None:
        return "fix not applied: it conflicts with another fix"
    if finding.unfixable_reason:
        return f"no fix: {finding.unfixable_reason}"
    return "no automatic fix: change it by hand"


def write_summary(out: TextIO, totals: FixTotals, left: Sequence[Finding], plan: FixRun,
                  diff: bool, follow_ups_listed: bool = False, findings_listed: bool = False) -> None:
    """What `fix` did and left; ``…_listed``: the report above already shows them (with why)."""
    from migrator.reporting import follow_up_text, location_text, plural

    files = plural(totals.files_changed, "file")
    if diff:
        out.write(f"Would fix {plural(totals.applied, 'finding')}; {files} would change.\n")
    else:
        out.write(f"Fixed {plural(totals.applied, 'finding')}; {files} changed.\n")
    for display, problem in totals.problems:
        out.write(f"{display}: {problem}\n")
    if totals.follow_ups and follow_ups_listed:
        out.write(f"{plural(len(totals.follow_ups), 'follow-up')} to do by hand (listed above).\n")
    elif totals.follow_ups:
        out.write(f"{plural(len(totals.follow_ups), 'follow-up')} left by unsafe fixes "
                  "(do by hand):\n")
        for follow_up in totals.follow_ups:
            out.write(f"  {follow_up_text(follow_up)}\n")
    if diff:
        out.write(f"{plural(len(left), 'finding')} would be left"
                  f"{' (run `check` after `fix` to see them)' if left else ''}.\n")
        return
    if left and findings_listed:
        out.write(f"{plural(len(left), 'finding')} left, each shown above with why.\n")
    elif left:
        out.write(f"{plural(len(left), 'finding')} left:\n")
        problems = dict(totals.problems)
        for finding in left:
            why = why_left(finding, plan.unsafe_fixes, problems.get(finding.path),
                           finding.sort_key in totals.held)
            out.write(f"  {location_text(finding)}: {finding.code} {why}\n")
    else:
        out.write("No findings left.\n")
