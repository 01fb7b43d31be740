"""The import graph of ``migrator`` has one direction: no cycle, imports inside functions
and under ``TYPE_CHECKING`` included (``lint-imports`` checks the named layers)."""

from __future__ import annotations

import grimp


def test_no_module_of_migrator_reaches_back_to_a_module_that_imports_it() -> None:
    graph = grimp.build_graph("migrator")
    cycles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            # A subpackage's modules import their package's ``__init__``; that is no cycle
            # unless the ``__init__`` imports them back, which the chain search would find.
            chain = graph.find_shortest_chain(importer=imported, imported=importer)
            if chain is not None:
                cycles.append(" -> ".join((importer, *chain)))
    assert cycles == []
