"""A value stored as an entry of a settings dict (``SETTINGS = {"summary_model": …}``),
followed to the reads of that entry.

``SETTINGS["summary_model"]`` and ``SETTINGS.get("summary_model")`` read the value, in
the module that defines the dict and in every module that imports it (by name, through
re-exports, or as ``module.SETTINGS``); a nested entry is read by the chain of its keys
(``CONFIG["llm"]["model"]``). Each read of the entry is followed like any value.

The follow counts only when the dict holds this value for the whole run: it is bound
once, and no use anywhere may change it or hand it on — no item assignment or ``del``,
no ``update``/``pop``/``setdefault``/``clear``/``|=``, no passing the dict (or the part
holding the entry) to a call, spreading it with ``**``, binding it to another name or
returning it. Reads of other entries, ``in`` tests, ``len`` and ``.keys()`` leave it as
it is; printing or logging the dict only shows it. A read whose key is not a literal
(``SETTINGS[name]``) may be this entry: it blocks the follow, named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import ExpressionContext, GlobalScope

from migrator.context import STRING_NODES, attribute_chain
from migrator.flow import EXTENSIONS
from migrator.strings import literal_value
from migrator.switch import Unfollowable

if TYPE_CHECKING:
    from migrator.flow import Reached, ValueFlow
    from migrator.project import ImportBinding

MUTATORS = frozenset({"update", "pop", "popitem", "setdefault", "clear", "__setitem__",
                      "__delitem__", "__ior__"})
# Methods that neither change the dict nor hand out its values.
HARMLESS_METHODS = frozenset({"keys", "__contains__", "__len__"})
HARMLESS_CALLS = frozenset({"len"})


def flows_of_dict_entry(flow: ValueFlow, element: cst.DictElement, depth: int) -> list[Reached]:
    """The requests an entry of a dict bound to one name reaches through its reads."""
    name, keys = _holder(flow, element)
    return DictEntry(flow, name, keys).flows(depth)


def is_named_dict_entry(flow: ValueFlow, element: cst.DictElement) -> bool:
    """An entry of a dict literal (maybe nested) bound to one name, under literal keys."""
    try:
        _holder(flow, element)
    except Unfollowable:
        return False
    return True


def _holder(flow: ValueFlow, element: cst.DictElement) -> tuple[cst.Name, tuple[str, ...]]:
    """The name the outermost dict literal is bound to, and the keys from it down to ``element``."""
    keys: list[str] = []
    current: cst.CSTNode = element
    where = flow.where(element)
    while True:
        if not isinstance(current, cst.DictElement):
            raise Unfollowable(f"the value is stored in a dict the tool cannot follow to a request "
                               f"({where})")
        key = literal_value(current.key) if isinstance(current.key, STRING_NODES) else None
        container = flow.index.parent(current)
        if key is None or not isinstance(container, cst.Dict):
            raise Unfollowable(f"the value is stored in a dict under a key that is not a literal "
                               f"({where})")
        _require_plain_literal(flow, container, key)
        keys.insert(0, key)
        holder = flow.index.parent(container)
        if isinstance(holder, cst.DictElement) and holder.value is container:
            current = holder
            continue
        target = _single_name_target(holder, container)
        if target is None:
            raise Unfollowable(f"the value is stored in a dict the tool cannot follow to a request "
                               f"({where})")
        return target, tuple(keys)


def _require_plain_literal(flow: ValueFlow, container: cst.Dict, key: str) -> None:
    """The entry is the only one with its key, and no ``**spread`` may replace it."""
    same = [e for e in container.elements if isinstance(e, cst.DictElement) and
            isinstance(e.key, STRING_NODES) and literal_value(e.key) == key]
    if len(same) != 1 or any(isinstance(e, cst.StarredDictElement) for e in container.elements) or \
            any(isinstance(e, cst.DictElement) and not isinstance(e.key, STRING_NODES)
                for e in container.elements):
        raise Unfollowable(f"the dict holding `{key}` has entries the tool cannot tell apart "
                           f"({flow.where(container)})")


def _single_name_target(holder: cst.CSTNode | None, value: cst.Dict) -> cst.Name | None:
    if isinstance(holder, cst.Assign) and holder.value is value and len(holder.targets) == 1:
        target = holder.targets[0].target
        return target if isinstance(target, cst.Name) else None
    if isinstance(holder, cst.AnnAssign) and holder.value is value and isinstance(holder.target, cst.Name):
        return holder.target
    return None


@dataclass
class DictEntry:
    flow: ValueFlow
    name: cst.Name
    keys: tuple[str, ...]

    @property
    def shown(self) -> str:
        return self.name.value + "".join(f'["{key}"]' for key in self.keys)

    def flows(self, depth: int) -> list[Reached]:
        flow = self.flow
        scope = flow.index.scope_of(self.name)
        if scope is None:
            raise Unfollowable(f"`{self.name.value}` has no scope information")
        assignments = list(scope.assignments[self.name.value])
        if len(assignments) != 1:
            raise Unfollowable(f"`{self.name.value}` is assigned more than once in "
                               f"{flow.context.location.path}")
        flow.state.names.add(self.shown)
        uses = flow.context.in_source_order(a.node for a in assignments[0].references)
        reached = self._flows_of_references(flow, uses, depth)
        if isinstance(scope, GlobalScope):
            reached += self._flows_through_importers(flow, self.name.value, depth)
        return reached

    def _flows_of_references(self, flow: ValueFlow, nodes: Sequence[cst.CSTNode],
                             depth: int) -> list[Reached]:
        """The first use that may change the dict or hand it on stops the follow; the reads of
        the entry are each followed (a blocking read is noted and the others still followed)."""
        reached: list[Reached] = []
        for node in nodes:
            reached.extend(self._flows_of_use(flow, node, depth))
        return reached

    # -- other modules -------------------------------------------------------------------

    def _flows_through_importers(self, flow: ValueFlow, name: str, depth: int) -> list[Reached]:
        """The reads in the modules importing the dict (also through re-exports)."""
        return flow.importer_flows(name, "change", lambda binding: self._flows_of_binding(
            flow, binding, name, depth))

    def _flows_of_binding(self, flow: ValueFlow, binding: ImportBinding, name: str,
                          depth: int) -> list[Reached]:
        from migrator.flow import _attribute_use, _reaches_other_attribute

        there = flow._flow_in(binding)
        where = f"{there.context.location.path}:{binding.line}"
        if binding.kind == "star":
            raise Unfollowable(f"{where} imports everything (`*`) from the module of `{name}`")
        scope = there._global_scope()
        assignments = list(scope.assignments[binding.local]) if scope is not None else []
        if len(assignments) != 1:
            raise Unfollowable(f"`{binding.local}` is bound more than once in "
                               f"{there.context.location.path}")
        accesses = there.context.in_source_order(access.node for access in assignments[0].references)
        if binding.kind == "name":
            reached = self._flows_of_references(there, accesses, depth)
            return reached + self._flows_through_importers(there, binding.local, depth)
        reached = []
        for node in accesses:
            use = _attribute_use(there.index, node, (*binding.attributes, name))
            if use is None:
                if _reaches_other_attribute(there.index, node, binding.attributes):
                    continue
                raise Unfollowable(f"the module holding `{name}` is passed on at {there.where(node)}")
            reached.extend(self._flows_of_use(there, use, depth))
        return reached

    # -- one use of the dict ---------------------------------------------------------------

    def _flows_of_use(self, flow: ValueFlow, node: cst.CSTNode, depth: int) -> list[Reached]:
        """What one use of the dict does with the entry: reads it, leaves it, or may change it."""
        if flow.context.expression_context(node) is not ExpressionContext.LOAD:
            raise Unfollowable(f"`{self.name.value}` is assigned again at {flow.where(node)}")
        current, level = node, 0
        while level < len(self.keys):
            parent = flow.index.parent(current)
            key, read = self._key_read(flow, current, parent)
            if read is None:
                return self._other_use(flow, current, parent, level)
            if key is None:
                raise Unfollowable(f"`{_source(flow, read)}` at {flow.where(read)} reads an entry "
                                   f"whose key is not a literal: it may be `{self.shown}`", plain=False)
            if key != self.keys[level]:
                return []  # another entry
            current, level = read, level + 1
        try:
            return flow.flows(current, depth + 1)
        except Unfollowable as why:
            flow.state.blocked(why)
            return []

    def _key_read(self, flow: ValueFlow, current: cst.CSTNode,
                  parent: cst.CSTNode | None) -> tuple[str | None, cst.BaseExpression | None]:
        """``current[KEY]`` or ``current.get(KEY, …)`` that only reads: (KEY or None, the read)."""
        if isinstance(parent, cst.Subscript) and parent.value is current:
            how = flow.context.expression_context(parent)
            if how is not ExpressionContext.LOAD:
                raise Unfollowable(f"`{_source(flow, parent)}` is set or deleted at {flow.where(parent)}: "
                                   f"`{self.name.value}` changes while the program runs")
            index = parent.slice[0].slice if len(parent.slice) == 1 else None
            if isinstance(index, cst.Index):
                value = index.value
                return (literal_value(value) if isinstance(value, STRING_NODES) else None), parent
            return None, parent
        if isinstance(parent, cst.Attribute) and parent.value is current and parent.attr.value == "get":
            call = flow.index.parent(parent)
            if isinstance(call, cst.Call) and call.func is parent and call.args and \
                    call.args[0].keyword is None and not call.args[0].star:
                first = call.args[0].value
                return (literal_value(first) if isinstance(first, STRING_NODES) else None), call
        return None, None

    def _other_use(self, flow: ValueFlow, current: cst.CSTNode, parent: cst.CSTNode | None,
                   level: int) -> list[Reached]:
        """A use of the dict (or of the part holding the entry) that does not read the entry."""
        from migrator.flow import _is_print_or_log

        held = self.name.value + "".join(f'["{key}"]' for key in self.keys[:level])
        where = flow.where(current)
        if isinstance(parent, cst.Attribute) and parent.value is current:
            call = flow.index.parent(parent)
            method = parent.attr.value
            if method in HARMLESS_METHODS and isinstance(call, cst.Call) and call.func is parent:
                return []
            if method in MUTATORS:
                raise Unfollowable(f"`{held}.{method}()` at {where} changes `{self.name.value}` while "
                                   "the program runs")
            raise Unfollowable(f"`{held}.{method}` at {where} hands out the entries of "
                               f"`{self.name.value}`: the tool cannot follow them")
        if isinstance(parent, cst.ComparisonTarget) and isinstance(parent.operator, (cst.In, cst.NotIn)):
            return []  # `"key" in SETTINGS`: membership only
        if isinstance(parent, cst.Arg) and parent.value is current and not parent.star:
            call = flow.index.parent(parent)
            if isinstance(call, cst.Call) and attribute_chain(call.func) in ([c] for c in HARMLESS_CALLS):
                return []
            if isinstance(call, cst.Call) and parent.keyword is None and _is_print_or_log(call):
                flow.state.shown += 1
                return []
        if isinstance(parent, cst.StarredDictElement):
            raise Unfollowable(f"`**{held}` at {where} copies its entries into another dict the tool "
                               "does not follow")
        if isinstance(parent, cst.Arg) and parent.star == "**":
            raise Unfollowable(f"`**{held}` at {where} spreads its entries into a call the tool "
                               "cannot follow")
        raise Unfollowable(f"`{held}` is passed on at {where}: what reads or changes its entries "
                           "there is not visible")


def _source(flow: ValueFlow, node: cst.CSTNode) -> str:
    start, end = flow.context.node_range(node)
    text = flow.context.text[start:end]
    return text if len(text) <= 60 and "\n" not in text else text[:57] + "..."


EXTENSIONS.dict_entry = flows_of_dict_entry
EXTENSIONS.named_dict_entry = is_named_dict_entry
