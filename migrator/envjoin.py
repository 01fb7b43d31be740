"""A `.env` finding's fix, planned from the file's side: the same joined fix as the code's.

The engine asks here after reading a `.env` file: each DSM001 value whose variable the
project's code reads gets the fix that renames it together with the requests the reads
reach (:mod:`migrator.environment` has the rule; :mod:`migrator.fixes` plans the fix).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import libcst as cst

from migrator.configsyntax import Piece, env_pieces
from migrator.environment import join_variable
from migrator.envreads import env_index
from migrator.findings import Finding, TextEdit
from migrator.fixes import FixPlan, plan_joined_fix, project_of
from migrator.flow import Reached, ValueFlow
from migrator.lines import LineIndex

if TYPE_CHECKING:
    from migrator.catalog import ModelMatch
    from migrator.context import ModuleContext
    from migrator.judgement import Judgement
    from migrator.sources.base import Document


def join_env_findings(document: Document, display: str, path: str, judgement: object) -> None:
    """Give each DSM001 value of a `.env` file the fix joined to the code that reads it."""
    from migrator.judgement import Judgement

    assert isinstance(judgement, Judgement)
    text = document.texts.get(None)
    if text is None or judgement.project_root is None:
        return
    lines = LineIndex(text)
    pieces = list(env_pieces(text))
    joined: list[Finding] = []
    for finding in document.findings:
        planned = None
        if finding.code == "DSM001" and finding.fix is not None:
            planned = _planned_entry(finding, pieces, lines, text, display, path, judgement)
        joined.append(planned or finding)
    document.findings = joined


def _planned_entry(finding: Finding, pieces: Sequence[Piece], lines: LineIndex, text: str, display: str,
                   path: str, judgement: Judgement) -> Finding | None:
    key: Piece | None = None
    for piece in pieces:
        if piece.kind == "key":
            key = piece
        elif piece.kind == "value" and \
                lines.position(piece.start) == (finding.span.line, finding.span.column):
            break
    else:
        return None
    if key is None:
        return None
    catalog = judgement.catalog
    match = catalog.match_whole(piece.value, gateway_module=catalog.is_gateway_text(text))
    if match is None or not match.model.is_retired:
        return None
    plan = plan_env_value(path, display, finding.span.line, piece, key.value, match, judgement)
    if plan is None:
        return None
    if plan.fix is not None and plan.fix.applicability == "safe":
        return replace(finding, fix=plan.fix, unfixable_reason=None, requests=plan.requests)
    fix = plan.fix if plan.fix is not None and plan.fix.edits else finding.fix
    return replace(finding, fix=fix, unfixable_reason=plan.unfixable_reason, requests=plan.requests)


def plan_env_value(path: str, display: str, line: int, piece: Piece, name: str, match: ModelMatch,
                   judgement: Judgement) -> FixPlan | None:
    """The fix of a `.env` value: None when no Python read of the variable is in the project."""
    real = os.path.realpath(path)
    origin = _value_as_module(display, line, match, judgement)
    if origin is None:
        return None
    project = project_of(origin)
    names = frozenset({name.upper()})
    if project is None or not env_index(project).reads_of(names):
        return None
    node = _only_string(origin)
    target = judgement.successor_of(match.model)
    rename = (TextEdit(piece.start, piece.end, match.respell(target)),)

    def follow(flow: ValueFlow) -> list[Reached]:
        return join_variable(flow, names, 0, skip=None, where=f"`{name}` ({display}:{line})")

    plan = plan_joined_fix(origin, node, match, rename, follow)
    if plan.fix is None:
        return plan
    own = tuple(edit for edit in plan.fix.edits if edit.path != real)  # the rename says it already
    inputs = tuple((p, d) for p, d in plan.fix.inputs if p != real)
    return replace(plan, fix=replace(plan.fix, edits=own, inputs=inputs))


def _value_as_module(display: str, line: int, match: ModelMatch,
                     judgement: Judgement) -> ModuleContext | None:
    """A one-string module standing for the `.env` value: where the follow starts."""
    from libcst.metadata import MetadataWrapper

    from migrator.context import ModuleContext
    from migrator.judgement import Location
    from migrator.parsing import parse_module

    text = "\n" * (line - 1) + f'"{match.spelled}"\n'
    try:
        module = parse_module(text)
    except cst.ParserSyntaxError:
        return None
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    return ModuleContext(module, wrapper, text, Location(display), judgement)


def _only_string(context: ModuleContext) -> cst.SimpleString:
    statement = context.module.body[-1]
    assert isinstance(statement, cst.SimpleStatementLine)
    expression = statement.body[0]
    assert isinstance(expression, cst.Expr) and isinstance(expression.value, cst.SimpleString)
    return expression.value
