"""A worker forked at start-up that imports the analysis while the command gets going.

A small tree's ``check`` is mostly imports: libcst and the rules take about 0.35 s, while
the main process spends its first 0.1-0.2 s on its own (click, the settings, the walk, the
prefilter, the screens, which need no libcst). Forked before all that, this worker imports
the analysis on the second core meanwhile; the few files the screens do not clear are then
checked there, and the main process never imports libcst.

The worker is only an optimisation: whenever it cannot answer (it died, a message does not
pickle, it raised), the caller does the work itself, so every outcome is what an in-process
run gives. Started only by the command line on Linux (a fork before any thread exists),
never by an in-process caller, and stopped (killed) as soon as the run knows it has no use
for it: a big tree (its reading takes both cores), no file left to parse, or the end of the run.
``fork`` starts other such workers (``migrator.sharing`` uses one).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import signal
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from typing import Any, NoReturn, TypeVar

_T = TypeVar("_T")
_LENGTH_BYTES = 8  # each message: its length (big-endian), then its pickle


class WarmWorker:
    """The main process's end of the worker: a pipe each way and the worker's pid."""

    def __init__(self, pid: int, requests: int, replies: int) -> None:
        self.pid = pid
        self.requests = requests
        self.replies = replies

    def run(self, function: Callable[..., _T], *args: object) -> _T | None:
        """``function(*args)`` in the worker; None where the worker did not answer."""
        if not self.submit(function, *args):
            return None
        answered, value = self.collect()
        if not answered:
            return None
        result: _T = value
        return result

    def submit(self, function: Callable[..., object], *args: object) -> bool:
        """Send a call without waiting for its answer; False (and the worker stopped) when it
        cannot be sent."""
        import pickle

        try:
            _send(self.requests, (os.getcwd(), function, args))
        except (OSError, pickle.PicklingError, AttributeError, TypeError, ValueError):
            self.stop()
            return False
        return True

    def ready(self) -> bool:
        """Whether an answer (or the worker's end) is waiting to be collected."""
        import select

        try:
            return bool(select.select([self.replies], [], [], 0)[0])
        except (OSError, ValueError):
            return True  # collect() meets the problem and says so

    def collect(self) -> tuple[bool, Any]:
        """The next answer, waiting for it: (True, value), or (False, None) where the call
        raised or the worker is gone (it is stopped then)."""
        import pickle

        try:
            answered, value = _receive(self.replies)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, TypeError, ValueError):
            answered, value = False, None
        if not answered:
            self.stop()
        return bool(answered), value

    def stop(self) -> None:
        """Kill the worker (it holds no state worth keeping) and reap it; idempotent."""
        global _worker
        if _worker is self:
            _worker = None
        _live.discard(self)
        if self.pid < 0:
            return
        pid, self.pid = self.pid, -1
        for descriptor in (self.requests, self.replies):
            with contextlib.suppress(OSError):
                os.close(descriptor)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


_worker: WarmWorker | None = None


def can_fork() -> bool:
    """Whether a worker may be forked here: Linux (fork is the start method there, and the
    child runs Python code), in a process with no other thread (a lock held by one would
    stay held in the child)."""
    if not sys.platform.startswith("linux"):
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def wanted(argv: Sequence[str]) -> bool:
    """Whether a command line may use the worker: ``check`` on Linux, not ``--workers 1``,
    not standard input alone (read in this process). Asked at start-up, before any thread."""
    if not sys.platform.startswith("linux") or not argv or argv[0] != "check":
        return False
    rest = list(argv[1:])
    if "--help" in rest or "--workers=1" in rest:
        return False
    if any(a == "--workers" and rest[i + 1:i + 2] == ["1"] for i, a in enumerate(rest)):
        return False
    return "-" not in rest or bool(path_arguments(argv))


def path_arguments(argv: Sequence[str]) -> list[str]:
    """The words after the command that may be paths (option values among them: a hint only)."""
    return [word for word in argv[1:] if not word.startswith("-")]


def start(preload: Sequence[str]) -> None:
    """Fork the worker, which imports ``preload`` and then waits for calls."""
    global _worker
    if _worker is None:
        _worker = fork(preload)


def fork(preload: Sequence[str] = ()) -> WarmWorker | None:
    """A new worker (None when the fork fails), stopped at exit at the latest. Only where
    ``can_fork()``: the child runs Python code after the fork."""
    opened: list[int] = []
    try:
        requests_in, requests_out = os.pipe()
        opened += (requests_in, requests_out)
        replies_in, replies_out = os.pipe()
        opened += (replies_in, replies_out)
        pid = os.fork()
    except OSError:
        for descriptor in opened:
            os.close(descriptor)
        return None
    if pid == 0:
        os.close(requests_out)
        os.close(replies_in)
        _serve(requests_in, replies_out, preload)
    os.close(requests_in)
    os.close(replies_out)
    worker = WarmWorker(pid, requests_out, replies_in)
    _live.add(worker)
    return worker


_live: set[WarmWorker] = set()  # forked and not stopped yet


@atexit.register
def _stop_all() -> None:
    for worker in list(_live):
        worker.stop()


def active() -> WarmWorker | None:
    return _worker


def stop() -> None:
    """Stop the warm worker, if there is one (its ``stop`` forgets it)."""
    if _worker is not None:
        _worker.stop()


def _serve(requests: int, replies: int, preload: Sequence[str]) -> NoReturn:
    code = 0
    try:
        quiet = os.open(os.devnull, os.O_RDWR)
        for descriptor in (0, 1, 2):  # never hold the caller's pipes open, never write to them
            os.dup2(quiet, descriptor)
        from migrator.parsing import collection_paused

        with collection_paused():  # libcst defines ~300 dataclasses, none of them garbage
            for name in preload:
                import_module(name)
        gc.freeze()  # what was imported is never garbage: later collections skip it
        from migrator import dataclass_code

        dataclass_code.save()  # this process ends with os._exit: no atexit
        while True:
            directory, function, args = _receive(requests)
            if os.getcwd() != directory:
                os.chdir(directory)
            try:
                reply: tuple[bool, Any] = (True, function(*args))
            except BaseException:  # the caller runs it itself and meets the error there
                reply = (False, None)
            _send(replies, reply)
    except BaseException:  # EOF: the main process is done or gone
        code = 1
    finally:
        os._exit(code)


def _send(descriptor: int, message: object) -> None:
    import pickle

    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(len(data).to_bytes(_LENGTH_BYTES, "big") + data)
    while view:
        written = os.write(descriptor, view)
        view = view[written:]


def _receive(descriptor: int) -> Any:
    import pickle

    size = int.from_bytes(_read_exactly(descriptor, _LENGTH_BYTES), "big")
    return pickle.loads(_read_exactly(descriptor, size))


def _read_exactly(descriptor: int, size: int) -> bytes:
    chunks: list[bytes] = []
    while size:
        chunk = os.read(descriptor, min(size, 1 << 20))
        if not chunk:
            raise EOFError("the other end closed the pipe")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
