"""Reading applications from JSON, with a clear message for every kind of bad input."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from fourules.application import (
    APPLICATION_ADAPTER,
    CRITERION_IDS,
    KINDS,
    ProjectApplication,
    StudyTripApplication,
)
from fourules.errors import InputError
from fourules.text import Lang, LocalText

MAX_DEPTH = 32
"""Deeper JSON than this is refused before it reaches the parser's recursion limit."""

_ACCEPTED: dict[str, LocalText] = {
    "id": LocalText(sv="en icke-tom text", en="non-empty text"),
    "title": LocalText(sv="text", en="text"),
    "kind": LocalText(sv=" eller ".join(KINDS), en=" or ".join(KINDS)),
    "applicants": LocalText(
        sv="en lista med minst ett förvaltningsnamn, t.ex. [\"Farsta\"]",
        en="a list of at least one administration name, e.g. [\"Farsta\"]",
    ),
    "requested_sek": LocalText(
        sv="ett heltal ≥ 0 i kronor, eller null när beloppet inte anges",
        en="a whole number ≥ 0 of kronor, or null when the amount is not stated",
    ),
    "submitted": LocalText(sv="ett datum ÅÅÅÅ-MM-DD", en="a date YYYY-MM-DD"),
    "project_year": LocalText(sv="ett heltal ≥ 1 (bara för projekt)", en="a whole number ≥ 1 (projects only)"),
    "assessment": LocalText(
        sv="true, false eller null per kriterium: " + ", ".join(CRITERION_IDS),
        en="true, false or null per criterion: " + ", ".join(CRITERION_IDS),
    ),
    "gender_analysis": LocalText(sv="true, false eller null", en="true, false or null"),
    "travel_modes": LocalText(
        sv="en lista av train, bus, boat, car, flight (bara för studieresor)",
        en="a list of train, bus, boat, car, flight (study trips only)",
    ),
    "destination": LocalText(sv="text (bara för studieresor)", en="text (study trips only)"),
}

_PROBLEM: dict[str, LocalText] = {
    "missing": LocalText(sv="saknas", en="is missing"),
    "extra_forbidden": LocalText(sv="är inget fält i ansökan", en="is not a field of an application"),
    "int_type": LocalText(sv="är inte ett heltal", en="is not a whole number"),
    "int_parsing": LocalText(sv="är inte ett heltal", en="is not a whole number"),
    "int_from_float": LocalText(sv="är inte ett heltal", en="is not a whole number"),
    "greater_than_equal": LocalText(sv="är för litet", en="is too small"),
    "bool_type": LocalText(sv="är inte true, false eller null", en="is not true, false or null"),
    "string_type": LocalText(sv="är inte text", en="is not text"),
    "too_short": LocalText(sv="är tom", en="is empty"),
    "list_type": LocalText(sv="är inte en lista", en="is not a list"),
    "dict_type": LocalText(sv="är inte ett objekt", en="is not an object"),
    "model_type": LocalText(sv="är inte ett objekt", en="is not an object"),
    "model_attributes_type": LocalText(sv="är inte ett objekt", en="is not an object"),
    "literal_error": LocalText(sv="är inget tillåtet värde", en="is not an allowed value"),
    "union_tag_invalid": LocalText(sv="är ingen känd stödform", en="is not a known kind"),
    "union_tag_not_found": LocalText(sv="saknas", en="is missing"),
    "value_error": LocalText(sv="är ogiltigt", en="is invalid"),
}


def read_json(text: str | bytes, *, where: str, lang: Lang = "sv") -> Any:
    """Parse JSON text; empty, non-UTF-8, malformed or too deeply nested input is an InputError."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                LocalText(
                    sv=f"är inte UTF-8-text (byte {exc.start}); spara filen som UTF-8",
                    en=f"is not UTF-8 text (byte {exc.start}); save the file as UTF-8",
                ).get(lang),
                where,
            ) from None
    if not text.strip():
        raise InputError(
            LocalText(
                sv="är tom; ange en ansökan (JSON-objekt) eller en lista av ansökningar",
                en="is empty; give an application (a JSON object) or a list of them",
            ).get(lang),
            where,
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            LocalText(
                sv=f"är inte giltig JSON: {exc.msg} (rad {exc.lineno}, kolumn {exc.colno})",
                en=f"is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            ).get(lang),
            where,
        ) from None
    except RecursionError:
        data = None
        depth = MAX_DEPTH + 1
    else:
        depth = _depth(data)
    if depth > MAX_DEPTH:
        raise InputError(
            LocalText(
                sv=f"är nästlad djupare än {MAX_DEPTH} nivåer; en ansökan är ett platt objekt",
                en=f"is nested deeper than {MAX_DEPTH} levels; an application is a flat object",
            ).get(lang),
            where,
        )
    return data


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


def describe(exc: ValidationError, *, where: str, lang: Lang) -> InputError:
    """One clear message for the first problem: the field, what is wrong, what is accepted."""
    err = exc.errors(include_url=False)[0]
    loc = list(err["loc"])
    if loc and loc[0] in KINDS:  # the discriminated union's tag is not part of the path
        loc = loc[1:]
    field = next((str(p) for p in loc if isinstance(p, str)), "")
    path = where + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)
    etype = err["type"]
    problem = _PROBLEM[etype].get(lang) if etype in _PROBLEM else err["msg"]
    if etype == "value_error":
        problem = err["msg"].removeprefix("Value error, ")
    if etype == "union_tag_not_found":
        path, field = f"{where}.kind", "kind"
    got = ""
    if etype not in ("missing", "union_tag_not_found", "extra_forbidden"):
        got = f" ({'fick' if lang == 'sv' else 'got'} {json.dumps(err.get('input'), ensure_ascii=False, default=str)[:60]})"
    accepted = _ACCEPTED.get(field)
    if etype == "extra_forbidden":
        accepted = LocalText(
            sv="fälten " + ", ".join(_ACCEPTED), en="the fields " + ", ".join(_ACCEPTED)
        )
    hint = f"; {'tillåtet' if lang == 'sv' else 'accepted'}: {accepted.get(lang)}" if accepted else ""
    return InputError(f"{problem}{got}{hint}", path)


def parse_application(
    data: Any, *, where: str = "application", lang: Lang = "sv"
) -> ProjectApplication | StudyTripApplication:
    """Validate one application (a dict, or an already valid model)."""
    if isinstance(data, ProjectApplication | StudyTripApplication):
        return data
    if not isinstance(data, Mapping):
        raise InputError(
            LocalText(
                sv=f"måste vara ett JSON-objekt med fälten {', '.join(_ACCEPTED)}, fick {type(data).__name__}",
                en=f"must be a JSON object with the fields {', '.join(_ACCEPTED)}, got {type(data).__name__}",
            ).get(lang),
            where,
        )
    try:
        return APPLICATION_ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise describe(exc, where=where, lang=lang) from None
