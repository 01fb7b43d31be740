"""Planning the fix of one retired model ID (DSM001): the rename, the switch, the verdict.

A fix is the ID swap inside the literal (prefix, quotes and string prefix kept)
plus, at every request the value reaches anywhere in the project, the thinking
switch in that library's own spelling: ``deepseek-chat`` / ``deepseek-coder``
become the target with thinking *disabled*; ``deepseek-reasoner`` becomes the
target with thinking *enabled* (the V4 default, written out where the library
accepts it).

Safety, as ruff words it: a *safe* fix never changes what the program asks the
API for beyond the model name. It is safe only when every use of the value is
seen (:mod:`migrator.flow`, across the modules that import it) and each use is
one whose behaviour is known to stay the same: a recognised request that gets
its switch, plain plumbing, text that is only printed or logged. Any other use
makes the fix unsafe, naming the use. When the code tells two legacy IDs apart
(:mod:`migrator.distinctions`) or two values that need different thinking
states reach one request, there is no fix at all.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from migrator import attributes, classfields, entries, environment  # noqa: F401  (they register their follows)
from migrator.callsites import call_site_edits
from migrator.catalog import ModelMatch
from migrator.context import ModuleContext
from migrator.distinctions import Distinction, Distinctions
from migrator.findings import Fix, RequestRef, TextEdit
from migrator.flow import FlowLoader, FlowState, Reached, ValueFlow
from migrator.project import Project, project_at
from migrator.strings import StringNode
from migrator.switch import Unfollowable, thinking_switch_edits
from migrator.tables import Table, TableCheck, looked_up_name, table_named, table_of_key

__all__ = ["FixPlan", "Unfollowable", "plan_fix", "plan_joined_fix", "thinking_switch_edits"]
Follow = Callable[[ValueFlow], list[Reached]]


@dataclass(frozen=True)
class FixPlan:
    fix: Fix | None
    unfixable_reason: str | None = None
    requests: tuple[RequestRef, ...] = ()


def plan_fix(context: ModuleContext, node: StringNode, match: ModelMatch) -> FixPlan:
    """The fix (safe, unsafe or none) for one retired-ID string."""
    return _Planner(context, node, match).plan()


def plan_joined_fix(context: ModuleContext, node: StringNode, match: ModelMatch,
                    rename: tuple[TextEdit, ...], follow: Follow) -> FixPlan:
    """The fix of a value that is not a Python literal (a `.env` value): ``node`` stands for it
    in ``context``, ``rename`` rewrites it in its own file, ``follow`` finds where it goes."""
    return _Planner(context, node, match, rename, follow).plan()


def project_of(context: ModuleContext) -> Project | None:
    judgement = context.judgement
    if judgement.project_root is None:
        return None
    index_dir = None if judgement.cache_dir is None else str(judgement.cache_dir)
    return project_at(str(judgement.project_root), judgement.public_api, index_dir)


class _Planner:
    def __init__(self, context: ModuleContext, node: StringNode, match: ModelMatch,
                 rename: tuple[TextEdit, ...] | None = None, follow: Follow | None = None) -> None:
        self.own_rename = rename
        self.follow = follow
        self.context = context
        self.node = node
        self.match = match
        self.target = context.judgement.successor_of(match.model)
        self.replacement = match.respell(self.target)
        self.disable = match.model.successor_thinking == "disabled"
        self.state = FlowState(context, node, match, self.disable, project_of(context))

    def plan(self) -> FixPlan:
        distinction = Distinctions(self.context.requests, self.context.catalog,
                                   self.context.gateway_module, self.node, self.replacement,
                                   self.target).find()
        table = self._table() if distinction is None or not distinction.merges else None
        if table is not None:
            return self._table_rename(table)
        if distinction is not None:
            return self._distinct(distinction)
        rename = self._rename_edits()
        if rename is None:
            return FixPlan(None, "the string's spelling cannot be rewritten in place")
        edits: list[TextEdit] = list(rename)
        try:
            flow = ValueFlow(self.context, self.state)
            reached = self.follow(flow) if self.follow is not None else flow.flows(self.node, 0)
            for found in reached:
                edits.extend(self._thinking_edits(found))
            edits.extend(self._joined_edits())
        except Unfollowable as why:
            reason = _listed([*self.state.caveats, str(why)])
            if why.merges:
                return FixPlan(None, reason, self._requests())
            return self._unsafe(reason, with_switch=not why.rename_only)
        if self.state.caveats:
            return self._unsafe(_listed(self.state.caveats))
        if not reached and not self.state.shown:
            return self._unsafe("the value reaches no request the tool can see")
        return FixPlan(self._fix("safe", tuple(edits)), None, self._requests())

    # -- lookup tables -----------------------------------------------------------------------

    def _table(self) -> Table | None:
        """The table this literal is a key of, or looks a key up in."""
        loader = FlowLoader(self.context, self.state)
        found = table_of_key(self.context, self.node)
        name = looked_up_name(self.context, self.node) if found is None else None
        if name is not None:
            found = table_named(self.context, name, self.state.project, loader)
        return found

    def _table_rename(self, table: Table) -> FixPlan:
        """The consistent rename of a table's key and its lookups, or why there is none."""
        verdict = TableCheck(table, self.match.spelled, self.replacement, self.target,
                             self.context.catalog, self.state.project,
                             FlowLoader(self.context, self.state)).run()
        if verdict.merges is not None:
            return FixPlan(None, f"{verdict.merges}; decide by hand how the table should read")
        if not verdict.renames:
            return self._unsafe(f"the ID is a key of the table `{table.name}`, which cannot be "
                                f"renamed with its lookups: {_listed(verdict.blockers)}")
        description = (f"Replace `{self.match.spelled}` with `{self.replacement}` in the table "
                       f"`{table.name}` and every lookup of it ({_count(len(verdict.edits), 'place')})")
        edits = tuple(verdict.edits)
        return FixPlan(Fix("safe", description, edits, self._inputs(edits)), None, ())

    def _distinct(self, distinction: Distinction) -> FixPlan:
        where = f"{self.context.location.path}:{self.context.node_span(self.node).line}"
        holder = self._holder_name()
        what = f"{distinction.what} `{holder}`" if holder else distinction.what
        if self._in_assert():
            what += " of an `assert`"
        if distinction.merges:
            names = " and ".join(f"`{t}`" for t in sorted({self.match.spelled, *distinction.twins}))
            return FixPlan(None, f"rewriting {names} to `{self.replacement}` would merge what this "
                           f"{what} tells apart ({where}); decide by hand which "
                           "successor (and thinking setting) each case needs")
        used = ValueFlow(self.context, self.state).uses_elsewhere(holder) if holder else []
        uses = f" (used at {', '.join(used)})" if used else ""
        return self._unsafe(f"the ID is in a {what} at {where}{uses}: the code tells model "
                            "names apart there, check what it does with it")

    def _statement(self) -> cst.CSTNode | None:
        """The small statement the literal stands in (an assignment, an ``assert``, ...)."""
        current = self.context.requests.parent(self.node)
        while current is not None and not isinstance(current, cst.BaseSmallStatement):
            current = self.context.requests.parent(current)
        return current

    def _in_assert(self) -> bool:
        return isinstance(self._statement(), cst.Assert)

    def _holder_name(self) -> str | None:
        """The name the literal's container is assigned to (``AVAILABLE_LLMS = [...]``), if any."""
        current = self._statement()
        if isinstance(current, cst.Assign) and len(current.targets) == 1:
            target = current.targets[0].target
            return target.value if isinstance(target, cst.Name) else None
        if isinstance(current, cst.AnnAssign) and isinstance(current.target, cst.Name):
            return current.target.value
        return None

    def _requests(self) -> tuple[RequestRef, ...]:
        seen: dict[tuple[str, int | None, int, int], RequestRef] = {}
        for found in self.state.reached:
            span = found.context.node_span(found.sent_at)
            ref = RequestRef(found.context.location.path, span.line, span.column,
                             found.request.library.label, span.cell)
            seen.setdefault((ref.path, ref.cell, ref.line, ref.column), ref)
        return tuple(seen.values())

    # -- descriptions --------------------------------------------------------------------

    def _fix(self, applicability: str, edits: tuple[TextEdit, ...]) -> Fix:
        state = "disabled" if self.disable else "enabled"
        description = f"Replace `{self.match.spelled}` with `{self.replacement}`"
        requests = self._requests()
        if requests:
            places = sorted({r.library for r in requests})
            description += f" and keep thinking {state} at {_count(len(requests), 'request')} " \
                           f"({', '.join(places)})"
        elif not self.disable:
            description += " (thinking stays on: the V4 default)"
        return Fix(applicability, description, edits, self._inputs(edits))  # type: ignore[arg-type]

    def _unsafe(self, reason: str, with_switch: bool = True) -> FixPlan:
        """The rename, with the switch at the requests that were found before the follow stopped.

        Thinking is left to the user where the value goes beyond them.
        """
        rename = self._rename_edits()
        if rename is None:
            return FixPlan(None, reason, self._requests())
        edits = list(rename)
        for found in self.state.reached if with_switch else ():
            try:
                edits.extend(self._thinking_edits(found))
            except Unfollowable:
                continue
        state = "disabled" if self.disable else "enabled"
        description = f"Replace `{self.match.spelled}` with `{self.replacement}`"
        known = self._requests()
        if known and len(edits) > len(rename):
            description += f", keep thinking {state} at the {_count(len(known), 'request')} found"
        description += f"; thinking must be set to {state} by hand where the value is sent ({reason})"
        names = self.state.names
        where = f"`{sorted(names)[0]}`" if names else "the value"
        follow_up = f"thinking must be disabled where {where} is sent" if self.disable else None
        fix = Fix("unsafe", description, tuple(edits), self._inputs(edits), follow_up)
        return FixPlan(fix, reason, known)

    def _inputs(self, edits: list[TextEdit] | tuple[TextEdit, ...]) -> tuple[tuple[str, str], ...]:
        paths = {edit.path for edit in edits if edit.path is not None}
        return tuple(sorted((p, d) for p, d in self.state.inputs.items() if p in paths))

    # -- the ID itself ---------------------------------------------------------------------

    def _joined_edits(self) -> list[TextEdit]:
        """The renames of the other values that reach the same requests (environment.py)."""
        edits = list(self.state.extra_edits)
        for context, node, match in self.state.renamed:
            renamed = _Planner(context, node, match)._rename_edits()
            if renamed is None:
                raise Unfollowable(f"`{match.spelled}` at {context.location.path} cannot be rewritten "
                                   "in place")
            path = self.state.real_path_of(context)
            edits.extend(dataclasses.replace(edit, path=path) for edit in renamed)
        return edits

    def _rename_edits(self) -> tuple[TextEdit, ...] | None:
        if self.own_rename is not None:
            return self.own_rename
        if isinstance(self.node, cst.ConcatenatedString):
            return self._concatenation_edits(self.node)
        edit = self._rename_edit()
        return (edit,) if edit is not None else None

    def _rename_edit(self) -> TextEdit | None:
        node = self.node
        start, end = self.context.node_range(node)
        if isinstance(node, cst.SimpleString):
            opening = len(node.prefix) + len(node.quote)
            body = node.value[opening : len(node.value) - len(node.quote)]
            if body == self.match.spelled and "\\" not in body:
                at = start + opening + len(self.match.prefix)
                return self.context.edit(at, at + len(self.match.model.id), self.target)
            if "b" in node.prefix.lower() or "r" in node.prefix.lower():
                return None
            return self.context.edit(start + opening, end - len(node.quote), self.replacement)
        if isinstance(node, cst.FormattedString):
            texts = [p for p in node.parts if isinstance(p, cst.FormattedStringText)]
            if len(texts) == 1 and texts[0].value == self.match.spelled:
                text_start, _ = self.context.node_range(texts[0])
                at = text_start + len(self.match.prefix)
                return self.context.edit(at, at + len(self.match.model.id), self.target)
        return None

    def _concatenation_edits(self, node: cst.ConcatenatedString) -> tuple[TextEdit, ...] | None:
        """The first piece spells the new ID, the others become empty: comments in between stay."""
        first, *rest = _pieces(node)
        if not isinstance(first, cst.SimpleString) or "b" in first.prefix.lower():
            return None
        start, end = self.context.node_range(first)
        opening = len(first.prefix) + len(first.quote)
        edits = [self.context.edit(start + opening, end - len(first.quote), self.replacement)]
        for piece in rest:
            if isinstance(piece, cst.SimpleString):
                empty = f"{piece.prefix}{piece.quote}{piece.quote}"
            elif isinstance(piece, cst.FormattedString):
                empty = f"{piece.start}{piece.end}"
            else:
                return None
            edits.append(self.context.edit(*self.context.node_range(piece), empty))
        return tuple(edits)

    # -- the thinking switch --------------------------------------------------------------

    def _thinking_edits(self, found: Reached) -> list[TextEdit]:
        request = found.request
        state = request.thinking.state
        if state in ("enabled", "disabled"):
            return []  # an explicit setting wins
        if not self.disable and not request.library.explicit_enabled:
            return []
        if not request.confident and not ValueFlow(found.context, self.state).client_from_project(request):
            raise Unfollowable(f"the call is recognised as {request.library.label} only by its shape")
        if request.library.no_switch:
            raise Unfollowable(request.library.no_switch)
        quote = "'" if isinstance(self.node, cst.SimpleString) and self.node.quote == "'" else '"'
        wanted = "disabled" if self.disable else "enabled"
        if request.has_unpacked_kwargs and found.entry is not None:
            return call_site_edits(ValueFlow(found.context, self.state), found, wanted, quote)
        if state == "unknown" or request.has_unpacked_kwargs:
            raise Unfollowable("thinking may be set by `**kwargs` or an expression at the request")
        edits = thinking_switch_edits(found.context, request.node, request.library, wanted, quote)
        path = self.state.real_path_of(found.context)
        if path is None:
            return edits
        return [dataclasses.replace(edit, path=path) for edit in edits]


# -- small helpers -----------------------------------------------------------------------------


def _listed(reasons: list[str], most: int = 3) -> str:
    """The blocking uses, the first few in full."""
    shown = "; ".join(reasons[:most])
    return shown + (f"; and {_count(len(reasons) - most, 'more use')}" if len(reasons) > most else "")


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def _pieces(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The literals of an implicit concatenation, in source order."""
    if isinstance(node, cst.ConcatenatedString):
        return _pieces(node.left) + _pieces(node.right)
    return [node]
