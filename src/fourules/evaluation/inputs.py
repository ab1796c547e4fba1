"""Reading applications from JSON, with a clear message for every kind of bad input.

Every message says where (file, index, field), what is wrong and what is accepted, in
Swedish and English.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import sys
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from fourules.application import (
    APPLICATION_ADAPTER,
    KINDS,
    ProjectApplication,
    StudyTripApplication,
)
from fourules.errors import InputError, refused_value
from fourules.policy.vocabulary import Vocabulary, base_vocabulary
from fourules.text import LocalText
from fourules.texts import both, text

MAX_DEPTH = 32
"""Deeper JSON than this is refused before it reaches the parser's recursion limit."""

Hint = LocalText | Callable[[], LocalText]
"""What a field accepts: its words, or how to look them up in the catalogue (only when a
message shows them, so reading a good application reads no catalogue)."""


def _kinds() -> LocalText:
    *first, last = KINDS
    return both("input.accepts.kind", first=", ".join(first), second=last)


STRUCTURE: dict[str, Hint] = {
    "id": functools.partial(both, "input.accepts.id"),
    "kind": _kinds,
    "title": functools.partial(both, "input.accepts.title"),
    "applicants": functools.partial(both, "input.accepts.applicants"),
    "assessment": functools.partial(both, "input.accepts.assessment"),
}
"""What the application's own fields accept; its facts' fields say it in their declarations."""


def hint_words(hint: Hint) -> LocalText:
    """What a field accepts, in words."""
    return hint if isinstance(hint, LocalText) else hint()


def accepted_fields(vocabulary: Vocabulary) -> dict[str, Hint]:
    """What every field of an application under the vocabulary accepts, in contract order."""
    head = {k: STRUCTURE[k] for k in ("id", "kind", "title", "applicants")}
    facts = {k: v for k, v in vocabulary.hints.items() if k not in head}
    return {**head, **facts, "assessment": STRUCTURE["assessment"]}


ACCEPTED: dict[str, Hint] = accepted_fields(base_vocabulary())

_VALUE_ERROR: dict[str, str] = {"decision": "input.decision"}
"""The catalogue's words for a field's own check that failed (else `input.blank`)."""


