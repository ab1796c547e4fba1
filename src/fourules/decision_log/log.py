"""Writing a decision log: one line per decision, chained by hash, with signed checkpoints.

Every append takes an exclusive lock on the log file (`flock`, which the kernel queues: no
polling, no lock file beside it) and reads the last record's hash under it, so CLI runs and service replicas on one host append
to one file and keep one chain; replicas on several hosts each keep their own log. A line
cut off by a crash stays as it is: the next append starts on a new line and chains from the
last whole record.

A checkpoint (`checkpoints`) signs the log's size and head hash. Before signing, the records
written since the last checkpoint this key signed are checked — each hash, each link — so a
checkpoint never vouches for a chain that is already broken; the service writes one every N
records or minutes (`Checkpointing`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from fourules.decision_log.checkpoints import Checkpoint, SignedNote, now, read_note
from fourules.decision_log.records import (
    CheckpointLine,
    Record,
    RecordWriter,
    line_of,
    read_line,
)
from fourules.errors import InputError, Place
from fourules.evaluation.results import Evaluation
from fourules.output.canonical import plain
from fourules.parallel import gc_paused
from fourules.text import LocalText
from fourules.texts import both, text
from fourules.version import fourules_version

if TYPE_CHECKING:
    from fourules.decision_log.keys import PrivateKey
    from fourules.rounds.evaluation import RoundEvaluation
    from fourules.rounds.model import Round

logger = logging.getLogger(__name__)
_CHUNK = 1 << 16
_PIECES_AT_ONCE = 512
"""Lines given to one write (the system takes at most 1024)."""
_TAIL = 64
"""Bytes of what it last wrote a writer keeps, to know the file still holds it: a record's
line ends with its own hash, a checkpoint's with its signature."""


@dataclass(frozen=True)
class Checkpointing:
    """How a log is signed: with this key, as this origin (default: the origin of the log's
    last checkpoint, else HOST/FILE), every `every` records this process writes and/or every
    `minutes` when records were added."""

    key: PrivateKey
    every: int | None = None
    minutes: float | None = None
    origin: str | None = None


@dataclass(frozen=True)
class _Chain:
    """What this process has checked of the log: the first `offset` bytes hold `size`
    records, the last with hash `head`, using these policies."""

    offset: int = 0
    size: int = 0
    head: str | None = None
    policies: frozenset[str] = field(default_factory=frozenset)
    origin: str | None = None


