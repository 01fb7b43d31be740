"""libcst's parser behind the guards every parse needs (nesting depth, stack size).

The analysis runner parses the document it checks here, the value flow the project's
other modules, and the readers their rewritten output.
"""

from __future__ import annotations

import ast
import gc
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import libcst as cst


class NestedTooDeeply(RecursionError):
    """CPython's own parser gives up on this source; libcst's native one would crash on it."""


# libcst's native parser recurses on the C stack without a guard: a few thousand nested
# brackets (or a long `and` chain) overflow a thread's default 8 MiB and kill the process.
# CPython's parser has guards (200 brackets, "too complex"), so it vets the nesting first,
# and the parse runs on a thread with room for what CPython still accepts.
PARSER_STACK_BYTES = 512 * 1024 * 1024


def cpython_tree(text: str) -> ast.Module | None:
    """CPython's own tree of ``text``; None for an ordinary syntax error (libcst's to report).

    Raises ``NestedTooDeeply`` where CPython's parser gives up on the nesting: libcst's
    native parser would crash the process there.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except (RecursionError, MemoryError):
        raise NestedTooDeeply from None
    except (SyntaxError, ValueError) as error:
        message = str(getattr(error, "msg", error))
        if "too many nested" in message or "too complex" in message:
            raise NestedTooDeeply from None
        return None


@contextmanager
def collection_paused() -> Iterator[None]:
    """CPython's cyclic garbage collector paused while one file is analysed.

    A libcst parse builds about ten objects per byte of source, and its full collections,
    triggered each time the young objects outgrow a quarter of the old, traverse the whole
    growing tree again: a quarter of the time of a big module's parse and analysis. The
    tree holds no reference cycles (reference counting frees it); what the analysis leaves
    in cycles is collected once collection resumes, between files. Nested uses keep it
    paused until the outermost ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _on_big_stack(parse: Callable[[str], cst.Module], text: str) -> cst.Module:
    outcome: list[cst.Module | BaseException] = []

    def target() -> None:
        try:
            outcome.append(parse(text))
        except BaseException as error:  # re-raised in the calling thread
            outcome.append(error)

    previous = threading.stack_size(PARSER_STACK_BYTES)
    try:
        thread = threading.Thread(target=target, name="libcst-parse", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def parse_module(text: str, *, vetted: bool = False) -> cst.Module:
    """libcst's parse behind the guards every parse has (nesting, stack size).

    ``vetted``: the caller already had ``cpython_tree`` accept ``text``'s nesting.
    """
    import libcst as cst  # here, not above: screening a module with ``cpython_tree`` needs no libcst

    if not vetted:
        cpython_tree(text)
    return _on_big_stack(cst.parse_module, text)


def parses(text: str) -> bool:
    """Whether libcst parses ``text``, guarded like every parse here (nesting, stack size).

    Readers use it to check rewritten output: a bare ``cst.parse_module`` on deeply nested
    code crashes the process instead of raising.
    """
    import libcst as cst

    try:
        parse_module(text)
    except (cst.ParserSyntaxError, RecursionError):
        return False
    return True
