"""Lookup tables keyed by model ID: renamed with every literal lookup, or not at all.

``PRICES = {"deepseek-chat": 0.27, ...}`` keeps working after the migration when its
key and every lookup of that key are renamed together, and nothing else looks into
the table. The table is a module-level dict literal with string keys, bound once and
never changed; every use of its name, in its module and in every module importing it
(re-exports followed), must be a read by a string literal: ``PRICES["deepseek-chat"]``
or ``PRICES.get("deepseek-chat", ...)``. Then the rename edits the key and the lookups
spelled like it, in every file, as one fix. Any other use (iteration, ``in``, a lookup
by a variable, a store, the table passed on) names itself as the reason the table
cannot be renamed. A rename that would give the table a key it has (two keys merged),
or that a literal lookup already asks for, is no fix: the reason names the key.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Protocol

import libcst as cst
from libcst.metadata import (
    Assignment,
    ExpressionContext,
    GlobalScope,
    ScopeProvider,
)

from migrator.catalog import Catalog
from migrator.context import ModuleContext, attribute_chain
from migrator.findings import TextEdit
from migrator.project import Project
from migrator.strings import literal_value

MAX_RE_EXPORTS = 4  # how many `__init__` re-exports a table may pass through


@dataclass(frozen=True)
class Table:
    """A module-level ``NAME = {...}`` dict literal."""

    context: ModuleContext
    name: str
    node: cst.Dict
    line: int


@dataclass
class TableVerdict:
    """The edits of a consistent rename, or why there is none (``merges``: no fix at all)."""

    edits: list[TextEdit] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)
    merges: str | None = None

    @property
    def renames(self) -> bool:
        return not self.blockers and self.merges is None


class Loader(Protocol):
    """What the table check needs from the value flow: other modules' contexts, their paths."""

    def load(self, real_path: str) -> ModuleContext | None: ...

    def real_path_of(self, context: ModuleContext) -> str | None:
        """The real path of a context loaded from another module; None for the origin's own."""

    def display(self, context: ModuleContext, node: cst.CSTNode) -> str:
        """``path:line`` of a node, as reports show it."""

    def display_path(self, real_path: str) -> str: ...

    def file_of(self, context: ModuleContext) -> str | None:
        """The real path of any context's module file (the origin's too); None if none."""


def table_of_key(context: ModuleContext, node: cst.CSTNode) -> Table | None:
    """The table ``node`` is a key of, when it is one."""
    index = context.requests
    element = index.parent(node)
    if not isinstance(element, cst.DictElement) or element.key is not node:
        return None
    container = index.parent(element)
    return _table_bound_by(context, container) if isinstance(container, cst.Dict) else None


def looked_up_name(context: ModuleContext, node: cst.CSTNode) -> cst.Name | None:
    """``NAME`` of ``NAME[node]`` or ``NAME.get(node, ...)``, reading (not storing)."""
    index = context.requests
    parent = index.parent(node)
    if isinstance(parent, cst.Index):
        element = index.parent(parent)
        subscript = index.parent(element) if isinstance(element, cst.SubscriptElement) else None
        if isinstance(subscript, cst.Subscript) and len(subscript.slice) == 1 and \
                isinstance(subscript.value, cst.Name) and \
                context.expression_context(subscript) is ExpressionContext.LOAD:
            return subscript.value
        return None
    if isinstance(parent, cst.Arg) and parent.keyword is None and parent.star == "":
        call = index.parent(parent)
        if isinstance(call, cst.Call) and call.args and call.args[0] is parent and \
                isinstance(call.func, cst.Attribute) and call.func.attr.value == "get" and \
                isinstance(call.func.value, cst.Name):
            return call.func.value
    return None


def table_named(context: ModuleContext, name: cst.Name, project: Project | None,
                loader: Loader, depth: int = 0) -> Table | None:
    """The table a name stands for: bound in this module, or imported from a project module."""
    scope = context.metadata_of(ScopeProvider, name)
    if scope is None:
        return None
    assignments = list(scope[name.value])  # the binding seen from here, enclosing scopes too
    if len(assignments) != 1 or not isinstance(assignments[0], Assignment) or \
            not isinstance(assignments[0].scope, GlobalScope):
        return None
    return _table_bound_at(context, assignments[0].node, name.value, project, loader, depth)


