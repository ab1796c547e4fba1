"""The calls folder's private corner, `DIR/.fourules/` (outside git history): created
readable by its owner only, and files in it written whole or not at all, mode 0600, and
refused when others may read them."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from fourules.errors import InputError, Place
from fourules.texts import both

FOLDER = ".fourules"
CALLS = Place("calls")
"""The domain key of the calls folder an operator names (`use_cases/places.py`)."""


def private_folder(calls: Path, *, create: bool) -> Path:
    """`calls/.fourules`, made (mode 0700, the calls folder too when missing) if `create`."""
    if calls.exists() and not calls.is_dir():
        raise InputError(both("accounts.calls_not_folder", folder=str(calls)), CALLS)
    folder = calls / FOLDER
    if create and not folder.is_dir():
        calls.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
    return folder


def check_private(path: Path) -> None:
    """Refuse a file others may read or write: it holds hashes or a secret."""
    if os.name != "posix":  # modes are POSIX's; elsewhere the folder's ACL is the operator's
        return
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise InputError(both("accounts.file_open", mode=f"{mode:o}", file=str(path)), str(path))


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically, mode 0600: a temporary file beside it, synced,
    then renamed over it (a reader sees the old file or the new one, never half of one)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:  # mkstemp made it 0600
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX; other systems cannot open a folder)."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the folder's lock file while a change is read, made and written, so that two
    processes (the server rehashing, an operator adding a user) do not lose each other's."""
    try:
        import fcntl
    except ImportError:  # not POSIX: one writer at a time is the operator's to keep
        yield
        return
    descriptor = os.open(folder / "lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock
