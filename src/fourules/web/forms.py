"""The check form: what a person typed, read into an application as the CLI reads one.

Besides the kind, the title and the applicants, the form asks for every fact the year's
vocabulary declares as stated (`policy.vocabulary.declarations`), one widget per type, its
label and hint from the declaration: a fact a year declares is on its form with no change
here. Amounts are read as people write them ("350 000", "350 000 kr", "350.000"); a field
left empty is "not stated". Problems are collected per field, so the form comes back with
every message beside its field and nothing typed lost.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from fourules.application import ISO_DATE, KINDS
from fourules.policy.facts import FactDeclaration
from fourules.policy.model import Policy
from fourules.text import LANGS, LocalText
from fourules.texts import both, initial, language, text

_AMOUNT = re.compile(r"^[0-9]{1,3}(?:[ .][0-9]{3})+$|^[0-9]+$")

Widget = Literal["yes_no", "radios", "select", "checkboxes", "amount", "number", "date", "text"]
"""How the form asks for a fact of each type (a one-of list as radios while it is short)."""

MOST_RADIOS = 6
"""A one-of fact with more values than this is a select."""

DISCRIMINATOR = "kind"
"""The application's kind: asked first, with its own radios, since it decides which facts
apply; the vocabulary declares it too, for conditions."""

FORM_NAMES = {"requested_sek": "requested"}
"""Form names that differ from the JSON field, kept from before the form was generated
(bookmarked links and scripted posts name them)."""

OWN_NAMES = frozenset(
    {"year", "lang", "shown_year", "id", "title", "applicants", "applicants_free", "criteria"}
    | {DISCRIMINATOR, "form", "errors", "change", "main"}
)
"""What the form and its pages use themselves (field names, element ids): a fact whose
JSON field is one of these is asked as `fact.<field>` (a fact's id has no dot)."""


@dataclass(frozen=True)
class FactInput:
    """One stated fact as the form asks for it, in the page's language."""

    declaration: FactDeclaration
    name: str
    """The form field's name, also its element's id."""
    widget: Widget
    label: str
    hint: str
    options: tuple[tuple[str, str], ...] = ()
    """radios, select, checkboxes: (value, label), "" for not stated."""

    @property
    def field(self) -> str:
        """The application's JSON field."""
        assert self.declaration.json_field is not None
        return self.declaration.json_field

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self.declaration.kinds)


@dataclass
class CheckForm:
    """The form as typed (every value kept, to show it again) and its problems per field."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    """The application's JSON field -> the form field that asks for it, where they differ."""

    def get(self, name: str, default: Any = "") -> Any:
        return self.values.get(name, default)

    def without_errors(self) -> CheckForm:
        return CheckForm(self.values, names=self.names)

    @property
    def fields(self) -> tuple[str, ...]:
        """The form's fields, as its messages are placed."""
        return tuple(self.values)

    def place(self, where: str | None) -> str:
        """The form field an evaluator's message is about (`form.requested_sek` → `requested`)."""
        return field_of(where, self.fields, self.names)


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
        return both("form.not_amount", typed=text)
    return int(re.sub(r"[ .]", "", cleaned))


def _sentence(text: str) -> str:
    """A declaration's help as a sentence of the page: capital first, full stop last."""
    text = _capital(text.strip())
    return text if not text or text[-1] in ".?!" else text + "."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _widget(d: FactDeclaration) -> Widget:
    if d.type == "yes_no":
        return "yes_no"
    if d.type == "one_of":
        return "radios" if len(d.values) <= MOST_RADIOS else "select"
    if d.type == "several_of":
        return "checkboxes"
    if d.type in ("whole_number", "duration"):
        return "number"
    if d.type in ("amount", "date"):
        return d.type
    return "text"


def _least(d: FactDeclaration) -> int:
    return d.minimum if d.minimum is not None else 0


def _input(d: FactDeclaration, name: str) -> FactInput:
    """How the form asks for `d`: the widget of its type, its label (with the unit an amount
    or a duration is in), its help and what the widget takes as the hint."""
    widget = _widget(d)
    label = d.label.get(language())
    if d.type == "amount":
        label += " (kr)"
    elif d.type == "duration":
        label += f" ({d.unit_words.get(language())})"
    notes = {
        "amount": text("hint.amount"),
        "number": text("hint.number", least=_least(d)),
        "date": text("hint.date"),
        "checkboxes": text("hint.checkboxes"),
        "text": text("hint.text"),
    }
    hint = " ".join(
        part
        for part in (
            _sentence(d.help.get(language())),
            notes.get(widget, ""),
            text("hint.assessor") if d.stated_by == "assessor" else "",
        )
        if part
    )
    # Radios end with "not stated", a select starts with it; a checkbox left unticked says it.
    unstated = ("", initial(text("column.not_stated")))
    choices = tuple((v.id, _capital(v.label.get(language()))) for v in d.values)
    options = {
        "yes_no": (
            ("yes", initial(text("yes_no.true"))),
            ("no", initial(text("yes_no.false"))),
            unstated,
        ),
        "radios": (*choices, unstated),
        "select": (unstated, *choices),
        "checkboxes": choices,
    }.get(widget, ())
    return FactInput(d, name, widget, label, hint, options)


