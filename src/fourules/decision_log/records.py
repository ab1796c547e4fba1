"""The lines of a decision log: records chained by hash, signed checkpoints, and lines that
are neither.

A record holds the input as given, the result, the policy (id, version, sha256), the fourules
version and the time; `prev` is the hash of the record before it in the same file (null for
the first), `hash` its own: SHA-256, base64, over the record's canonical JSON form (RFC 8785,
every field but `hash`; `canonical_json`). Canonical, so a hash does not depend on how the line's JSON is laid
out; chained, so a changed, inserted, removed or reordered record breaks it. Whoever can
rewrite the file can recompute every later hash, though: signed checkpoints (`checkpoints`),
written as lines `{"checkpoint": NOTE}` between the records, anchor the chain.

Records written before the chain existed have neither field: they are read, and reported as
unprotected.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fourules.decision_log.canonical_json import NotCanonical, canonical_json
from fourules.errors import InputError
from fourules.evaluation.inputs import read_json
from fourules.text import LANGS
from fourules.texts import both


class UnhashableRecord(ValueError):
    """A record JSON's canonical form cannot carry (RFC 8785: a whole number beyond ±2^53)."""


def record_hash(record: Mapping[str, Any]) -> str:
    """The record's own hash: SHA-256 of its canonical JSON form without `hash`, base64."""
    try:
        canonical = canonical_json({k: v for k, v in record.items() if k != "hash"})
    except NotCanonical as exc:
        raise UnhashableRecord(str(exc)) from None
    return base64.b64encode(hashlib.sha256(canonical).digest()).decode("ascii")


def chained(record: Mapping[str, Any], prev: str | None) -> dict[str, Any]:
    """The record linked after `prev`, with its own hash; an InputError when a number in it
    is beyond what its canonical form carries exactly."""
    linked = {**record, "prev": prev}
    try:
        linked["hash"] = record_hash(linked)
    except UnhashableRecord as exc:
        raise InputError(both("decision_log.unhashable", error=exc), "input") from None
    return linked


def line_of(value: Mapping[str, Any]) -> bytes:
    """One line of the log, newline included."""
    return (json.dumps(value, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Record:
    """A decision record as read from its line."""

    data: dict[str, Any]

    @property
    def protected(self) -> bool:
        """Whether it was written into a chain (older records have no hashes)."""
        return "hash" in self.data or "prev" in self.data

    @property
    def stored(self) -> str | None:
        value = self.data.get("hash")
        return value if isinstance(value, str) else None

    @property
    def prev(self) -> str | None:
        value = self.data.get("prev")
        return value if isinstance(value, str) else None

    @property
    def policy(self) -> dict[str, Any]:
        policy: dict[str, Any] = self.data["policy"]
        return policy

    @property
    def application_id(self) -> str | None:
        result = self.data["result"]
        found = result.get("application_id") if isinstance(result, dict) else None
        return found if isinstance(found, str) else None

    def computed(self) -> str | None:
        """Its hash computed again, or None when its content has no canonical form."""
        try:
            return record_hash(self.data)
        except UnhashableRecord:
            return None


@dataclass(frozen=True)
class CheckpointLine:
    note: str


@dataclass(frozen=True)
class Unreadable:
    """A line that is not a record: cut off (not JSON at all, what a crash mid-write leaves)
    or refused (JSON, but with a key twice, a lone surrogate, or not a decision record)."""

    reason: str
    cut_off: bool


Line = Record | CheckpointLine | Unreadable


def read_line(raw: bytes) -> Line:
    """What one line of a decision log holds."""
    try:
        data = read_json(raw, where="line")
    except InputError as exc:
        return Unreadable(exc.text("en").removeprefix("line: "), cut_off=not _is_json(raw))
    if (
        isinstance(data, dict)
        and set(data) == {"checkpoint"}
        and isinstance(data["checkpoint"], str)
    ):
        return CheckpointLine(data["checkpoint"])
    problem = _record_problem(data)
    if problem:
        return Unreadable(
            f"not a decision record (JSON with policy, input, result): {problem}", cut_off=False
        )
    return Record(data)


def _is_json(raw: bytes) -> bool:
    """Whether the line is whole JSON (else it was cut off); its numbers are not converted,
    so a number too long to read is a whole line, not a cut one."""
    try:
        json.loads(raw, parse_int=len, parse_float=len)
    except (ValueError, RecursionError):
        return False
    return True


def _record_problem(data: Any) -> str | None:
    if not isinstance(data, dict):
        return "not an object"
    missing = [k for k in ("policy", "input", "result") if k not in data]
    if missing:
        return f"no {', '.join(missing)}"
    policy = data["policy"]
    if not (
        isinstance(policy, dict)
        and isinstance(policy.get("id"), str)
        and isinstance(policy.get("sha256"), str)
    ):
        return "policy needs a text id and sha256"
    if data.get("lang", "sv") not in LANGS:
        return f"lang is one of {', '.join(LANGS)}"
    if "hash" in data and not isinstance(data["hash"], str):
        return "hash is not text"
    if data.get("prev") is not None and not isinstance(data["prev"], str):
        return "prev is neither text nor null"
    return None
