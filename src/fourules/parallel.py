"""The speed machinery of fourules, in one place: the one parallel map (work on items in a
forked child process while this process does its own share) and the collector pause.
Rounds and replays use them; nothing else forks.

The child gets the function and its items by fork: nothing is pickled but the results it
sends back, and no module-level state is needed to hand it a job. It pays only for large
jobs on a machine with more than one core, and is safe only where no other thread runs
(a fork copies locks other threads may hold): `worker_pays` says both.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a round's or a replay's results pile up.

    The results hold no reference cycles, but every collection still walks all of them.
    Measured on a round of 2024 applications, in one process: 10 000 in 0.76 s paused
    against 0.84 s running, 30 000 in 2.30 s against 3.16 s (medians of 3). Nested or
    concurrent pauses are safe: whoever found the collector running turns it back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class WorkerError(RuntimeError):
    """The child process failed; its error, as text."""


def worker_pays(size: int, threshold: int) -> bool:
    """Whether forking a worker process is worth it and safe: a job of at least `threshold`
    items, more than one core, no other thread running, and `fork` available."""
    return (
        size >= threshold
        and (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


@contextmanager
def forked_map(function: Callable[[T], R], items: Sequence[T]) -> Iterator[Iterator[R]]:
    """`function` applied to each item in a forked child, the results in order as they come.

    Use the body of the `with` for this process's own share of the work, then read the
    results. Leaving the block early stops the child.
    """
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child() -> None:
        receive.close()
        try:
            for item in items:
                send.send((True, function(item)))
        except BaseException as exc:  # reported to the parent, which raises it
            send.send((False, f"{type(exc).__name__}: {exc}"))
        finally:
            send.close()

    process = context.Process(target=child, daemon=True)
    process.start()
    send.close()

    def results() -> Iterator[R]:
        for _ in items:
            try:
                ok, value = receive.recv()
            except EOFError:
                raise WorkerError("the worker process ended without an answer") from None
            if not ok:
                raise WorkerError(value)
            yield value

    try:
        yield results()
    finally:
        receive.close()
        process.join(timeout=5)
        if process.is_alive():
            process.terminate()
            process.join()