def read_json(text: str | bytes, *, where: str) -> Any:
    """Parse JSON text; empty, non-UTF-8, malformed or too deeply nested input is an InputError."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(both("input.not_utf8", byte=exc.start), where) from None
    if not text.strip():
        raise InputError(both("input.empty"), where)
    try:
        data = json.loads(
            text,
            object_pairs_hook=_refuse_duplicate_keys,
            parse_float=_number,
            parse_int=_integer,
        )
    except NumberTooLongError as exc:
        raise InputError(both("input.number_too_long", digits=exc.digits), where) from None
    except DuplicateKeyError as exc:
        raise InputError(
            both("input.duplicate_key", key=repr(exc.key), within=exc.within), where
        ) from None
    except json.JSONDecodeError as exc:
        message = both("input.not_json", message=exc.msg, line=exc.lineno, column=exc.colno)
        raise InputError(message, where) from None
    except RecursionError:
        data, depth = None, MAX_DEPTH + 1
    else:
        depth = _depth(data)
    if depth > MAX_DEPTH:
        raise InputError(both("input.too_deep", depth=MAX_DEPTH), where)
    # A lone surrogate (`"\\ud800"`) parses but is no text: it cannot be written out again.
    # Only an escape of a surrogate can give one in UTF-8 text: the walk is needed only
    # then (10 000 applications with å ä ö escaped: 43 ms spared).
    if _SURROGATE_ESCAPE.search(text) or not _is_unicode(text):
        bad = _lone_surrogate(data)
        if bad is not None:
            raise InputError(both("input.lone_surrogate"), f"{where}{bad}")
    return data


class NumberTooLongError(ValueError):
    """An integer with more digits than Python converts (`sys.get_int_max_str_digits`):
    no amount, count or date has so many, and converting it would fail without a place."""

    def __init__(self, digits: int) -> None:
        self.digits = digits
        super().__init__(f"{digits} digits")


def _integer(text: str) -> int:
    digits = len(text) - text.startswith("-")
    if digits > sys.get_int_max_str_digits() > 0:
        raise NumberTooLongError(digits)
    return int(text)


class DuplicateKeyError(ValueError):
    """A JSON object that gives one key twice; JSON's own rule (the last wins) would hide
    the first value without a word."""

    def __init__(self, key: str, pairs: list[tuple[str, Any]]) -> None:
        self.key = key
        ids = [v for k, v in pairs if k == "id" and isinstance(v, str)]
        self.object_id = ids[0] if ids else None
        super().__init__(key)

    @property
    def within(self) -> str:
        return "" if self.object_id is None else f" (id {self.object_id!r})"


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise DuplicateKeyError(key, pairs)
        data[key] = value
    return data


def _number(text: str) -> int | float:
    """A JSON number with a fraction or exponent: a whole one (`1.0`, `1e3`) is an integer,
    as JSON Schema reads it, so what a schema calls an integer the reader takes as one."""
    value = Decimal(text)
    # The exponent bound keeps `1e999999999` from becoming a billion-digit integer.
    if value.adjusted() < 30 and value == value.to_integral_value():
        return int(value)
    return float(text)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""A JSON escape of a UTF-16 surrogate, half of a pair or alone (`\\ud83d`, `\\uDC00`)."""


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _lone_surrogate(data: Any) -> str | None:
    """The path (`.applications[3].title`) of the first key or string that is not valid
    Unicode, or None."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            if not _is_unicode(node):
                return path
        elif isinstance(node, dict):
            for key, value in node.items():
                if not _is_unicode(key):
                    return f"{path}.{key.encode('utf-8', 'backslashreplace').decode()}"
                stack.append((value, f"{path}.{key}"))
        elif isinstance(node, list):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(node))
    return None


def _depth(data: Any) -> int:
    """How deep the value nests, a scalar inside a container one level below it, counted up to
    just past MAX_DEPTH. Level by level over the containers alone: 10 000 applications in
    18 ms, where visiting every value took 35 ms."""
    deepest, level, containers = 1, 1, [data] if isinstance(data, dict | list) else []
    while containers and level <= MAX_DEPTH:
        inner: list[Any] = []
        for node in containers:
            values = node.values() if isinstance(node, dict) else node
            if values:
                deepest = level + 1
                inner.extend(v for v in values if isinstance(v, dict | list))
        containers, level = inner, level + 1
    return deepest


def describe(
    exc: ValidationError,
    *,
    where: str,
    accepted: Mapping[str, Hint] = ACCEPTED,
    kind_only: Mapping[str, str] | None = None,
) -> InputError:
    """One clear message per problem: the field, what is wrong, what is accepted. The first
    (a misspelt field, if any) is the error; the rest are its `others`."""
    errors = exc.errors(include_url=False)
    # A misspelt field shows up twice: as unknown, and its right name as missing. Name the
    # misspelling first: it says what to fix; its suggestion replaces the "missing" one.
    errors.sort(key=lambda e: e["type"] != "extra_forbidden")
    only = base_vocabulary().kind_only if kind_only is None else kind_only
    described = [_describe_one(err, where, accepted, only) for err in errors]
    suggested = {(parent, name) for parent, name, _ in described if name}
    kept = [
        error
        for err, (parent, _, error) in zip(errors, described, strict=True)
        if not (err["type"] == "missing" and (parent, _field(_loc(err))) in suggested)
    ]
    return InputError.together(kept)


def _loc(err: Any) -> list[Any]:
    # The discriminated union's tag ("project") is not part of the path a person reads.
    return [p for p in err["loc"] if p != "[key]" and p not in KINDS]


def _field(loc: list[Any]) -> str:
    """The field a problem is about: the first name after the last list index (a round's
    `applications[3].decision`), else the last name before it (`applicants[0]`)."""
    last_index = max((i for i, p in enumerate(loc) if isinstance(p, int)), default=-1)
    after = [str(p) for p in loc[last_index + 1 :] if isinstance(p, str)]
    before = [str(p) for p in loc[: max(last_index, 0)] if isinstance(p, str)]
    return after[0] if after else (before[-1] if before else "")


def _describe_one(
    err: Any, where: str, accepted: Mapping[str, Hint], kind_only: Mapping[str, str]
) -> tuple[str, str | None, InputError]:
    """The problem as an InputError, with its parent path and the field a misspelling
    suggests (or None)."""
    etype = err["type"]
    loc = _loc(err)
    value = err.get("input")
    if etype in ("union_tag_invalid", "union_tag_not_found"):
        loc.append("kind")
        value = value.get("kind") if isinstance(value, Mapping) else None
    field = _field(loc)
    path = where + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)
    parent = path.rsplit(".", 1)[0]
    if etype == "value_error":
        problem = both(_VALUE_ERROR.get(field, "input.blank"))
    else:
        problem = refused_value(etype, err["msg"])
    shown = json.dumps(value, ensure_ascii=False, default=str)
    if len(shown) > 60:
        shown = shown[:57] + "…"
    accepts = accepted.get(field)
    hint = None if accepts is None else hint_words(accepts)
    suggestion = None
    if etype == "extra_forbidden" and field in kind_only:
        # A field of the other kind: say whose it is, not that it does not exist.
        problem = both(f"input.only.{kind_only[field]}")
    elif etype == "extra_forbidden":
        close = difflib.get_close_matches(field, list(accepted), n=1, cutoff=0.6)
        if close:
            suggestion = close[0]
            problem = both("input.misspelt", suggestion=suggestion)
            hint = hint_words(accepted[suggestion])
        else:
            hint = both("input.accepts.fields", fields=", ".join(accepted))
    if etype not in ("missing", "union_tag_not_found", "extra_forbidden"):
        problem = LocalText(
            sv=text("input.got", "sv", problem=problem.sv, shown=shown),
            en=text("input.got", "en", problem=problem.en, shown=shown),
        )
    if hint is not None:
        problem = LocalText(
            sv=text("input.accepted", "sv", problem=problem.sv, hint=hint.sv),
            en=text("input.accepted", "en", problem=problem.en, hint=hint.en),
        )
    return parent, suggestion, InputError(problem, path)


_MODELS = (ProjectApplication, StudyTripApplication)


def parse_application(
    data: Any, *, where: str = "application", vocabulary: Vocabulary | None = None
) -> ProjectApplication | StudyTripApplication:
    """Validate one application (a dict, or an already valid model) under a year's vocabulary
    (the fields it declares besides the base contract's; without one, the base contract)."""
    if isinstance(data, _MODELS):
        return data
    if type(data) is not dict and not isinstance(data, Mapping):  # a dict: no ABC check
        accepted = ACCEPTED if vocabulary is None else accepted_fields(vocabulary)
        kind = type(data).__name__
        raise InputError(both("input.not_object", fields=", ".join(accepted), kind=kind), where)
    adapter = APPLICATION_ADAPTER if vocabulary is None else vocabulary.application_adapter
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        # What the fields accept is gathered only for a message: 0.9 µs a good application.
        accepted = ACCEPTED if vocabulary is None else accepted_fields(vocabulary)
        only = None if vocabulary is None else vocabulary.kind_only
        raise describe(exc, where=where, accepted=accepted, kind_only=only) from None
