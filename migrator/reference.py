"""An internal switch for the equivalence tests: libcst's own metadata providers everywhere.

The analysis answers its questions about a module (a node's parent, its position, the
scope of a name) with shortcuts that do only the work asked for. Inside
:func:`libcst_providers` it asks libcst's providers instead, which resolve the whole
module: the tests compare the two and require the same findings and fixes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_LIBCST_PROVIDERS: ContextVar[bool] = ContextVar("libcst_providers", default=False)


def using_libcst_providers() -> bool:
    return _LIBCST_PROVIDERS.get()


@contextmanager
def libcst_providers() -> Iterator[None]:
    """Within this block every new module context resolves metadata with libcst's providers."""
    token = _LIBCST_PROVIDERS.set(True)
    try:
        yield
    finally:
        _LIBCST_PROVIDERS.reset(token)