class DecisionLog:
    """Appends decision records to a file, one line each, chained; safe for concurrent
    writers (threads of one process, processes on one host). A trial log (`trials`: what
    is tried on the pages) marks each of its records `"trial": true`, hashed with it, so
    that `verify` tells its records from decisions wherever they are found."""

    def __init__(
        self, path: Path, checkpointing: Checkpointing | None = None, *, trials: bool = False
    ) -> None:
        self.path = path
        self.checkpointing = checkpointing
        self.trials = trials
        self._lock = threading.Lock()
        self._written: tuple[int, str | None] | None = None
        """The log's size after this process last wrote, and its head then."""
        self._tail = b""
        """The last bytes this process wrote, which end the log at `_written`'s size while it
        is the file this process wrote (`_locked`)."""
        self._carried: set[str] = set()
        """The keys of the sources this process wrote into the log (`records`): a later
        record names them without carrying them again."""
        self._chain: _Chain | None = None
        self._file: tuple[int, int] | None = None
        self._unsigned = 0
        self._signed_end: int | None = None
        self._stop = threading.Event()
        self._timer: threading.Thread | None = None
        if checkpointing and checkpointing.minutes:
            self._timer = threading.Thread(
                target=self._every, args=(checkpointing.minutes * 60,), daemon=True
            )
            self._timer.start()

    # --- appending --------------------------------------------------------------------------

    def append(
        self,
        decisions: Iterable[tuple[Any, Evaluation]],
        decision_ids: Iterable[str] | None = None,
    ) -> None:
        """One record per (input, result); `decision_ids` as the service answered them, else
        new ones. The collector is paused meanwhile: a batch's records are many small objects,
        and each collection they set off walks everything the process holds (writing 10 000
        records beside their evaluations: 40 -> 34 µs a record, least of 5)."""
        with gc_paused():
            self._append(decisions, decision_ids)

    def _append(
        self, decisions: Iterable[tuple[Any, Evaluation]], decision_ids: Iterable[str] | None
    ) -> None:
        time = datetime.now(UTC).isoformat(timespec="seconds")
        decisions = list(decisions)
        ids = iter(decision_ids if decision_ids is not None else _new_ids(len(decisions)))
        writer = RecordWriter(time, fourules_version(), self.trials)
        records = [writer.record(next(ids), given, result) for given, result in decisions]
        if not records:
            return
        with self._locked() as fd:
            end, whole = self._end(fd)
            prev = head = self._head(end)
            lines = [] if whole else [b"\n"]
            carried = set(self._carried)
            for record in records:
                prev, line = record.linked(prev, carried)  # refuses before anything is written
                lines.extend(line)
            size = self._write(fd, lines)
            self._written, self._carried = (end + size, prev), carried
            self._tail = lines[-1][-_TAIL:]
            if self._chain is None and end == 0:
                # A new log: nothing before these records to check at the first checkpoint
                # (it read the 1 000 records before it back: writing 20 000 records signed every
                # 1 000, 31-37 -> 27-32 µs a record).
                self._chain = _Chain()
            if self._chain is not None and self._chain.offset == end and self._chain.head == head:
                # Nobody wrote in between: what this process wrote needs no checking again.
                used = {_policy_line(plain(policy)) for policy in writer.policies.values()}
                self._chain = replace(
                    self._chain,
                    offset=end + size,
                    size=self._chain.size + len(records),
                    head=prev,
                    policies=self._chain.policies | used,
                )
            self._unsigned += len(records)
            every = self.checkpointing.every if self.checkpointing else None
            if every and self._unsigned >= every:
                self._checkpoint_quietly(fd)

    def append_round(
        self, round_: Round, result: RoundEvaluation, decision_ids: Iterable[str] | None = None
    ) -> None:
        """One record per application of an evaluated round, its input as a single application."""
        from fourules.rounds.model import application_part

        by_id = {a.id: a for a in round_.applications}
        self.append(
            ((application_part(by_id[e.application_id]), e) for e in result.evaluations),
            decision_ids,
        )

    # --- checkpoints ------------------------------------------------------------------------

    def checkpoint(self) -> SignedNote:
        """Sign the log as it is now and append the checkpoint; an InputError when the log
        has no record with a hash, or a record since the last checkpoint does not hold."""
        with self._locked() as fd:
            return self._checkpoint(fd)

    def close(self) -> None:
        """Stop the timer; sign what this process wrote since its last checkpoint."""
        self._stop.set()
        if self._timer is not None:
            self._timer.join()
        if self.checkpointing and self._unsigned:
            with self._locked() as fd:
                self._checkpoint_quietly(fd)

    def _checkpoint(self, fd: int) -> SignedNote:
        assert self.checkpointing is not None
        end, whole = self._end(fd)
        with self._reading() as f:
            chain = self._scan(f, self._chain or self._resume(f, end), end)
        if chain.head is None:
            raise InputError(
                both("decision_log.nothing_to_sign", file=str(self.path)), DECISION_LOG
            )
        origin = (
            self.checkpointing.origin or chain.origin or f"{socket.gethostname()}/{self.path.name}"
        )
        extensions = (f"time {now()}", *(f"policy {p}" for p in sorted(chain.policies)))
        signed = self.checkpointing.key.sign(Checkpoint(origin, chain.size, chain.head, extensions))
        data = (b"" if whole else b"\n") + line_of({"checkpoint": signed.note})
        self._write(fd, [data])
        self._chain = replace(chain, offset=end + len(data), origin=origin)
        self._written = (end + len(data), chain.head)
        self._tail = data[-_TAIL:]
        self._signed_end = end + len(data)
        self._unsigned = 0
        return signed

    def _checkpoint_quietly(self, fd: int) -> None:
        """The service's checkpoints: a log that does not hold is reported, not signed, and
        the decisions go on being recorded."""
        try:
            self._checkpoint(fd)
        except InputError as exc:
            self._unsigned = 0  # tried again after as many records, not on every append
            logger.error("no checkpoint written: %s", exc.text("en"))

    def _every(self, seconds: float) -> None:
        while not self._stop.wait(seconds):
            with self._locked() as fd:
                end, _ = self._end(fd)
                if self._unsigned or (self._signed_end is not None and end != self._signed_end):
                    self._checkpoint_quietly(fd)

    def _resume(self, f: IO[bytes], end: int) -> _Chain:
        """Start from the last checkpoint this key signed, when the record before it still
        has the signed head hash; else from the beginning."""
        assert self.checkpointing is not None
        signed: SignedNote | None = None
        after = 0
        for offset, raw in _backward(f, end):
            if signed is None:
                # Only a checkpoint line is parsed on the way back: records are checked forward.
                if not raw.lstrip().startswith(b'{"checkpoint"'):
                    continue
                line = read_line(raw)
                if not isinstance(line, CheckpointLine):
                    continue
                try:
                    candidate = read_note(line.note, str(self.path))
                except InputError:
                    continue
                if self.checkpointing.key.public.check(candidate) is None:
                    signed, after = candidate, offset + len(raw) + 1
                continue
            line = read_line(raw)
            if isinstance(line, Record):
                head = signed.checkpoint.head
                if line.stored == head and line.computed() == head:
                    return _Chain(
                        after,
                        signed.checkpoint.size,
                        head,
                        frozenset(signed.checkpoint.policies),
                        signed.checkpoint.origin,
                    )
                break
        return _Chain()

    def _scan(self, f: IO[bytes], chain: _Chain, end: int) -> _Chain:
        """The chain checked on from `chain.offset` to the last whole line before `end`."""
        f.seek(chain.offset)
        offset, size, head = chain.offset, chain.size, chain.head
        policies, origin = set(chain.policies), chain.origin
        while offset < end:
            raw = f.readline(end - offset)
            if not raw.endswith(b"\n"):
                break  # a cut-off last line: not a record
            line = read_line(raw) if raw.strip() else None
            if isinstance(line, Record):
                problem = _link_problem(line, head)
                if problem:
                    raise self._broken(offset, problem)
                head, size = line.stored, size + 1
                policies.add(_policy_line(line.policy))
            elif isinstance(line, CheckpointLine):
                with suppress(InputError):
                    origin = read_note(line.note, str(self.path)).checkpoint.origin
            offset += len(raw)
        return _Chain(offset, size, head, frozenset(policies), origin)

    def _broken(self, offset: int, problem: str) -> InputError:
        """The chain broken at `offset`: `problem` is the catalogue's key for why."""
        with self._reading() as f:
            number = f.read(offset).count(b"\n") + 1
        message = LocalText(
            sv=text("decision_log.broken", "sv", problem=text(problem, "sv")),
            en=text("decision_log.broken", "en", problem=text(problem, "en")),
        )
        return InputError(message, f"{self.path}:{number}")

    # --- the file -----------------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[int]:
        """This thread alone, and this process alone on the file: the descriptor to append with."""
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                _flock(fd)
                file = os.fstat(fd)
                if (
                    (file.st_dev, file.st_ino) != self._file
                    or (self._chain is not None and self._chain.offset > file.st_size)
                    or (self._written is not None and not self._ends_as_written(file.st_size))
                ):
                    # Another file now, or this one cut short (and perhaps grown again since):
                    # what this process knew is void.
                    self._file, self._written, self._chain = (file.st_dev, file.st_ino), None, None
                    self._carried = set()
                yield fd
            finally:
                os.close(fd)  # releases the lock

    def _ends_as_written(self, size: int) -> bool:
        """Whether the file, now `size` bytes, still holds what this process last wrote where
        it wrote it: read again only when someone else has written since."""
        assert self._written is not None
        end = self._written[0]
        if size == end:
            return True
        if size < end:
            return False
        with self._reading() as f:
            f.seek(end - len(self._tail))
            return f.read(len(self._tail)) == self._tail

    @contextmanager
    def _reading(self) -> Iterator[IO[bytes]]:
        with open(self.path, "rb", buffering=_CHUNK) as f:
            yield f

    def _end(self, fd: int) -> tuple[int, bool]:
        """The log's size, and whether it ends with a whole line."""
        end = os.fstat(fd).st_size
        if end == 0 or (self._written is not None and self._written[0] == end):
            return end, True
        with self._reading() as f:
            f.seek(end - 1)
            return end, f.read(1) == b"\n"

    def _head(self, end: int) -> str | None:
        """The hash of the last record (None before the first, or after one without)."""
        if end == 0:
            return None
        if self._written is not None and self._written[0] == end:
            return self._written[1]
        with self._reading() as f:
            for _, raw in _backward(f, end):
                line = read_line(raw) if raw.strip() else None
                if isinstance(line, Record):
                    return line.stored
        return None

    def _write(self, fd: int, pieces: list[bytes]) -> int:
        """Write the pieces one after the other, whole, without joining them first (a
        batch of records is megabytes: a copy of it costs as much as a tenth of writing
        them); how many bytes that was. A write that takes all it is given, as a file's
        mostly does, is not followed piece by piece (a record is three pieces)."""
        views: list[bytes | memoryview] = [piece for piece in pieces if piece]
        first = 0
        while first < len(views):
            chunk = views[first : first + _PIECES_AT_ONCE]
            done = os.writev(fd, chunk)
            if done == sum(map(len, chunk)):
                first += len(chunk)
                continue
            while done:  # a write may take less than it is given: on where it stopped
                taken = min(done, len(views[first]))
                views[first], done = memoryview(views[first])[taken:], done - taken
                first += not views[first]
        return sum(map(len, pieces))


