"""Which files a year folder may hold, and the checks a file's name and bytes pass before
they are saved: a known name (never a path), a size within the limit, UTF-8 text."""

from __future__ import annotations

import re

from fourules.errors import InputError
from fourules.texts import both

FILES: tuple[str, ...] = (
    "policy.yaml",
    "document.txt",
    "transcription.txt",
    "cases.yaml",
    "coverage.yaml",
    "properties.yaml",
    "round.json",
    "round_cases.yaml",
    "REVIEW.md",
    "policy.schema.json",
)
"""The files of a year folder (`policies/2018`, `policies/2024`, `examples/calls/2026`),
and what `fourules new` writes into a draft beside them (REVIEW.md, policy.schema.json)."""

POLICY_FILE = "policy.yaml"
MAX_BYTES = 2 * 1024 * 1024
"""The default largest file saved: the decisions' texts are under 50 kB."""

_YEAR = re.compile(r"^[0-9]{4}$")
_VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


def checked_year(year: str) -> str:
    """`year` if it is four digits (the folder's name and the policy's id)."""
    if not isinstance(year, str) or not _YEAR.match(year):
        raise InputError(both("calls.year_invalid", year=repr(year)), "year")
    return year


def checked_name(name: str) -> str:
    """`name` if it is one of the year folder's files: never a path, a folder or a link."""
    if not isinstance(name, str) or name not in FILES:
        raise InputError(
            both("calls.name_unknown", name=repr(name), allowed=", ".join(FILES)), "name"
        )
    return name


def checked_content(name: str, data: bytes, max_bytes: int = MAX_BYTES) -> bytes:
    """`data` if it is at most `max_bytes` of UTF-8 text without NUL characters."""
    if not isinstance(data, bytes):
        raise InputError(both("calls.not_bytes"), name)
    if len(data) > max_bytes:
        raise InputError(both("calls.too_big", size=len(data), limit=max_bytes), name)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(both("calls.not_utf8", offset=exc.start), name) from None
    if b"\x00" in data:
        raise InputError(both("calls.nul", offset=data.index(b"\x00")), name)
    return data


def checked_version(version: str) -> str:
    """`version` if it is MAJOR.MINOR.PATCH (a published version's number)."""
    if not isinstance(version, str) or not _VERSION.match(version):
        raise InputError(both("calls.version_invalid", version=repr(version)), "version")
    return version
