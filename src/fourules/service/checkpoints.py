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
holder of the private key makes one, so a chain recomputed after an edit no longer matches a
checkpoint signed before it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from fourules.errors import InputError
from fourules.text import LocalText

PRIVATE_KEY = "decision-log.key"
PUBLIC_KEY = "decision-log.pub"
_ED25519 = b"\x01"  # the signed-note algorithm byte for Ed25519
_DASH = "\u2014"  # a signature line starts with an em dash
_ORIGIN = re.compile(r"[^\s+]+")  # a key name: no spaces, no plus (signed-note)
_SIZE = re.compile(r"0|[1-9][0-9]*")


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


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key, as its 32 raw bytes (so it travels to other processes)."""

    raw: bytes

    def check(self, signed: SignedNote) -> str | None:
        """Why the note's signature does not hold for this key, or None when it holds."""
        name = signed.checkpoint.origin
        expected = key_id(name, self.raw)
        mine = [sig for signer, sig in signed.signatures if signer == name and sig[:4] == expected]
        if not mine:
            others = ", ".join(f"{n} {s[:4].hex()}" for n, s in signed.signatures) or "none"
            return f"not signed by this key (key id {expected.hex()}); signed by: {others}"
        key = Ed25519PublicKey.from_public_bytes(self.raw)
        try:
            key.verify(mine[0][4:], signed.checkpoint.text.encode("utf-8"))
        except InvalidSignature:
            return "its signature does not hold: the signed text was changed"
        return None


@dataclass(frozen=True)
class PrivateKey:
    key: Ed25519PrivateKey

    @property
    def public(self) -> PublicKey:
        return PublicKey(
            self.key.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        )

    def sign(self, checkpoint: Checkpoint) -> SignedNote:
        signature = self.key.sign(checkpoint.text.encode("utf-8"))
        name = checkpoint.origin
        return SignedNote(checkpoint, ((name, key_id(name, self.public.raw) + signature),))


