"""Exact answers to two questions that would otherwise need the whole module's scope analysis.

"Can libcst name this callee one of these qualified names?" and "can any request of this
module name a catalog model?" are asked of every call and every payload dict; most of the
time the answer is a certain no that a look at the node (or at the module's strings)
gives without resolving a single name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import libcst as cst
from libcst.helpers import get_full_name_for_node

from migrator.catalog import Catalog
from migrator.strings import literal_value


@dataclass(frozen=True)
class ModuleNames:
    """What a module's imports bind and which classes it defines: where qualified names come from."""

    imported: frozenset[str]  # every name an import binds (``import a.b`` binds ``a``)
    aliases: dict[str, str]  # ``… as alias`` -> last part of the imported name
    classes: frozenset[str]  # the name of every class defined anywhere in the module


def module_names(imports: Iterable[cst.CSTNode], classes: Iterable[cst.CSTNode]) -> ModuleNames:
    imported: set[str] = set()
    aliases: dict[str, str] = {}
    for node in imports:
        if not isinstance(node, (cst.Import, cst.ImportFrom)) or isinstance(node.names, cst.ImportStar):
            continue
        for alias in node.names:
            dotted = get_full_name_for_node(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                imported.add(alias.asname.name.value)
                aliases[alias.asname.name.value] = dotted.rsplit(".", 1)[-1]
            else:
                imported.add(dotted.split(".", 1)[0])
    names = frozenset(node.name.value for node in classes if isinstance(node, cst.ClassDef))
    return ModuleNames(frozenset(imported), aliases, names)


class QualifiedNameFilter:
    """Whether ``Scope.get_qualified_names_for(node)`` can hold one of ``targets``.

    For a node whose full name is ``F`` (``a.b.c``), libcst makes each qualified name in
    one of three ways: from an import that binds ``F``'s first part (the import's real
    name, plus the rest of ``F``: the last part is ``F``'s, unless ``F`` is exactly an
    ``as`` alias, whose imported name's last part it then is); from a local assignment
    (``F`` behind its scope's prefix, which holds ``<locals>`` or ``<comprehension>``
    unless it is a chain of class names); or ``builtins.`` and a builtin's name. A plain
    name or attribute chain none of these can turn into a target has none: no scope
    analysis needed. Any other node is left to libcst.
    """

    def __init__(self, targets: Iterable[str], names: ModuleNames) -> None:
        wanted = frozenset(targets)
        # Names of importable things: none is a builtin or a name local to a function.
        assert not any(name.startswith("builtins.") or "<" in name for name in wanted)
        self.imported = names.imported
        self.tails = frozenset(name.rsplit(".", 1)[-1] for name in wanted)
        self.alias_names = frozenset(alias for alias, last in names.aliases.items() if last in self.tails)
        # F itself, or F behind a prefix of class names defined here
        local: set[str] = set(wanted)
        for name in wanted:
            parts = name.split(".")
            if parts[0] in names.classes:
                local.update(".".join(parts[cut:]) for cut in range(1, len(parts)))
        self.local = frozenset(local)

    def may_match(self, node: cst.CSTNode) -> bool:
        if not isinstance(node, (cst.Name, cst.Attribute)):
            return True
        full = get_full_name_for_node(node)
        if full is None:
            return True
        if full in self.local:
            return True
        root, _, _ = full.partition(".")
        return root in self.imported and (full.rsplit(".", 1)[-1] in self.tails or full in self.alias_names)


def any_literal_may_name_a_model(strings: Iterable[cst.CSTNode], catalog: Catalog) -> bool:
    """Whether a string literal of the module names a catalog model as a whole.

    Within one module a request's model is found by following its value to a string
    literal of the same module: where no literal names a model (in any module kind,
    gateway or not), no request of the module does, unless the value flow brings one.
    """
    for node in strings:
        value = literal_value(node) if isinstance(node, cst.BaseExpression) else None
        if value is not None and (catalog.match_whole(value) is not None
                                  or catalog.match_whole(value, gateway_module=True) is not None):
            return True
    return False
