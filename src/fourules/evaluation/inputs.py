"""Reading applications from JSON, with a clear message for every kind of bad input.

Every message says where (file, index, field), what is wrong and what is accepted, in
Swedish and English.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
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
from fourules.text import LANGS, LocalText

MAX_DEPTH = 32
"""Deeper JSON than this is refused before it reaches the parser's recursion limit."""

L = LocalText
STRUCTURE: dict[str, LocalText] = {
    "id": L(sv="en icke-tom text", en="non-empty text"),
    "kind": L(sv=" eller ".join(KINDS), en=" or ".join(KINDS)),
    "title": L(sv="text", en="text"),
    "applicants": L(
        sv='en lista med minst ett förvaltningsnamn, t.ex. ["Farsta"]',
        en='a list of at least one administration name, e.g. ["Farsta"]',
    ),
    "assessment": L(
        sv="true, false eller null per kriterium som årets policy anger (fourules show ÅR)",
        en="true, false or null per criterion the year's policy declares (fourules show YEAR)",
    ),
}
"""What the application's own fields accept; its facts' fields say it in their declarations."""


def accepted_fields(vocabulary: Vocabulary) -> dict[str, LocalText]:
    """What every field of an application under the vocabulary accepts, in contract order."""
    head = {k: STRUCTURE[k] for k in ("id", "kind", "title", "applicants")}
    facts = {k: v for k, v in vocabulary.hints.items() if k not in head}
    return {**head, **facts, "assessment": STRUCTURE["assessment"]}


ACCEPTED: dict[str, LocalText] = accepted_fields(base_vocabulary())

_VALUE_ERROR: dict[str, LocalText] = {
    "decision": L(
        sv="ska ange granted_sek, eller rejected och/eller not_prioritised (inte ett beviljat belopp tillsammans med något av dem)",
        en="must give granted_sek, or rejected and/or not_prioritised (not a grant together with either)",
    ),
}
_BLANK = L(sv="är tomt", en="is blank")
_ONLY: dict[str, LocalText] = {
    "project": L(
        sv="gäller bara projekt (kind: project)", en="applies to projects only (kind: project)"
    ),
    "study_trip": L(
        sv="gäller bara studieresor (kind: study_trip)",
        en="applies to study trips only (kind: study_trip)",
    ),
}


def _both(build: Any) -> LocalText:
    """A message built once per language."""
    return LocalText(**{lang: build(lang) for lang in LANGS})


def read_json(text: str | bytes, *, where: str) -> Any:
    """Parse JSON text; empty, non-UTF-8, malformed or too deeply nested input is an InputError."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                L(
                    sv=f"är inte UTF-8-text (byte {exc.start}); spara filen som UTF-8",
                    en=f"is not UTF-8 text (byte {exc.start}); save the file as UTF-8",
                ),
                where,
            ) from None
    if not text.strip():
        raise InputError(
            L(
                sv="är tom; ange en ansökan (JSON-objekt) eller en lista av ansökningar",
                en="is empty; give an application (a JSON object) or a list of them",
            ),
            where,
        )
    try:
        data = json.loads(text, object_pairs_hook=_refuse_duplicate_keys, parse_float=_number)
    except DuplicateKeyError as exc:
        raise InputError(
            L(
                sv=f"nyckeln {exc.key!r} står två gånger i samma objekt{exc.within}; "
                "ange varje fält en gång",
                en=f"the key {exc.key!r} is given twice in one object{exc.within}; "
                "give each field once",
            ),
            where,
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            L(
                sv=f"är inte giltig JSON: {exc.msg} (rad {exc.lineno}, kolumn {exc.colno})",
                en=f"is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            ),
            where,
        ) from None
    except RecursionError:
        data, depth = None, MAX_DEPTH + 1
    else:
        depth = _depth(data)
    if depth > MAX_DEPTH:
        raise InputError(
            L(
                sv=f"är nästlad djupare än {MAX_DEPTH} nivåer; en ansökan är ett platt objekt",
                en=f"is nested deeper than {MAX_DEPTH} levels; an application is a flat object",
            ),
            where,
        )
    # A lone surrogate (`"\\ud800"`) parses but is no text: it cannot be written out again.
    if "\\u" in text or not _is_unicode(text):
        bad = _lone_surrogate(data)
        if bad is not None:
            raise InputError(
                L(
                    sv="innehåller en ensam surrogat (t.ex. \\ud800), som inte är text; "
                    "ange giltig Unicode",
                    en="holds a lone surrogate (e.g. \\ud800), which is not text; "
                    "give valid Unicode",
                ),
                f"{where}{bad}",
            )
    return data


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
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        if isinstance(node, dict):
            stack.extend((v, level + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, level + 1) for v in node)
    return deepest


def describe(
    exc: ValidationError,
    *,
    where: str,
    accepted: Mapping[str, LocalText] = ACCEPTED,
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
    err: Any, where: str, accepted: Mapping[str, LocalText], kind_only: Mapping[str, str]
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
        problem = _VALUE_ERROR.get(field, _BLANK)
    else:
        problem = refused_value(etype, err["msg"])
    shown = json.dumps(value, ensure_ascii=False, default=str)
    if len(shown) > 60:
        shown = shown[:57] + "…"
    hint = accepted.get(field)
    suggestion = None
    if etype == "extra_forbidden" and field in kind_only:
        # A field of the other kind: say whose it is, not that it does not exist.
        problem = _ONLY[kind_only[field]]
    elif etype == "extra_forbidden":
        close = difflib.get_close_matches(field, list(accepted), n=1, cutoff=0.6)
        if close:
            suggestion = close[0]
            problem = L(
                sv=f"är inget fält i ansökan; menade du {suggestion}?",
                en=f"is not a field of an application; did you mean {suggestion}?",
            )
            hint = accepted[suggestion]
        else:
            hint = L(sv="fälten " + ", ".join(accepted), en="the fields " + ", ".join(accepted))

    def build(lang: str) -> str:
        text = problem.get(lang)  # type: ignore[arg-type]
        if etype not in ("missing", "union_tag_not_found", "extra_forbidden"):
            text += f" ({'fick' if lang == 'sv' else 'got'} {shown})"
        if hint is not None:
            text += f"; {'tillåtet' if lang == 'sv' else 'accepted'}: {hint.get(lang)}"  # type: ignore[arg-type]
        return text

    return parent, suggestion, InputError(_both(build), path)


def parse_application(
    data: Any, *, where: str = "application", vocabulary: Vocabulary | None = None
) -> ProjectApplication | StudyTripApplication:
    """Validate one application (a dict, or an already valid model) under a year's vocabulary
    (the fields it declares besides the base contract's; without one, the base contract)."""
    if isinstance(data, ProjectApplication | StudyTripApplication):
        return data
    accepted = ACCEPTED if vocabulary is None else accepted_fields(vocabulary)
    if not isinstance(data, Mapping):
        kind = type(data).__name__
        raise InputError(
            L(
                sv=f"måste vara ett JSON-objekt med fälten {', '.join(accepted)}, fick {kind}",
                en=f"must be a JSON object with the fields {', '.join(accepted)}, got {kind}",
            ),
            where,
        )
    adapter = APPLICATION_ADAPTER if vocabulary is None else vocabulary.application_adapter
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        only = None if vocabulary is None else vocabulary.kind_only
        raise describe(exc, where=where, accepted=accepted, kind_only=only) from None
