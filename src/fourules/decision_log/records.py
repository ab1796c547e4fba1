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

A record names each source its result rests on (a finding's, a score item's) by its key
(`source_key`: the first 32 hex digits of the SHA-256 of the source's canonical form), and
carries the sources themselves in its member `sources`, by key: each that no record before
it in the same file carries, as far as the writer knows (a writer that cannot know, another
process's, carries it again). A quoted source is about 700 bytes, and the same rules fire for
most applications: writing each whole into every record made a record 12 kB, this way about
4 kB, and writing a log 0.77-0.88 × the evaluations it records instead of 1.02-1.14, and
reading, hashing and chaining it 40 µs a record instead of 77 (bench_verify, 20 000
records, three runs). Nothing is lost: the file holds every source its records
name, and `verify` says so of each record (`verification`). A record written before sources
were carried (no `sources` member) holds each source in place and is read as it always was.

A record of what was tried on the pages, written to the operator's trial log, carries
`"trial": true` among what is hashed (so it cannot be taken off unseen); a decision's record
has no such member, so a decision log written before trials were marked reads and hashes
as it always did. A `trial` member of any other value is refused.

Records written before the chain existed have neither field: they are read, and reported as
unprotected.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pydantic_core
from pydantic import BaseModel

from fourules.decision_log.canonical_json import (
    SAFE_INTEGER,
    NotCanonical,
    Written,
    canonical_json,
    members_pieces,
    scalar_written,
    written,
    written_as_is,
)
from fourules.errors import InputError
from fourules.evaluation.inputs import MAX_DEPTH, read_json
from fourules.output.canonical import plain
from fourules.policy.source import Source
from fourules.text import LANGS
from fourules.texts import both

if TYPE_CHECKING:
    from fourules.evaluation.results import Evaluation, PolicyRef


Named = tuple[tuple[str, bytes], ...]
"""Sources a result or a part of it names, each as (key, canonical form)."""
SOURCE_LISTS = ("findings", "score_breakdown")
"""The lists of a result whose items name a source: where an evaluation holds its sources."""


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
    digest, pieces = linked_pieces(record, prev)
    return digest, b"".join(pieces)


def linked_pieces(record: Mapping[str, Any], prev: str | None) -> tuple[str, list[bytes]]:
    """`linked_line`, its line in pieces (`members_pieces`): a record's result, most of
    its bytes, hashed and written as it is, never copied."""
    try:
        pieces = members_pieces({**_unhashed(record), "prev": prev})
    except NotCanonical as exc:
        raise InputError(both("decision_log.unhashable", error=exc), "input") from None
    hashing = hashlib.sha256()
    for piece in pieces:
        hashing.update(piece)
    digest = base64.b64encode(hashing.digest()).decode("ascii")
    # The last piece ends with the record's closing brace: `hash` goes before it.
    pieces[-1] = b"".join((pieces[-1][:-1], b',"hash":"', digest.encode("ascii"), b'"}\n'))
    return digest, pieces


def new_record(
    decision_id: str, time: str, version: str, given: Any, result: Evaluation, trial: bool = False
) -> dict[str, Any]:
    """The record of a decision (of a trial, with `"trial": true`) on its own, carrying every
    source its result names: the input as given, the result, its policy and language; the
    result, the policy and the sources `Written` (`result_and_sources`), ready for
    `linked_line`. An InputError when the result has no canonical form."""
    try:
        written_result, named = result_and_sources(result)
        record: dict[str, Any] = {
            "decision_id": decision_id,
            "time": time,
            "fourules": version,
            "policy": Written(*_part_written(result.policy)[1:3]),
            "lang": result.lang,
            "input": given if type(given) is dict else plain(given),
            "result": written_result,
            "sources": {key: Written(text, 1) for key, text in named},
        }
    except NotCanonical as exc:
        raise InputError(both("decision_log.unhashable", error=exc), "input") from None
    if trial:
        record["trial"] = True
    return record


class RecordWriter:
    """The records of one batch (one time, one fourules version; decisions, or trials),
    each written at once as its line will be but for `prev` and the sources it carries
    (`NewRecord`): the bytes `linked_pieces(new_record(…), prev)` gives (a test holds them
    so, and to rfc8785's), without the record's dict or a walk over its members. Its members
    are known and in key order (decision_id, fourules, input, lang, policy, prev, result,
    sources, time, trial), the batch's own written once, and the result's pieces joined once.
    Writing a record so, not as a dict written member by member: 62.8 -> 55.0 µs (medians
    of 32 rounds of 4 000 generated records, the two ways in turn in one process, on a
    machine where an evaluation took 70-100 µs), about an eighth of writing it."""

    def __init__(self, time: str, version: str, trial: bool = False) -> None:
        self._version = b',"fourules":' + to_json(version) + b',"input":'
        self._end = b',"time":' + to_json(time) + (b',"trial":true' if trial else b"")
        self.policies: dict[int, PolicyRef] = {}
        """The policies of the records written, by identity (a checkpoint names them):
        gathered while each result is at hand, not in a second pass over a batch whose
        results writing it has pushed out of the processor's caches (writing 20 000
        records, five runs of each in turn: 23.9-25.2 -> 23.7-25.1 µs a record, lower in
        each pair by 0.1-0.9)."""

    def record(self, decision_id: str, given: Any, result: Evaluation) -> NewRecord:
        """The record of a decision: the input as given, the result, its policy and
        language. An InputError when the result has no canonical form."""
        policy = self.policies.setdefault(id(result.policy), result.policy)
        try:
            given_text = canonical_json(given if type(given) is dict else plain(given))
            before = b"".join(
                (
                    b'{"decision_id":',
                    to_json(decision_id),
                    self._version,
                    given_text,
                    b',"lang":',
                    to_json(result.lang),
                    b',"policy":',
                    _part_written(policy)[1],
                    b',"prev":',
                )
            )
            texts = [b',"result":']
            named = _result_pieces(result, texts)[1]
        except (NotCanonical, pydantic_core.PydanticSerializationError) as exc:
            error = exc if isinstance(exc, NotCanonical) else _LONE_SURROGATE
            raise InputError(both("decision_log.unhashable", error=error), "input") from None
        return NewRecord(before, b"".join(texts), self._end, named)


_LONE_SURROGATE = NotCanonical("text with a lone surrogate, which UTF-8 cannot carry")


@dataclass(frozen=True, slots=True)
class NewRecord:
    """A record written but for `prev` and the sources it carries: its canonical form up to
    `prev`'s value, its result (with its key), the rest up to the closing brace, and the
    sources its result names."""

    before: bytes
    result: bytes
    end: bytes
    named: Named

    def linked(self, prev: str | None, carried: set[str] | None = None) -> tuple[str, list[bytes]]:
        """`linked_pieces` of the record: its hash after `prev`, and its line in pieces (the
        result's not copied again). It carries each source it names that is not among
        `carried`, the keys of those the file holds before it (which it adds to); with no
        `carried`, every one (a record on its own)."""
        try:
            link = self.before + (b"null" if prev is None else to_json(prev))
        except pydantic_core.PydanticSerializationError:
            error = _LONE_SURROGATE
            raise InputError(both("decision_log.unhashable", error=error), "input") from None
        rest = _sources_member(self.named, carried) + self.end
        hashing = hashlib.sha256(link)
        hashing.update(self.result)
        hashing.update(rest)
        hashing.update(b"}")
        digest = base64.b64encode(hashing.digest()).decode("ascii")
        return digest, [link, self.result, rest + b',"hash":"' + digest.encode("ascii") + b'"}\n']


def _sources_member(named: Named, carried: set[str] | None) -> bytes:
    """The member `sources` of a record that names `named`, where the file holds `carried`."""
    if carried is None:
        new = list(named)
    else:
        new = [(key, text) for key, text in named if key not in carried]
        carried.update(key for key, _ in new)
    if not new:
        return b',"sources":{}'
    # `named` is in key order; a key is hex digits, whose code points order it as UTF-16 does.
    return b',"sources":{' + b",".join(b'"%s":%s' % (k.encode(), t) for k, t in new) + b"}"


def source_key(text: bytes) -> str:
    """A source's key in a log: the first 32 hex digits (128 bits) of the SHA-256 of its
    canonical form (`text`). So many, not the 16 of a document's keys: a writer takes a key
    it has carried for the source it names, and a verified log vouches for that, so two
    sources of one key must be out of reach (2^64 tries, where 16 digits take 2^32)."""
    return hashlib.sha256(text).hexdigest()[:32]


def keyed_sources(result: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A result's JSON form as a record holds it, each source named by its key, and those
    sources by key: its findings' and score items' (`SOURCE_LISTS`, the only sources
    `result_and_sources` meets in an evaluation). A `NotCanonical` when a source has no
    canonical form."""
    sources: dict[str, Any] = {}

    def keyed(items: Any) -> Any:
        if not isinstance(items, list):
            return items
        out = []
        for item in items:
            source = item.get("source") if isinstance(item, dict) else None
            if isinstance(source, dict):
                key = source_key(canonical_json(source))
                sources[key] = source
                item = {**item, "source": key}
            out.append(item)
        return out

    form = dict(result)
    for name in SOURCE_LISTS:
        if name in form:
            form[name] = keyed(form[name])
    return form, sources


def result_and_sources(result: Evaluation) -> tuple[Written, Named]:
    """The result in its canonical form as a record holds it, each source named by its key
    (`keyed_sources`), `Written`, field by field in key order: each finding, score item,
    applicant, source and its policy written once, the first time it is met, and put in as
    it is (`_SEEN`). The bytes of `canonical_json(keyed_sources(plain(result))[0])` (a test
    holds them to those and to rfc8785's), without dumping the result or walking it:
    with the record's members written one by one and hashed in pieces (`linked_pieces`), a
    record written in 47-62 -> 29-32 µs (bench_verify, 20 000 records, medians of 3, two
    runs). With it, the sources it names, each once, in key order: (key, canonical form).
    A `NotCanonical` when it has no canonical form (a lone surrogate), which says why."""
    texts: list[bytes] = []
    depth, named = _result_pieces(result, texts)
    return Written(b"".join(texts), depth), named


def _result_pieces(result: Evaluation, texts: list[bytes]) -> tuple[int, Named]:
    """The result's canonical form in pieces added to `texts` (`_model_pieces`); the
    sources it names, each once, in key order, as (key, canonical form). Its parts' entries
    in `_SEEN` give the sources in them, gathered while they are put in (a walk over its
    findings and score items after writing them cost 4.6 µs a record, a fifth of an
    evaluation); the same sources met in the same order give the same answer (`_NAMED`):
    20 000 generated records name 4 sets of sources. Its depth too."""
    sources: list[tuple[str, bytes]] = []
    depth = _model_pieces(result, texts, sources)
    met = tuple(sources)
    named = _NAMED.get(met)
    if named is None:
        named = tuple(sorted(dict(met).items()))
        if len(_NAMED) >= _KEPT:
            _NAMED.clear()
        _NAMED[met] = named
    return depth, named


_SEEN: dict[int, tuple[object, bytes, int, Named]] = {}
"""The parts of results written, by identity, each as (the part, its text, its depth, the
sources it names): the evaluator hands out the same finding, score item and
applicant object for the same one (its memos), and a finding the same source object as
every other finding of its rule, so most parts are found here by one look-up. Each entry
keeps its part alive, so no id can stand for another object while it is there. Bounded:
past `_KEPT` parts it starts afresh."""
_KEPT = 16384
"""Parts `_SEEN` keeps, some 175 bytes of text each, a source by its key (at most about 3
MB): 20 000 generated records have 9 800 different parts, and with 8 192 kept, writing
them took 27.7 µs a record and verifying them 57.1, with 16 384 24.8 and 53.5 (medians of
3, when each part held its source whole)."""
_NAMED: dict[Named, Named] = {}
"""The sources a result names (`_result_pieces`), by those met writing it, in that order;
bounded as `_SEEN` is. Each entry is whole in itself: clearing either cache (or another
thread clearing it meanwhile) costs a look-up again, never a wrong or missing source."""


def _part_written(part: BaseModel) -> tuple[object, bytes, int, Named]:
    """A model within a result, written once (`_SEEN`); a source, by its key."""
    seen = _SEEN.get(id(part))
    if seen is not None:
        return seen
    named: list[tuple[str, bytes]] = []
    if isinstance(part, Source):
        source = _model_written(part, named).text
        key = source_key(source)
        text, depth, named = b'"' + key.encode("ascii") + b'"', 0, [(key, source)]
    else:
        known = _model_written(part, named)
        text, depth = known.text, known.depth
    if len(_SEEN) >= _KEPT:
        _SEEN.clear()
    entry = _SEEN[id(part)] = (part, text, depth, tuple(named))
    return entry


def _model_written(model: BaseModel, named: list[tuple[str, bytes]] | None = None) -> Written:
    """A model's JSON form (`model_dump(mode="json")`) in its canonical form (`_model_pieces`),
    joined once."""
    texts: list[bytes] = []
    depth = _model_pieces(model, texts, [] if named is None else named)
    return Written(b"".join(texts), depth)


def _model_pieces(model: BaseModel, texts: list[bytes], named: list[tuple[str, bytes]]) -> int:
    """A model's JSON form (`model_dump(mode="json")`) in its canonical form, in pieces added
    to `texts` (none copied): its fields in key order, each written here (a text, a whole
    number or nothing at once), the texts of a list's items put in as they are, a source by
    its key (and added to `named`); a model whose fields are not all written as they are
    (computed, excluded or extra fields) dumped and then written. Its depth."""
    members = _MEMBERS.get(type(model))
    if members is None:
        members = _members(type(model))
    if not members:
        dumped = written(model.model_dump(mode="json"))
        texts.append(dumped.text)
        return dumped.depth
    values = model.__dict__
    add = texts.append
    depth = 0
    try:
        for name, key in members:
            value = values[name]
            kind = type(value)
            add(key)
            if kind is str:
                add(to_json(value))
            elif kind is list:
                level = _list_pieces(value, texts, named)
                if level > depth:
                    depth = level
            elif value is None:
                add(b"null")
            elif kind is int and -SAFE_INTEGER <= value <= SAFE_INTEGER:
                add(str(value).encode("ascii"))
            else:
                try:
                    _, text, level, sources = _value_written(value)
                    named.extend(sources)
                except _Unusual:  # of a type JSON writes otherwise: as pydantic writes it
                    part = written(model.model_dump(mode="json", include={name})[name])
                    text, level = part.text, part.depth
                add(text)
                if level > depth:
                    depth = level
    except pydantic_core.PydanticSerializationError:
        raise NotCanonical("text with a lone surrogate, which UTF-8 cannot carry") from None
    # Each key is written with the comma before it (the first with the brace).
    add(b"}")
    return depth + 1


to_json = pydantic_core.to_json


class _Unusual(Exception):
    """A value `_model_written` leaves to pydantic's JSON form (a date, an enum, a dict)."""


_MEMBERS: dict[type[BaseModel], tuple[tuple[str, bytes], ...]] = {}
"""Per model class, its fields in the order RFC 8785 writes them, each with its key
written, after a comma (the first after the opening brace); empty for a class whose JSON
form is not its fields as they are."""


def _members(model: type[BaseModel]) -> tuple[tuple[str, bytes], ...]:
    fields = model.model_fields
    plain_fields = not model.model_computed_fields and model.model_config.get("extra") != "allow"
    if plain_fields and not any(f.exclude for f in fields.values()):
        names = sorted(fields, key=lambda name: name.encode("utf-16-be"))
        members = tuple(
            (name, (b"," if i else b"{") + canonical_json(name) + b":")
            for i, name in enumerate(names)
        )
    else:
        members = ()
    _MEMBERS[model] = members
    return members


def _list_pieces(value: list[Any], texts: list[bytes], named: list[tuple[str, bytes]]) -> int:
    """The list's text in pieces added to `texts` (none copied), the sources its items name
    to `named`; its depth."""
    add = texts.append
    names = named.extend
    add(b"[")
    depth = 0
    for item in value:
        # Most items are parts written before: found here without a call.
        seen = _SEEN.get(id(item))
        if seen is None:
            seen = _value_written(item)
        add(seen[1])
        add(b",")
        names(seen[3])
        if seen[2] > depth:
            depth = seen[2]
    if value:
        texts[-1] = b"]"  # in the place of the last comma
    else:
        add(b"]")
    return depth + 1


def _value_written(value: Any) -> tuple[object, bytes, int, Named]:
    """A value within a result in its canonical form, as `_SEEN` holds a part: (the value,
    its text, its depth, the sources it names). A model, a list, or a text, number, true,
    false or null; `_Unusual` for any other."""
    kind = type(value)
    if kind is list:
        texts: list[bytes] = []
        named: list[tuple[str, bytes]] = []
        depth = _list_pieces(value, texts, named)
        return value, b"".join(texts), depth, tuple(named)
    if kind in _MODELS or (kind not in _SCALARS and isinstance(value, BaseModel)):
        _MODELS.add(kind)
        return _part_written(value)
    scalar = scalar_written(value)
    if scalar is None:
        raise _Unusual
    return value, scalar, 0, ()


_MODELS: set[type] = set()
"""The model classes met in results (a set read is cheaper than `isinstance`, a check of
the model's metaclass)."""
_SCALARS = frozenset({str, int, float, bool, type(None)})


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
    def trial(self) -> bool:
        """Whether it records a trial, not a decision (`"trial": true`)."""
        return self.data.get("trial") is True

    @property
    def application_id(self) -> str | None:
        result = self.data["result"]
        found = result.get("application_id") if isinstance(result, dict) else None
        return found if isinstance(found, str) else None

    @property
    def carries_sources(self) -> bool:
        """Whether its result names its sources by key (written with a `sources` member)."""
        return "sources" in self.data

    @property
    def source_keys(self) -> tuple[str, ...]:
        """The keys of the sources its result names (none in a record that holds them in place)."""
        result = self.data["result"]
        if not self.carries_sources or not isinstance(result, dict):
            return ()
        named = {
            item["source"]
            for name in SOURCE_LISTS
            if isinstance(result.get(name), list)
            for item in result[name]
            if isinstance(item, dict) and isinstance(item.get("source"), str)
        }
        return tuple(sorted(named))

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
    problem = record_problem(data)
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


@dataclass(frozen=True)
class RecordLine:
    """A line shaped as fourules writes a record, read but for its result (most of its
    bytes): the members before and after it can be read, and its policy and input
    evaluated again, before anything else of it is."""

    members: dict[str, Any]
    """The members before the result."""
    raw: bytes
    """The line as read (not copied without its newline: it is some 4 kB)."""
    end: int
    """Where the line ends, before its newline."""
    result_at: int
    """Where its result's text begins."""


_RESULT = b',"result":'


def read_but_result(raw: bytes) -> RecordLine | None:
    """The members before a record line's result, read by pydantic-core's parser with no
    check of their own (`with_result` makes them); None for a line not shaped so, which
    `read_line` reads."""
    end = len(raw) - 1 if raw.endswith(b"\n") else len(raw)
    if not raw.startswith(b'{"') or b'": ' in raw[:64]:
        return None
    at = raw.find(_RESULT, 0, end)
    if at < 0:
        return None
    try:
        members = pydantic_core.from_json(raw[:at] + b"}", allow_inf_nan=False)
    except ValueError:
        return None
    return RecordLine(members, raw, end, at + len(_RESULT)) if type(members) is dict else None


def with_result(read: RecordLine, result: Written) -> tuple[dict[str, Any], str | None] | None:
    """The record, when its line is in canonical form (`hash` last) with `result` as its
    result: its data (the result as the `Written` given) and its hash computed again (None
    for a record from before the chain); None for any other line.

    What `_canonical_line` shows of a line, shown here without reading the result: the
    line is the canonical form of the members read (each written as it is, `written_as_is`)
    and of `result`, so it holds no key twice, no lone surrogate and nothing `read_json`
    would read otherwise, its nesting is measured, and its result reads as the value
    `result` writes. Any other line, whatever the reason, is read by `read_line`."""
    raw, end, start, text = read.raw, read.end, read.result_at, result.text
    if not raw.startswith(text, start, end):
        return None
    after_at = start + len(text)
    after = _after_result(raw[after_at:end])
    if after is None:
        return None
    stored = after.get("hash")
    if "hash" in after and type(stored) is not str:
        return None
    others = _unhashed(after)
    around = _around(read.members, result.depth, others)
    if around is None:
        return None
    before, rest = around
    if not (len(before) == start and raw.startswith(before, 0, start)):
        return None
    # The rest of the line: the members after the result, `hash` last.
    if stored is not None:
        try:
            hashed = rest[:-1] + b',"hash":' + pydantic_core.to_json(stored) + b"}"
        except pydantic_core.PydanticSerializationError:
            return None
    else:
        hashed = rest
    if not (end - after_at == len(hashed) and raw.startswith(hashed, after_at, end)):
        return None
    data = {**read.members, "result": result, **others}
    if stored is not None:
        data["hash"] = stored
    if "hash" not in data and "prev" not in data:
        return data, None  # written before records were chained: nothing to compute
    hashing = hashlib.sha256(memoryview(raw)[:after_at])
    hashing.update(rest)
    return data, base64.b64encode(hashing.digest()).decode("ascii")


def _after_result(rest: bytes) -> dict[str, Any] | None:
    """The members after the result, from the line's rest (`,"time":…}`), or None."""
    if rest == b"}":
        return {}
    if not rest.startswith(b","):
        return None
    try:
        after = pydantic_core.from_json(b"{" + rest[1:], allow_inf_nan=False)
    except ValueError:
        return None
    return after if type(after) is dict else None


def _around(
    before: dict[str, Any], depth: int, after: Mapping[str, Any]
) -> tuple[bytes, bytes] | None:
    """The record's canonical form before its result's text (with the result's key) and
    after it, when its members are in key order around the result and each written as it
    is, and the record, its result `depth` deep, not nested too deep; else None."""
    # Each member before sorts before "result" and each after after it (so none is given
    # twice), `hash` not among them. ("result" is ASCII: the order of code points is that
    # of UTF-16 code units here.)
    if not before or "hash" in before or next(reversed(before)) >= "result":
        return None
    if after and next(iter(after)) <= "result":
        return None
    written_before, written_after = written_as_is(before), written_as_is(after)
    if written_before is None or written_after is None:
        return None
    if 1 + max(written_before[1] - 1, written_after[1] - 1, depth) >= MAX_DEPTH:
        return None
    rest = (b"," + written_after[0][1:]) if after else b"}"
    return written_before[0][:-1] + _RESULT, rest


def _is_json(raw: bytes) -> bool:
    """Whether the line is whole JSON (else it was cut off); its numbers are not converted,
    so a number too long to read is a whole line, not a cut one."""
    try:
        json.loads(raw, parse_int=len, parse_float=len)
    except (ValueError, RecursionError):
        return False
    return True


def record_problem(data: Any) -> str | None:
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
    sources = data.get("sources", {})
    if not (isinstance(sources, dict) and all(isinstance(s, dict) for s in sources.values())):
        return "sources is an object of sources by key"
    if "trial" in data and data["trial"] is not True:
        # A decision has no `trial` member: `false` or anything else would leave it unclear.
        return "trial is true when given (a decision has no trial member)"
    return None
