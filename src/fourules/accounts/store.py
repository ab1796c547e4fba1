"""The accounts file, `DIR/.fourules/accounts.json`: the users who sign in (a name, a role,
an Argon2id hash of their password) and the API's bearer tokens (a name, a role, the
SHA-256 of the token), each with the time it was made.

The file is the operator's (`fourules user …`, `fourules token …`): mode 0600 in a 0700
folder, written whole or not at all, re-read when it changes, refused when others may read
it. A password and a token are never stored in clear; a token is shown once, when made.
A user and a token have names of their own (a token acts under its name, e.g. the system
that holds it).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import secrets
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from fourules.accounts.names import check_name
from fourules.accounts.passwords import LONGEST, check_password, dummy_hash, hasher
from fourules.accounts.private import check_private, locked, private_folder, write_private
from fourules.accounts.roles import Role
from fourules.errors import InputError
from fourules.texts import both

if TYPE_CHECKING:
    from argon2 import PasswordHasher

FILE = "accounts.json"
TOKEN_PREFIX = "fou_"
"""What every token begins with, so that one found in a log or a repository is known."""


@dataclass(frozen=True)
class Account:
    """Who is acting: a user signed in with a password, or an API token, with its role."""

    name: str
    role: Role
    kind: Literal["user", "token"]
    created: str


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Role
    created: str


class _User(_Record):
    hash: str


class _Token(_Record):
    sha256: str


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1
    users: dict[str, _User] = {}
    tokens: dict[str, _Token] = {}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Accounts:
    """The accounts of one calls folder. Safe to share between a server's threads."""

    def __init__(self, calls: Path, *, hasher: PasswordHasher | None = None) -> None:
        """`hasher` is argon2-cffi's defaults (RFC 9106 low memory) unless a test passes a
        cheaper one (`passwords`)."""
        self.calls = calls
        self.hasher = hasher if hasher is not None else _default_hasher()
        self._guard = threading.Lock()
        self._seen: tuple[int, int, int] | None = None
        self._file = _File()

    @property
    def folder(self) -> Path:
        return private_folder(self.calls, create=False)

    @property
    def path(self) -> Path:
        return self.folder / FILE

    # What the file holds -------------------------------------------------------------

    def users(self) -> list[Account]:
        """The users, by name."""
        file = self._current()
        return [_account(n, u, "user") for n, u in sorted(file.users.items())]

    def tokens(self) -> list[Account]:
        """The tokens (their names and roles; the tokens themselves are nowhere), by name."""
        file = self._current()
        return [_account(n, t, "token") for n, t in sorted(file.tokens.items())]

    def user(self, name: str) -> Account | None:
        """The user `name`, if there is one."""
        name = unicodedata.normalize("NFC", name)
        record = self._current().users.get(name)
        return None if record is None else _account(name, record, "user")

    # Signing in ----------------------------------------------------------------------

    def verify_password(self, name: str, password: str) -> Account | None:
        """The user, when `password` is theirs; else None, after as long as a check of a
        known user takes (an unknown name is checked against a dummy hash). A hash made
        with older parameters is rehashed with the hasher's."""
        from argon2.exceptions import InvalidHashError, VerificationError

        name = unicodedata.normalize("NFC", name)
        record = self._current().users.get(name) if len(password) <= LONGEST else None
        stored = record.hash if record is not None else dummy_hash(self.hasher)
        try:
            self.hasher.verify(stored, password[:LONGEST])
        except (VerificationError, InvalidHashError):
            return None
        if record is None:
            return None
        if self.hasher.check_needs_rehash(stored):
            self._rehash(name, stored, password)
        return _account(name, record, "user")

    def verify_token(self, token: str) -> Account | None:
        """The token's account, when `token` is one of the file's (compared in constant
        time with every token's digest); else None."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 128:
            return None
        digest = _token_digest(token).encode("ascii")
        found = None
        for name, record in self._current().tokens.items():
            if hmac.compare_digest(digest, record.sha256.encode("ascii")):
                found = _account(name, record, "token")
        return found

    # The operator's changes ----------------------------------------------------------

    def add_user(self, name: str, role: Role, password: str) -> Account:
        """Add a user with an Argon2id hash of `password`; refused for a name in use."""
        name = check_name(name)
        check_password(password)
        hashed = self.hasher.hash(password)
        with self._changing() as file:
            if name in file.users:
                raise InputError(both("accounts.user_exists", name=name), name)
            user = _User(role=role, created=_now(), hash=hashed)
            self._write(file.model_copy(update={"users": {**file.users, name: user}}))
        return _account(name, user, "user")

    def remove_user(self, name: str) -> None:
        """Remove the user `name` (their sessions end at their next request)."""
        self._remove("users", name, "accounts.no_user")

    def create_token(self, name: str, role: Role) -> tuple[Account, str]:
        """A new token named `name`: its account and the token, which is stored only as
        its SHA-256 and is shown this once. Refused for a name in use."""
        name = check_name(name)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._changing() as file:
            if name in file.tokens:
                raise InputError(both("accounts.token_exists", name=name), name)
            record = _Token(role=role, created=_now(), sha256=_token_digest(token))
            self._write(file.model_copy(update={"tokens": {**file.tokens, name: record}}))
        return _account(name, record, "token"), token

    def revoke_token(self, name: str) -> None:
        """Remove the token `name`: it is refused from its next request on."""
        self._remove("tokens", name, "accounts.no_token")

    def _remove(self, kind: Literal["users", "tokens"], name: str, missing: str) -> None:
        name = unicodedata.normalize("NFC", name)
        with self._changing() as file:
            held: dict[str, _Record] = getattr(file, kind)
            if name not in held:
                raise InputError(both(missing, name=name), name)
            kept = {n: record for n, record in held.items() if n != name}
            self._write(file.model_copy(update={kind: kept}))

    # The file ------------------------------------------------------------------------

    def _current(self) -> _File:
        """The file as it is now: read again when it changed since it was last read."""
        path = self.path
        with self._guard:
            try:
                stat = path.stat()
            except FileNotFoundError:
                self._seen, self._file = None, _File()
                return self._file
            seen = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            if seen != self._seen:
                self._file, self._seen = self._read(path), seen
            return self._file

    @staticmethod
    def _read(path: Path) -> _File:
        check_private(path)
        try:
            raw = json.loads(path.read_bytes())
            file = _File.model_validate(raw)
        except (ValueError, ValidationError) as exc:
            reason = str(exc).splitlines()[0]
            raise InputError(both("accounts.file_bad", reason=reason), str(path)) from None
        for name in [*file.users, *file.tokens]:
            check_name(name, str(path))
        return file

    @contextlib.contextmanager
    def _changing(self) -> Iterator[_File]:
        """A change to the file: under the folder's lock, from the file as it is now."""
        with locked(private_folder(self.calls, create=True)):
            yield self._current()

    def _write(self, file: _File) -> None:
        data = json.dumps(file.model_dump(), ensure_ascii=False, indent=2) + "\n"
        write_private(self.path, data.encode("utf-8"))

    def _rehash(self, name: str, stored: str, password: str) -> None:
        rehashed = self.hasher.hash(password)
        with self._changing() as file:
            record = file.users.get(name)
            if record is None or record.hash != stored:  # changed meanwhile: leave it
                return
            users = {**file.users, name: record.model_copy(update={"hash": rehashed})}
            self._write(file.model_copy(update={"users": users}))


def _account(name: str, record: _User | _Token, kind: Literal["user", "token"]) -> Account:
    return Account(name=name, role=record.role, kind=kind, created=record.created)


def _default_hasher() -> PasswordHasher:
    return hasher()
