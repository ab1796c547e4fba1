"""Passwords: what one must be, and the Argon2id hasher that keeps them.

The hasher is argon2-cffi's `PasswordHasher()` with its own defaults, which are RFC 9106's
low-memory profile: Argon2id, 3 passes over 64 MiB with 4 lanes, a 16-byte salt and a
32-byte hash (about 50 ms a hash). A hash made with other parameters is rehashed with
these at the next sign-in that proves the password. Tests pass a cheaper hasher to
`Accounts(…, hasher=…)`; nothing else should.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from fourules.errors import InputError
from fourules.texts import both

if TYPE_CHECKING:
    from argon2 import PasswordHasher

SHORTEST = 12
"""A password's fewest characters (NIST SP 800-63B asks at least 8; a city asks more)."""
LONGEST = 1024
"""A password's most characters: longer ones are refused rather than hashed at length."""


def hasher() -> PasswordHasher:
    """The production hasher: argon2-cffi's defaults, RFC 9106's low-memory profile."""
    from argon2 import PasswordHasher

    return PasswordHasher()


def check_password(password: str, where: str = "password") -> str:
    """`password` when it may be one, else a refusal that says why."""
    if not password:
        raise InputError(both("accounts.password_empty"), where)
    if len(password) < SHORTEST:
        raise InputError(
            both("accounts.password_short", length=len(password), shortest=SHORTEST), where
        )
    if len(password) > LONGEST:
        raise InputError(both("accounts.password_long", longest=LONGEST), where)
    return password


@functools.cache
def dummy_hash(hasher: PasswordHasher) -> str:
    """A hash no password is known for, made with `hasher`'s parameters: an unknown name
    is checked against it, so it takes as long as a known one."""
    import secrets

    return hasher.hash(secrets.token_urlsafe(32))
