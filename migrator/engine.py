"""The flow: candidates -> prefilter -> read -> analyse (in workers when worth it) -> outcomes.

Everything a worker needs is in a picklable :class:`Plan`; a worker returns
findings (and, when fixing, what it did), never a syntax tree.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache, partial
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from migrator import warm
from migrator.catalog import Catalog, load_catalog
from migrator.discovery import Candidate
from migrator.findings import Finding
from migrator.kinds import READERS

if TYPE_CHECKING:
    from migrator.cache import ResultsCache
    from migrator.globs import PatternSet
    from migrator.sources.base import Document

# Below this many files that need parsing, a process pool costs more than it saves.
POOL_THRESHOLD = 16


@dataclass(frozen=True)
class Plan:
    """What every file is judged by; small and picklable."""

    codes: frozenset[str]
    today: datetime
    target: str
    catalog_path: Path | None = None
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    unsafe_fixes: bool = False
    prefilter: bool = True
    explicit_target: bool = False
    project_root: Path | None = None
    public_api: tuple[str, ...] = ()
    cache_dir: Path | None = None  # the results cache; None: neither read nor written


@dataclass
class FileOutcome:
    display: str
    findings: list[Finding] = field(default_factory=list)
    texts: dict[int | None, str] = field(default_factory=dict)  # kept only for files with findings
    parsed: bool = False  # needed a parse (the prefilter let it through)
    cached: bool = False  # read from the results cache instead of analysed


@lru_cache(maxsize=4)
def catalog_for(path: Path | None) -> Catalog:
    return load_catalog(path)


def read_bytes(candidate: Candidate, stdin_data: bytes | None = None) -> bytes:
    if stdin_data is not None:
        return stdin_data
    return read_whole(candidate.path)


def read_whole(path: str | Path) -> bytes:
    """The file's bytes with one ``read`` of its size: a third faster than a buffered
    ``open().read()`` for the small files trees are made of (it is most of a clean run)."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        size = os.fstat(descriptor).st_size
        data = os.read(descriptor, size + 1)
        if len(data) <= size:
            return data
        chunks = [data]  # the file grew since fstat
        while more := os.read(descriptor, 1 << 20):
            chunks.append(more)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def unreadable(candidate: Candidate, error: OSError, plan: Plan) -> FileOutcome:
    from migrator.rules.dsm900_parse_error import cannot_read

    finding = cannot_read(candidate.display, error)
    return FileOutcome(candidate.display, keep_selected(candidate.display, [finding], plan))


# UTF-16/32 byte-order marks (as ``decoding.wide_bom`` knows them, without importing
# that module's tokenize on the fast path): the triggers are not plain bytes there.
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def needs_analysis(data: bytes, catalog: Catalog) -> bool:
    """The prefilter: a plain bytes search; wide encodings must be decoded first."""
    return catalog.might_match(data) or data.startswith(_WIDE_BOMS) or b"\0" in data[:4]


def _read_by_the_project(document: Document, plan: Plan) -> bool:
    """Is a variable of this `.env` read by the project's Python code (found with ``ast``)?"""
    from migrator.envreads import read_by_the_project
    from migrator.project import project_at

    text = document.texts.get(None)
    if plan.project_root is None or text is None:
        return False
    index_dir = None if plan.cache_dir is None else os.fspath(plan.cache_dir)
    return read_by_the_project(text, project_at(os.fspath(plan.project_root), plan.public_api, index_dir))


def judgement_for(plan: Plan) -> object:
    from migrator.judgement import Judgement

    return Judgement(catalog_for(plan.catalog_path), plan.today, plan.target, plan.unsafe_fixes,
                     plan.explicit_target, plan.project_root, plan.public_api, plan.cache_dir)


# libcst needs about a minute and gigabytes of memory per few MB of source; files this
# large are generated data, reported (never rewritten) rather than parsed.
MAX_ANALYSED_BYTES = 8 * 1024 * 1024


def too_large(display: str, size: int) -> Document:
    from migrator.rules.dsm900_parse_error import too_large as too_large_finding
    from migrator.sources.base import Document

    return Document(findings=[too_large_finding(display, size, MAX_ANALYSED_BYTES)])


def analyse_bytes(candidate: Candidate, data: bytes, plan: Plan) -> tuple[FileOutcome, object]:
    """Read one file's bytes with its kind's reader; returns the outcome and the document."""
    from migrator.parsing import collection_paused

    with collection_paused():
        return _analyse_bytes(candidate, data, plan)


