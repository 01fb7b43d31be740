"""Fixes that span files: planned on every file they touch, verified together, written all or nothing.

A flow-aware fix renames an ID in one module and writes the thinking switch in
another. Workers write only the fixes that stay in their own file; the others come
here, in the main process, after the workers are done: each origin file is analysed
again on what is now on disk (so the offsets are those of the current text), the
edits are grouped by file, every file is rendered and verified (it parses, its syntax
tree equals the old one outside the edits), a file that fails drops the fixes that
touch it, and the rest is written atomically file by file. If a write fails, the
files already written get their old bytes back: a crash of the tool never leaves
half of a multi-file fix.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from migrator.findings import Fix, FollowUp, TextEdit

if TYPE_CHECKING:
    from migrator.discovery import Candidate
    from migrator.engine import FileOutcome, Plan

MAX_ROUNDS = 8  # dropping a fix that fails verification may let the others through


@dataclass
class FileChange:
    real: str
    display: str
    old: bytes
    new: bytes


@dataclass
class Transaction:
    changes: list[FileChange] = field(default_factory=list)
    applied: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)


def plan_transaction(origins: Sequence[Candidate], plan: Plan) -> Transaction:
    """What the cross-file fixes of ``origins`` change, verified, not yet written."""
    from migrator.engine import analyse_bytes, read_whole
    from migrator.rewrite import select_fixes

    transaction = Transaction()
    fixes: list[tuple[str, Fix]] = []  # (origin real path, fix)
    follow_ups: dict[int, FollowUp] = {}  # by id of the fix
    displays: dict[str, str] = {}
    for candidate in origins:
        real = os.path.realpath(candidate.path)
        displays[real] = candidate.display
        try:
            data = read_whole(candidate.path)
        except OSError as error:
            transaction.problems.append((candidate.display, f"not written: {error.strerror}"))
            continue
        outcome, _ = analyse_bytes(candidate, data, plan)
        for fix in select_fixes(outcome.findings, plan.unsafe_fixes):
            fixes.append((real, fix))
        for finding in outcome.findings:
            follow_up = FollowUp.of(finding)
            if follow_up is not None and finding.fix is not None:
                follow_ups[id(finding.fix)] = follow_up
    for _ in range(MAX_ROUNDS):
        changes, failed = _render_all(fixes, displays)
        if not failed:
            transaction.changes = changes
            transaction.applied = sum(1 for _, fix in fixes if fix.spans_files)
            transaction.follow_ups = [follow_ups[id(fix)] for _, fix in fixes
                                      if fix.spans_files and id(fix) in follow_ups]
            return transaction
        for path, why in failed.items():
            transaction.problems.append((displays.get(path, _display(path)), f"fixes not applied: {why}"))
        fixes = [(origin, fix) for origin, fix in fixes if not (_touched(origin, fix) & set(failed))]
    return transaction


def _render_all(fixes: Sequence[tuple[str, Fix]],
                displays: dict[str, str]) -> tuple[list[FileChange], dict[str, str]]:
    by_file: dict[str, set[TextEdit]] = {}
    for origin, fix in fixes:
        for edit in fix.edits:
            target = edit.path or origin
            by_file.setdefault(target, set()).add(_local(edit))
    failed: dict[str, str] = {}
    expected = {path: digest for _, fix in fixes for path, digest in fix.inputs}
    changes: list[FileChange] = []
    for path, edits in sorted(by_file.items()):
        try:
            with open(path, "rb") as handle:
                old = handle.read()
        except OSError as error:
            failed[path] = f"cannot read: {error.strerror}"
            continue
        if path in expected and hashlib.sha256(old).hexdigest() != expected[path]:
            failed[path] = "the file changed since it was analysed; rerun `fix`"
            continue
        ordered = sorted(edits)
        if _overlapping(ordered):
            failed[path] = "two fixes edit the same place"
            continue
        new = _rendered(path, old, ordered)
        if isinstance(new, str):
            failed[path] = new
        elif new != old:
            changes.append(FileChange(path, displays.get(path, _display(path)), old, new))
    return changes, failed


def _rendered(path: str, old: bytes, edits: Sequence[TextEdit]) -> bytes | str:
    """The file's new bytes, verified as ``fix`` verifies one file; a string says why not."""
    from migrator.decoding import DecodeError, decode_python_source
    from migrator.discovery import kind_of
    from migrator.rewrite import same_tree_outside
    from migrator.sources.python import parses_bytes

    kind = kind_of(path) or "python"
    if kind in ("notebook", "markdown", "text"):
        return f"a fix spanning files is not written into a {kind} file"
    if kind != "python":  # a `.env` value the fix renames with the code that reads it
        from migrator.sources.configfiles import rewrite

        try:
            return rewrite(kind, old, edits)
        except (DecodeError, ValueError, UnicodeEncodeError) as error:
            return str(error)
    try:
        decoded = decode_python_source(old)
        new = decoded.render(edits)
    except (DecodeError, ValueError, UnicodeEncodeError) as error:
        return str(error)
    if not parses_bytes(new):
        return "the fixed source would not parse"
    if not same_tree_outside(decoded.text, decode_python_source(new).text, edits):
        return "the fixed source would differ from the original beyond the fixed nodes"
    return new


def _local(edit: TextEdit) -> TextEdit:
    return TextEdit(edit.start, edit.end, edit.text, edit.cell)


def _overlapping(edits: Sequence[TextEdit]) -> bool:
    return any(a.end > b.start or (a.start == a.end == b.start == b.end)
               for a, b in itertools.pairwise(edits))


def _touched(origin: str, fix: Fix) -> set[str]:
    return {edit.path or origin for edit in fix.edits}


def _display(real: str) -> str:
    from migrator.project import display_path

    return display_path(real)


def write_all(transaction: Transaction) -> None:
    """Write every changed file atomically; on a failure, put back the ones already written."""
    from migrator.fileio import Snapshot, atomic_write

    written: list[FileChange] = []
    try:
        for change in transaction.changes:
            snapshot = Snapshot.read(Path(change.real))
            if snapshot.data != change.old:
                raise OSError(f"{change.display} changed on disk while it was being fixed")
            atomic_write(Path(change.real), change.new, snapshot)
            written.append(change)
    except BaseException:
        for change in reversed(written):
            with contextlib.suppress(OSError):
                atomic_write(Path(change.real), change.old)
        raise


def refreshed_outcomes(transaction: Transaction, candidates: Sequence[Candidate],
                       plan: Plan) -> dict[str, FileOutcome]:
    """The findings left in each changed file, by display path, analysed on its new bytes."""
    from migrator.engine import analyse_bytes

    by_real = {os.path.realpath(c.path): c for c in candidates}
    refreshed: dict[str, FileOutcome] = {}
    for change in transaction.changes:
        candidate = by_real.get(change.real)
        if candidate is None:
            continue
        outcome, _ = analyse_bytes(candidate, change.new, plan)
        refreshed[candidate.display] = outcome
    return refreshed
