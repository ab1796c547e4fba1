"""One save at a time per calls folder: a thread lock within the process and an fcntl lock
on `.fourules/lock` between processes, held around read-compare-commit."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()


@contextmanager
def held(state: Path) -> Iterator[None]:
    """Hold the lock of the calls folder whose state folder (`.fourules/`) is `state`."""
    with _GUARD:
        lock = _LOCKS.setdefault(str(state.resolve()), threading.Lock())
    with lock:
        # O_NOFOLLOW: a link planted at the lock's name is refused, never followed.
        fd = os.open(state / "lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the flock
