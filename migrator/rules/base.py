"""The libcst side of a rule: one batched traversal, a shared module context, one way to report."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, ClassVar, TypeVar

import libcst as cst
from libcst.metadata import BaseMetadataProvider, PositionProvider

from migrator.catalog import Catalog, ModelMatch
from migrator.context import ModuleContext
from migrator.findings import Fix, RequestRef, Severity, Span
from migrator.rules.meta import RuleMeta
from migrator.rules.screens import Screen, may_send_a_deepseek_request, names_a_model
from migrator.screen import ModuleScreen
from migrator.strings import StringNode
from migrator.treewalk import visitor_method_names
from migrator.verdicts import make_finding

if TYPE_CHECKING:
    from migrator.context import Request

__all__ = ["FastBatchableVisitor", "ModuleContext", "RequestRule", "Rule", "WholeStringRule"]

_T = TypeVar("_T")


class FastBatchableVisitor(cst.BatchableCSTVisitor):
    """libcst runs ``inspect.getmembers`` on every visitor of every file (a quarter of a
    small file's analysis time); the method names depend only on the class."""

    def get_visitors(self) -> Mapping[str, Callable[[cst.CSTNode], None]]:
        return {name: getattr(self, name) for name in visitor_method_names(type(self))}


class Rule(RuleMeta, FastBatchableVisitor):
    """A rule is a batchable libcst visitor: ``visit_*`` methods decide and ``report``."""

    METADATA_DEPENDENCIES: ClassVar[tuple[type[BaseMetadataProvider[object]], ...]] = (
        PositionProvider,
    )

    def __init__(self, context: ModuleContext) -> None:
        super().__init__()
        self.context = context

    # What a module must hold for this rule to report (``migrator.rules.screens``); None:
    # the rule always runs. The runner asks the built-in rules' screens from that table,
    # without importing the rules (or libcst).
    SCREEN: ClassVar[Screen | None] = None

    @classmethod
    def could_report(cls, screen: ModuleScreen, catalog: Catalog) -> bool:
        """False only where this rule cannot report: asked before libcst parses the module.

        A rule that reports must leave a trace CPython's tree or the text shows (a model ID
        in some string, a key, a call's shape).
        """
        return cls.SCREEN is None or cls.SCREEN(screen, catalog)

    @property
    def catalog(self) -> Catalog:
        return self.context.catalog

    def report(
        self,
        where: cst.CSTNode | Span,
        message: str,
        *,
        severity: Severity | None = None,
        model: str | None = None,
        replacement: str | None = None,
        deadline: str | None = None,
        fix: Fix | None = None,
        unfixable_reason: str | None = None,
        anchor: cst.CSTNode | None = None,
        requests: tuple[RequestRef, ...] = (),
    ) -> None:
        span = where if isinstance(where, Span) else self.context.node_span(where)
        anchor_line = self.context.node_span(anchor).end_line if anchor is not None else None
        self.context.findings.append(make_finding(
            self.context.location.path, span, self.code, severity=severity or self.default_severity,
            message=message, model=model, replacement=replacement, deadline=deadline, fix=fix,
            unfixable_reason=unfixable_reason, anchor_line=anchor_line, requests=requests,
        ))

    def mention_spans(self, node: cst.CSTNode, text: str | None = None,
                      ) -> Iterator[tuple[Span, ModelMatch]]:
        """Retired IDs standing as words in the source text of a string part or comment.

        ``text`` overrides the node's own source (same offsets), e.g. to judge a piece of
        an implicit concatenation together with its neighbours.
        """
        raw = getattr(node, "value", "") if text is None else text
        mentions = self.context.strings.mentions(raw)
        if not mentions:  # most strings and comments: no position needed
            return
        start = self.context.start_offset(node)
        for mention in mentions:
            yield self.context.span(start + mention.start, start + mention.end), mention.match


class WholeStringRule(Rule):
    """A rule that judges every string literal by its whole value."""

    SCREEN = names_a_model

    def check_string(self, node: StringNode) -> None:
        raise NotImplementedError

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.check_string(node)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self.check_string(node)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self.check_string(node)


class RequestRule(Rule):
    """A rule that judges each request (a call or a JSON body) the request context recognises."""

    SCREEN = may_send_a_deepseek_request

    def check_request(self, request: Request) -> None:
        raise NotImplementedError

    def _dispatch(self, node: cst.Call | cst.Dict) -> None:
        request = self.context.requests.request_for(node)
        if request is not None:
            self.check_request(request)

    def visit_Call(self, node: cst.Call) -> None:
        self._dispatch(node)

    def visit_Dict(self, node: cst.Dict) -> None:
        self._dispatch(node)
