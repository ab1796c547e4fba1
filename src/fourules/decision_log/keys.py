"""The Ed25519 key pair that signs a decision log's checkpoints: written by `fourules log
keygen`, read by `log checkpoint` and `serve` (the private key) and by `verify` (the public).

Keys are PEM files (PKCS #8 and SubjectPublicKeyInfo), so openssl reads them too. The
private key is written readable by its owner only and never overwritten; a private key is
refused where a public one is asked for, so the key that signs is never what an auditor
handles.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from fourules.decision_log.checkpoints import Checkpoint, SignedNote, key_id
from fourules.errors import InputError
from fourules.texts import both

PRIVATE_KEY = "decision-log.key"
PUBLIC_KEY = "decision-log.pub"


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


def _key_problem(problem: str, path: Path, **params: object) -> InputError:
    """A key file fourules cannot use: `problem` is the catalogue's key for why."""
    return InputError(both(problem, **params), str(path))


def _read_key_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise _key_problem("key.missing", path) from None
    except IsADirectoryError:
        raise _key_problem("key.folder", path) from None
    except OSError as exc:
        raise _key_problem("file.unreadable", path, reason=exc.strerror) from None


def load_private_key(path: Path) -> PrivateKey:
    """The Ed25519 private key of `fourules log keygen` (PKCS #8, PEM, unencrypted)."""
    data = _read_key_file(path)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise _key_problem("key.encrypted", path) from None
    except ValueError:
        public = b"PUBLIC KEY" in data
        raise _key_problem(
            "key.public_not_private" if public else "key.not_private_pem", path
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise _key_problem("key.not_ed25519", path)
    return PrivateKey(key)


def load_public_key(path: Path) -> PublicKey:
    """An Ed25519 public key (SubjectPublicKeyInfo, PEM); a private key is refused, so that
    the key that can sign is never what an auditor handles."""
    data = _read_key_file(path)
    if b"PRIVATE KEY" in data:
        raise _key_problem("key.private_not_public", path)
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise _key_problem("key.not_public_pem", path) from None
    if not isinstance(key, Ed25519PublicKey):
        raise _key_problem("key.not_ed25519", path)
    return PublicKey(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def generate_keys(folder: Path) -> tuple[Path, Path]:
    """Write a new key pair into `folder`: the private key readable by its owner only (mode
    0600), the public key beside it. Existing keys are never overwritten."""
    private, public = folder / PRIVATE_KEY, folder / PUBLIC_KEY
    for path in (private, public):
        if path.exists():
            raise _key_problem("key.exists", path)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise _key_problem("key.folder_uncreatable", folder, reason=exc.strerror) from None
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
        raise _key_problem("key.exists_meanwhile", path) from None
    except OSError as exc:
        raise _key_problem("key.unwritable", path, reason=exc.strerror) from None
    finally:
        aside.unlink()
