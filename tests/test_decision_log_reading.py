"""Reading a decision log fast changes nothing but the time: a line in canonical form (as
fourules writes records) is read in one pass and hashed over its own bytes, any other line
strictly by `read_json`; on every line, laid out however, both say the same — the same
values, the same refusals, the same hash (RFC 8785's, by the `rfc8785` package)."""

from __future__ import annotations

import base64
import enum
import hashlib
import json
import random
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, computed_field

from fourules.decision_log import canonical_json as canonical_json_module
from fourules.decision_log import records, verification
from fourules.decision_log.log import _new_ids
from fourules.decision_log.records import (
    Record,
    RecordWriter,
    Unreadable,
    keyed_sources,
    linked_line,
    new_record,
    read_line,
    result_and_sources,
)
from fourules.errors import InputError
from fourules.output.canonical import plain
from fourules.testing import applications
from tests.test_canonical_json import TRICKY, texts, values
from tests.years import EVALUATOR, POLICIES, YEARS

SAFE = 2**53 - 1


def held(evaluation: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The result as a record holds it, each source named by its key (the first 32 hex digits
    of the SHA-256 of its RFC 8785 form, here by the `rfc8785` package), and those sources."""
    result, sources = plain(evaluation), {}
    for name in ("findings", "score_breakdown"):
        items = []
        for item in result[name]:
            if item.get("source") is not None:
                key = hashlib.sha256(rfc8785.dumps(item["source"])).hexdigest()[:32]
                sources[key] = item["source"]
                item = {**item, "source": key}
            items.append(item)
        result[name] = items
    return result, sources


def whole_record(record: dict[str, Any], evaluation: Any) -> dict[str, Any]:
    """A record `new_record` makes, every member a plain value: on its own, it carries every
    source its result names."""
    result, sources = held(evaluation)
    return {**record, "policy": plain(evaluation.policy), "result": result, "sources": sources}


# What a record holds besides its own fields: JSON as fourules reads it (no whole floats,
# which it reads as integers; no number beyond ±(2^53 − 1), which no record can hold).
content = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-SAFE, SAFE)
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not x.is_integer())
    | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20,
)
decisions = st.fixed_dictionaries(
    {
        "decision_id": texts,
        "time": st.just("2026-03-01T09:30:00+00:00"),
        "fourules": st.just("0.1.0"),
        "policy": st.fixed_dictionaries(
            {"id": texts, "version": st.just("3.0.0"), "sha256": st.just("ab" * 32)}
        ),
        "lang": st.sampled_from(["sv", "en"]),
        "input": st.dictionaries(texts, content, max_size=4),
        "result": st.dictionaries(texts, content, max_size=5),
    }
)


def strictly(raw: bytes) -> records.Line:
    """The line as `read_json` alone reads it (what `read_line` does with any line that
    is not in canonical form)."""
    return records._read_strictly(raw)


def rfc8785_hash(data: dict[str, Any]) -> str:
    canonical = rfc8785.dumps({k: v for k, v in data.items() if k != "hash"})
    return base64.b64encode(hashlib.sha256(canonical).digest()).decode("ascii")


def same(fast: records.Line, strict: records.Line) -> None:
    assert type(fast) is type(strict)
    if isinstance(fast, Record):
        assert isinstance(strict, Record)
        assert fast.data == strict.data
        assert fast.computed() == strict.computed()
    else:
        assert fast == strict


class Layout:
    """JSON text of a value, laid out as drawn: canonical (RFC 8785, `hash` last) unless a
    source of changes is given — then, at each place at the drawn RATE (every place, half,
    one in ten, one in fifty), spaces, members out of order, a key given twice (first with
    another value), characters escaped as \\uXXXX, integers written as 5.0 or 5e0.

    Where the changes fall comes from a `random.Random` Hypothesis seeds (`st.randoms(
    use_true_random=True)`), not a draw each: a record's result has some 450 places, and a
    draw at each made Hypothesis's bookkeeping most of these tests' time (a layout replays
    from its seed and its rate; only the rate is shrunk, to every place first)."""

    def __init__(self, changes: random.Random | None, rate: float = 0.0) -> None:
        self.changes: Any = changes
        self.rate = rate

    def change(self) -> bool:
        return self.changes is not None and self.changes.random() < self.rate

    def space(self) -> str:
        return " " if self.change() else ""

    def text(self, value: Any) -> str:
        if isinstance(value, str) and value and self.change():
            at = self.changes.randrange(len(value))
            if not 0xD800 <= ord(value[at]) <= 0xDFFF and ord(value[at]) <= 0xFFFF:
                head, tail = (
                    rfc8785.dumps(part).decode() for part in (value[:at], value[at + 1 :])
                )
                return f"{head[:-1]}\\u{ord(value[at]):04x}{tail[1:]}"
        if type(value) is int and self.change():
            return self.changes.choice([f"{value}.0", f"{value}e0", f"{value}E+0"])
        return rfc8785.dumps(value).decode()

    def write(self, value: Any, top: bool = False) -> str:
        s = self.space
        if isinstance(value, list):
            return "[" + s() + ("," + s()).join(self.write(v) for v in value) + s() + "]"
        if not isinstance(value, dict):
            return self.text(value)
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        if top and "hash" in keys:
            keys.remove("hash")
            keys.append("hash")
        if self.change():
            keys = self.changes.sample(keys, len(keys))
        members = [f"{self.text(k)}{s()}:{s()}{self.write(value[k])}" for k in keys]
        if keys and self.change():
            twice = self.changes.choice(keys)
            other = self.changes.choice([0, "x", None, [], value[twice]])
            members.insert(0, f"{self.text(twice)}:{self.write(other)}")
        return "{" + s() + ("," + s()).join(members) + s() + "}"


def layouts(changes: bool) -> st.SearchStrategy[Layout]:
    """A layout: canonical, or (`changes`) with changes from a seeded source."""
    if not changes:
        return st.just(Layout(None))
    rates = st.sampled_from([1.0, 0.5, 0.1, 0.02])
    return st.builds(Layout, st.randoms(use_true_random=True), rates)


@st.composite
def lines(draw: st.DrawFn, changes: bool) -> bytes:
    decision = draw(decisions)
    digest, line = linked_line(decision, draw(st.none() | st.just("cHJldg==")))
    data = json.loads(line)
    assert data["hash"] == digest
    return (draw(layouts(changes)).write(data, top=True) + "\n").encode("utf-8")


@settings(max_examples=400)
@given(lines(changes=False))
def test_a_line_as_written_is_read_fast_and_hashed_as_rfc8785_does(raw: bytes) -> None:
    line = read_line(raw)
    assert isinstance(line, Record) and line.canonical is not None, "read in one pass"
    assert line.data == json.loads(raw)
    assert line.computed() == line.stored == rfc8785_hash(line.data)


@settings(max_examples=600)
@given(lines(changes=True))
def test_a_line_laid_out_otherwise_reads_as_read_json_reads_it(raw: bytes) -> None:
    fast, strict = read_line(raw), strictly(raw)
    same(fast, strict)
    if isinstance(fast, Record) and fast.computed() is not None:
        assert fast.computed() == rfc8785_hash(fast.data)


def written(**changes: Any) -> bytes:
    record = {
        "decision_id": "d-1",
        "time": "2026-03-01T09:30:00+00:00",
        "fourules": "0.1.0",
        "policy": {"id": "2018", "version": "3.0.0", "sha256": "ab" * 32},
        "lang": "sv",
        "input": {"id": "a", "title": "Ansökan åt 😀", "requested_sek": 100_000},
        "result": {"application_id": "a", "score": 2.5, "findings": [{"rule": "r"}]},
    }
    return linked_line({**record, **changes}, None)[1]


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        (b'"lang":"sv"', b'"lang":"sv","lang":"sv"', "'lang' is given twice"),
        (b'"rule":"r"', b'"rule":"r","rule":"r"', "'rule' is given twice"),
        (b'"title":"', b'"title":"\\ud800', "lone surrogate"),
        (b'"requested_sek":100000', b'"requested_sek":' + b"9" * 5000, "5000 digits"),
        (b'{"decision_id"', b'{"deep":' + b"[" * 40 + b"]" * 40 + b',"decision_id"', "deep"),
        (b'"score":2.5', b'"score":2.5}', "not valid JSON"),
    ],
)
def test_each_refusal_of_strict_reading_holds_for_a_line_as_written(
    old: bytes, new: bytes, why: str
) -> None:
    raw = written()
    assert read_line(raw).canonical is not None  # type: ignore[union-attr]
    changed = raw.replace(old, new, 1)
    assert changed != raw
    line = read_line(changed)
    assert isinstance(line, Unreadable) and why in line.reason
    same(line, strictly(changed))


@pytest.mark.parametrize(
    ("old", "new", "read_as"),
    [
        # A whole number with a fraction is an integer to read_json: the line is no
        # canonical form, the record the same.
        (b'"requested_sek":100000', b'"requested_sek":100000.0', 100_000),
        (b'"requested_sek":100000', b'"requested_sek":1e5', 100_000),
        # JSON's own escapes and spaces: the same values, laid out otherwise.
        (b'"requested_sek":100000', b'"requested_sek": 100000', 100_000),
    ],
)
def test_a_line_laid_out_otherwise_keeps_its_hash(old: bytes, new: bytes, read_as: int) -> None:
    raw = written()
    changed = raw.replace(old, new, 1)
    line = read_line(changed)
    assert isinstance(line, Record) and line.canonical is None
    assert line.data["input"]["requested_sek"] == read_as
    assert line.computed() == line.stored == read_line(raw).computed()  # type: ignore[union-attr]
    same(line, strictly(changed))


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", str(2**53).encode(), b"1e21"])
def test_a_number_without_a_canonical_form_is_read_and_unhashable(number: bytes) -> None:
    changed = written().replace(b'"score":2.5', b'"score":' + number, 1)
    line = read_line(changed)
    assert isinstance(line, Record) and line.computed() is None
    same(line, strictly(changed))


def test_a_record_beyond_the_canonical_form_is_refused_before_it_is_written() -> None:
    with pytest.raises(InputError, match="2\\^53"):
        written(input={"requested_sek": 2**53})


@pytest.mark.parametrize("character", TRICKY)
def test_every_tricky_character_is_read_fast_and_hashed_as_rfc8785_does(character: str) -> None:
    raw = written(input={character: character * 3, "x": [character]})
    line = read_line(raw)
    assert isinstance(line, Record) and line.canonical is not None
    assert line.computed() == rfc8785_hash(line.data)


@settings(max_examples=200)
@given(values)
def test_any_line_reads_alike_fast_and_strictly(value: Any) -> None:
    """Not a record at all, or one with any JSON in it: the same verdict either way."""
    try:
        raw = rfc8785.dumps(value) + b"\n"
    except (rfc8785.CanonicalizationError, UnicodeEncodeError):
        return
    same(read_line(raw), strictly(raw))


# --- writing -----------------------------------------------------------------------------


EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture(scope="module")
def evaluations() -> list[tuple[dict[str, Any], Any]]:
    """The example applications of both years, evaluated: every kind of finding among them."""
    from fourules import Evaluator, get_plugin_manager

    evaluator = Evaluator(get_plugin_manager(load_entry_points=False))
    return [
        (app, evaluator.evaluate(app, year))
        for year in ("2018", "2024")
        for app in json.loads((EXAMPLES / f"applications-{year}.json").read_text("utf-8"))
    ]


def test_a_record_is_written_with_its_recurring_findings_written_once_as_rfc8785_writes_it(
    evaluations: list[tuple[dict[str, Any], Any]],
) -> None:
    """The findings, score items, applicants and sources are written once and put into
    each record as they are: the line is the same as the record written whole, and its
    hash RFC 8785's."""
    for app, evaluation in evaluations * 2:  # the second time, every part as written before
        record = new_record("d", "2026-03-01T09:30:00+00:00", "0.1.0", app, evaluation)
        whole = whole_record(record, evaluation)
        assert keyed_sources(plain(evaluation)) == held(evaluation)
        digest, line = linked_line(record, "cHJldg==")
        assert (digest, line) == linked_line(whole, "cHJldg==")
        assert digest == rfc8785_hash({**whole, "prev": "cHJldg=="})
        assert json.loads(line) == {**whole, "prev": "cHJldg==", "hash": digest}


@settings(max_examples=200)
@given(data=st.data())
def test_the_log_s_writer_writes_a_record_as_its_plain_canonical_form(data: st.DataObject) -> None:
    """`RecordWriter`, the log's own, writes a record from pieces (the batch's members once,
    each result's parts as written before): its line and hash are those of the record
    written whole (`linked_line` of `new_record`), and RFC 8785's; what one refuses (an
    input without a canonical form) the other refuses. Varied results: many applications
    of either year in a row, in either language, decisions and trials, any input given."""
    year = data.draw(st.sampled_from(YEARS))
    time, version = data.draw(texts), data.draw(st.sampled_from(["0.1.0", "1.2.3+é"]))
    trial = data.draw(st.booleans())
    writer = RecordWriter(time, version, trial)
    for app in data.draw(st.lists(applications(POLICIES[year]), min_size=1, max_size=6)):
        evaluation = EVALUATOR.evaluate(app, year, lang=data.draw(st.sampled_from(["sv", "en"])))
        given = data.draw(st.just(app) | values | st.dictionaries(texts, values, max_size=4))
        decision_id = data.draw(st.just(str(uuid.uuid4())) | texts)
        prev = data.draw(st.none() | st.just("cHJldg==") | texts)
        record = new_record(decision_id, time, version, given, evaluation, trial)
        try:
            expected = linked_line(record, prev)
        except InputError:
            with pytest.raises(InputError):
                writer.record(decision_id, given, evaluation).linked(prev)
            continue
        digest, pieces = writer.record(decision_id, given, evaluation).linked(prev)
        assert (digest, b"".join(pieces)) == expected
        whole = whole_record(record, evaluation)
        assert expected[1] == (
            rfc8785.dumps({**whole, "prev": prev})[:-1] + f',"hash":"{digest}"}}\n'.encode()
        )
        assert digest == rfc8785_hash({**whole, "prev": prev})


@pytest.mark.parametrize("year", YEARS)
@settings(max_examples=150)
@given(data=st.data())
def test_a_result_is_written_as_rfc8785_writes_its_json_form(
    year: str, data: st.DataObject
) -> None:
    """Many applications in a row, so most parts are written from what an earlier result
    wrote; in both languages. Its depth is the one reading it back measures."""
    for app in data.draw(st.lists(applications(POLICIES[year]), min_size=3, max_size=8)):
        for lang in ("sv", "en"):
            evaluation = EVALUATOR.evaluate(app, year, lang=lang)
            result = result_and_sources(evaluation)[0]
            assert result.text == rfc8785.dumps(held(evaluation)[0])
            read_back = canonical_json_module.written_as_is(json.loads(result.text))
            assert read_back is not None and result.depth == read_back[1]


class _Kind(enum.Enum):
    A = "a"


class _Inner(BaseModel):
    model_config = ConfigDict(frozen=True)

    when: date
    kind: _Kind
    share: float


class _Odd(BaseModel):
    """Fields a result could come to hold: each written as pydantic's JSON form has it."""

    model_config = ConfigDict(frozen=True)

    text: str
    number: int
    share: float
    whole: float
    flag: bool
    nothing: None = None
    when: date
    table: dict[str, Any]
    inner: _Inner
    inners: list[_Inner]
    nested: list[list[int]]


class _Hidden(BaseModel):
    text: str
    hidden: str = Field(default="x", exclude=True)


class _Computed(BaseModel):
    text: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def twice(self) -> str:
        return self.text * 2


@pytest.mark.parametrize(
    "model",
    [
        _Odd(
            text="\U0001f600 \x00\u2028",
            number=-(2**53) + 1,
            share=1e-7,
            whole=3.0,
            flag=False,
            when=date(2026, 3, 1),
            table={"\ue000": 1, "\U0001f600": [1.5, None]},
            inner=_Inner(when=date(2026, 1, 2), kind=_Kind.A, share=0.25),
            inners=[_Inner(when=date(2026, 1, 3), kind=_Kind.A, share=1e21)] * 2,
            nested=[[], [1, 2]],
        ),
        _Hidden(text="ab"),
        _Computed(text="ab"),
    ],
)
def test_any_model_is_written_as_rfc8785_writes_its_json_form(model: BaseModel) -> None:
    part = records._model_written(model)
    assert part.text == rfc8785.dumps(model.model_dump(mode="json"))
    read_back = canonical_json_module.written_as_is(json.loads(part.text))
    assert read_back is None or part.depth == read_back[1]


def test_a_text_that_holds_the_placeholder_of_a_written_part_is_written_all_the_same(
    evaluations: list[tuple[dict[str, Any], Any]],
) -> None:
    app, evaluation = evaluations[0]
    odd = {**app, "title": canonical_json_module._PLACEHOLDER}
    record = {"input": odd, "result": result_and_sources(evaluation)[0]}
    assert linked_line(record, None) == linked_line({**record, "result": held(evaluation)[0]}, None)


def test_new_decision_ids_are_random_uuids() -> None:
    ids = list(_new_ids(5000))
    assert len(set(ids)) == 5000
    for text in ids:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (4, uuid.RFC_4122, text)


def test_a_result_without_a_canonical_form_is_refused_with_the_reason(
    evaluations: list[tuple[dict[str, Any], Any]],
) -> None:
    app, evaluation = next((a, e) for a, e in evaluations if e.findings)
    odd = evaluation.findings[0].model_copy(update={"message": "a lone \ud800"})
    result = evaluation.model_copy(update={"findings": [odd, *evaluation.findings[1:]]})
    with pytest.raises(InputError, match="lone surrogate"):
        new_record("d", "t", "0.1.0", app, result)


def test_a_batch_is_written_whole_when_each_write_takes_only_part_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lines go to the system as they are, not joined first; a write that takes less
    than it is given goes on where it stopped."""
    import os

    from fourules.decision_log import log as log_module

    writev = os.writev
    monkeypatch.setattr(
        log_module.os,
        "writev",
        lambda fd, views: writev(fd, [bytes(b"".join(views))[:777]]),
    )
    path = tmp_path / "log.jsonl"
    pieces = [b"\n", b"a" * 5000, b"", b"b" * 3, b"c" * 20_000]
    with open(path, "wb") as out:
        size = log_module.DecisionLog(path)._write(out.fileno(), pieces)
    assert size == 25_004 and path.read_bytes() == b"".join(pieces)


# --- verifying ---------------------------------------------------------------------------


def _deep(data: dict[str, Any]) -> None:
    value: Any = 1
    for _ in range(40):
        value = [value]
    data["zzz"] = value


CHANGES = {
    "none": lambda data: None,
    "grant": lambda data: data["result"].update(max_grant_sek=1),
    "message": lambda data: data["result"]["findings"][0].update(message="x"),
    "score true": lambda data: data["result"].update(score=True),
    "policy": lambda data: data["policy"].update(sha256="0" * 64),
    "missing policy": lambda data: data["policy"].update(id="1999"),
    "input": lambda data: data["input"].update(
        requested_sek=(data["input"]["requested_sek"] or 0) + 1
    ),
    "bad input": lambda data: data["input"].update(requested_sek="many"),
    "lang": lambda data: data.update(lang="fi"),
    "first": lambda data: data.update(aaa=[1]),
    "last": lambda data: data.update(zzz={"a": 1}),
    "result in input": lambda data: data["input"].update(result=1),
    "unchained": lambda data: [data.pop(k) for k in ("hash", "prev")],
    "hash not text": lambda data: data.update(hash=1),
    "deep": _deep,
    "no result": lambda data: data.pop("result"),
    "trial": lambda data: data.update(trial=True),
    "trial false": lambda data: data.update(trial=False),
    "trial taken off": lambda data: data.pop("trial", None),
}
LAYOUTS = [
    lambda line, data: line,
    # `hash` in its place by key order, not last.
    lambda line, data: rfc8785.dumps(data).decode(),
    # A space, or a member out of key order, before or after the result.
    lambda line, data: line.replace(',"result":', ', "result":', 1),
    lambda line, data: line.replace(',"time":"', ',"time": "', 1),
    lambda line, data: line.replace(',"result":', ',"zzz":1,"result":', 1),
    lambda line, data: line.replace(',"time":', ',"lang":"sv","time":', 1),
    lambda line, data: line.replace(',"time":', ',"aaa":1,"time":', 1),
    lambda line, data: line.replace(',"time":', ',"time":"x","time":', 1),
]
"""Lines laid out otherwise about the result, where reading it without the result might
go wrong."""
REPRODUCES = {"none", "policy", "first", "last", "unchained", "trial", "trial taken off"}
"""The changes after which the record's result is still the one evaluating it gives."""


@st.composite
def record_lines(draw: st.DrawFn) -> tuple[bytes, str]:
    """A record of a generated application as fourules writes it, then changed as drawn
    (a value, a member added or removed) and laid out as drawn (`Layout`); the change."""
    year = draw(st.sampled_from(YEARS))
    app = draw(applications(POLICIES[year]))
    evaluation = EVALUATOR.evaluate(app, year, lang=draw(st.sampled_from(["sv", "en"])))
    trial = draw(st.booleans())
    record = new_record("d-1", "2026-03-01T09:30:00+00:00", "0.1.0", app, evaluation, trial)
    data = json.loads(linked_line(record, draw(st.none() | st.just("cHJldg==")))[1])
    change = draw(st.sampled_from(sorted(CHANGES)))
    CHANGES[change](data)
    line = draw(layouts(draw(st.booleans()))).write(data, top=True)
    line = draw(st.sampled_from(LAYOUTS))(line, data)
    return (line + draw(st.sampled_from(["\n", ""]))).encode("utf-8"), change


@settings(max_examples=500)
@given(record_lines())
def test_a_record_checked_without_reading_its_result_is_checked_as_in_full(
    drawn: tuple[bytes, str],
) -> None:
    """A line whose result the evaluation gives again word for word is checked without
    reading its result (`_reproduced`): what that says is what reading it in full says.
    Every other line is left to be read in full; a record in canonical form that still
    reproduces is not."""
    raw, change = drawn
    whole = raw.endswith(b"\n")
    read = verification._read(raw)
    again = verification._evaluated_again(read, EVALUATOR)
    fast = verification._reproduced(7, read, again, verification._written_again(again), whole)
    full = verification._check_in_full(7, raw, EVALUATOR, None, "log:7", whole)
    assert fast is None or fast == full
    line = read_line(raw)
    if change in REPRODUCES and isinstance(line, Record) and line.canonical is not None:
        assert fast is not None
