"""A rich progress bar on a terminal, for long runs only; a no-op otherwise."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

# Short runs finish before a bar would be worth drawing.
MIN_FILES_FOR_PROGRESS = 200


@contextmanager
def progress_reporter(total: int, allowed: bool,
                      label: str = "checking") -> Iterator[Callable[[int], None] | None]:
    if not allowed or total < MIN_FILES_FOR_PROGRESS:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("files", total=total)

        def advance(count: int) -> None:
            progress.advance(task, count)

        yield advance
