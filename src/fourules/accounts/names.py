"""What may name an account (a user or a token), and the name as it is compared."""

from __future__ import annotations

import unicodedata

from fourules.errors import InputError
from fourules.texts import both

LONGEST_NAME = 64


def check_name(name: str, where: str = "NAME") -> str:
    """`name` (in Unicode's composed form, NFC) when it may name an account: not empty,
    no spaces or control characters, at most 64 characters."""
    name = unicodedata.normalize("NFC", name)
    if not name:
        raise InputError(both("accounts.name_empty"), where)
    if any(c.isspace() or unicodedata.category(c).startswith("C") for c in name):
        raise InputError(both("accounts.name_characters", name=repr(name)), where)
    if len(name) > LONGEST_NAME:
        raise InputError(both("accounts.name_long", longest=LONGEST_NAME), where)
    return name