DECISION_LOG = Place("decision_log")
"""The domain key of the decision log a run writes (`use_cases/places.py`)."""


def _flock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # not a POSIX system
        raise InputError(both("decision_log.needs_posix"), DECISION_LOG) from None
    fcntl.flock(fd, fcntl.LOCK_EX)


def _new_ids(count: int) -> Iterator[str]:
    """New decision ids: random UUIDs (version 4), from one read of the system's random
    source for them all (`uuid.uuid4`, a read each, costs 2.6 µs a record: a twentieth of
    what writing it costs)."""
    random = os.urandom(16 * count)
    for start in range(0, 16 * count, 16):
        digits = random[start : start + 16].hex()
        variant = "89ab"[int(digits[16], 16) & 3]
        yield f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{variant}{digits[17:20]}-{digits[20:]}"


def _policy_line(policy: dict[str, Any]) -> str:
    """`ID VERSION SHA256`, each one word, for a checkpoint's `policy` line."""
    return " ".join(
        "_".join(str(policy.get(k)).split()) or "_" for k in ("id", "version", "sha256")
    )


def _link_problem(record: Record, head: str | None) -> str | None:
    """Why a record does not continue the chain whose last hash is `head` (the catalogue's
    key), or None."""
    if not record.protected:
        return None if head is None else "decision_log.link.unhashed"
    if record.stored is None or record.computed() != record.stored:
        return "decision_log.link.hash"
    if record.prev != head:
        return "decision_log.link.prev"
    return None


def _backward(f: IO[bytes], end: int) -> Iterator[tuple[int, bytes]]:
    """The lines of the file's first `end` bytes, last first, each with its offset and
    without its newline (the last may have none: cut off)."""
    pos, carry = end, b""
    while pos > 0:
        step = min(_CHUNK, pos)
        pos -= step
        f.seek(pos)
        block = f.read(step) + carry
        parts = block.split(b"\n")
        carry = parts[0]
        offset = pos + len(block)
        for part in reversed(parts[1:]):
            offset -= len(part)
            yield offset, part
            offset -= 1
    yield 0, carry
