"""Who made a change: the signed-in person's name and email-like identity, as git records
an author, and the system author that makes the repository's own commits."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fourules.errors import InputError
from fourules.texts import both

# git writes an identity as `Name <email>`: neither part may hold the brackets or a line end.
_FORBIDDEN = re.compile(r"[<>\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Author:
    """A person who saves or publishes: `name` and an email-like `email` (no password)."""

    name: str
    email: str

    def __post_init__(self) -> None:
        for field, value in (("name", self.name), ("email", self.email)):
            if not isinstance(value, str) or not value.strip() or _FORBIDDEN.search(value):
                raise InputError(both("calls.author_invalid", value=repr(value)), f"author.{field}")

    @property
    def identity(self) -> bytes:
        """The git identity, `Name <email>`."""
        return f"{self.name} <{self.email}>".encode()

    @classmethod
    def from_identity(cls, identity: bytes) -> Author:
        """The author a commit records (`Name <email>`)."""
        text = identity.decode("utf-8", errors="replace")
        name, _, rest = text.partition(" <")
        return cls(name=name.strip() or "?", email=rest.rstrip(">").strip() or "?")


SYSTEM = Author("fourules", "fourules@localhost")
"""The author of the repository's own commits: its creation and an adopted folder."""
