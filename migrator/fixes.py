"""Planning the fix of one retired model ID (DSM001): where its value flows, what to edit.

A fix is the ID swap inside the literal (prefix, quotes and string prefix kept)
plus, at every request the value reaches, the thinking switch in that library's
own spelling: ``deepseek-chat`` / ``deepseek-coder`` become the target with
thinking *disabled*; ``deepseek-reasoner`` becomes the target with thinking
*enabled* (the V4 default, written out where the library accepts it).

Safety, as ruff words it: a *safe* fix never changes what the program asks the
API for beyond the model name. When the value's requests cannot all be
followed, the fix is *unsafe* (ID only). When the code tells two legacy IDs
apart (dict keys, comparisons, ``match`` cases, ``Literal`` / Enum members),
there is no fix at all, and ``unfixable_reason`` says why.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ClassScope, ExpressionContext, ExpressionContextProvider, GlobalScope

from migrator.catalog import ModelMatch
from migrator.context import (
    STRING_NODES,
    Request,
    RequestIndex,
    attribute_chain,
    call_keywords,
    dict_entries,
    is_mapping_call,
)
from migrator.findings import Fix, TextEdit
from migrator.libraries import PAYLOAD_KEYWORDS, PAYLOAD_METHODS, Library
from migrator.rules.base import ModuleContext
from migrator.strings import StringNode, literal_value

_N = TypeVar("_N", bound=cst.CSTNode)
MAX_DEPTH = 6  # how many bindings a value may pass through before we stop following it
ENUM_BASES = ("enum.Enum", "enum.StrEnum", "enum.IntEnum", "enum.Flag")
LITERAL_NAMES = ("typing.Literal", "typing_extensions.Literal")
# Classes whose class-level assignments are per-instance defaults (a constructor keyword).
FIELD_DECORATORS = ("dataclass", "define", "frozen", "mutable")
FIELD_BASES = ("BaseModel", "BaseSettings", "NamedTuple", "TypedDict", "Struct", "RootModel")


@dataclass(frozen=True)
class FixPlan:
    fix: Fix | None
    unfixable_reason: str | None = None


class Unfollowable(Exception):
    """The value reaches something the tool cannot follow; the message says what.

    ``plain``: the value merely goes where the tool cannot see (another module, an
    unrecognised call). Not plain: the code compares it or looks it up by it, so a
    rename alone changes what the program does even when thinking stays as it was.
    """

    def __init__(self, message: str, *, plain: bool = True) -> None:
        super().__init__(message)
        self.plain = plain


# -- the plan -------------------------------------------------------------------------------


def plan_fix(context: ModuleContext, node: StringNode, match: ModelMatch) -> FixPlan:
    """The fix (safe, unsafe or none) for one retired-ID string."""
    planner = _Planner(context, node, match)
    return planner.plan()


class _Planner:
    def __init__(self, context: ModuleContext, node: StringNode, match: ModelMatch) -> None:
        self.context = context
        self.index: RequestIndex = context.requests
        self.node = node
        self.match = match
        self.target = context.judgement.successor_of(match.model)
        self.replacement = match.respell(self.target)
        self.disable = match.model.successor_thinking == "disabled"
        # Names the value is bound to that code beyond this document can see, and where.
        self.exposed: list[str] = []
        self.names: set[str] = set()  # the names and attributes the value is bound to

    def plan(self) -> FixPlan:
        collision = self._collision()
        if collision is not None:
            kind, reason = collision
            if kind == "collision":
                return FixPlan(None, reason)
            return self._unsafe(reason)
        rename = self._rename_edits()
        if rename is None:
            return FixPlan(None, "the string's spelling cannot be rewritten in place")
        edits: list[TextEdit] = list(rename)
        try:
            requests = self._flows(self.node, 0)
            for request in requests:
                edits.extend(self._thinking_edits(request))
        except Unfollowable as why:
            if self.disable:
                return self._unsafe(str(why))
            return self._rename_keeping_thinking(rename, why)
        if self.exposed and self.disable:
            return self._unsafe(self.exposed[0], tuple(edits), requests)
        return FixPlan(self._fix("safe", tuple(edits), requests))

    def _rename_keeping_thinking(self, rename: tuple[TextEdit, ...], why: Unfollowable) -> FixPlan:
        """A value that keeps thinking on (V4's default) may be renamed alone, unless it is tested."""
        if not why.plain:
            return self._unsafe(str(why))
        compared = self._compared_name()
        if compared is not None:
            return self._unsafe(compared)
        return FixPlan(self._fix("safe", rename, []))

    def _compared_name(self) -> str | None:
        """Why the value's names are compared or used as a key somewhere in the module, if so."""
        for node in self.context.nodes_of(cst.Name, cst.Attribute):
            if (isinstance(node, cst.Name) and node.value in self.names) or \
                    (isinstance(node, cst.Attribute) and node.attr.value in self.names):
                what = self._test_of(node)
                if what is not None:
                    shown = node.value if isinstance(node, cst.Name) else node.attr.value
                    return f"`{shown}` is {what}; a rename alone changes what the code decides"
        return None

    def _test_of(self, expr: cst.CSTNode) -> str | None:
        """What the code does with ``expr`` when it tests it: a comparison operand or a lookup key."""
        current, parent = expr, self.index.parent(expr)
        while isinstance(parent, (cst.Tuple, cst.List, cst.Set, cst.Element, cst.ComparisonTarget)):
            current, parent = parent, self.index.parent(parent)
        if isinstance(parent, cst.Comparison) or (
                isinstance(parent, cst.Match) and parent.subject is current):
            return "compared with other values"
        if isinstance(parent, cst.Index) and isinstance(self.index.parent(parent), cst.SubscriptElement):
            return "used as a key"
        if isinstance(parent, cst.DictElement) and parent.key is current:
            return "used as a key"
        return None

    # -- descriptions --------------------------------------------------------------------

    def _fix(self, applicability: str, edits: tuple[TextEdit, ...], requests: list[Request]) -> Fix:
        state = "disabled" if self.disable else "enabled"
        description = f"Replace `{self.match.spelled}` with `{self.replacement}`"
        if requests:
            places = sorted({r.library.label for r in requests})
            description += f" and keep thinking {state} at {_count(len(requests), 'request')} " \
                           f"({', '.join(places)})"
        elif not self.disable:
            description += " (thinking stays on: the V4 default)"
        return Fix(applicability, description, edits)  # type: ignore[arg-type]

    def _unsafe(self, reason: str, edits: tuple[TextEdit, ...] = (),
                requests: list[Request] | None = None) -> FixPlan:
        """The rename alone, or ``edits`` (rename plus the requests that are known)."""
        if not edits:
            rename = self._rename_edits()
            if rename is None:
                return FixPlan(None, reason)
            edits = rename
        state = "disabled" if self.disable else "enabled"
        description = f"Replace `{self.match.spelled}` with `{self.replacement}`"
        if requests:
            description += f", keep thinking {state} at {_count(len(requests), 'request')} here"
        description += f"; thinking must be set to {state} by hand where the value is sent ({reason})"
        where = f"`{sorted(self.names)[0]}`" if self.names else "the value"
        follow_up = f"thinking must be disabled where {where} is sent" if self.disable else None
        return FixPlan(Fix("unsafe", description, edits, follow_up), reason)

    # -- code beyond this document --------------------------------------------------------

    def _expose(self, name: str) -> None:
        """Note ``name`` when another cell, or another file of the project, may use it."""
        state = "disabled" if self.disable else "enabled"
        location = self.context.location
        if location.outside_text and re.search(rf"\b{re.escape(name)}\b", location.outside_text):
            self.exposed.append(f"`{name}` is also used in another cell of this notebook: "
                                f"thinking must be {state} there too")
            return
        root = self.context.judgement.project_root
        if root is None or name.startswith("_") or location.cell is not None or \
                not location.path.endswith((".py", ".pyi")):
            return
        this = os.path.realpath(location.path)
        for path, display in files_mentioning(str(root), name):
            if path != this:
                self.exposed.append(f"`{name}` is also used in {display}: "
                                    f"thinking must be {state} there too")
                return

    def _expose_module_level(self, definition: cst.CSTNode, name: str) -> None:
        """``name`` (a module constant, class or function) is importable when defined at the top."""
        scope = self.index.scope_of(definition)
        if isinstance(scope, GlobalScope):
            self._expose(name)
        elif isinstance(scope, ClassScope):  # a method: callers elsewhere use its class
            klass = self._enclosing(definition, cst.ClassDef)
            if klass is not None and isinstance(self.index.scope_of(klass), GlobalScope):
                self._expose(klass.name.value)
                self._expose(name)

    # -- the ID itself ---------------------------------------------------------------------

    def _rename_edits(self) -> tuple[TextEdit, ...] | None:
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

    # -- collisions ------------------------------------------------------------------------

    def _collision(self) -> tuple[str, str] | None:
        """("collision", why) when the code tells IDs apart, ("unsafe", why) for a lone test."""
        for finder in (self._dict_key, self._comparison, self._match_case, self._literal_member,
                       self._enum_member):
            found = finder()
            if found is not None:
                what, twins = found
                if twins:
                    names = " and ".join(f"`{t}`" for t in sorted({self.match.spelled, *twins}))
                    return "collision", (
                        f"rewriting {names} to `{self.replacement}` would merge what this {what} "
                        "tells apart; decide by hand which successor (and thinking setting) each "
                        "case needs"
                    )
                return "unsafe", f"the ID is a {what} of its own; check what the code compares it with"
        return None

    def _merges_with(self, others: list[cst.CSTNode]) -> list[str]:
        """The spellings among ``others`` that would become equal to our replacement."""
        twins = []
        for other in others:
            if other is self.node or not isinstance(other, STRING_NODES):
                continue
            value = literal_value(other)
            if value is None:
                continue
            if value == self.replacement:
                twins.append(value)
                continue
            found = self.context.strings.catalog.match_whole(
                value, gateway_module=self.context.gateway_module)
            if found is not None and found.model.is_retired and \
                    found.respell(self.target) == self.replacement:
                twins.append(value)
        return twins

    def _dict_key(self) -> tuple[str, list[str]] | None:
        parent = self.index.parent(self.node)
        if isinstance(parent, cst.DictElement) and parent.key is self.node:
            container = self.index.parent(parent)
            if isinstance(container, cst.Dict):
                keys = [e.key for e in container.elements if isinstance(e, cst.DictElement)]
                return "dict", self._merges_with(list(keys))
        return None

    def _comparison(self) -> tuple[str, list[str]] | None:
        current: cst.CSTNode = self.node
        parent = self.index.parent(current)
        while isinstance(parent, (cst.Tuple, cst.List, cst.Set, cst.Element, cst.ComparisonTarget)):
            current, parent = parent, self.index.parent(parent)
        if not isinstance(parent, cst.Comparison):
            return None
        scope = self._decision_scope(parent)
        strings = _strings_in_tests(scope, self.index)
        return "comparison", self._merges_with(strings)

    def _decision_scope(self, node: cst.CSTNode) -> cst.CSTNode:
        """The if/elif chain (or conditional expression, or statement) a test belongs to."""
        top: cst.CSTNode = node
        current: cst.CSTNode | None = node
        while current is not None:
            if isinstance(current, (cst.If, cst.While, cst.IfExp)):
                top = current
                parent = self.index.parent(current)
                while isinstance(parent, (cst.If, cst.Else)):  # climb an elif chain
                    if isinstance(parent, cst.If):
                        top = parent
                    parent = self.index.parent(parent)
                return top
            if isinstance(current, (cst.SimpleStatementLine, cst.FunctionDef, cst.ClassDef)):
                return current
            current = self.index.parent(current)
        return top

    def _match_case(self) -> tuple[str, list[str]] | None:
        current: cst.CSTNode | None = self.index.parent(self.node)
        if not isinstance(current, cst.MatchValue):
            return None
        while current is not None and not isinstance(current, cst.Match):
            current = self.index.parent(current)
        if current is None:
            return None
        values = [p.value for p in _walk(current) if isinstance(p, cst.MatchValue)]
        return "`match` statement", self._merges_with(list(values))

    def _literal_member(self) -> tuple[str, list[str]] | None:
        current: cst.CSTNode | None = self.index.parent(self.node)
        while isinstance(current, (cst.Index, cst.SubscriptElement)):
            current = self.index.parent(current)
        if not isinstance(current, cst.Subscript):
            return None
        names = self.index.qualified_names(current.value)
        if not (names & set(LITERAL_NAMES)) and attribute_chain(current.value)[-1:] != ["Literal"]:
            return None
        members = [
            element.slice.value for element in current.slice
            if isinstance(element.slice, cst.Index)
        ]
        return "`Literal`", self._merges_with(list(members))

    def _enum_member(self) -> tuple[str, list[str]] | None:
        statement = self.index.parent(self.node)
        if not isinstance(statement, (cst.Assign, cst.AnnAssign)):
            return None
        line = self.index.parent(statement)
        body = self.index.parent(line) if line is not None else None
        klass = self.index.parent(body) if body is not None else None
        if not isinstance(klass, cst.ClassDef) or not self._is_enum(klass):
            return None
        values: list[cst.CSTNode] = []
        for small in _class_assignments(klass):
            if small.value is not None:
                values.append(small.value)
        return "Enum", self._merges_with(values)

    def _is_enum(self, klass: cst.ClassDef) -> bool:
        for base in klass.bases:
            if self.index.qualified_names(base.value) & set(ENUM_BASES):
                return True
            if attribute_chain(base.value)[-1:] in (["Enum"], ["StrEnum"]):
                return True
        return False

    # -- where the value flows ------------------------------------------------------------

    def _flows(self, expr: cst.CSTNode, depth: int) -> list[Request]:
        """Every request this expression's value reaches; raises when a use is not followed."""
        if depth > MAX_DEPTH:
            raise Unfollowable("the value passes through too many names")
        parent = self.index.parent(expr)
        if isinstance(parent, cst.Arg) and parent.value is expr:
            return self._flows_from_argument(parent, expr, depth)
        if isinstance(parent, cst.DictElement) and parent.value is expr:
            container = self.index.parent(parent)
            if isinstance(container, cst.Dict):
                request = self.index.request_for(container)
                if request is not None and request.model_expr is expr:
                    self._require_sent_payload(request)
                    return [request]
            raise Unfollowable("the value is stored in a dict the tool cannot follow to a request")
        if isinstance(parent, cst.Assign) and parent.value is expr:
            if len(parent.targets) == 1 and isinstance(parent.targets[0].target, cst.Name):
                return self._flows_of_name(parent.targets[0].target, depth)
            raise Unfollowable("the value is assigned to something other than one name")
        if isinstance(parent, cst.AnnAssign) and parent.value is expr and isinstance(parent.target, cst.Name):
            return self._flows_of_name(parent.target, depth)
        if isinstance(parent, cst.Param) and parent.default is expr:
            return self._flows_of_parameter(parent, depth)
        tested = self._test_of(expr)
        if tested is not None:
            shown = _source_name(expr)
            raise Unfollowable(f"{shown} is {tested}; a rename alone changes what the code decides",
                               plain=False)
        raise Unfollowable("the value is used where the tool cannot tell which request it reaches")

    def _flows_from_argument(self, argument: cst.Arg, expr: cst.CSTNode, depth: int) -> list[Request]:
        call = self.index.parent(argument)
        if isinstance(call, cst.Call):
            if self.index.env_default(call) is expr:
                return self._flows(call, depth + 1)
            request = self.index.request_for(call)
            if request is not None and request.model_expr is expr:
                return [request]
        raise Unfollowable("the value is passed to a call that is not a recognised request")

    def _flows_of_name(self, target: cst.Name, depth: int) -> list[Request]:
        scope = self.index.scope_of(target)
        if scope is None:
            raise Unfollowable(f"`{target.value}` has no scope information")
        if isinstance(scope, ClassScope):
            return self._flows_of_class_attribute(target, depth)
        if isinstance(scope, GlobalScope):
            self._expose(target.value)
        self.names.add(target.value)
        assignments = list(scope.assignments[target.value])
        if len(assignments) != 1:
            raise Unfollowable(f"`{target.value}` is assigned more than once")
        return self._flows_of_accesses(target.value, assignments[0].references, depth)

    def _flows_of_accesses(self, name: str, accesses: object, depth: int) -> list[Request]:
        requests: list[Request] = []
        nodes = [access.node for access in accesses]  # type: ignore[attr-defined]
        if not nodes:
            raise Unfollowable(f"`{name}` is not used in this module (it may be imported elsewhere)")
        for node in nodes:
            if not isinstance(node, cst.Name):
                raise Unfollowable(f"`{name}` is used in a way the tool cannot follow")
            requests.extend(self._flows(node, depth + 1))
        return requests

    def _flows_of_class_attribute(self, target: cst.Name, depth: int) -> list[Request]:
        klass = self._enclosing(target, cst.ClassDef)
        if klass is None:
            raise Unfollowable("class attribute outside a class")
        if len([a for a in _class_assignments(klass) if _assigns(a, target.value)]) != 1:
            raise Unfollowable(f"`{target.value}` is assigned more than once in its class")
        self.names.add(target.value)
        self._require_class_wide(klass, target.value)
        if isinstance(self.index.scope_of(klass), GlobalScope):
            self._expose(klass.name.value)
        owners = {"self", "cls", klass.name.value}
        uses = [node for node in self.context.nodes_of(cst.Attribute)
                if isinstance(node, cst.Attribute) and node.attr.value == target.value]
        if not uses:
            raise Unfollowable(f"`{klass.name.value}.{target.value}` is not used in this module")
        requests: list[Request] = []
        for use in uses:
            if not (isinstance(use.value, cst.Name) and use.value.value in owners):
                raise Unfollowable(f"`.{target.value}` is read through an object the tool cannot follow")
            reached = self._flows(use, depth + 1)
            if any(r.source.literal is not self.node for r in reached):
                raise Unfollowable(f"`.{target.value}` may hold another value where it is read")
            requests.extend(reached)
        return requests

    def _require_class_wide(self, klass: cst.ClassDef, attribute: str) -> None:
        """The attribute holds this one value for every instance, or raise."""
        owner = klass.name.value
        if _declares_fields(klass):
            raise Unfollowable(f"`{owner}.{attribute}` is a per-instance default (`{owner}` declares "
                               "fields): instances may be created with another value")
        family = {owner}
        classes = [node for node in self.context.nodes_of(cst.ClassDef) if isinstance(node, cst.ClassDef)]
        grew = True
        while grew:  # subclasses of subclasses, by name
            grew = False
            for other in classes:
                if other.name.value not in family and _base_names(other) & family:
                    family.add(other.name.value)
                    grew = True
                    if any(_assigns(a, attribute) for a in _class_assignments(other)):
                        raise Unfollowable(f"subclass `{other.name.value}` gives `{attribute}` "
                                           "another value")
        for node in self.context.nodes_of(cst.Call):
            if isinstance(node, cst.Call) and set(attribute_chain(node.func)[-1:]) & family and \
                    attribute in call_keywords(node):
                raise Unfollowable(f"an instance is created with its own `{attribute}=`")

    def _flows_of_parameter(self, param: cst.Param, depth: int) -> list[Request]:
        function = self._enclosing(param, cst.FunctionDef)
        if function is None:  # a lambda
            raise Unfollowable("the value is a lambda's default")
        if self._callers_pass(function, param):
            raise Unfollowable(f"callers of `{function.name.value}` pass their own `{param.name.value}`")
        self._expose_module_level(function, function.name.value)
        scope = self.index.scope_of(function.body)
        if scope is None:
            raise Unfollowable("no scope information")
        self.names.add(param.name.value)
        assignments = list(scope.assignments[param.name.value])
        if len(assignments) != 1:
            raise Unfollowable(f"`{param.name.value}` is reassigned in `{function.name.value}`")
        return self._flows_of_accesses(param.name.value, assignments[0].references, depth)

    def _callers_pass(self, function: cst.FunctionDef, param: cst.Param) -> bool:
        positional = list(function.params.posonly_params) + list(function.params.params)
        position = positional.index(param) if param in positional else None
        if position is not None and positional and positional[0].name.value in ("self", "cls"):
            position -= 1
        names = [function.name.value]
        if function.name.value == "__init__":  # called as the class
            klass = self._enclosing(function, cst.ClassDef)
            names += [klass.name.value] if klass is not None else []
        for node in self.context.nodes_of(cst.Call):
            if not isinstance(node, cst.Call) or not set(attribute_chain(node.func)[-1:]) & set(names):
                continue
            plain = [a for a in node.args if a.keyword is None and not a.star]
            if any(a.star for a in node.args) or param.name.value in call_keywords(node):
                return True
            if position is not None and len(plain) > position:
                return True
        return False

    def _require_sent_payload(self, request: Request) -> None:
        """A JSON body counts when it is visibly posted as JSON (or is a Router entry)."""
        if not request.library.sends_request:
            return
        node: cst.CSTNode = request.node
        parent = self.index.parent(node)
        if self._is_json_argument(parent):
            return
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and \
                isinstance(parent.targets[0].target, cst.Name):
            name = parent.targets[0].target
            scope = self.index.scope_of(name)
            if scope is not None:
                assignments = list(scope.assignments[name.value])
                if len(assignments) == 1:
                    uses = [a.node for a in assignments[0].references]
                    if uses and any(self._is_json_argument(self.index.parent(u)) for u in uses) and \
                            all(self._is_json_argument(self.index.parent(u)) or
                                self._is_item_read(u) or self._keeps_default_through(u)
                                for u in uses):
                        return
                    raise Unfollowable(f"`{name.value}` is changed after it is built (an item is "
                                       "set or deleted, or the dict is passed on) before it is sent")
                raise Unfollowable(f"`{name.value}` is bound more than once")
        raise Unfollowable("the dict is not visibly posted as a JSON request body")

    def _keeps_default_through(self, use: cst.CSTNode) -> bool:
        """Thinking enabled (V4's default) survives ``payload["x"] = …`` / ``payload.update(…)``:
        whatever the code sets there wins, as it did before. Disabling it would not."""
        parent = self.index.parent(use)
        if self.disable or not isinstance(parent, (cst.Subscript, cst.Attribute)):
            return False
        return isinstance(parent, cst.Subscript) or parent.attr.value in ("update", "setdefault")

    def _is_item_read(self, use: cst.CSTNode) -> bool:
        """``payload["x"]`` that only reads (not ``payload["x"] = …``, ``del``, ``+=``)."""
        subscript = self.index.parent(use)
        if not isinstance(subscript, cst.Subscript) or subscript.value is not use:
            return False
        return self.context.metadata_of(ExpressionContextProvider, subscript) is ExpressionContext.LOAD

    def _is_json_argument(self, node: cst.CSTNode | None) -> bool:
        if not isinstance(node, cst.Arg) or node.keyword is None:
            return False
        if node.keyword.value not in PAYLOAD_KEYWORDS:
            return False
        call = self.index.parent(node)
        return isinstance(call, cst.Call) and attribute_chain(call.func)[-1:] in (
            [method] for method in PAYLOAD_METHODS)

    def _enclosing(self, node: cst.CSTNode, kind: type[_N]) -> _N | None:
        current = self.index.parent(node)
        while current is not None:
            if isinstance(current, kind):
                return current
            current = self.index.parent(current)
        return None

    # -- the thinking switch --------------------------------------------------------------

    def _thinking_edits(self, request: Request) -> list[TextEdit]:
        state = request.thinking.state
        if state in ("enabled", "disabled"):
            return []  # an explicit setting wins
        if not self.disable and not request.library.explicit_enabled:
            return []
        if not request.confident:
            raise Unfollowable(f"the call is recognised as {request.library.label} only by its shape")
        if state == "unknown" or request.has_unpacked_kwargs:
            raise Unfollowable("thinking may be set by `**kwargs` or an expression at the request")
        quote = "'" if isinstance(self.node, cst.SimpleString) and self.node.quote == "'" else '"'
        state = "disabled" if self.disable else "enabled"
        return thinking_switch_edits(self.context, request.node, request.library, state, quote)


def thinking_switch_edits(context: ModuleContext, node: cst.Call | cst.Dict, library: Library,
                          state: str, quote: str = '"') -> list[TextEdit]:
    """Edits that write the thinking switch in ``library``'s spelling at a request.

    Merged into what is already written (an existing ``extra_body``, payload dict or
    ``thinking`` argument); ``[]`` when the switch is already there. Raises
    :class:`Unfollowable` when a container on the path is not a literal.
    """
    container: cst.Call | cst.Dict = node
    path = library.thinking_path
    for depth, key in enumerate(path):
        existing = _entry(container, key)
        if existing is None:
            quote = _quote_of_keys(container, quote)
            value = _nested(path[depth + 1 :], state, quote)
            element = f"{key}={value}" if isinstance(container, cst.Call) else f"{quote}{key}{quote}: {value}"
            return _append_element(context, container, element)
        if isinstance(existing, cst.Dict) or is_mapping_call(existing):
            assert isinstance(existing, (cst.Dict, cst.Call))
            container = existing
            continue
        raise Unfollowable(f"`{key}` is not a literal the tool can extend")
    return []


# -- layout-preserving insertion ------------------------------------------------------------


def _entry(container: cst.CSTNode, key: str) -> cst.BaseExpression | None:
    if isinstance(container, cst.Call):
        arg = call_keywords(container).get(key)
        return arg.value if arg is not None else None
    if isinstance(container, cst.Dict):
        element = dict_entries(container).get(key)
        return element.value if element is not None else None
    return None


def _quote_of_keys(container: cst.Call | cst.Dict, default: str) -> str:
    """The quote style of a dict's existing string keys, so an added entry matches them."""
    if isinstance(container, cst.Dict):
        for element in container.elements:
            if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
                return "'" if element.key.quote == "'" else '"'
    return default


def _nested(keys: tuple[str, ...], state: str, quote: str) -> str:
    value = f"{{{quote}type{quote}: {quote}{state}{quote}}}"
    for key in reversed(keys):
        value = f"{{{quote}{key}{quote}: {value}}}"
    return value


def _append_element(context: ModuleContext, container: cst.Call | cst.Dict, element: str) -> list[TextEdit]:
    """Edits that add ``element`` as the container's last argument / entry, in its own layout."""
    text = context.text
    start, end = context.node_range(container)
    close = end - 1
    if text[close] not in ")}":
        raise Unfollowable("unexpected layout")
    elements: list[cst.Arg | cst.BaseDictElement] = list(
        container.args if isinstance(container, cst.Call) else container.elements)
    if not elements:
        opening = text.rfind("(" if isinstance(container, cst.Call) else "{", start, close + 1)
        return [context.edit(opening + 1, opening + 1, element)]
    last = elements[-1]
    if not isinstance(last, (cst.Arg, cst.DictElement, cst.StarredDictElement)):
        raise Unfollowable("unexpected layout")
    value_end = context.node_range(last.value)[1]
    comma_at = _comma_after(text, value_end, close) if isinstance(last.comma, cst.Comma) else None
    if isinstance(last.comma, cst.Comma) and comma_at is None:
        raise Unfollowable("unexpected layout")
    close_line_start = _line_start(text, close)
    newline = _line_ending_before(text, close_line_start)
    last_start = context.node_range(last)[0]
    one_per_line = text[close_line_start:close].strip() == "" and \
        text[_line_start(text, last_start):last_start].strip() == "" and close_line_start > value_end
    if one_per_line:
        indent = text[_line_start(text, last_start):last_start]
        edits = []
        if comma_at is None:
            edits.append(context.edit(value_end, value_end, ","))
        trailing = "," if comma_at is not None else ""
        added = f"{indent}{element}{trailing}{newline}"
        edits.append(context.edit(close_line_start, close_line_start, added))
        return edits
    if comma_at is not None:
        return [context.edit(comma_at + 1, comma_at + 1, f" {element},")]
    return [context.edit(value_end, value_end, f", {element}")]


def _comma_after(text: str, position: int, limit: int) -> int | None:
    while position < limit and text[position] in " \t\r\n\\":
        position += 1
    return position if position < limit and text[position] == "," else None


def _line_ending_before(text: str, line_start: int) -> str:
    """The line break that ends the line before ``line_start`` (files may mix them)."""
    if text.startswith("\r\n", line_start - 2):
        return "\r\n"
    return text[line_start - 1] if line_start > 0 and text[line_start - 1] in "\r\n" else "\n"


def _line_start(text: str, position: int) -> int:
    return max(text.rfind("\n", 0, position), text.rfind("\r", 0, position)) + 1


# -- the project around a module ----------------------------------------------------------------


@lru_cache(maxsize=8)
def _project_sources(root: str) -> tuple[tuple[str, str], ...]:
    """(real path, display) of the Python files and notebooks under ``root``, as `check` walks."""
    from migrator.discovery import Candidate, DiscoveryError, DiscoveryOptions, discover

    found: list[tuple[str, str]] = []
    try:
        for item in discover([root], DiscoveryOptions(project_root=Path(root))):
            if isinstance(item, Candidate) and item.kind in ("python", "notebook"):
                found.append((os.path.realpath(item.path), item.display))
    except (DiscoveryError, OSError):
        pass
    return tuple(found)


@lru_cache(maxsize=1024)
def files_mentioning(root: str, name: str) -> tuple[tuple[str, str], ...]:
    """The project's Python files and notebooks in which ``name`` occurs as a word."""
    needle = name.encode("utf-8")
    word = re.compile(rb"\b" + re.escape(needle) + rb"\b")
    found: list[tuple[str, str]] = []
    for path, display in _project_sources(root):
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        if needle in data and word.search(data):
            found.append((path, display))
    return tuple(found)


# -- small tree helpers -----------------------------------------------------------------------


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def _pieces(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The literals of an implicit concatenation, in source order."""
    if isinstance(node, cst.ConcatenatedString):
        return _pieces(node.left) + _pieces(node.right)
    return [node]


def _walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def _strings_in_tests(scope: cst.CSTNode, index: RequestIndex) -> list[cst.CSTNode]:
    """String literals compared in the tests of a decision (if/elif chain, expression)."""
    found: list[cst.CSTNode] = []
    for node in _walk(scope):
        if isinstance(node, cst.Comparison):
            found.extend(n for n in _walk(node) if isinstance(n, STRING_NODES))
        elif isinstance(node, cst.MatchValue):
            found.append(node.value)
    del index
    return found


def _source_name(expr: cst.CSTNode) -> str:
    if isinstance(expr, cst.Name):
        return f"`{expr.value}`"
    if isinstance(expr, cst.Attribute):
        return f"`.{expr.attr.value}`"
    return "the value"


def _base_names(klass: cst.ClassDef) -> set[str]:
    return {chain[-1] for base in klass.bases if (chain := attribute_chain(base.value))}


def _declares_fields(klass: cst.ClassDef) -> bool:
    """A dataclass, attrs class, pydantic model, NamedTuple or TypedDict."""
    for decorator in klass.decorators:
        expr = decorator.decorator
        chain = attribute_chain(expr.func if isinstance(expr, cst.Call) else expr)
        if chain and (chain[-1] in FIELD_DECORATORS or chain[0] in ("attr", "attrs", "pydantic")):
            return True
    return bool(_base_names(klass) & set(FIELD_BASES))


def _assigns(statement: cst.Assign | cst.AnnAssign, name: str) -> bool:
    target = statement.targets[0].target if isinstance(statement, cst.Assign) else statement.target
    return m.matches(target, m.Name(name))


def _single_target(statement: cst.Assign | cst.AnnAssign) -> bool:
    return isinstance(statement, cst.AnnAssign) or len(statement.targets) == 1


def _class_assignments(klass: cst.ClassDef) -> Iterator[cst.Assign | cst.AnnAssign]:
    body = klass.body.body if isinstance(klass.body, cst.IndentedBlock) else ()
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Assign, cst.AnnAssign)) and _single_target(small):
                    yield small
