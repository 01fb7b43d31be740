"""The libcst side of a rule: one batched traversal, a shared module context, one way to report."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TYPE_CHECKING, ClassVar, TypeVar

import libcst as cst
from libcst.metadata import BaseMetadataProvider, MetadataWrapper, PositionProvider
from libcst.metadata.base_provider import LazyValue  # type: ignore[attr-defined]

from migrator.catalog import Catalog, ModelMatch
from migrator.findings import Finding, Fix, RequestRef, Severity, Span, TextEdit
from migrator.judgement import Judgement, Location
from migrator.lines import LineIndex
from migrator.rules.meta import RuleMeta
from migrator.strings import StringClaims, StringNode

if TYPE_CHECKING:
    from migrator.context import Request, RequestIndex

_T = TypeVar("_T")


@dataclass
class ModuleContext:
    """Everything the rules of one document share; computed once, lazily."""

    module: cst.Module
    wrapper: MetadataWrapper
    text: str
    location: Location
    judgement: Judgement
    findings: list[Finding] = field(default_factory=list)

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.text)

    @property
    def catalog(self) -> Catalog:
        return self.judgement.catalog

    @cached_property
    def gateway_module(self) -> bool:
        """A module whose strings name a gateway host (OpenRouter): `deepseek/…` is its slug."""
        if not self.catalog.is_gateway_text(self.text):
            return False
        strings = self.nodes_of(cst.SimpleString, cst.FormattedStringText)
        return any(self.catalog.is_gateway_text(getattr(node, "value", "")) for node in strings)

    def nodes_of(self, *kinds: type[cst.CSTNode]) -> list[cst.CSTNode]:
        """Every node of these kinds in the module, in source order; one walk per module."""
        found: list[cst.CSTNode] = []
        for kind in kinds:
            found.extend(self._nodes_by_kind.get(kind, ()))
        return found

    @cached_property
    def preorder(self) -> list[cst.CSTNode]:
        """Every node of the module in libcst's visiting order (parents before children)."""
        order: list[cst.CSTNode] = []
        stack: list[cst.CSTNode] = [self.module]
        while stack:
            node = stack.pop()
            order.append(node)
            stack.extend(reversed(node.children))
        return order

    @cached_property
    def _nodes_by_kind(self) -> dict[type[cst.CSTNode], list[cst.CSTNode]]:
        by_kind: dict[type[cst.CSTNode], list[cst.CSTNode]] = {}
        for node in self.preorder:
            by_kind.setdefault(type(node), []).append(node)
        return by_kind

    @cached_property
    def strings(self) -> StringClaims:
        return StringClaims(self.catalog, self.gateway_module,
                            litellm_route=lambda node: self.requests.routes_through_litellm(node))

    @cached_property
    def requests(self) -> RequestIndex:
        from migrator.context import RequestIndex

        return RequestIndex(self)

    def metadata(self, provider: type[BaseMetadataProvider[_T]]) -> dict[cst.CSTNode, _T]:
        """A provider's metadata, resolved on first use (the wrapper keeps it)."""
        resolved = self.wrapper.resolve(provider)
        return resolved  # type: ignore[return-value]

    def metadata_of(self, provider: type[BaseMetadataProvider[_T]], node: cst.CSTNode,
                    default: _T | None = None) -> _T | None:
        """One node's metadata; providers may store lazy values, resolved here."""
        value = self.metadata(provider).get(node, default)
        if isinstance(value, LazyValue):
            return value()  # type: ignore[no-any-return]
        return value

    def start_offset(self, node: cst.CSTNode) -> int:
        start = self.metadata(PositionProvider)[node].start
        return self.lines.offset(start.line, start.column)

    def node_range(self, node: cst.CSTNode) -> tuple[int, int]:
        """Character offsets of a node's own source in the document."""
        position = self.metadata(PositionProvider)[node]
        return (
            self.lines.offset(position.start.line, position.start.column),
            self.lines.offset(position.end.line, position.end.column),
        )

    def span(self, start: int, end: int) -> Span:
        line, column = self.lines.position(start)
        end_line, end_column = self.lines.position(end)
        shift = self.location.line_offset
        cell = None if self.location.cell is None else self.location.cell + 1
        return Span(line + shift, column, end_line + shift, end_column, cell)

    def node_span(self, node: cst.CSTNode) -> Span:
        return self.span(*self.node_range(node))

    def edit(self, start: int, end: int, text: str) -> TextEdit:
        base = self.location.offset_base
        return TextEdit(start + base, end + base, text, self.location.cell)


@cache
def visitor_method_names(cls: type[cst.BatchableCSTVisitor]) -> tuple[str, ...]:
    """The ``visit_*``/``leave_*`` methods libcst's ``get_visitors`` would find, per class."""
    names = []
    for name in dir(cls):
        if name.startswith(("visit_", "leave_")):
            method = getattr(cls, name)
            if inspect.isfunction(method) and not getattr(method, "_is_no_op", False):
                names.append(name)
    return tuple(names)


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
        self.context.findings.append(
            Finding(
                path=self.context.location.path,
                span=span,
                code=self.code,
                severity=severity or self.default_severity,
                message=message,
                model=model,
                replacement=replacement,
                deadline=deadline,
                fix=fix,
                unfixable_reason=unfixable_reason,
                anchor_line=anchor_line,
                requests=requests,
            )
        )

    def mention_spans(self, node: cst.CSTNode, text: str | None = None,
                      ) -> Iterator[tuple[Span, ModelMatch]]:
        """Retired IDs standing as words in the source text of a string part or comment.

        ``text`` overrides the node's own source (same offsets), e.g. to judge a piece of
        an implicit concatenation together with its neighbours.
        """
        raw = getattr(node, "value", "") if text is None else text
        start = self.context.start_offset(node)
        for mention in self.context.strings.mentions(raw):
            yield self.context.span(start + mention.start, start + mention.end), mention.match


class WholeStringRule(Rule):
    """A rule that judges every string literal by its whole value."""

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
