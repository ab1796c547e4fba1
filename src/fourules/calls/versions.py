"""A year's version as its policy.yaml states it, read and set as a text edit of the one
top-level `version:` line (the rest of the file stays byte for byte), and the tag that
marks each publication."""

from __future__ import annotations

import re

from fourules.errors import InputError
from fourules.texts import both

# The top-level key and its scalar value only: whatever follows on the line (a comment) stays.
_LINE = re.compile(r"^version:[ \t]*(?P<value>\"[^\"\n]*\"|'[^'\n]*'|[^\s#]*)", re.MULTILINE)


def version_of(policy: bytes) -> str | None:
    """The value of policy.yaml's top-level `version:` line, None if it has none."""
    found = _LINE.search(policy.decode("utf-8", errors="replace"))
    return found["value"].strip("\"'") if found and found["value"] else None


def with_version(policy: bytes, version: str, where: str) -> bytes:
    """`policy` with its top-level `version:` line's value replaced by `version`."""
    text = policy.decode("utf-8")
    changed, count = _LINE.subn(f'version: "{version}"', text, count=1)
    if not count:
        raise InputError(both("calls.no_version_line"), where)
    return changed.encode("utf-8")


def tag_name(year: str, version: str) -> str:
    """The tag of a year's publication: `<year>/v<version>`."""
    return f"{year}/v{version}"
