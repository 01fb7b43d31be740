"""One Python document's findings: CPython's tree screens it, then libcst's traversal runs the rules.

Each enabled rule's screen (``migrator.rules.screens``) is asked of CPython's tree first; a
module where none can report is done without importing libcst (``migrator.traversal``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from migrator.catalog import Catalog
from migrator.findings import Finding, reported_cell
from migrator.judgement import Judgement, Location
from migrator.parsing import cpython_tree
from migrator.reference import using_libcst_providers
from migrator.rules import RULE_MODULES, built_in, enabled_rules
from migrator.rules.dsm900_parse_error import NESTED_TOO_DEEPLY
from migrator.rules.dsm900_parse_error import parse_error as parse_error_finding
from migrator.rules.screens import SCREENS, Screen
from migrator.screen import ModuleScreen
from migrator.suppressions import Suppressions

if TYPE_CHECKING:
    import ast


@dataclass
class Analysis:
    findings: list[Finding] = field(default_factory=list)
    suppressions: Suppressions = field(default_factory=Suppressions)
    parsed: bool = True


class NeedsLibcst(Exception):
    """Raised instead of importing libcst inside :func:`libcst_deferred`."""


_DEFERRED: ContextVar[bool] = ContextVar("libcst_deferred", default=False)


@contextmanager
def libcst_deferred() -> Iterator[None]:
    """Within this block, a module that some rule may report in raises ``NeedsLibcst``
    instead of being parsed: the caller has it analysed elsewhere (``migrator.warm``)."""
    token = _DEFERRED.set(True)
    try:
        yield
    finally:
        _DEFERRED.reset(token)


@cache
def screens_of(codes: frozenset[str]) -> tuple[Screen, ...]:
    """The screen of every enabled rule that visits modules, in code order.

    A built-in rule's comes from the screens table (no import); a rule registered from
    elsewhere is imported (and libcst with it) for its ``could_report``. A rule without one
    (DSM900 reports parse errors, it does not visit) is not asked.
    """
    others = dict(enabled_rules(code for code in codes if not _tabled(code)))
    found: list[Screen] = []
    for code in sorted(codes):
        asked = SCREENS[code] if _tabled(code) else getattr(others.get(code), "could_report", None)
        if asked is not None:
            found.append(asked)
    return tuple(found)


def _tabled(code: str) -> bool:
    return code in SCREENS and code in RULE_MODULES and built_in(code)


def could_report(text: str, tree: ast.Module, catalog: Catalog, codes: frozenset[str]) -> bool:
    """Whether any enabled rule may report in this module (``migrator.screen``).

    A ``skip-file`` directive may belong to a document whose other blocks report (a
    notebook, a Markdown file): such a module is always analysed. With libcst's providers
    (the equivalence tests' reference) every module is.
    """
    if using_libcst_providers() or "skip-file" in text:
        return True
    screen = ModuleScreen(text, tree)
    return any(asked(screen, catalog) for asked in screens_of(codes))


def analyse_python(
    text: str,
    location: Location,
    judgement: Judgement,
    codes: frozenset[str],
    suppressions: Suppressions | None = None,
) -> Analysis:
    """Findings of the enabled rules in one Python document; DSM900 if it does not parse."""
    analysis = Analysis(suppressions=suppressions or Suppressions())
    try:
        tree = cpython_tree(text)
    except RecursionError:
        analysis.parsed = False
        analysis.findings.append(parse_error_finding(location.path, NESTED_TOO_DEEPLY,
                                                     cell=reported_cell(location.cell)))
        return analysis
    if tree is not None and not could_report(text, tree, judgement.catalog, codes):
        return analysis
    if _DEFERRED.get():
        raise NeedsLibcst
    from migrator.traversal import analyse_module  # libcst: only for a module a rule may report in

    findings, analysis.parsed = analyse_module(text, location, judgement, codes, analysis.suppressions)
    analysis.findings.extend(findings)
    return analysis
