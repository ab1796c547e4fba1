"""The check form: what a person typed, read into an application as the CLI reads one.

Amounts are read as people write them ("350 000", "350 000 kr", "350.000"); a field left
empty is "not stated". Problems are collected per field, so the form comes back with every
message beside its field and nothing typed lost.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fourules.application import KINDS, TRAVEL_MODES
from fourules.policy.model import Policy
from fourules.text import Lang, LocalText

L = LocalText
_AMOUNT = re.compile(r"^[0-9]{1,3}(?:[ .][0-9]{3})+$|^[0-9]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class CheckForm:
    """The form as typed (every value kept, to show it again) and its problems per field."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)

    def get(self, name: str, default: Any = "") -> Any:
        return self.values.get(name, default)

    def without_errors(self) -> CheckForm:
        return CheckForm(self.values)


def read_amount(text: str) -> int | LocalText | None:
    """Whole kronor from "350 000", "350 000 kr", "350.000", "350 000,00", "350 000:-" or
    "350000"; None when empty."""
    cleaned = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    cleaned = re.sub(r"\s*(kr|kronor|sek)\.?$", "", cleaned, flags=re.IGNORECASE).strip()
    # Whole kronor as accounts write them: "350 000,00", "350 000:-".
    cleaned = re.sub(r"(,00?|:-)$", "", cleaned).strip()
    if not cleaned:
        return None
    if not _AMOUNT.match(cleaned):
        return L(
            sv=f"”{text}” är inget belopp i hela kronor; skriv t.ex. 350 000",
            en=f"”{text}” is not an amount in whole kronor; write e.g. 350 000",
        )
    return int(re.sub(r"[ .]", "", cleaned))


def _multi(form: Any, name: str) -> list[str]:
    values = form.getlist(name) if hasattr(form, "getlist") else form.get(name, [])
    return [str(v) for v in values if str(v).strip()]


def read_check_form(
    form: Mapping[str, Any], policy: Policy, lang: Lang
) -> tuple[CheckForm, dict[str, Any]]:
    """The form's values and the application they make (kind, applicants, amount, dates,
    the year's criteria for the kind, travel, gender analysis)."""

    def get(name: str) -> str:
        return str(form.get(name) or "").strip()

    picked, typed = _multi(form, "applicants"), get("applicants_free")
    kind = get("kind")
    values: dict[str, Any] = {
        "kind": kind,
        "id": get("id"),
        "title": get("title"),
        "applicants": picked,
        "applicants_free": typed,
        "requested": get("requested"),
        "submitted": get("submitted"),
        "project_year": get("project_year"),
        "travel_modes": _multi(form, "travel_modes"),
        "destination": get("destination"),
        "gender_analysis": get("gender_analysis"),
    }
    criteria = {c.id: get(f"criterion.{c.id}") for c in policy.vocabulary.criteria}
    values["criteria"] = criteria
    checked = CheckForm(values)
    errors = checked.errors
    if kind not in KINDS:
        errors["kind"] = L(sv="välj stödform", en="choose a kind").get(lang)
    if not values["title"]:
        errors["title"] = L(sv="ange ansökans titel", en="give the application's title").get(lang)
    applicants = [*picked, *(line.strip() for line in typed.splitlines() if line.strip())]
    if not applicants:
        errors["applicants"] = L(
            sv="välj eller skriv minst en sökande förvaltning",
            en="pick or type at least one applicant administration",
        ).get(lang)
    amount = read_amount(values["requested"])
    if isinstance(amount, LocalText):
        errors["requested"] = amount.get(lang)
    if values["submitted"] and not _DATE.match(values["submitted"]):
        errors["submitted"] = L(
            sv=f"”{values['submitted']}” är inget datum; skriv ÅÅÅÅ-MM-DD",
            en=f"”{values['submitted']}” is not a date; write YYYY-MM-DD",
        ).get(lang)
    application: dict[str, Any] = {
        "id": values["id"] or "ansokan",
        "kind": kind,
        "title": values["title"],
        "applicants": applicants,
        "requested_sek": None if isinstance(amount, LocalText) else amount,
        "submitted": values["submitted"] or None,
        "assessment": _assessment(criteria, policy, kind),
        "gender_analysis": _yes_no(values["gender_analysis"]),
    }
    if kind == "project":
        application["project_year"] = _project_year(values["project_year"], errors, lang)
    elif kind == "study_trip":
        modes = [m for m in values["travel_modes"] if m in TRAVEL_MODES]
        application["travel_modes"] = modes or None
        application["destination"] = values["destination"] or None
    return checked, application


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _assessment(criteria: Mapping[str, str], policy: Policy, kind: str) -> dict[str, bool]:
    """The assessed criteria of the kind; "not assessed" is left out, as in a file."""
    own = policy.vocabulary.assessed.get(kind, ())
    out = {}
    for cid in own:
        value = _yes_no(criteria.get(cid, ""))
        if value is not None:
            out[cid] = value
    return out


def _project_year(text: str, errors: dict[str, str], lang: Lang) -> int | None:
    """The project year typed; empty is not stated (reported as not checked, never 1)."""
    if not text:
        return None
    if text.isascii() and text.isdigit() and int(text) >= 1:
        return int(text)
    errors["project_year"] = L(
        sv=f"”{text}” är inget projektår; skriv 1, 2 eller 3 …",
        en=f"”{text}” is not a project year; write 1, 2 or 3 …",
    ).get(lang)
    return None


def field_of(where: str | None, fields: Sequence[str]) -> str:
    """The form field an evaluator's message is about (`form.requested_sek` → `requested`)."""
    path = (where or "").removeprefix("form").lstrip(".")
    head = re.split(r"[.\[]", path, maxsplit=1)[0]
    aliases = {"requested_sek": "requested", "assessment": "criteria"}
    name = aliases.get(head, head)
    return name if name in fields else "form"
