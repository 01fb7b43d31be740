"""One libcst traversal per Python document, running every enabled rule together.

``migrator.analysis`` comes here only for a module that some enabled rule could report in
(its screen, asked of CPython's tree, said so): importing this imports libcst.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

import libcst as cst
from libcst.metadata import MetadataWrapper

from migrator.context import ModuleContext
from migrator.findings import Finding, reported_cell
from migrator.judgement import Judgement, Location
from migrator.parsing import parse_module
from migrator.rules import enabled_rules
from migrator.rules.base import FastBatchableVisitor, Rule
from migrator.rules.dsm900_parse_error import NESTED_TOO_DEEPLY
from migrator.rules.dsm900_parse_error import parse_error as parse_error_finding
from migrator.suppressions import Suppressions, could_be_directive


class _CommentCollector(FastBatchableVisitor):
    """Suppression comments; only a comment that can hold a directive asks for its position."""

    def __init__(self, context: ModuleContext, suppressions: Suppressions) -> None:
        super().__init__()
        self.context = context
        self.suppressions = suppressions

    def visit_Comment(self, node: cst.Comment) -> None:
        if not could_be_directive(node.value):
            return
        location = self.context.location
        line = self.context.position(node).start.line
        if location.cells is not None:
            cell_line, cell = location.cells.cell_line(line)
            self.suppressions.add_comment(cell_line, node.value, cell)
            return
        self.suppressions.add_comment(line + location.line_offset, node.value, reported_cell(location.cell))


@cache
def visitor_rules(codes: frozenset[str]) -> tuple[type[Rule], ...]:
    """The libcst rule classes among ``codes``, in code order."""
    rules = (info for _, info in enabled_rules(codes))
    return tuple(info for info in rules if isinstance(info, type) and issubclass(info, Rule))


def analyse_module(text: str, location: Location, judgement: Judgement, codes: frozenset[str],
                   suppressions: Suppressions) -> tuple[list[Finding], bool]:
    """The findings of libcst's parse of a module (DSM900 where it does not parse), and
    whether it parsed; the module's suppression comments are added to ``suppressions``."""
    try:
        module = parse_module(text, vetted=True)
    except cst.ParserSyntaxError as error:
        reason = f"cannot parse: {error.message}"
        return [parse_error_finding(location.path, reason, error.raw_line + location.line_offset,
                                    error.raw_column + 1, reported_cell(location.cell))], False
    except RecursionError:
        cell = reported_cell(location.cell)
        return [parse_error_finding(location.path, NESTED_TOO_DEEPLY, cell=cell)], False
    return run_rules(module, text, location, judgement, codes, suppressions)


def visit_in_order(context: ModuleContext, visitors: Sequence[cst.BatchableCSTVisitor]) -> None:
    """Each visitor's ``visit_*`` methods on every node, in libcst's pre-order.

    What ``MetadataWrapper.visit_batched`` does, without resolving metadata first: the
    rules ask for positions, parents and scopes through the context when they need them
    (most modules that mention DeepSeek report nothing and need none), and the walk reuses
    the node index the context builds anyway.
    """
    handlers: dict[type[cst.CSTNode], list[Callable[[cst.CSTNode], None]]] = {}
    methods: dict[str, list[Callable[[cst.CSTNode], None]]] = {}
    for visitor in visitors:
        for name, method in visitor.get_visitors().items():
            if name.startswith("visit_"):
                methods.setdefault(name[len("visit_"):], []).append(method)
    for node in context.preorder:
        kind = type(node)
        found = handlers.get(kind)
        if found is None:
            found = handlers[kind] = methods.get(kind.__name__, [])
        for method in found:
            method(node)


def run_rules(module: cst.Module, text: str, location: Location, judgement: Judgement,
              codes: frozenset[str], suppressions: Suppressions) -> tuple[list[Finding], bool]:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    context = ModuleContext(module, wrapper, text, location, judgement)
    visitors: list[cst.BatchableCSTVisitor] = [_CommentCollector(context, suppressions)]
    visitors.extend(rule(context) for rule in visitor_rules(codes))
    try:
        visit_in_order(context, visitors)
    except RecursionError:
        reason = "cannot analyse: expressions nested too deeply"
        return [parse_error_finding(location.path, reason, cell=reported_cell(location.cell))], False
    return context.findings, True
