"""The methods ``@dataclass`` generates, compiled once and kept beside the bytecode.

``@dataclass`` writes each class's ``__init__``, ``__eq__``, ``__repr__``... as source text
and compiles it while the class is defined, on every run: most of libcst's import (its
~300 node classes) and a tenth of the command's own start-up is that compiling. The text
is the same from one run to the next, so the code it compiles to is kept in one file in the
package's ``__pycache__`` (where ``sys.pycache_prefix`` puts bytecode), as Python keeps a
module's bytecode, under the same magic number.

``exec`` of a text is ``exec`` of ``compile(text, "<string>", "exec")`` with the compiler
flags of the calling module; ``dataclasses`` has none, so a class defined from kept code
is the class defined from its text (``tests/test_dataclass_code.py`` compares every
generated method of libcst's and the tool's classes, defined both ways). The command line
installs it as ``dataclasses.exec`` (a module's globals come before the builtins), and
only there: an in-process caller's dataclasses are left alone.

A file that does not load (another Python, truncated, not ours) is ignored and rewritten;
with ``PYTHONDONTWRITEBYTECODE`` it is read, never written. New entries are merged into
what the file holds when it is written (to a temporary file, then renamed), so processes
that save at once lose nothing for long.
"""

from __future__ import annotations

import atexit
import builtins
import marshal
import os
import sys
from importlib.util import MAGIC_NUMBER, cache_from_source
from types import CodeType
from typing import Any

FORMAT = b"dataclass-code 1\n"
# More entries than the tool and libcst ever define (about 1,000): past it, a file is
# written with this process's entries only, so texts of old versions do not pile up.
MOST_ENTRIES = 4000


class CodeMemo:
    """Compiled code per source text, loaded from (and saved to) one file; kept as marshal
    bytes, so a run makes code objects only of the texts it uses."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.codes = load(path)
        self.used: set[str] = set()
        self.added = 0

    def exec(self, source: object, globals: Any = None, locals: Any = None, /, **options: Any) -> None:
        """``builtins.exec``, compiling each text once."""
        if type(source) is str:
            self.used.add(source)
            source = self.code_of(source)
        builtins.exec(source, globals, locals, **options)  # type: ignore[arg-type]

    def code_of(self, text: str) -> CodeType:
        """The kept code of ``text`` (read from its bytes at its first use), else its code
        compiled now."""
        kept = self.codes.get(text)
        if kept is not None:
            try:
                code = marshal.loads(kept)
            except (EOFError, ValueError, TypeError):
                code = None
            if type(code) is CodeType:
                return code
        code = compile(text, "<string>", "exec", dont_inherit=True)
        self.codes[text] = marshal.dumps(code)
        self.added += 1
        return code

    def save(self) -> None:
        """Write the entries to the file when this process compiled any (not under
        ``PYTHONDONTWRITEBYTECODE``), with those another process wrote meanwhile."""
        if self.path is None or not self.added or sys.dont_write_bytecode:
            return
        merged = {**load(self.path), **self.codes}
        if len(merged) > MOST_ENTRIES:
            merged = {text: code for text, code in self.codes.items() if text in self.used}
        from migrator.fileio import replace_whole  # only now: it imports tempfile

        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            data = MAGIC_NUMBER + FORMAT + marshal.dumps(merged)
            replace_whole(self.path, data, ".dataclass-code.", ".tmp")
        except OSError:  # a read-only install: compiled each run, as without the file
            return
        self.added = 0


def load(path: str | None) -> dict[str, bytes]:
    """The file's entries; none when it is missing, unreadable or not one of ours."""
    if path is None:
        return {}
    try:
        with open(path, "rb") as stream:
            data = stream.read()
    except OSError:
        return {}
    header = MAGIC_NUMBER + FORMAT
    if not data.startswith(header):
        return {}
    try:
        entries = marshal.loads(data[len(header):])
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(entries, dict):
        return {}
    return {text: code for text, code in entries.items() if type(text) is str and type(code) is bytes}


def default_path() -> str | None:
    """``__pycache__/dataclass-code.<tag>.marshal`` beside this package's bytecode."""
    try:
        beside = cache_from_source(os.path.join(os.path.dirname(__file__), "dataclass_code.py"))
    except NotImplementedError:  # no bytecode cache for this interpreter
        return None
    return os.path.join(os.path.dirname(beside), f"dataclass-code.{sys.implementation.cache_tag}.marshal")


_installed: CodeMemo | None = None


def install(path: str | None = None) -> CodeMemo:
    """Let dataclasses compile through the memo for the rest of the process, which saves
    it at exit (a forked worker, which leaves with ``os._exit``, calls ``save``)."""
    global _installed
    import dataclasses

    if _installed is None:
        _installed = CodeMemo(path if path is not None else default_path())
        atexit.register(_installed.save)
    dataclasses.exec = _installed.exec  # type: ignore[attr-defined]
    return _installed


def save() -> None:
    """Save the installed memo now, if there is one."""
    if _installed is not None:
        _installed.save()
