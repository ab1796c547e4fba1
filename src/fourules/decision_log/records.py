"""The lines of a decision log: records chained by hash, signed checkpoints, and lines that
are neither.

A record holds the input as given, the result, the policy (id, version, sha256), the fourules
version and the time; `prev` is the hash of the record before it in the same file (null for
the first), `hash` its own: SHA-256, base64, over the record's canonical JSON form (RFC 8785,
every field but `hash`; `canonical_json`). Canonical, so a hash does not depend on how the
line's JSON is laid out; chained, so a changed, inserted, removed or reordered record breaks
it. Whoever can rewrite the file can recompute every later hash, though: signed checkpoints
(`checkpoints`), written as lines `{"checkpoint": NOTE}` between the records, anchor the chain.

A record is written as its canonical form with `hash` added as the last member, so the
line less that member is exactly what was hashed. Such a line is read by a fast parser
with no check of its own: that the line is the canonical form of what it reads as (written
again, it is the same bytes) shows it holds no key twice and nothing else `read_json`
refuses, and gives the bytes to hash. Any other line (laid out otherwise, older, edited)
is read strictly by `read_json` and its canonical form written anew: the same values,
refusals and hashes, only slower.

Records written before the chain existed have neither field: they are read, and reported as
unprotected.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pydantic_core

from fourules.decision_log.canonical_json import (
    NotCanonical,
    Written,
    canonical_json,
    written,
    written_as_is,
)
from fourules.errors import InputError
from fourules.evaluation.inputs import MAX_DEPTH, read_json
from fourules.text import LANGS
from fourules.texts import both

if TYPE_CHECKING:
    from pydantic import BaseModel

    from fourules.evaluation.results import Evaluation


class UnhashableRecord(ValueError):
    """A record JSON's canonical form cannot carry (RFC 8785: a whole number beyond ±2^53)."""


def _unhashed(record: Mapping[str, Any]) -> Mapping[str, Any]:
    return {k: v for k, v in record.items() if k != "hash"} if "hash" in record else record


def _digest(canonical: bytes) -> str:
    return base64.b64encode(hashlib.sha256(canonical).digest()).decode("ascii")


def record_hash(record: Mapping[str, Any]) -> str:
    """The record's own hash: SHA-256 of its canonical JSON form without `hash`, base64."""
    try:
        return _digest(canonical_json(_unhashed(record)))
    except NotCanonical as exc:
        raise UnhashableRecord(str(exc)) from None


def chained(record: Mapping[str, Any], prev: str | None) -> dict[str, Any]:
    """The record linked after `prev`, with its own hash; an InputError when a number in it
    is beyond what its canonical form carries exactly."""
    linked = {**record, "prev": prev}
    linked["hash"] = linked_line(record, prev)[0]
    return linked


def linked_line(record: Mapping[str, Any], prev: str | None) -> tuple[str, bytes]:
    """The record linked after `prev`: its hash, and its line (newline included): its
    canonical form with `hash` as the last member. An InputError when a number in it is
    beyond what its canonical form carries exactly."""
    try:
        canonical = canonical_json({**_unhashed(record), "prev": prev})
    except NotCanonical as exc:
        raise InputError(both("decision_log.unhashable", error=exc), "input") from None
    digest = _digest(canonical)
    hashed = (memoryview(canonical)[:-1], b',"hash":"', digest.encode("ascii"), b'"}\n')
    return digest, b"".join(hashed)


def result_part(result: Evaluation) -> dict[str, Any]:
    """The result as a record holds it: its JSON form, its findings and score items each
    `Written`. They are most of a record, and most recur word for word in evaluation after
    evaluation under a policy (a tenth as many differ as there are): each is written once."""
    data = result.model_dump(mode="json", exclude=_RECURRING_FIELDS)
    for name in _RECURRING:
        data[name] = [_recurring(part) for part in getattr(result, name)]
    return data


_RECURRING = ("findings", "score_breakdown")
_RECURRING_FIELDS = set(_RECURRING)
_WRITTEN: dict[tuple[Any, ...], Written] = {}
"""Findings and score items written, by their class and values (and the values' types: 1
and 1.0 and true are equal keys, but not all written alike; pydantic holds the values of a
source within, its fields, to their declared types)."""
_KEPT = 8192