def now() -> str:
    """The time line's value: UTC, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_origin(origin: str) -> str:
    if not _ORIGIN.fullmatch(origin):
        raise InputError(
            LocalText(
                sv=f"{origin!r} duger inte som ursprung: ange ett namn utan mellanslag och +, "
                "t.ex. stockholm.se/fourules/beslut",
                en=f"{origin!r} is not an origin: give a name without spaces and +, "
                "e.g. stockholm.se/fourules/decisions",
            ),
            "--origin",
        )
    return origin


def _bad_note(why: str, where: str) -> InputError:
    return InputError(
        LocalText(
            sv=f"är ingen signerad kontrollpunkt: {why}",
            en=f"is not a signed checkpoint: {why}",
        ),
        where,
    )


def read_note(text: str, where: str) -> SignedNote:
    """A signed checkpoint from its text; anything else is an InputError naming what is wrong.
    Line ends are read as newlines whatever their kind (a published copy may have gained
    carriage returns), and blank lines after the signatures are ignored."""
    text = text.replace("\r\n", "\n")
    body, blank, signatures = text.partition("\n\n")
    if not blank:
        raise _bad_note("no blank line before the signature lines", where)
    lines = body.split("\n")
    if len(lines) < 3:
        raise _bad_note("it needs an origin, a size and a head hash, one a line", where)
    origin, size, head, *extensions = lines
    if not _ORIGIN.fullmatch(origin):
        raise _bad_note(f"the origin {origin!r} has spaces or a plus", where)
    if not _SIZE.fullmatch(size):
        raise _bad_note(f"the size {size!r} is not a whole number", where)
    if len(_b64(head) or b"") != 32:
        raise _bad_note(f"the head {head!r} is not a base64 SHA-256 hash", where)
    if any(not e.strip() for e in extensions):
        raise _bad_note("a blank extension line", where)
    if not signatures.strip():
        raise _bad_note("no signature line", where)
    signed = []
    for line in signatures.strip("\n").split("\n"):
        name, _, sig = line.removeprefix(f"{_DASH} ").partition(" ")
        raw = _b64(sig)
        if not line.startswith(f"{_DASH} ") or raw is None or len(raw) <= 4:
            raise _bad_note(f"{line[:40]!r} is not a signature line (— NAME BASE64)", where)
        signed.append((name, raw))
    return SignedNote(Checkpoint(origin, int(size), head, tuple(extensions)), tuple(signed))


def _b64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


# --- key files ------------------------------------------------------------------------------------


def _key_problem(sv: str, en: str, path: Path) -> InputError:
    return InputError(LocalText(sv=sv, en=en), str(path))


def _read_key_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise _key_problem("nyckelfilen finns inte", "no such key file", path) from None
    except IsADirectoryError:
        raise _key_problem(
            "är en mapp; ange nyckelfilen", "is a folder; give the key file", path
        ) from None
    except OSError as exc:
        raise _key_problem(
            f"kan inte läsas: {exc.strerror}", f"cannot be read: {exc.strerror}", path
        ) from None


def load_private_key(path: Path) -> PrivateKey:
    """The Ed25519 private key of `fourules log keygen` (PKCS #8, PEM, unencrypted)."""
    data = _read_key_file(path)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise _key_problem(
            "är krypterad; fourules läser en okrypterad nyckel (fourules log keygen)",
            "is encrypted; fourules reads an unencrypted key (fourules log keygen)",
            path,
        ) from None
    except ValueError:
        hint_sv, hint_en = (
            ("är en publik nyckel; ange den privata", "is a public key; give the private one")
            if b"PUBLIC KEY" in data
            else (
                "är ingen privat nyckel i PEM-form (fourules log keygen skriver en)",
                "is not a private key in PEM form (fourules log keygen writes one)",
            )
        )
        raise _key_problem(hint_sv, hint_en, path) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise _key_problem("är ingen Ed25519-nyckel", "is not an Ed25519 key", path)
    return PrivateKey(key)


def load_public_key(path: Path) -> PublicKey:
    """An Ed25519 public key (SubjectPublicKeyInfo, PEM); a private key is refused, so that
    the key that can sign is never what an auditor handles."""
    data = _read_key_file(path)
    if b"PRIVATE KEY" in data:
        raise _key_problem(
            "är en privat nyckel; ange den publika (.pub), den som kan signera ska inte lämnas ut",
            "is a private key; give the public one (.pub): the key that signs is not handed out",
            path,
        )
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise _key_problem(
            "är ingen publik nyckel i PEM-form (fourules log keygen skriver en)",
            "is not a public key in PEM form (fourules log keygen writes one)",
            path,
        ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise _key_problem("är ingen Ed25519-nyckel", "is not an Ed25519 key", path)
    return PublicKey(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def generate_keys(folder: Path) -> tuple[Path, Path]:
    """Write a new key pair into `folder`: the private key readable by its owner only (mode
    0600), the public key beside it. Existing keys are never overwritten."""
    private, public = folder / PRIVATE_KEY, folder / PUBLIC_KEY
    for path in (private, public):
        if path.exists():
            raise _key_problem(
                "finns redan; fourules skriver inte över en nyckel (välj en annan mapp)",
                "exists already; fourules never overwrites a key (choose another folder)",
                path,
            )
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise _key_problem(
            f"kan inte skapas: {exc.strerror}", f"cannot be created: {exc.strerror}", folder
        ) from None
    key = Ed25519PrivateKey.generate()
    _write_new(
        private,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        0o600,
    )
    _write_new(
        public,
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        0o644,
    )
    return private, public


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Write aside, then link into place: the file appears whole or not at all, and a file
    that appeared meanwhile is not overwritten (link fails)."""
    aside = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with os.fdopen(os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(aside, mode)  # exactly this mode, whatever the umask
    try:
        os.link(aside, path)
    except FileExistsError:
        raise _key_problem(
            "finns redan; fourules skriver inte över en nyckel",
            "exists already; fourules never overwrites a key",
            path,
        ) from None
    except OSError as exc:
        raise _key_problem(
            f"kan inte skrivas: {exc.strerror}", f"cannot be written: {exc.strerror}", path
        ) from None
    finally:
        aside.unlink()
