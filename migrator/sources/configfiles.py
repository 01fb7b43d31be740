"""Configuration files (.env, YAML, TOML, JSON, INI/CFG) and plain text: value scanning.

A value that is, as a whole, a retired ID is DSM001; a superseded V4 ID is DSM201; an
expired dated base URL is DSM003. A key naming a retired ID is DSM001 without a fix
(renaming a key changes what reads it). Mentions in comments, prose and longer
strings are DSM002. Fixes replace exactly the characters of the value, so quoting,
comments and layout stay as they were. A configuration value has no thinking switch
next to it, so replacing an ID there is an unsafe fix: the message says where thinking
has to be set instead. (A `.env` value the project's code reads is joined to that code
after reading, by :mod:`migrator.environment`, which may make the fix safe.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from migrator.catalog import Catalog, ModelMatch
from migrator.findings import Finding, Fix, Severity, Span, TextEdit
from migrator.rules.base import Judgement
from migrator.sources.base import Document, ReadRequest
from migrator.sources.configsyntax import (
    Piece,
    TomlSyntaxError,
    env_pieces,
    ini_pieces,
    json_pieces,
    toml_pieces,
)
from migrator.sources.jsonspan import JsonSyntaxError
from migrator.sources.text import DecodeError, LineIndex, decode_utf8_text
from migrator.suppressions import Suppressions
from migrator.verdicts import (
    Verdict,
    expired_url_verdict,
    mention_verdict,
    retired_id_verdict,
    superseded_id_verdict,
)


def _yaml_pieces(text: str) -> Iterator[Piece]:
    from migrator.sources.yamlsyntax import yaml_pieces

    return yaml_pieces(text)


def _text_pieces(text: str) -> Iterator[Piece]:
    yield Piece("text", 0, len(text), text)


Tokenizer = Callable[[str], Iterable[Piece]]
TOKENIZERS: dict[str, Tokenizer] = {
    "env": env_pieces,
    "ini": ini_pieces,
    "json": json_pieces,
    "toml": toml_pieces,
    "yaml": _yaml_pieces,
    "text": _text_pieces,
}
NO_KEY_FIX = "a key: renaming it changes what reads it, so rename it by hand"


@dataclass
class _Scan:
    """One configuration document being judged."""

    kind: str
    text: str
    request: ReadRequest
    judgement: Judgement

    def __post_init__(self) -> None:
        self.lines = LineIndex(self.text)
        self.gateway = self.catalog.is_gateway_text(self.text)
        self.findings: list[Finding] = []
        self.suppressions = Suppressions()

    @property
    def catalog(self) -> Catalog:
        return self.judgement.catalog

    def span(self, start: int, end: int) -> Span:
        line, column = self.lines.position(start)
        end_line, end_column = self.lines.position(end)
        return Span(line, column, end_line, end_column)

    def add(self, code: str, start: int, end: int, verdict: Verdict | None = None, *,
            severity: Severity | None = None, message: str | None = None,
            fix: Fix | None = None, unfixable_reason: str | None = None) -> None:
        if code not in self.request.codes:
            return
        self.findings.append(Finding(
            path=self.request.path,
            span=self.span(start, end),
            code=code,
            severity=severity or (verdict.severity if verdict else Severity.INFO),
            message=message or (verdict.message if verdict else ""),
            model=verdict.model if verdict else None,
            replacement=verdict.replacement if verdict else None,
            deadline=verdict.deadline if verdict else None,
            fix=fix,
            unfixable_reason=unfixable_reason,
        ))

    # -- pieces ------------------------------------------------------------------------

    def judge(self, piece: Piece) -> None:
        if piece.kind == "comment":  # JSON with comments can carry directives too
            self.suppressions.add_comment(self.lines.position(piece.start)[0], piece.value)
        if piece.kind in ("comment", "text") or not self.whole_value(piece):
            self.mentions(piece)

    def mentions(self, piece: Piece) -> None:
        self.findings.extend(mention_findings(self.text, self.request, self.judgement,
                                              start=piece.start, end=piece.end, lines=self.lines))

    def whole_value(self, piece: Piece) -> bool:
        """Report a value or key that is one thing as a whole; False when it is not."""
        match = self.catalog.match_whole(piece.value, gateway_module=self.gateway)
        if match is not None and match.model.is_retired:
            self.retired(piece, match)
            return True
        if match is not None and match.model.is_superseded_at(self.judgement.today):
            self.superseded(piece, match)
            return True
        if piece.kind == "value":
            hits = self.catalog.expired_url_hits(self.text[piece.start : piece.end])
            for hit in hits:
                self.expired_url(piece.start + hit.start, hit.url, hit.moment)
            return bool(hits)
        return False

    def retired(self, piece: Piece, match: ModelMatch) -> None:
        judgement = self.judgement
        target = judgement.successor_of(match.model)
        verdict = retired_id_verdict(match, self.catalog, judgement.today, target)
        if piece.kind == "key":
            self.add("DSM001", piece.start, piece.end, verdict, unfixable_reason=NO_KEY_FIX)
            return
        where = (
            "disable thinking there"
            if match.model.successor_thinking == "disabled"
            else "thinking stays on there by default, but check code that compares against "
            "the old ID"
        )
        message = f"{verdict.message}; this value reaches a request elsewhere: {where}"
        replacement = match.respell(target)  # keeps a `deepseek/` prefix
        fix = Fix("unsafe",
                  f"replace `{match.spelled}` with `{replacement}` and {_thinking_step(match)}",
                  (self.edit(piece, replacement),))
        self.add("DSM001", piece.start, piece.end, verdict, message=message, fix=fix)

    def superseded(self, piece: Piece, match: ModelMatch) -> None:
        verdict = superseded_id_verdict(match, self.judgement.target)
        successor = match.model.successor
        fix = None
        reason = None
        if piece.kind == "key":
            reason = NO_KEY_FIX
        elif successor is not None and successor == self.judgement.target:
            replacement = match.respell(successor)
            fix = Fix("safe", f"replace `{match.spelled}` with `{replacement}`",
                      (self.edit(piece, replacement),))
        else:
            reason = f"the run's target is `{self.judgement.target}`; use --target {successor}"
        self.add("DSM201", piece.start, piece.end, verdict, fix=fix, unfixable_reason=reason)

    def expired_url(self, start: int, url: str, moment: datetime) -> None:
        replacement = self.catalog.base_url_replacement
        verdict = expired_url_verdict(url, moment, self.judgement.today, replacement)
        fix = Fix("unsafe", f"replace the base URL with `{replacement}`",
                  (TextEdit(start, start + len(url), replacement),))
        self.add("DSM003", start, start + len(url), verdict, fix=fix)

    def edit(self, piece: Piece, new_value: str) -> TextEdit:
        """Replace the raw characters of the value (inside its quotes)."""
        return TextEdit(piece.start, piece.end, new_value)


def _thinking_step(match: ModelMatch) -> str:
    if match.model.successor_thinking == "disabled":
        return "disable thinking in the request that uses it"
    return "keep thinking on in the request that uses it"


def scan_text(kind: str, text: str, request: ReadRequest, judgement: Judgement) -> list[Finding]:
    """The findings of one configuration document (suppressions applied)."""
    scan = _Scan(kind, text, request, judgement)
    for piece in TOKENIZERS[kind](text):
        scan.judge(piece)
    return scan.suppressions.filter(scan.findings)


def read(data: bytes, request: ReadRequest, judgement: Judgement) -> Document:
    from migrator.analysis import parse_error_finding

    kind = request.kind if request.kind in TOKENIZERS else "text"

    try:
        decoded = decode_utf8_text(data)
    except DecodeError as error:
        return Document(findings=[parse_error_finding(request.path, f"cannot decode: {error}")])
    try:
        findings = scan_text(kind, decoded.text, request, judgement)
    except (JsonSyntaxError, TomlSyntaxError) as error:
        line, column = LineIndex(decoded.text).position(error.offset)
        reason = f"cannot parse {kind.upper()}: {error}"
        finding = parse_error_finding(request.path, reason, line, column)
        return Document(findings=[finding], texts={None: decoded.text})
    except RecursionError:
        reason = f"cannot parse {kind.upper()}: nested too deeply"
        return Document(findings=[parse_error_finding(request.path, reason)])
    return Document(findings=findings, texts={None: decoded.text}, render=decoded.render,
                    reparse=_reparser(kind, decoded.text), python_texts=False)


def rewrite(kind: str, data: bytes, edits: Sequence[TextEdit]) -> bytes:
    """A configuration file's bytes with value edits applied (a fix that spans files writes a
    `.env` value this way). Raises ValueError when the result would not read back with the
    same keys, comments and text, DecodeError when ``data`` is not UTF-8 text."""
    decoded = decode_utf8_text(data)
    new = decoded.render(edits)
    if not _reparser(kind if kind in TOKENIZERS else "text", decoded.text)(new):
        raise ValueError("the fixed file would not read back with the same keys")
    return new


def _reparser(kind: str, before: str) -> Callable[[bytes], bool]:
    """Does the rewritten file still parse, into the same keys, comments and text?

    Only values may differ: a fix rewrites the characters of a value and nothing else.
    """
    def reparse(data: bytes) -> bool:
        try:
            return _outline(kind, decode_utf8_text(data).text) == _outline(kind, before)
        except (DecodeError, JsonSyntaxError, TomlSyntaxError, RecursionError):
            return False

    return reparse


def _outline(kind: str, text: str) -> list[tuple[str, str | None]]:
    """Each piece's kind, and its text unless it is a value (what a fix may change)."""
    return [(piece.kind, None if piece.kind == "value" else piece.value)
            for piece in TOKENIZERS[kind](text)]


def mention_findings(text: str, request: ReadRequest, judgement: Judgement, *,
                     start: int = 0, end: int | None = None, cell: int | None = None,
                     lines: LineIndex | None = None) -> list[Finding]:
    """DSM002 for every retired ID standing as a word in ``text[start:end]`` (prose, shell).

    ``cell`` is the 1-based notebook cell whose source ``text`` is; lines count from it.
    """
    if "DSM002" not in request.codes:
        return []
    catalog = judgement.catalog
    index = lines or LineIndex(text)
    stop = len(text) if end is None else end
    gateway = catalog.is_gateway_text(text)
    findings: list[Finding] = []
    for mention in catalog.mentions(text[start:stop], gateway_module=gateway):
        verdict = mention_verdict(mention.match, catalog, judgement.today,
                                  judgement.successor_of(mention.match.model))
        line, column = index.position(start + mention.start)
        end_line, end_column = index.position(start + mention.end)
        findings.append(Finding(request.path, Span(line, column, end_line, end_column, cell),
                                "DSM002", verdict.severity, verdict.message, verdict.model,
                                verdict.replacement, verdict.deadline))
    return findings
