"""The two roles and what each may do.

Reading: the issue names `editor` (drafts) and `publisher` (publishes), and asks for "a
publisher who is not the author of the draft's last change", which presumes a publisher can
author changes; so a publisher may also edit, and the rule that keeps two people on a
publication is the one about the last change's author, not the roles. The alternative,
strict separation (a publisher publishes and never edits), would make a publisher who
also writes keep a second account, and is not what the issue's wording suggests.
"""

from __future__ import annotations

from typing import Literal

from fourules.errors import InputError, Place
from fourules.texts import both

Role = Literal["editor", "publisher"]
ROLES: tuple[Role, ...] = ("editor", "publisher")
ROLE = Place("role")
"""The domain key of the role an account or a token is given (`use_cases/places.py`)."""


def role(value: str) -> Role:
    """`value` as a role, or a clear refusal naming the roles there are."""
    if value not in ROLES:
        raise InputError(both("accounts.bad_role", role=repr(value)), ROLE)
    return value


def may_edit(role: Role) -> bool:
    """Whether the role writes drafts: both do (see the module's reading)."""
    return role in ("editor", "publisher")


def may_publish(role: Role) -> bool:
    """Whether the role publishes a draft (the two-people rule is checked elsewhere)."""
    return role == "publisher"