def _analyse_bytes(candidate: Candidate, data: bytes, plan: Plan) -> tuple[FileOutcome, object]:
    from migrator.sources.base import ReadRequest, as_record

    record = candidate.record and not candidate.explicit
    request = ReadRequest(candidate.display, plan.codes, candidate.kind, record)
    if len(data) > MAX_ANALYSED_BYTES:
        document = too_large(candidate.display, len(data))
    else:
        reader = import_module(READERS[candidate.kind])
        judgement = judgement_for(plan)
        document = reader.read(data, request, judgement)
        if candidate.kind == "env" and document.findings and _read_by_the_project(document, plan):
            from migrator.envjoin import join_env_findings  # the value flow: libcst

            join_env_findings(document, candidate.display, os.fspath(candidate.path), judgement)
    if record:
        document = as_record(document)
    findings = keep_selected(candidate.display, document.findings, plan)
    findings.sort(key=lambda f: f.sort_key)
    texts = document.texts if findings else {}
    return FileOutcome(candidate.display, findings, texts, parsed=True), document


def check_file(candidate: Candidate, plan: Plan, stdin_data: bytes | None = None) -> FileOutcome:
    try:
        data = read_bytes(candidate, stdin_data)
    except OSError as error:
        return unreadable(candidate, error, plan)
    if plan.prefilter and not needs_analysis(data, catalog_for(plan.catalog_path)):
        return FileOutcome(candidate.display)
    cache = results_cache(plan) if stdin_data is None else None
    if cache is None:
        return analyse_bytes(candidate, data, plan)[0]
    key = cache.key(candidate.display, cache_kind(candidate, plan), data)
    hit = cache.load(key)
    if hit is not None:
        findings, texts = hit
        return FileOutcome(candidate.display, findings, texts if findings else {},
                           parsed=True, cached=True)
    outcome = analyse_bytes(candidate, data, plan)[0]
    cache.store(key, outcome.findings, outcome.texts)
    return outcome


def cache_kind(candidate: Candidate, plan: Plan) -> str:
    """The part of a file's cache key its discovery decides (how it is read).

    A Python module's fix verdicts depend on the modules that import it (and a `.env` file's
    on the code that reads it), so its key includes the project's files (paths, sizes,
    times): any change there is a miss.
    """
    record = candidate.record and not candidate.explicit
    kind = f"{candidate.kind}:{'record' if record else 'code'}"
    if candidate.kind in ("python", "env") and plan.project_root is not None:
        from migrator.project import project_fingerprint

        index_dir = None if plan.cache_dir is None else os.fspath(plan.cache_dir)
        kind += ":" + project_fingerprint(os.fspath(plan.project_root), plan.public_api, index_dir)
    return kind


@lru_cache(maxsize=4)
def results_cache(plan: Plan) -> ResultsCache | None:
    """The run's results cache, keyed by everything in the plan that changes findings."""
    if plan.cache_dir is None:
        return None
    from migrator.cache import ResultsCache, catalog_fingerprint, code_fingerprint, day_key

    try:
        catalog_key = catalog_fingerprint(plan.catalog_path)
    except OSError:
        return None
    settings = {
        "code": code_fingerprint(),
        "catalog": catalog_key,
        "codes": sorted(plan.codes),
        "target": plan.target,
        "explicit_target": plan.explicit_target,
        "unsafe_fixes": plan.unsafe_fixes,
        "per_file_ignores": plan.per_file_ignores,
        "prefilter": plan.prefilter,
        "project_root": None if plan.project_root is None else os.fspath(plan.project_root),
        "public_api": list(plan.public_api),
        "day": day_key(catalog_for(plan.catalog_path), plan.today),
    }
    return ResultsCache(plan.cache_dir, settings)


def keep_selected(display: str, findings: list[Finding], plan: Plan) -> list[Finding]:
    """Findings of the selected codes (DSM900 included) that no per-file ignore removes."""
    kept = [f for f in findings if f.code in plan.codes]
    if not plan.per_file_ignores or not kept:
        return kept
    ignored: set[str] = set()
    for patterns, codes in _compiled_ignores(plan.per_file_ignores):
        if patterns.match_file(display):
            ignored.update(codes)
    return [f for f in kept if not any(f.code.startswith(code) for code in ignored)]


@lru_cache(maxsize=8)
def _compiled_ignores(
    table: tuple[tuple[str, tuple[str, ...]], ...],
) -> list[tuple[PatternSet, tuple[str, ...]]]:
    from migrator.globs import compile_patterns

    return [(compile_patterns([glob]), codes) for glob, codes in table]


