"""DSM002 retired-model-mention.

Upstream: https://api-docs.deepseek.com/news/news260424
"""

from __future__ import annotations

import libcst as cst

from migrator.catalog import ModelMatch
from migrator.findings import Severity, Span
from migrator.rules.base import Rule
from migrator.rules.meta import Invalid, Valid
from migrator.rules.screens import mentions_a_retired_model
from migrator.strings import literal_value, string_pieces
from migrator.verdicts import mention_verdict


class RetiredModelMention(Rule):
    """
    ## What it does
    Finds a retired DeepSeek model ID standing as a word inside a longer string, an
    f-string, a docstring or a comment: log messages, prompts, documentation, commented-out
    code.

    ## Why
    A mention is not a request, so it does not fail by itself; but it is where the next
    reader copies the retired ID from, and it often documents a behaviour (non-thinking
    chat, thinking reasoner) that the code no longer has. It is reported as information so
    a migration can be finished, not only made to work.
    """

    code = "DSM002"
    name = "retired-model-mention"
    summary = "a retired ID inside a longer string, f-string, docstring or comment"
    default_severity = Severity.INFO
    fixable = "never"
    fix_safety = (
        "No automatic fix: prose and log lines need a person to decide what they now say."
    )
    upstream = "https://api-docs.deepseek.com/news/news260424"
    VALID = (
        Valid('# Uses deepseek-v4-flash with thinking disabled\n'),
        Valid('log.info("model deepseek-chat-v3 loaded")\n'),
        Valid('URL = "https://openrouter.ai/api/v1/models/deepseek/deepseek-chat:free"\n'),
        Valid('"""Wraps my-deepseek-chat-bot."""\n'),
        Valid('NAME = "deepseek-ai/deepseek-coder-6.7b-instruct"\n'),
    )
    INVALID = (
        Invalid('# TODO: move off deepseek-chat\n'),
        Invalid('def ask():\n    """Ask deepseek-reasoner a question."""\n'),
        Invalid('print(f"calling deepseek-chat for {task}")\n'),
        Invalid('ERROR = "deepseek-chat failed, retrying"\n'),
        Invalid('HELP = "one of: deepseek-chat, deepseek-reasoner"\n', count=2),
        Invalid('PROMPT = ("You run on deepseek-chat. "\n          "Be brief.")\n'),
    )

    SCREEN = mentions_a_retired_model

    def _report(self, span: Span, match: ModelMatch, anchor: cst.CSTNode) -> None:
        judgement = self.context.judgement
        verdict = mention_verdict(match, judgement.catalog, judgement.today,
                                  judgement.successor_of(match.model))
        self.report(span, verdict.message, model=verdict.model, replacement=verdict.replacement,
                    deadline=verdict.deadline, anchor=anchor)

    def _report_mentions(self, node: cst.CSTNode, anchor: cst.CSTNode) -> None:
        for span, match in self.mention_spans(node):
            self._report(span, match, anchor)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        strings = self.context.strings
        if strings.is_claimed_piece(node) or strings.whole_match(node) is not None:
            return
        # Judge neighbouring literal pieces together: "deepseek-chat" "-v3" names a longer ID.
        run: list[tuple[cst.SimpleString | cst.FormattedString, str]] = []
        for piece in [*string_pieces(node), None]:
            value = literal_value(piece) if piece is not None else None
            if piece is not None and value is not None:
                run.append((piece, value))
                continue
            self._run_mentions(run, node)
            run = []
            if isinstance(piece, cst.FormattedString):
                self._fstring_mentions(piece, node)

    def _run_mentions(self, run: list[tuple[cst.SimpleString | cst.FormattedString, str]],
                      anchor: cst.ConcatenatedString) -> None:
        joined = "".join(value for _, value in run)
        starts = [0]
        for _, value in run:
            starts.append(starts[-1] + len(value))
        for mention in self.context.strings.mentions(joined):
            for (piece, value), start, end in zip(run, starts, starts[1:], strict=False):
                if start <= mention.start and mention.end <= end:
                    span = self._span_in_piece(piece, value, mention.start - start,
                                               joined[mention.start : mention.end])
                    if span is not None:
                        self._report(span, mention.match, anchor)

    def _span_in_piece(self, piece: cst.CSTNode, value: str, local: int, text: str) -> Span | None:
        """Where the n-th occurrence of ``text`` in a piece's value stands in its source."""
        raw = piece.value if isinstance(piece, cst.SimpleString) else self.context.module.code_for_node(piece)
        occurrence = value[:local].count(text)
        index = -1
        for _ in range(occurrence + 1):
            index = raw.find(text, index + 1)
            if index < 0:
                return None
        start = self.context.start_offset(piece) + index
        return self.context.span(start, start + len(text))

    def _fstring_mentions(self, node: cst.FormattedString, anchor: cst.CSTNode) -> None:
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                self._report_mentions(part, anchor)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        strings = self.context.strings
        if strings.is_claimed_piece(node) or strings.whole_match(node) is not None:
            return
        self._report_mentions(node, node)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        strings = self.context.strings
        if strings.is_claimed_piece(node) or strings.whole_match(node) is not None:
            return
        self._fstring_mentions(node, node)

    def visit_Comment(self, node: cst.Comment) -> None:
        self._report_mentions(node, node)


RULE = RetiredModelMention