_SEEN: dict[int, tuple[BaseModel, Written]] = {}
"""The parts last written, by identity: the evaluator hands out the same finding object for
the same finding (its memo), so most parts are found here without hashing their values
(writing 10 000 records: 51 -> 40 µs a record, least of 5). Each entry keeps its part
alive, so no id can stand for a later object."""


def _recurring(part: BaseModel) -> Written | dict[str, Any]:
    """The part written, or as it is when it has no canonical form (`linked_line` says why)."""
    seen = _SEEN.get(id(part))
    if seen is not None and seen[0] is part:
        return seen[1]
    values = tuple(part.__dict__.values())
    key = (type(part), values, tuple(map(type, values)))
    try:
        known = _WRITTEN.get(key)
    except TypeError:  # a value that is no key (a list)
        known = None
    if known is not None:
        return _seen(part, known)
    data = part.model_dump(mode="json")
    try:
        known = written(data)
    except NotCanonical:
        return data
    if len(_WRITTEN) >= _KEPT:
        _WRITTEN.clear()  # as many different ones as this are rare: start afresh
    with suppress(TypeError):
        _WRITTEN[key] = known
    return _seen(part, known)


def _seen(part: BaseModel, known: Written) -> Written:
    if len(_SEEN) >= _KEPT:
        _SEEN.clear()
    _SEEN[id(part)] = (part, known)
    return known


def line_of(value: Mapping[str, Any]) -> bytes:
    """One line of the log that is not a record (a checkpoint), newline included."""
    return (json.dumps(value, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Record:
    """A decision record as read from its line."""

    data: dict[str, Any]
    canonical: bytes | None = field(default=None, repr=False, compare=False)
    """Its canonical form without `hash`, when its line showed it (else written anew)."""

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
        if self.canonical is not None:
            return _digest(self.canonical)
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
    canonical = _canonical_line(raw)
    return _read_strictly(raw) if canonical is None else _line(*canonical)


def _read_strictly(raw: bytes) -> Line:
    """The line read by `read_json`, every check made one by one."""
    try:
        data = read_json(raw, where="line")
    except InputError as exc:
        return Unreadable(exc.text("en").removeprefix("line: "), cut_off=not _is_json(raw))
    return _line(data, None)


def _line(data: Any, canonical: bytes | None) -> Line:
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
    return Record(data, canonical)


def _canonical_line(raw: bytes) -> tuple[Any, bytes] | None:
    """What a line in canonical form holds, and the canonical form without `hash` (the
    line itself, less that member); None for any other line, which `read_json` reads.

    Read by pydantic-core's parser, with no check per object: that the values, written in
    canonical form again, give back the line's very bytes shows what `read_json` checks one
    by one — no key twice (written again, each is there once), no lone surrogate (it
    cannot be written) — and the writing measures the nesting. It also shows the values
    are those `read_json` reads: a line is in canonical form only if each number is written
    as the shortest text of its value. A whole float (read by `read_json` as an integer),
    a number beyond ±(2^53 − 1), NaN or a line nested deeper than `MAX_DEPTH` is left to
    `read_json`."""
    line = raw[:-1] if raw.endswith(b"\n") else raw
    # A line laid out otherwise (`{"key": value}`, the layout before) is read strictly at once.
    if not line.startswith(b'{"') or b'": ' in line[:64]:
        return None
    try:
        data = pydantic_core.from_json(line, allow_inf_nan=False)
    except ValueError:  # not JSON, not UTF-8, nested too deeply for the parser
        return None
    if type(data) is not dict:
        return None
    stored = data.get("hash")
    if "hash" in data and type(stored) is not str:
        return None
    try:
        shaped = written_as_is(_unhashed(data))
        member = b',"hash":' + pydantic_core.to_json(stored) if stored is not None else b""
    except (NotCanonical, pydantic_core.PydanticSerializationError):
        return None
    if shaped is None or shaped[1] >= MAX_DEPTH:
        return None
    canonical = shaped[0]
    written = canonical[:-1] + member + b"}" if member else canonical
    return (data, canonical) if line == written else None


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