def _table_bound_at(context: ModuleContext, bound: cst.CSTNode, local: str,
                    project: Project | None, loader: Loader, depth: int) -> Table | None:
    """The table a module-level binding (an assignment or an import) gives ``local``."""
    statement = _statement_of(context, bound)
    if isinstance(statement, (cst.Assign, cst.AnnAssign)):
        value = statement.value
        return _table_bound_by(context, value) if isinstance(value, cst.Dict) else None
    if isinstance(statement, cst.ImportFrom) and project is not None and depth < MAX_RE_EXPORTS:
        return _imported_table(context, statement, local, project, loader, depth)
    return None


class TableCheck:
    """Whether renaming ``spelled`` to ``replacement`` in a table keeps every lookup working."""

    def __init__(self, table: Table, spelled: str, replacement: str, target: str,
                 catalog: Catalog, project: Project | None, loader: Loader) -> None:
        self.table = table
        self.spelled = spelled
        self.replacement = replacement
        self.target = target
        self.catalog = catalog
        self.project = project
        self.loader = loader
        self.verdict = TableVerdict()
        self.visited: set[tuple[str, str]] = set()
        self.lookups = 0  # literal lookups of the renamed key

    def run(self) -> TableVerdict:
        self._check_keys()
        if self.verdict.merges is None:
            self._check_uses(self.table.context, self.table.name, 0)
        if self.verdict.renames and self.lookups == 0:
            self.verdict.blockers.append(f"nothing in the project looks the table `{self.table.name}` "
                                         "up by this key")
        return self.verdict

    def has_key(self) -> bool:
        """Is the renamed spelling one of the table's keys?"""
        return any(isinstance(element, cst.DictElement) and literal_value(element.key) == self.spelled
                   for element in self.table.node.elements)

    # -- the table itself ----------------------------------------------------------------------

    def _check_keys(self) -> None:
        table = self.table
        where = f"`{table.name}` at {self.loader.display(table.context, table.node)}"
        keys: list[str] = []
        for element in table.node.elements:
            key = literal_value(element.key) if isinstance(element, cst.DictElement) else None
            if key is None:
                self.verdict.blockers.append(f"the table {where} has keys that are not string literals")
                return
            keys.append(key)
        for key in keys:
            if key == self.spelled:
                continue
            if key == self.replacement or self._renames_to_replacement(key):
                self.verdict.merges = (f"renaming the key `{self.spelled}` of the table {where} "
                                       f"to `{self.replacement}` would merge it with its key `{key}`")
                return
        for element in table.node.elements:
            if isinstance(element, cst.DictElement) and literal_value(element.key) == self.spelled:
                self._rename(table.context, element.key)

    def _renames_to_replacement(self, key: str) -> bool:
        match = self.catalog.match_whole(key)
        return match is not None and match.model.is_retired and \
            match.respell(self.target) == self.replacement

    # -- every use of its name -----------------------------------------------------------------

    def _check_uses(self, context: ModuleContext, name: str, depth: int) -> None:
        path = self.loader.file_of(context) or context.location.path
        if (path, name) in self.visited:
            return
        self.visited.add((path, name))
        scope = context.metadata_of(ScopeProvider, context.module)
        if not isinstance(scope, GlobalScope) or len(list(scope.assignments[name])) != 1:
            self.verdict.blockers.append(f"`{name}` is bound more than once in {context.location.path}")
            return
        for access in next(iter(scope.assignments[name])).references:
            self._check_use(context, access.node)
        if context.location.cell is not None:  # one cell read alone: the others are not followed
            self.verdict.blockers.append(f"`{name}` is in a notebook cell, which other cells may use")
            return
        if context.location.cells is not None:
            where = context.location.name_used_outside(name)
            if where is not None:
                self.verdict.blockers.append(f"`{name}` is also used in {where}")
            return
        self._check_importers(context, name, depth)

    def _check_use(self, context: ModuleContext, node: cst.CSTNode) -> None:
        key = _literal_lookup_key(context, node)
        where = self.loader.display(context, node)
        if key is None:
            self.verdict.blockers.append(f"the table `{self.table.name}` is used other than by a "
                                         f"literal lookup at {where}")
        elif literal_value(key) == self.replacement:
            self.verdict.merges = (f"`{self.replacement}` is already looked up in the table "
                                   f"`{self.table.name}` at {where}")
        elif literal_value(key) == self.spelled:
            self.lookups += 1
            self._rename(context, key)

    def _check_importers(self, context: ModuleContext, name: str, depth: int) -> None:
        project = self.project
        real = self.loader.file_of(context)
        module = project.module_of(real) if project is not None and real is not None else None
        if project is None or module is None:
            return
        if project.is_public(module) and not name.startswith("_"):
            self.verdict.blockers.append(f"`{name}` is public API of `{module}` (`public-api` "
                                         "setting): code outside the project may read the table")
        for binding in project.importers(module, name):
            if binding.importer == real:
                continue
            where = f"{self.loader.display_path(binding.importer)}:{binding.line}"
            if binding.kind != "name":
                self.verdict.blockers.append(f"the module of `{name}` is imported whole at {where}")
                continue
            importer = self.loader.load(binding.importer)
            if importer is None or depth >= MAX_RE_EXPORTS:
                self.verdict.blockers.append(f"the table `{name}` is imported at {where}, which "
                                             "cannot be read")
                continue
            self._check_uses(importer, binding.local, depth + 1)

    def _rename(self, context: ModuleContext, node: cst.CSTNode) -> None:
        if not isinstance(node, cst.SimpleString) or "\\" in node.value or \
                any(c in node.prefix.lower() for c in "bf"):
            self.verdict.blockers.append(f"the key at {self.loader.display(context, node)} is "
                                         "spelled in a way the tool cannot rewrite")
            return
        start, _ = context.node_range(node)
        at = start + len(node.prefix) + len(node.quote)
        edit = context.edit(at, at + len(self.spelled), self.replacement)
        real = self.loader.real_path_of(context)
        self.verdict.edits.append(edit if real is None else dataclasses.replace(edit, path=real))