def fact_inputs(policy: Policy) -> tuple[FactInput, ...]:
    """The facts the year's vocabulary declares as stated, as the form asks for them, in the
    order they are declared (the kind aside: it has its own place)."""
    inputs: list[FactInput] = []
    taken = set(OWN_NAMES) | set(FORM_NAMES.values())
    for d in policy.vocabulary.declarations:
        json_field = d.json_field
        if json_field is None or json_field == DISCRIMINATOR:
            continue
        name = FORM_NAMES.get(json_field) or (
            f"fact.{json_field}" if json_field in taken else json_field
        )
        taken.add(name)
        inputs.append(_input(d, name))
    return tuple(inputs)


def field_text(form: Mapping[str, Any], name: str) -> str:
    """The field NAME of FORM as typed, without the blanks around it ('' when not sent)."""
    return str(form.get(name) or "").strip()


def field_values(form: Mapping[str, Any], name: str) -> list[str]:
    """Every value sent of the field NAME of FORM (its ticked boxes), the empty ones left out."""
    getlist = getattr(form, "getlist", None)
    got = getlist(name) if getlist is not None else form.get(name, [])
    return [str(v) for v in ([got] if isinstance(got, str) else got) if str(v).strip()]


def read_check_form(form: Mapping[str, Any], policy: Policy) -> tuple[CheckForm, dict[str, Any]]:
    """The form's values and the application they make: kind, applicants, the year's criteria
    for the kind, and each stated fact of the kind as its type reads it."""

    def get(name: str) -> str:
        return field_text(form, name)

    picked, typed = field_values(form, "applicants"), get("applicants_free")
    kind = get(DISCRIMINATOR)
    values: dict[str, Any] = {
        DISCRIMINATOR: kind,
        "id": get("id"),
        "title": get("title"),
        "applicants": picked,
        "applicants_free": typed,
    }
    inputs = fact_inputs(policy)
    for f in inputs:
        values[f.name] = field_values(form, f.name) if f.widget == "checkboxes" else get(f.name)
    criteria = {c.id: get(f"criterion.{c.id}") for c in policy.vocabulary.criteria}
    values["criteria"] = criteria
    checked = CheckForm(values, names={f.field: f.name for f in inputs if f.field != f.name})
    errors = checked.errors
    if kind not in KINDS:
        errors[DISCRIMINATOR] = text("form.no_kind")
    if not values["title"]:
        errors["title"] = text("form.no_title")
    applicants = [*picked, *(line.strip() for line in typed.splitlines() if line.strip())]
    if not applicants:
        errors["applicants"] = text("form.no_applicants")
    application: dict[str, Any] = {
        "id": values["id"] or "ansokan",
        DISCRIMINATOR: kind,
        "title": values["title"],
        "applicants": applicants,
    }
    for f in inputs:
        # A fact of another kind is kept as typed but neither read nor sent: switching the
        # kind back shows it again.
        if kind in KINDS and kind not in f.kinds:
            continue
        value = read_fact(f.declaration, values[f.name])
        if isinstance(value, LocalText):
            errors[f.name] = value.get(language())
            value = None
        if kind in f.kinds:
            application[f.field] = value
    application["assessment"] = _assessment(criteria, policy, kind)
    return checked, application


def read_fact(d: FactDeclaration, typed: str | list[str]) -> Any:
    """A fact as typed, read by its type into its JSON value (None: not stated), or what is
    wrong with it."""
    if isinstance(typed, list):
        unknown = [v for v in typed if v not in d.value_ids]
        if unknown:
            return _not_a_choice(unknown[0])
        return typed or None
    if not typed:
        return None
    if d.type == "yes_no":
        return _yes_no(typed) if typed in ("yes", "no") else _not_a_choice(typed)
    if d.type == "one_of":
        return typed if typed in d.value_ids else _not_a_choice(typed)
    if d.type == "several_of":
        return read_fact(d, [typed])
    if d.type == "amount":
        return read_amount(typed)
    if d.type in ("whole_number", "duration"):
        return _whole_number(d, typed)
    if d.type == "date":
        return _date(typed)
    return typed


def _not_a_choice(value: str) -> LocalText:
    return both("form.not_a_choice", typed=value)


def _whole_number(d: FactDeclaration, typed: str) -> int | LocalText:
    """A whole number of at least the declared minimum (a project year from 1)."""
    least = _least(d)
    if typed.isascii() and typed.isdigit() and int(typed) >= least:
        return int(typed)
    return LocalText(
        **{
            lang: text(
                "form.not_whole_number",
                lang,
                typed=typed,
                unit=f" {d.unit_words.get(lang)}" if d.unit else "",
                least=least,
                second=least + 1,
                third=least + 2,
            )
            for lang in LANGS
        }
    )


