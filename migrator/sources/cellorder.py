"""Whether a notebook's cells, in the order they are written, can be the order they ran.

A cell that reads a name as it runs (not in a function body, which runs when called) before
the cell that binds it got its value from running the cells in another order: the program
the joined cells make is then not the one the notebook ran, and its flows prove nothing. This
finds the first such read with CPython's ``ast`` (libcst-free, on the trees already parsed).
A false alarm only means the cells are read one by one, as before.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

Position = tuple[int, int, int]  # (position of the cell in the program, line, column)


@dataclass(frozen=True)
class EarlyRead:
    name: str
    read_cell: int  # 0-based notebook cells
    bound_cell: int

    def describe(self) -> str:
        return (f"cell {self.read_cell + 1} reads `{self.name}` before cell {self.bound_cell + 1} "
                "binds it")


def first_early_read(cells: Sequence[tuple[int, ast.Module]]) -> EarlyRead | None:
    """The first read of a module-level name before its first binding, in (cell, tree) order."""
    bound: dict[str, Position] = {}
    reads: list[tuple[Position, str]] = []
    for order, (_, tree) in enumerate(cells):
        for node, load in _module_time_names(tree):
            position = (order, node.lineno, node.col_offset)
            if load:
                reads.append((position, node.id))
            elif node.id not in bound or position < bound[node.id]:
                bound[node.id] = position
    for position, name in sorted(reads):
        if name in bound and position < bound[name]:
            return EarlyRead(name, cells[position[0]][0], cells[bound[name][0]][0])
    return None


def _module_time_names(tree: ast.Module) -> Iterator[tuple[ast.Name, bool]]:
    """Names read (True) or bound (False) as the cell runs, with import aliases as bindings.

    A name bound in a class body is the class's, not the module's: only its reads count.
    """
    for node, in_class in _run_now(tree):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                yield node, True
            elif isinstance(node.ctx, ast.Store) and not in_class:
                yield node, False
        elif in_class:
            continue
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name != "*":
                    name = alias.asname or alias.name.split(".")[0]
                    yield ast.Name(name, ast.Store(), lineno=node.lineno,
                                   col_offset=node.col_offset), False
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield ast.Name(node.name, ast.Store(), lineno=node.lineno,
                           col_offset=node.col_offset), False


def _run_now(tree: ast.AST) -> Iterator[tuple[ast.AST, bool]]:
    """The nodes evaluated when the cell runs, each with whether it is in a class body: not
    function or lambda bodies, and not the variables of a comprehension (local to it)."""
    stack: list[tuple[ast.AST, frozenset[str], bool]] = [(tree, frozenset(), False)]
    while stack:
        node, local, in_class = stack.pop()
        if isinstance(node, ast.Name) and node.id in local:
            continue
        yield node, in_class
        if isinstance(node, ast.ClassDef):
            for child in ast.iter_child_nodes(node):
                body = child in node.body
                stack.append((child, local, in_class or body))
            continue
        for child, child_local in _children(node, local):
            stack.append((child, child_local, in_class))


def _children(node: ast.AST, local: frozenset[str]) -> Iterator[tuple[ast.AST, frozenset[str]]]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        run_at_definition: list[ast.AST] = [*node.decorator_list, *node.args.defaults,
                                            *(d for d in node.args.kw_defaults if d is not None)]
        yield from ((child, local) for child in run_at_definition)
    elif isinstance(node, ast.Lambda):
        yield from ((child, local) for child in node.args.defaults)
    elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        targets = {name.id for generator in node.generators
                   for name in ast.walk(generator.target) if isinstance(name, ast.Name)}
        inner = local | targets
        for child in ast.iter_child_nodes(node):
            yield child, inner
    else:
        yield from ((child, local) for child in ast.iter_child_nodes(node))


__all__ = ["EarlyRead", "first_early_read"]