# -- helpers ---------------------------------------------------------------------------------


def _table_bound_by(context: ModuleContext, node: cst.CSTNode) -> Table | None:
    """The table when ``node`` (a dict literal) is the whole value of a module-level binding."""
    if not isinstance(node, cst.Dict):
        return None
    statement = context.requests.parent(node)
    if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
        target: cst.BaseExpression = statement.targets[0].target
    elif isinstance(statement, cst.AnnAssign):
        target = statement.target
    else:
        return None
    line = context.requests.parent(statement)
    module = context.requests.parent(line) if line is not None else None
    if not isinstance(target, cst.Name) or not isinstance(module, cst.Module):
        return None
    return Table(context, target.value, node, context.node_span(node).line)


def _statement_of(context: ModuleContext, node: cst.CSTNode) -> cst.CSTNode | None:
    current: cst.CSTNode | None = node
    while current is not None and not isinstance(current, cst.BaseSmallStatement):
        current = context.requests.parent(current)
    return current


def _imported_table(context: ModuleContext, statement: cst.ImportFrom, local: str,
                    project: Project, loader: Loader, depth: int) -> Table | None:
    if isinstance(statement.names, cst.ImportStar):
        return None
    real = loader.file_of(context)
    if real is None:
        return None
    module_name = _dotted(statement.module) if statement.module is not None else ""
    level = len(statement.relative)
    for alias in statement.names:
        bound = alias.asname.name if alias.asname is not None else alias.name
        if not isinstance(bound, cst.Name) or bound.value != local:
            continue
        source = project.resolve_from(real, module_name, level)
        path = project.file_of(source) if source is not None else None
        there = loader.load(path) if path is not None else None
        original = _dotted(alias.name)
        if there is None or "." in original:
            return None
        scope = there.metadata_of(ScopeProvider, there.module)
        if not isinstance(scope, GlobalScope):
            return None
        assignments = list(scope.assignments[original])
        if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
            return None
        return _table_bound_at(there, assignments[0].node, original, project, loader, depth + 1)
    return None


def _literal_lookup_key(context: ModuleContext, node: cst.CSTNode) -> cst.BaseExpression | None:
    """The string literal ``NAME`` is read by at ``node``, or None for any other use."""
    index = context.requests
    parent = index.parent(node)
    if isinstance(parent, cst.Subscript) and parent.value is node and len(parent.slice) == 1:
        if context.expression_context(parent) is not ExpressionContext.LOAD:
            return None
        slice_ = parent.slice[0].slice
        if isinstance(slice_, cst.Index) and literal_value(slice_.value) is not None:
            return slice_.value
        return None
    if isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value == "get":
        call = index.parent(parent)
        if isinstance(call, cst.Call) and call.func is parent and 1 <= len(call.args) <= 2 and \
                all(arg.keyword is None and arg.star == "" for arg in call.args) and \
                literal_value(call.args[0].value) is not None:
            return call.args[0].value
    return None


def _dotted(node: cst.BaseExpression) -> str:
    """An import's dotted module or name (``a.b.c``): only names and attributes stand there."""
    return ".".join(attribute_chain(node))
