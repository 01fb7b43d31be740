"""DSM002 retired-model-mention.

Upstream: https://api-docs.deepseek.com/news/news260424
"""

from __future__ import annotations

import libcst as cst

from migrator.findings import Severity
from migrator.rules.base import Rule
from migrator.rules.meta import Invalid, Valid
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
    )

    def _report_mentions(self, node: cst.CSTNode) -> None:
        judgement = self.context.judgement
        for span, match in self.mention_spans(node):
            verdict = mention_verdict(match, judgement.catalog, judgement.today, judgement.target)
            self.report(span, verdict.message, model=verdict.model,
                        replacement=verdict.replacement, deadline=verdict.deadline)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self.context.strings.whole_match(node)  # claims the pieces before they are visited

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        strings = self.context.strings
        if strings.in_whole_match(node) or strings.whole_match(node) is not None:
            return
        self._report_mentions(node)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        strings = self.context.strings
        if strings.in_whole_match(node) or strings.whole_match(node) is not None:
            return
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                self._report_mentions(part)

    def visit_Comment(self, node: cst.Comment) -> None:
        self._report_mentions(node)


RULE = RetiredModelMention