def _date(typed: str) -> str | LocalText:
    """A date as the application states it, YYYY-MM-DD, and a real one."""
    try:
        if ISO_DATE.match(typed):
            date.fromisoformat(typed)
            return typed
    except ValueError:
        pass
    return both("form.not_date", typed=typed)


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


MOST_LINKED = 8000
"""The longest application the check form's address may carry (base64url characters): a
link people can share, within what servers and browsers accept of an address."""


class LinkProblem(Exception):
    """An application in the form's address that cannot be read: what is wrong, in the
    page's language, and what to do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def encode_application(application: Mapping[str, Any]) -> str:
    """An application as the check form's address carries it: its JSON (fields not stated
    left out), base64url without padding."""
    stated = {key: value for key, value in application.items() if value is not None}
    body = json.dumps(stated, ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(body.encode("utf-8")).decode("ascii").rstrip("=")


def decode_application(value: str) -> dict[str, Any]:
    """The application an address carries, or LinkProblem: too long, not base64url, not
    JSON, not an object."""
    if len(value) > MOST_LINKED:
        raise LinkProblem(text("check.link.too_long", length=len(value), limit=MOST_LINKED))
    try:
        padded = value.strip() + "=" * (-len(value.strip()) % 4)
        raw = base64.b64decode(padded, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise LinkProblem(text("check.link.not_base64")) from None
    try:
        found = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise LinkProblem(text("check.link.not_json")) from None
    if not isinstance(found, dict):
        raise LinkProblem(text("check.link.not_object"))
    return found


def linked_form(application: Mapping[str, Any], policy: Policy) -> tuple[CheckForm, list[str]]:
    """The check form filled with an application, as a person would have typed it (what
    `read_check_form` reads back as the same application), and the application's fields
    the year's form does not ask for (left out)."""
    picked, typed = _linked_applicants(application.get("applicants"), policy)
    values: dict[str, Any] = {
        DISCRIMINATOR: str(application.get(DISCRIMINATOR) or ""),
        "id": str(application.get("id") or ""),
        "title": str(application.get("title") or ""),
        "applicants": picked,
        "applicants_free": typed,
    }
    inputs = fact_inputs(policy)
    for f in inputs:
        values[f.name] = _as_typed(f, application.get(f.field))
    values["criteria"], left_out = _linked_criteria(application.get("assessment"), policy)
    own = {DISCRIMINATOR, "id", "title", "applicants", "assessment"} | {f.field for f in inputs}
    left_out += [key for key in application if key not in own]
    form = CheckForm(values, names={f.field: f.name for f in inputs if f.field != f.name})
    return form, left_out


def as_posted(form: CheckForm) -> dict[str, Any]:
    """The form's values as its post sends them (a criterion as `criterion.<id>`), for
    `read_check_form` to read as it reads a post: an answer's link is answered as the form
    it fills would be."""
    posted = {name: value for name, value in form.values.items() if name != "criteria"}
    for cid, value in form.get("criteria", {}).items():
        posted[f"criterion.{cid}"] = value
    return posted


def _linked_applicants(applicants: Any, policy: Policy) -> tuple[list[str], str]:
    """The applicants the year's list has (picked), and the others as typed, one a line."""
    named = [str(a) for a in applicants] if isinstance(applicants, list) else []
    if isinstance(applicants, str):  # one applicant, not in a list
        named = [applicants]
    members = {a.name for a in policy.administrations.members}
    return [a for a in named if a in members], "\n".join(a for a in named if a not in members)


def _linked_criteria(assessment: Any, policy: Policy) -> tuple[dict[str, str], list[str]]:
    """Each criterion of the year as its radios hold it ("yes", "no", "" not assessed), and
    the criteria assessed that the year does not have."""
    assessed = assessment if isinstance(assessment, dict) else {}
    criteria = {
        c.id: {True: "yes", False: "no"}.get(assessed[c.id], "")
        if isinstance(assessed.get(c.id), bool)
        else ""
        for c in policy.vocabulary.criteria
    }
    return criteria, [cid for cid in assessed if cid not in criteria]


def _as_typed(f: FactInput, value: Any) -> str | list[str]:
    """A fact's JSON value as a person types it on the form ("350 000", "yes", a date)."""
    if f.widget == "checkboxes":
        return [str(v) for v in value] if isinstance(value, list) else []
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if f.widget == "amount" and isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    return str(value)


def field_of(
    where: str | None, fields: Sequence[str], names: Mapping[str, str] | None = None
) -> str:
    """The form field an evaluator's message is about (`form.requested_sek` → `requested`);
    `names` the JSON fields the form asks under another name."""
    path = (where or "").removeprefix("form").lstrip(".")
    head = re.split(r"[.\[]", path, maxsplit=1)[0]
    aliases = {**FORM_NAMES, "assessment": "criteria", **(names or {})}
    name = aliases.get(head, head)
    return name if name in fields else "form"
