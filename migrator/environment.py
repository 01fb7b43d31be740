"""Values from outside the code: environment variables, the project's `.env` files, settings fields.

A model ID read from the environment (``os.getenv("DEEPSEEK_MODEL", "deepseek-chat")``,
``os.environ["DEEPSEEK_MODEL"]``, a pydantic-settings field whose environment name is
``APP_LLM_MODEL``) can take other values than the one in the code. The rule a safe fix
follows there (README, "Fix safety", "Values from outside the code"):

- the values the **project** supplies for the variable are every read's default in the code
  and every entry for it in the project's `.env` files (`.env`, `.env.*`, `*.env`; names
  compared case-insensitively, as pydantic-settings and Windows do);
- the fix is safe only when at least one `.env` file sets the variable (else its value is the
  deployment's: the fix stays unsafe, as it always was), every such value is a retired ID
  needing the thinking state this fix writes, every read of the variable in the project is
  followed to the requests it reaches, nothing in the code sets it or reads the environment
  by a computed name, and no other file the tool reads names it (a compose file or CI
  workflow may set it another way);
- then one fix renames every one of those values together and writes the switch at every
  request the reads reach; a value that needs another thinking state leaves the rename alone,
  with no switch (the switch would override that value's thinking).

A deployment's own environment (a shell, a Dockerfile, settings the tool does not read) is
outside the code, for ``os.getenv`` and settings fields alike.

The reads are found once per project with CPython's ``ast`` (a cheap pass over the modules
that mention the environment); only the modules that read a followed variable are parsed
with libcst.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import ExpressionContext

from migrator.context import STRING_NODES, attribute_chain, call_keywords
from migrator.envreads import (
    EnvEntry,
    EnvIndex,
    EnvUse,
    _digest,
    _scanned,
    env_entries,
    env_index,
    is_read_chain,
    mentions,
)
from migrator.findings import TextEdit
from migrator.flow import EXTENSIONS, FlowState, Reached, ValueFlow, load_context
from migrator.project import display_path, read_source
from migrator.strings import literal_value
from migrator.switch import Unfollowable

if TYPE_CHECKING:
    from migrator.catalog import ModelMatch
    from migrator.context import ModuleContext

def flows_of_environment_read(flow: ValueFlow, call: cst.Call, depth: int) -> list[Reached]:
    """``os.getenv("NAME", <the value followed>)``: the read's own uses, then every other
    value the project supplies for ``NAME`` and every other read of it."""
    name = read_name(call)
    if name is None:
        flow.state.caveats.append(
            f"the environment is read at {flow.where(call)} by a name computed at run time: another "
            "model set there would get this fix's thinking setting too")
        return flow.flows(call, depth + 1)
    reached = flow.flows(call, depth + 1)
    return reached + join_variable(flow, frozenset({name.upper()}), depth, skip=call,
                                   where=f"`{name}` is read from the environment at {flow.where(call)}")


def read_name(call: cst.Call) -> str | None:
    """The literal variable name an environment read names, if any."""
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    node = positional[0].value if positional else None
    if node is None and "key" in call_keywords(call):
        node = call_keywords(call)["key"].value
    return literal_value(node) if isinstance(node, STRING_NODES) else None


def join_variable(flow: ValueFlow, names: frozenset[str], depth: int, *, skip: cst.CSTNode | None,
                  where: str) -> list[Reached]:
    """The requests every other read of ``names`` reaches; the `.env` values and the other
    reads' defaults join the fix (renamed with it) when they need the same thinking state."""
    state = flow.state
    key = ("env:" + ",".join(sorted(names)), "", 0)
    if key in state.visited:
        return []
    state.visited.add(key)
    shown = " / ".join(f"`{name}`" for name in sorted(names))
    project = state.project
    if project is None:
        state.blocked(Unfollowable(f"{where}: another model set there would get this fix's thinking "
                                   "setting too"))
        return []
    entries = env_entries(project, names)
    if not entries:  # the value is the deployment's: the other reads are beyond this fix
        state.blocked(Unfollowable(f"{where}: another model set there would get this fix's thinking "
                                   "setting too (no `.env` file of the project sets it)"))
        return []
    index = env_index(project)  # read only when an env file sets the variable
    for entry in entries:
        _join_entry(state, flow, entry)
    for use in index.writes_of(names):
        state.blocked(Unfollowable(f"{shown} is set in the code at {display_path(use.path)}:{use.line}"))
    for use in index.opaque():
        state.blocked(Unfollowable(f"the environment is read {use.what} at "
                                   f"{display_path(use.path)}:{use.line}: it may read {shown} too"))
    for name in sorted(names):
        for place in mentions(project, name):
            state.blocked(Unfollowable(f"`{name}` is also named in {place}, which may set it another way"))
    reached: list[Reached] = []
    for path in sorted({use.path for use in index.reads_of(names)}):
        try:
            reached.extend(_reads_in_module(flow, path, names, index, skip, depth))
        except Unfollowable as why:
            state.blocked(why)
    return reached


def _join_entry(state: FlowState, flow: ValueFlow, entry: EnvEntry) -> None:
    catalog = flow.context.catalog
    gateway = catalog.is_gateway_text(entry.text)  # `deepseek/…` beside OpenRouter is its slug
    match = catalog.match_whole(entry.value, gateway_module=gateway) if entry.value is not None else None
    why = disagreement(state, match)
    if why is not None:
        shown = f"`{entry.value}`" if entry.value else "no model"
        state.blocked(Unfollowable(f"{entry.where} sets `{entry.name}` to {shown}, which {why}",
                                   rename_only=True))
        return
    assert match is not None
    target = flow.context.judgement.successor_of(match.model)
    state.extra_edits.append(TextEdit(entry.start, entry.end, match.respell(target), path=entry.path))
    digest = _digest(entry.path)
    if digest is not None:
        state.inputs.setdefault(entry.path, digest)


