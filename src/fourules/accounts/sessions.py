"""Sessions and CSRF tokens, signed with the server's secret (`DIR/.fourules/secret`, 32
random bytes, mode 0600, made on first use).

A session value is `v1.<payload>.<mac>` (URL-safe base64 without padding): the payload is
the user's name, the time it was issued (Unix seconds) and a random id, one per line; the
MAC is HMAC-SHA256 of the payload under the secret, checked in constant time. It holds for
8 hours from its issue. A CSRF token is the HMAC of the session's id (under a label of its
own, so neither value passes for the other): each form of a session carries it, and a form
whose token is not its session's is refused. The value says who signed in, not whether
they still may: the caller looks the name up in the accounts (a removed user's session is
then worth nothing). Replacing the secret ends every session.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fourules.accounts.names import check_name
from fourules.accounts.private import check_private, private_folder
from fourules.errors import InputError
from fourules.texts import both

SECRET = "secret"
SECRET_BYTES = 32
LIFETIME = 8 * 60 * 60
"""Seconds a session holds from its issue: a working day."""
_SESSION_LABEL = b"fourules session v1\n"
_CSRF_LABEL = b"fourules csrf v1\n"


def server_secret(calls: Path) -> bytes:
    """The calls folder's secret, made (32 random bytes, mode 0600) the first time."""
    path = private_folder(calls, create=True) / SECRET
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        check_private(path)
        secret = path.read_bytes()
        if len(secret) != SECRET_BYTES:
            raise InputError(
                both("accounts.secret_bad", length=len(secret), wanted=SECRET_BYTES), str(path)
            ) from None
        return secret
    secret = secrets.token_bytes(SECRET_BYTES)
    with os.fdopen(descriptor, "wb") as out:
        out.write(secret)
        out.flush()
        os.fsync(out.fileno())
    return secret


@dataclass(frozen=True)
class Session:
    """Who signed in, when, and the session's own random id."""

    user: str
    issued: int
    id: str


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Sessions:
    """Session values and CSRF tokens under one secret, with a clock tests may set."""

    def __init__(
        self,
        secret: bytes,
        *,
        lifetime: int = LIFETIME,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if len(secret) < SECRET_BYTES:
            raise ValueError(f"a session secret has at least {SECRET_BYTES} bytes")
        self._secret = secret
        self.lifetime = lifetime
        self._clock = clock

    def issue(self, user: str) -> tuple[Session, str]:
        """A new session for `user` and its signed value (the cookie's)."""
        user = check_name(user, "user")  # a name holds no line break: the payload's separator
        session = Session(user=user, issued=int(self._clock()), id=secrets.token_urlsafe(16))
        payload = f"{session.user}\n{session.issued}\n{session.id}".encode()
        return session, f"v1.{_encode(payload)}.{_encode(self._mac(_SESSION_LABEL, payload))}"

    def verify(self, value: str) -> Session | None:
        """The session `value` signs, when its MAC holds and it has not expired; else None."""
        version, _, rest = value.partition(".")
        encoded, _, mac = rest.partition(".")
        try:
            payload, given = _decode(encoded), _decode(mac)
        except (binascii.Error, ValueError):
            return None
        if version != "v1" or not hmac.compare_digest(given, self._mac(_SESSION_LABEL, payload)):
            return None
        user, issued, sid = payload.decode("utf-8").split("\n")
        age = self._clock() - int(issued)
        if not -60 <= age < self.lifetime:  # a minute's grace for a clock set back
            return None
        return Session(user=user, issued=int(issued), id=sid)

    def csrf_token(self, session: Session) -> str:
        """The CSRF token of `session`'s forms."""
        return _encode(self._mac(_CSRF_LABEL, session.id.encode("utf-8")))

    def check_csrf(self, session: Session, token: str) -> bool:
        """Whether `token` is `session`'s CSRF token (compared in constant time)."""
        return hmac.compare_digest(
            self.csrf_token(session).encode("ascii"), token.encode("utf-8", "replace")
        )

    def _mac(self, label: bytes, payload: bytes) -> bytes:
        return hmac.new(self._secret, label + payload, hashlib.sha256).digest()
