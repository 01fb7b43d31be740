"""One walk of a libcst module: every node in libcst's visiting order, and each node's parent.

libcst's ``ParentNodeProvider`` is a second full traversal (and asks every node for its
``children`` once more); the walk that lists the nodes in order sees every parent already.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst


@dataclass(frozen=True)
class Walk:
    order: list[cst.CSTNode]  # parents before children, children in source order
    parents: dict[cst.CSTNode, cst.CSTNode]
    # False when one node object stands at two places in the tree: its parent is then
    # whichever place libcst's provider visits last, so the provider decides.
    parents_exact: bool


def walk(module: cst.Module) -> Walk:
    order: list[cst.CSTNode] = []
    parents: dict[cst.CSTNode, cst.CSTNode] = {}
    links = 0
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        order.append(node)
        children = node.children
        if children:
            links += len(children)
            for child in children:
                parents[child] = node
            stack.extend(reversed(children))
    return Walk(order, parents, links == len(parents))