def disagreement(state: FlowState, match: ModelMatch | None) -> str | None:
    """Why a value that reaches the same requests cannot take this fix; None when it can."""
    ours = "disabled" if state.disable else "enabled"
    if match is None:
        return "the tool cannot follow: this fix's thinking setting would apply to it too"
    if not match.model.is_retired:
        return f"this fix's switch (thinking {ours}) would change"
    theirs = match.model.successor_thinking or "enabled"
    if theirs != ours:
        return (f"needs thinking {theirs}: one request cannot keep both thinking states; choose the "
                "successor and the thinking setting by hand")
    return None


def _reads_in_module(flow: ValueFlow, path: str, names: frozenset[str], index: EnvIndex,
                     skip: cst.CSTNode | None, depth: int) -> list[Reached]:
    state = flow.state
    context = _context_of(flow, path)
    expected = [use for use in index.reads_of(names) if use.path == path]
    reads = environment_reads(context, names)
    fields = _settings_fields_in(context, [use for use in expected if use.kind == "field"])
    if len(reads) < sum(use.kind == "read" for use in expected) or \
            len(fields) < sum(use.kind == "field" for use in expected):
        raise Unfollowable(f"a read of {', '.join(sorted(names))} in {display_path(path)} is written in "
                           "a way the tool cannot follow")
    there = ValueFlow(context, state)
    reached: list[Reached] = []
    for read in reads:
        if read is skip:
            continue
        try:
            if isinstance(read, cst.Call):
                _join_default(there, read)
            reached.extend(there.flows(read, depth + 1))
        except Unfollowable as why:
            state.blocked(why)
    for klass, statement in fields:
        if statement is skip:
            continue
        try:
            reached.extend(EXTENSIONS.follow_settings_field(there, klass, statement, depth + 1))
        except Unfollowable as why:
            state.blocked(why)
    return reached


def _context_of(flow: ValueFlow, path: str) -> ModuleContext:
    origin = flow.state.origin
    if ValueFlow(origin, flow.state).real_path == path:
        return origin
    context = load_context(path, flow.context.judgement, flow.state)
    if context is None:
        raise Unfollowable(f"{display_path(path)} reads the variable but cannot be parsed")
    return context


def _join_default(flow: ValueFlow, read: cst.Call) -> None:
    """Another read's default joins the fix: renamed with it when it agrees."""
    positional = [arg for arg in read.args if arg.keyword is None and not arg.star]
    keyword = call_keywords(read).get("default")
    default = positional[1].value if len(positional) > 1 else keyword.value if keyword else None
    if default is not None:
        join_literal(flow, default, f"the default at {flow.where(default)}")


def join_literal(flow: ValueFlow, value: cst.BaseExpression, what: str) -> None:
    """A literal that reaches the same requests: renamed with this fix, or the fix stays unsafe."""
    state = flow.state
    if value is state.node:
        return
    if isinstance(value, cst.Name) and value.value == "None":
        return
    match = flow.context.strings.whole_match(value) if isinstance(value, STRING_NODES) else None
    why = disagreement(state, match)
    if why is not None:
        shown = f"`{literal_value(value)}`" if isinstance(value, STRING_NODES) else "a value"
        state.blocked(Unfollowable(f"{what} is {shown}, which {why}", rename_only=match is not None))
        return
    assert match is not None and isinstance(value, STRING_NODES)
    state.renamed.append((flow.context, value, match))


def environment_reads(context: ModuleContext, names: frozenset[str]) -> list[cst.BaseExpression]:
    """The reads of ``names`` in a module: calls as :func:`is_read_chain` knows them, and
    ``os.environ["NAME"]`` subscripts that load."""
    found: list[cst.BaseExpression] = []
    for node in context.nodes_of(cst.Call):
        assert isinstance(node, cst.Call)
        if is_read_chain(attribute_chain(node.func)):
            name = read_name(node)
            if name is not None and name.upper() in names:
                found.append(node)
    for node in context.nodes_of(cst.Subscript):
        assert isinstance(node, cst.Subscript)
        if attribute_chain(node.value)[-1:] != ["environ"] or len(node.slice) != 1:
            continue
        element = node.slice[0].slice
        if not isinstance(element, cst.Index) or not isinstance(element.value, STRING_NODES):
            continue
        name = literal_value(element.value)
        loads = context.expression_context(node) is ExpressionContext.LOAD
        if name is not None and name.upper() in names and loads:
            found.append(node)
    return found


def _settings_fields_in(context: ModuleContext,
                        uses: Sequence[EnvUse]) -> list[tuple[cst.ClassDef, cst.AnnAssign]]:
    wanted = {tuple(use.what.split(".", 1)) for use in uses}
    found: list[tuple[cst.ClassDef, cst.AnnAssign]] = []
    for node in context.nodes_of(cst.ClassDef):
        assert isinstance(node, cst.ClassDef)
        for statement in node.body.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and \
                        (node.name.value, small.target.value) in wanted:
                    found.append((node, small))
    return found


def field_env_names(path: str, klass: str, name: str) -> frozenset[str] | None:
    """The environment names of a settings field, worked out as the project's index does (from
    its own module alone: no other file is read for it)."""
    data = read_source(path)
    scanner = _scanned(path, data) if data is not None else None
    for use in scanner.uses if scanner is not None else ():
        if use.kind == "field" and use.what == f"{klass}.{name}":
            return use.names
    return None


EXTENSIONS.environment_read = flows_of_environment_read