def _check_chunk(chunk: Sequence[Candidate], plan: Plan) -> list[FileOutcome]:
    return [check_file(candidate, plan) for candidate in chunk]


# Files that reach a worker need a libcst parse (milliseconds each), so a chunk's IPC is
# cheap next to its work; many small chunks keep every worker busy until the end.
CHUNKS_PER_WORKER = 16
MAX_CHUNK = 32


def chunked(items: Sequence[Candidate], workers: int) -> list[Sequence[Candidate]]:
    size = min(MAX_CHUNK, max(1, -(-len(items) // (workers * CHUNKS_PER_WORKER))))
    return [items[start : start + size] for start in range(0, len(items), size)]


def default_workers() -> int:
    return os.cpu_count() or 1


# Reading and searching a no-hit tree is the whole cost of a clean run; above this many
# files it is split between processes (a fork costs a few milliseconds, the search ~25 µs a file).
PREFILTER_POOL_THRESHOLD = 4000
ANALYSE, SKIP = "analyse", "skip"


def prefilter_paths(paths: Sequence[str], catalog_path: Path | None,
                    prefilter: bool = True) -> list[str | OSError]:
    """For each file: ANALYSE, SKIP (no trigger string), or the error that stopped its read.

    Takes plain strings: a worker receives thousands of them, and a ``Path`` costs ten
    times more to pickle than the search it is sent for.
    """
    catalog = catalog_for(catalog_path)
    verdicts: list[str | OSError] = []
    for path in paths:
        try:
            data = read_whole(path)
        except OSError as error:
            verdicts.append(error)
            continue
        verdicts.append(ANALYSE if not prefilter or needs_analysis(data, catalog) else SKIP)
    return verdicts


def _prefilter(items: Sequence[Candidate], plan: Plan, workers: int) -> list[str | OSError]:
    paths = [os.fspath(candidate.path) for candidate in items]
    if workers <= 1 or len(items) < PREFILTER_POOL_THRESHOLD:
        return prefilter_paths(paths, plan.catalog_path, plan.prefilter)
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(paths) // workers)
    shares = [paths[start : start + size] for start in range(0, len(paths), size)]
    with ProcessPoolExecutor(max_workers=len(shares) - 1) as pool:
        others = [pool.submit(prefilter_paths, share, plan.catalog_path, plan.prefilter)
                  for share in shares[1:]]
        verdicts = prefilter_paths(shares[0], plan.catalog_path, plan.prefilter)  # our share
        for future in others:
            verdicts.extend(future.result())
    return verdicts


@dataclass
class Prefiltered:
    """The files found, in order, each with its prefilter verdict: ANALYSE, SKIP, or the
    error that stopped its read."""

    items: list[Candidate]
    verdicts: list[str | OSError]


def prefiltered(candidates: Iterable[Candidate], plan: Plan, workers: int = 1) -> Prefiltered:
    """The files found and their verdicts. A big tree (``PREFILTER_POOL_THRESHOLD`` files
    found) is read and searched by every worker: with two, while the rest of it is still
    being found."""
    items: list[Candidate] = []
    remaining = iter(candidates)
    if workers > 1:
        for candidate in remaining:
            items.append(candidate)
            if len(items) >= PREFILTER_POOL_THRESHOLD:
                return _prefiltered_beside_the_walk(items, remaining, plan, workers)
    items.extend(remaining)
    return Prefiltered(items, _prefilter(items, plan, workers))


def _prefiltered_beside_the_walk(found: list[Candidate], remaining: Iterator[Candidate],
                                 plan: Plan, workers: int) -> Prefiltered:
    """On two cores, one helper reads while the walk goes on; with more, the walk ends first
    and a pool of ``workers`` processes shares the reading (one helper would leave cores idle)."""
    from migrator import sharing

    warm.stop()  # a big tree: reading it needs every core
    helper = warm.fork() if workers == 2 and warm.can_fork() else None
    if helper is None:
        found.extend(remaining)
        return Prefiltered(found, _prefilter(found, plan, workers))

    def paths() -> Iterator[str]:
        for candidate in found:
            yield os.fspath(candidate.path)
        for candidate in remaining:
            found.append(candidate)
            yield os.fspath(candidate.path)

    work = partial(prefilter_verdicts, catalog_path=plan.catalog_path, prefilter=plan.prefilter)
    names, verdicts = sharing.map_beside(paths(), work, helper)
    # The helper says only that a read failed (a short answer); the error is read again here.
    return Prefiltered(found, [prefilter_paths([path], plan.catalog_path, plan.prefilter)[0]
                               if verdict == UNREAD else verdict
                               for path, verdict in zip(names, verdicts, strict=True)])


UNREAD = "unread"


def prefilter_verdicts(paths: Sequence[str], catalog_path: Path | None, prefilter: bool) -> list[str]:
    """``prefilter_paths`` with UNREAD in place of each error: an answer of a few bytes per file."""
    return [UNREAD if isinstance(verdict, OSError) else verdict
            for verdict in prefilter_paths(paths, catalog_path, prefilter)]


# Readers whose documents are screened from CPython's tree alone (``migrator.analysis``).
SCREENED_KINDS = frozenset({"python", "notebook", "markdown"})


def _check_beside(helper: warm.WarmWorker, pending: Sequence[Candidate], plan: Plan,
                  on_progress: Callable[[int], None] | None) -> Iterator[FileOutcome]:
    """Check the files the screens clear here, and the others in the warm worker, which has
    imported libcst meanwhile; whatever it cannot do is done here after all."""
    deferred: list[Candidate] = []
    for candidate in pending:
        outcome = _screened_here(candidate, plan)
        if outcome is None:
            deferred.append(candidate)
            continue
        yield outcome
        if on_progress:
            on_progress(1)
    if deferred:
        outcomes = helper.run(_check_chunk, deferred, plan)
        yield from _check_chunk(deferred, plan) if outcomes is None else outcomes
        if on_progress:
            on_progress(len(deferred))
    warm.stop()


def _screened_here(candidate: Candidate, plan: Plan) -> FileOutcome | None:
    """The file's outcome if it needs no libcst; None for a file to check in the worker."""
    from migrator.analysis import NeedsLibcst, libcst_deferred

    if candidate.kind not in SCREENED_KINDS:
        return None
    with libcst_deferred():
        try:
            return check_file(candidate, plan)
        except NeedsLibcst:
            return None


def run_files(
    candidates: Iterable[Candidate] | Prefiltered,
    plan: Plan,
    worker: Callable[[Sequence[Candidate], Plan], list[FileOutcome]] = _check_chunk,
    workers: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> Iterator[FileOutcome]:
    """Outcomes in candidate order (``candidates`` may be prefiltered already). Files the
    prefilter rejects are never parsed."""
    found = candidates if isinstance(candidates, Prefiltered) else prefiltered(candidates, plan, workers)
    items = found.items
    # The project is read afresh each run (an in-process caller may repeat); a run that never
    # imported it has nothing to forget.
    project = sys.modules.get("migrator.project")
    if project is not None:
        project.project_at.cache_clear()
    pending: list[Candidate] = []
    outcomes: dict[str, FileOutcome] = {}
    for candidate, verdict in zip(items, found.verdicts, strict=True):
        if isinstance(verdict, OSError):
            outcomes[candidate.display] = unreadable(candidate, verdict, plan)
        elif verdict == SKIP:
            outcomes[candidate.display] = FileOutcome(candidate.display)
            if on_progress:
                on_progress(1)
        else:
            pending.append(candidate)
    for outcome in _analyse_pending(pending, plan, worker, workers, on_progress):
        outcomes[outcome.display] = outcome
    for candidate in items:
        yield outcomes[candidate.display]


def _analyse_pending(
    pending: Sequence[Candidate],
    plan: Plan,
    worker: Callable[[Sequence[Candidate], Plan], list[FileOutcome]],
    workers: int,
    on_progress: Callable[[int], None] | None,
) -> Iterator[FileOutcome]:
    helper = warm.active()
    if workers <= 1 or len(pending) < POOL_THRESHOLD:
        if helper is not None and workers > 1 and worker is _check_chunk and pending:
            yield from _check_beside(helper, pending, plan, on_progress)
            return
        warm.stop()
        for candidate in pending:
            yield from worker([candidate], plan)
            if on_progress:
                on_progress(1)
        return
    warm.stop()  # the pool's workers are forked from this process, with what it imported
    from concurrent.futures import ProcessPoolExecutor  # lazily: multiprocessing costs startup

    with ProcessPoolExecutor(max_workers=workers) as pool:
        chunks = chunked(pending, workers)
        for chunk, results in zip(chunks, pool.map(worker, chunks, [plan] * len(chunks)), strict=True):
            yield from results
            if on_progress:
                on_progress(len(chunk))
