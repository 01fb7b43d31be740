"""libcst's parser behind the guards every parse needs (nesting depth, stack size).

The analysis runner parses the document it checks here, the value flow the project's
other modules, and the readers their rewritten output.
"""

from __future__ import annotations

import ast
import threading
import warnings
from collections.abc import Callable

import libcst as cst


class NestedTooDeeply(RecursionError):
    """CPython's own parser gives up on this source; libcst's native one would crash on it."""


# libcst's native parser recurses on the C stack without a guard: a few thousand nested
# brackets (or a long `and` chain) overflow a thread's default 8 MiB and kill the process.
# CPython's parser has guards (200 brackets, "too complex"), so it vets the nesting first,
# and the parse runs on a thread with room for what CPython still accepts.
PARSER_STACK_BYTES = 512 * 1024 * 1024


def _nesting_rejected_by_cpython(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (RecursionError, MemoryError):
        return True
    except (SyntaxError, ValueError) as error:  # ordinary syntax errors are libcst's to report
        message = str(getattr(error, "msg", error))
        return "too many nested" in message or "too complex" in message
    return False


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


def parse_module(text: str) -> cst.Module:
    """libcst's parse behind the guards every parse has (nesting, stack size)."""
    if _nesting_rejected_by_cpython(text):
        raise NestedTooDeeply
    return _on_big_stack(cst.parse_module, text)


def parses(text: str) -> bool:
    """Whether libcst parses ``text``, guarded like every parse here (nesting, stack size).

    Readers use it to check rewritten output: a bare ``cst.parse_module`` on deeply nested
    code crashes the process instead of raising.
    """
    try:
        parse_module(text)
    except (cst.ParserSyntaxError, RecursionError):
        return False
    return True
