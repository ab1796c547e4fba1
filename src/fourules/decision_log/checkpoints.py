"""Signed checkpoints of a decision log: its size and head hash, signed with an Ed25519 key.

A checkpoint is a C2SP signed note (https://c2sp.org/signed-note) whose text follows the
tlog checkpoint (https://c2sp.org/tlog-checkpoint): the log's origin, its size (records), the
head hash (base64), then extension lines — the time and the policies its records used:

    stockholm.se/fourules/decisions
    1234
    4oB0pJmJ1Pz5Xw0xzGvGFsxQ9m1zxbHqv2zXg1ZGv0Q=
    time 2025-03-14T09:30:00Z
    policy 2024 2.0.0 9f8e…

    — stockholm.se/fourules/decisions Ab3x…

The signature line holds the key's 4-byte id (SHA-256 of the name, a newline, 0x01 and the
public key) and the signature over the text. Anyone with the public key checks it; only the
holder of the private key makes one (`log_keys`), so a chain recomputed after an edit no
longer matches a checkpoint signed before it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from fourules.errors import InputError, Place
from fourules.text import LocalText
from fourules.texts import both, text

_ED25519 = b"\x01"  # the signed-note algorithm byte for Ed25519
_DASH = "\u2014"  # a signature line starts with an em dash
_ORIGIN = re.compile(r"[^\s+]+")  # a key name: no spaces, no plus (signed-note)
_SIZE = re.compile(r"0|[1-9][0-9]{0,18}")  # C2SP: a uint64


@dataclass(frozen=True)
class Checkpoint:
    """What a checkpoint states: the log, its size in records, the hash of its last record,
    and extension lines (`time …`, `policy ID VERSION SHA256`)."""

    origin: str
    size: int
    head: str
    extensions: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The signed text: one line each, each ending with a newline."""
        return "".join(
            f"{line}\n" for line in (self.origin, str(self.size), self.head, *self.extensions)
        )

    @property
    def time(self) -> str | None:
        return next(
            (e.removeprefix("time ") for e in self.extensions if e.startswith("time ")), None
        )

    @property
    def policies(self) -> tuple[str, ...]:
        """`ID VERSION SHA256` of each policy the log's records used."""
        return tuple(e.removeprefix("policy ") for e in self.extensions if e.startswith("policy "))


@dataclass(frozen=True)
class SignedNote:
    """A checkpoint with its signature lines, as read from its text."""

    checkpoint: Checkpoint
    signatures: tuple[tuple[str, bytes], ...]
    """(key name, key id + signature) of each signature line."""

    @property
    def note(self) -> str:
        lines = "".join(
            f"{_DASH} {name} {base64.b64encode(sig).decode()}\n" for name, sig in self.signatures
        )
        return f"{self.checkpoint.text}\n{lines}"


def key_id(name: str, public: bytes) -> bytes:
    """The signed-note key id: the first 4 bytes of SHA-256(name, newline, 0x01, key)."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + _ED25519 + public).digest()[:4]


def now() -> str:
    """The time line's value: UTC, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


ORIGIN = Place("origin")
"""The domain key of a log's name in its checkpoints (`use_cases/places.py`)."""


def check_origin(origin: str) -> str:
    if not _ORIGIN.fullmatch(origin):
        raise InputError(both("checkpoint.origin_invalid", origin=repr(origin)), ORIGIN)
    return origin


def _bad_note(problem: str, where: str, **params: object) -> InputError:
    """A note that is no signed checkpoint: `problem` is the catalogue's key for why."""
    message = LocalText(
        sv=text("checkpoint.not_signed", "sv", problem=text(problem, "sv", **params)),
        en=text("checkpoint.not_signed", "en", problem=text(problem, "en", **params)),
    )
    return InputError(message, where)


def read_note(text: str, where: str) -> SignedNote:
    """A signed checkpoint from its text; anything else is an InputError naming what is wrong.
    Line ends are read as newlines whatever their kind (a published copy may have gained
    carriage returns), and blank lines after the signatures are ignored."""
    text = text.replace("\r\n", "\n")
    body, blank, signatures = text.partition("\n\n")
    if not blank:
        raise _bad_note("checkpoint.no_blank_line", where)
    lines = body.split("\n")
    if len(lines) < 3:
        raise _bad_note("checkpoint.lines_missing", where)
    origin, size, head, *extensions = lines
    if not _ORIGIN.fullmatch(origin):
        raise _bad_note("checkpoint.origin_spaces", where, origin=repr(origin))
    if not _SIZE.fullmatch(size):
        raise _bad_note("checkpoint.size_invalid", where, size=repr(size[:40]))
    if len(_b64(head) or b"") != 32:
        raise _bad_note("checkpoint.head_invalid", where, head=repr(head[:60]))
    if any(not e.strip() for e in extensions):
        raise _bad_note("checkpoint.blank_extension", where)
    if not signatures.strip():
        raise _bad_note("checkpoint.no_signature", where)
    signed = []
    for line in signatures.strip("\n").split("\n"):
        name, _, sig = line.removeprefix(f"{_DASH} ").partition(" ")
        raw = _b64(sig)
        if not line.startswith(f"{_DASH} ") or raw is None or len(raw) <= 4:
            raise _bad_note("checkpoint.signature_invalid", where, line=repr(line[:40]))
        signed.append((name, raw))
    return SignedNote(Checkpoint(origin, int(size), head, tuple(extensions)), tuple(signed))


def _b64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
