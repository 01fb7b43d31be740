"""Work on a stream of items, shared with a forked helper while the stream is still coming.

A big tree's clean run is the walk, then reading and searching every file. The walk runs
here and cannot be split; the reading can. So while the walk goes on, the helper is sent
batches of what it has found, a few at a time; when the walk ends, the helper goes on
from the front of what is left and this process takes batches from the back, until they
meet. Nothing waits for a whole list, and neither core idles while the other works.

The helper is only an optimisation: a batch it does not answer (it died, raised, or sent
something unreadable) is done here, and so is everything after that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise
from typing import Generic, TypeVar

from migrator import warm

_T = TypeVar("_T")
_R = TypeVar("_R")

BATCH = 256  # items per message: big enough that a message costs little next to its work
AHEAD = 2  # batches the helper holds at once: it never waits, and the back stays ours


def map_beside(
    items: Iterable[_T],
    work: Callable[[Sequence[_T]], list[_R]],
    helper: warm.WarmWorker,
    batch: int = BATCH,
) -> tuple[list[_T], list[_R]]:
    """Every item of ``items`` and ``work``'s result for it, in order, with ``work`` run on
    batches here and in ``helper``; the helper is stopped when done. ``work`` must pickle
    (a module-level function), and so must the items. A batch's results must be small (a
    few KB): this process may be writing the next batch while the helper writes them, and
    each waits for the other once a pipe's buffer (64 KiB) is full."""
    return _Sharing(work, helper, batch).run(items)


class _Sharing(Generic[_T, _R]):
    def __init__(self, work: Callable[[Sequence[_T]], list[_R]], helper: warm.WarmWorker,
                 batch: int) -> None:
        self.work = work
        self.helper: warm.WarmWorker | None = helper
        self.batch = batch
        self.items: list[_T] = []
        self.results: dict[int, list[_R]] = {}  # by the index of a batch's first item
        self.sent: list[int] = []  # starts of the batches the helper holds, oldest first
        self.front = 0  # items before this are answered or sent

    def run(self, items: Iterable[_T]) -> tuple[list[_T], list[_R]]:
        try:
            for item in items:
                self.items.append(item)
                if len(self.items) - self.front >= self.batch:
                    self._collect_ready()
                    while self.helper is not None and len(self.sent) < AHEAD and \
                            len(self.items) - self.front >= self.batch:
                        self._send(self.front, self.front + self.batch)
            self._finish()
        finally:
            if self.helper is not None:
                self.helper.stop()
        results: list[_R] = []
        for start in sorted(self.results):
            results.extend(self.results[start])
        return self.items, results

    def _finish(self) -> None:
        back = len(self.items)
        while self.front < back:
            self._collect_ready()
            if self.helper is not None and len(self.sent) < AHEAD:
                self._send(self.front, min(back, self.front + self.batch))
                continue
            start = max(self.front, back - self.batch)
            self.results[start] = self.work(self.items[start:back])
            back = start
        while self.sent:
            self._collect_one()

    def _send(self, start: int, end: int) -> None:
        assert self.helper is not None
        if self.helper.submit(self.work, self.items[start:end]):
            self.sent.append(start)
        else:
            self._without_helper()
            self.results[start] = self.work(self.items[start:end])
        self.front = end

    def _collect_ready(self) -> None:
        while self.sent and self.helper is not None and self.helper.ready():
            self._collect_one()

    def _collect_one(self) -> None:
        start = self.sent[0]
        answered, value = self.helper.collect() if self.helper is not None else (False, None)
        end = self.sent[1] if len(self.sent) > 1 else self.front
        if answered and isinstance(value, list) and len(value) == end - start:
            self.sent.pop(0)
            self.results[start] = value
            return
        self._without_helper()

    def _without_helper(self) -> None:
        """The helper failed: stop it, and do every batch it held here."""
        if self.helper is not None:
            self.helper.stop()
            self.helper = None
        bounds = [*self.sent, self.front]
        for start, end in pairwise(bounds):
            self.results[start] = self.work(self.items[start:end])
        self.sent.clear()
