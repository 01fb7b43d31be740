"""The rules' side for configuration values and prose (.env, YAML, TOML, JSON, INI, text,
Markdown prose, notebook Markdown cells); libcst-free, so a config file never loads it.

The Python side of each rule is its ``dsmNNN_*`` module; this is the same rule judging a
value the config readers found. A value that is, as a whole, a retired ID is DSM001; a
superseded V4 ID is DSM201; an expired dated base URL is DSM003. A key naming a retired
ID is DSM001 without a fix (renaming a key changes what reads it). Mentions in comments,
prose and longer strings are DSM002. Fixes replace exactly the characters of the value, so
quoting, comments and layout stay as they were. A configuration value has no thinking
switch next to it, so replacing a retired ID there is always an unsafe fix: the message
says where thinking has to be set instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from migrator.catalog import Catalog, ModelMatch
from migrator.findings import Finding, Fix, Span, TextEdit
from migrator.judgement import Judgement
from migrator.lines import LineIndex
from migrator.verdicts import (
    Verdict,
    expired_url_verdict,
    make_finding,
    mention_verdict,
    retired_id_verdict,
    superseded_id_verdict,
)

NO_KEY_FIX = "a key: renaming it changes what reads it, so rename it by hand"


class ValuePiece(Protocol):
    """A key or value of a config document: ``text[start:end]`` is its raw characters."""

    @property
    def kind(self) -> str: ...  # "value", "key", "comment" or "text"
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def value(self) -> str: ...  # what the file's parser reads there (escapes decoded)


@dataclass
class ValueDocument:
    """One decoded text document being judged, with where its findings are reported."""

    path: str
    text: str
    judgement: Judgement
    cell: int | None = None  # the 1-based notebook cell whose source ``text`` is

    @property
    def catalog(self) -> Catalog:
        return self.judgement.catalog

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.text)

    @cached_property
    def gateway(self) -> bool:
        return self.catalog.is_gateway_text(self.text)

    def span(self, start: int, end: int) -> Span:
        line, column = self.lines.position(start)
        end_line, end_column = self.lines.position(end)
        return Span(line, column, end_line, end_column, self.cell)

    def finding(self, code: str, start: int, end: int, verdict: Verdict, *,
                message: str | None = None, fix: Fix | None = None,
                unfixable_reason: str | None = None) -> Finding:
        return make_finding(self.path, self.span(start, end), code, verdict, message=message,
                            fix=fix, unfixable_reason=unfixable_reason)


# -- DSM001 retired-model-id ------------------------------------------------------------------


def retired_value(document: ValueDocument, piece: ValuePiece, match: ModelMatch) -> Finding:
    judgement = document.judgement
    target = judgement.successor_of(match.model)
    verdict = retired_id_verdict(match, document.catalog, judgement.today, target)
    if piece.kind == "key":
        return document.finding("DSM001", piece.start, piece.end, verdict,
                                unfixable_reason=NO_KEY_FIX)
    if match.model.successor_thinking == "disabled":
        where, step = "disable thinking there", "disable thinking in the request that uses it"
    else:
        where = "thinking stays on there by default, but check code that compares against the old ID"
        step = "keep thinking on in the request that uses it"
    replacement = match.respell(target)  # keeps a `deepseek/` prefix
    fix = Fix("unsafe", f"Replace `{match.spelled}` with `{replacement}` and {step}",
              (TextEdit(piece.start, piece.end, replacement),))
    return document.finding("DSM001", piece.start, piece.end, verdict, fix=fix,
                            message=f"{verdict.message}; this value reaches a request elsewhere: {where}")


# -- DSM201 superseded-model-id ---------------------------------------------------------------


def superseded_value(document: ValueDocument, piece: ValuePiece, match: ModelMatch) -> Finding:
    target = document.judgement.target
    verdict = superseded_id_verdict(match, target)
    successor = match.model.successor
    if piece.kind == "key":
        return document.finding("DSM201", piece.start, piece.end, verdict,
                                unfixable_reason=NO_KEY_FIX)
    if successor is None or successor != target:
        return document.finding("DSM201", piece.start, piece.end, verdict,
                                unfixable_reason=f"the run's target is `{target}`; use --target {successor}")
    replacement = match.respell(successor)
    fix = Fix("safe", f"Replace `{match.spelled}` with `{replacement}`",
              (TextEdit(piece.start, piece.end, replacement),))
    return document.finding("DSM201", piece.start, piece.end, verdict, fix=fix)


# -- DSM003 expired-base-url ------------------------------------------------------------------


def expired_urls(document: ValueDocument, piece: ValuePiece) -> list[Finding]:
    """Every expired dated base URL inside a value (a longer URL keeps its path)."""
    replacement = document.catalog.base_url_replacement
    findings = []
    for hit in document.catalog.expired_url_hits(document.text[piece.start : piece.end]):
        start, end = piece.start + hit.start, piece.start + hit.start + len(hit.url)
        verdict = expired_url_verdict(hit.url, hit.moment, document.judgement.today, replacement)
        fix = Fix("unsafe", f"Replace the expired base URL with `{replacement}`",
                  (TextEdit(start, end, replacement),))
        findings.append(document.finding("DSM003", start, end, verdict, fix=fix))
    return findings


# -- DSM002 retired-model-mention -------------------------------------------------------------


def mentions(document: ValueDocument, start: int = 0, end: int | None = None) -> list[Finding]:
    """DSM002 for every retired ID standing as a word in ``text[start:end]`` (prose, shell)."""
    judgement = document.judgement
    stop = len(document.text) if end is None else end
    findings = []
    for mention in document.catalog.mentions(document.text[start:stop], gateway_module=document.gateway):
        verdict = mention_verdict(mention.match, document.catalog, judgement.today,
                                  judgement.successor_of(mention.match.model))
        findings.append(document.finding("DSM002", start + mention.start, start + mention.end,
                                         verdict))
    return findings


# -- the whole-value rules, in the order they claim a value -----------------------------------

WholeValueHook = Callable[[ValueDocument, ValuePiece], "list[Finding] | None"]


def _retired(document: ValueDocument, piece: ValuePiece) -> list[Finding] | None:
    match = document.catalog.match_whole(piece.value, gateway_module=document.gateway)
    if match is None or not match.model.is_retired:
        return None
    return [retired_value(document, piece, match)]


def _superseded(document: ValueDocument, piece: ValuePiece) -> list[Finding] | None:
    match = document.catalog.match_whole(piece.value, gateway_module=document.gateway)
    if match is None or match.model.is_retired or \
            not match.model.is_superseded_at(document.judgement.today):
        return None
    return [superseded_value(document, piece, match)]


def _expired(document: ValueDocument, piece: ValuePiece) -> list[Finding] | None:
    return (expired_urls(document, piece) or None) if piece.kind == "value" else None


# A value one of these claims is that rule's alone (even when its code is not selected):
# the mention rule never reports it a second time.
WHOLE_VALUE_RULES: tuple[tuple[str, WholeValueHook], ...] = (
    ("DSM001", _retired),
    ("DSM201", _superseded),
    ("DSM003", _expired),
)
MENTION_RULE = "DSM002"
