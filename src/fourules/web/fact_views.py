"""What the facts' pages show and read (`web/fact_pages.py`): the year's own facts as its
policy.yaml declares them under `facts:` (read as YAML, so a draft whose policy does not load
still shows them), the base vocabulary's, given by every year, a declaration's form as typed,
and the declaration it writes — held to the declaration model's own rules
(`policy/facts.FactDeclaration`, and the policy's: one id per fact, a base fact's type and
field kept), each problem beside the field it is about — the check's problems about a fact,
and what else in the draft names it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, ClassVar, get_args

import yaml
from pydantic import ValidationError

from fourules.application import KINDS
from fourules.authoring.policy_item_edits import Flow, flow_text, in_order
from fourules.policy.facts import (
    STRUCTURAL,
    FactDeclaration,
    FactType,
    base_declarations,
    merged_declarations,
)
from fourules.text import LocalText
from fourules.texts import language, text
from fourules.use_cases.check import CheckDocument, CheckProblem
from fourules.web.editor import ById, linked
from fourules.web.forms import read_fact
from fourules.web.gate import Form, field_text, field_values
from fourules.web.lists import by_id
from fourules.web.policy_items import Bilingual
from fourules.web.removals import Naming, cases, mentions, names_word, rules

TYPES: tuple[str, ...] = get_args(FactType)
"""The types a fact has, in the order the form offers them."""
ORIGINS = ("applicant", "assessor", "derived")
"""Who gives a fact: stated by the applicant or an assessor, or derived from others."""
MEASURES = ("unrecognised", "administrations", "districts")
"""What a fact derived from the applicants counts (`policy/facts.ApplicantMeasure`)."""
UNITS = ("days", "months", "years")
READS = ("whole", "first_place")
FACT_KEYS = (
    "id",
    "type",
    "unit",
    "minimum",
    "reads",
    "kinds",
    "stated_by",
    "derived",
    "field",
    "values",
    "changeable",
    "label",
    "help",
    "placeholder",
    "tries",
)
"""A declaration's keys in the order the vocabulary writes them (policy/vocabulary.yaml)."""
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
EXTRA_VALUES = 3
"""Empty rows the form offers for a choice's values beyond those written."""
MOST_TYPED = 4000
"""The longest condition or list of tried values read: a few lines."""
EXAMPLE_WHEN = "{field: project_year, ge: 3}"
"""A condition as the form's words show one."""
_VALUE = re.compile(r"^values\.(\d+)\.(id|sv|en)$")

RULES = (
    ("a fact is either stated", "stated_by", "pages.facts.rule.stated_or_derived"),
    ("lists its values", "values", "pages.facts.rule.values_needed"),
    ("values are for one_of and several_of", "values", "pages.facts.rule.values_choices"),
    ("a duration fact gives its unit", "unit", "pages.facts.rule.unit"),
    ("field is for a stated fact", "field", "pages.facts.rule.field_stated"),
    ("a fact derived by a condition is yes_no", "type", "pages.facts.rule.when_yes_no"),
    ("a count over the applicants is a whole_number", "type", "pages.facts.rule.count_whole"),
    ("values are listed once each", "values", "pages.facts.rule.values_once"),
    ("is taken: crit_<id>", "id", "pages.facts.rule.id_taken"),
    ("give exactly one of applicants, when", "derived", "pages.facts.rule.derived_one"),
)
"""The declaration model's own rules, by the words it refuses with: the field each is about
and the catalogue's words for it (tests/test_fact_pages.py holds every rule of the model to
one of these)."""


@dataclass(frozen=True)
class FactRow(ById):
    """One fact of the year as policy.yaml declares it, at its place in `facts:`."""

    index: int
    id: str
    written: dict[str, Any]
    type: str
    kinds: list[str]
    origin: str
    label: dict[str, str]
    help: dict[str, str]
    base: bool
    """Whether it declares again a fact of the base vocabulary (a label, help, tries)."""


def rows(policy: Any) -> list[FactRow]:
    """The facts policy.yaml declares, in its order."""
    base = {d.id for d in base_declarations()}
    return [
        FactRow(
            **named,
            written=entry,
            type=str(entry.get("type") or ""),
            kinds=[str(k) for k in entry.get("kinds") or KINDS],
            origin=_origin(entry),
            label=Bilingual.written_of(entry.get("label")),
            help=Bilingual.written_of(entry.get("help")),
            base=str(entry.get("id")) in base,
        )
        for entry, named in by_id(policy, "facts")
    ]


def _origin(entry: Mapping[str, Any]) -> str:
    stated = entry.get("stated_by")
    return str(stated) if stated else "derived" if entry.get("derived") else ""


@dataclass(frozen=True)
class BaseFact:
    """A fact of the base vocabulary, as the table shows it: given by every year."""

    id: str
    type: str
    kinds: list[str]
    origin: str
    label: LocalText


def base_facts() -> list[BaseFact]:
    return [
        BaseFact(d.id, d.type, list(d.kinds), d.stated_by or "derived", d.label)
        for d in base_declarations()
    ]


@dataclass
class FactTyped:
    """A fact's form as sent (or as the fact stands), with the problems beside its fields.
    `values`: a choice's values as rows of (id, Swedish label, English label)."""

    kept: ClassVar[tuple[str, ...]] = ("id", "label_sv", "label_en", "help_sv", "help_en")
    """What a refusal shows back of the form."""
    id: str = ""
    type: str = "yes_no"
    kinds: list[str] = field(default_factory=lambda: list(KINDS))
    stated_by: str = "applicant"
    derived_applicants: str = ""
    derived_when: str = ""
    json_field: str = ""
    values: list[tuple[str, str, str]] = field(default_factory=list)
    unit: str = ""
    minimum: str = ""
    reads: str = "whole"
    changeable: bool = True
    label: Bilingual = field(default_factory=Bilingual)
    help: Bilingual = field(default_factory=Bilingual)
    placeholder: str = ""
    tries: str = ""
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, row: FactRow | None, message: str) -> FactTyped:
        if row is None:
            return cls(message=message)
        w = row.written
        found, listed = w.get("derived"), w.get("values")
        derived: dict[str, Any] = found if isinstance(found, dict) else {}
        values: list[Any] = listed if isinstance(listed, list) else []
        return cls(
            id=row.id,
            type=row.type,
            kinds=list(row.kinds),
            stated_by=row.origin,
            derived_applicants=str(derived.get("applicants") or ""),
            derived_when=flow_text(derived["when"]) if derived.get("when") is not None else "",
            json_field=str(w.get("field") or ""),
            values=[
                (str(v.get("id") or ""), *_labels(v.get("label")))
                for v in values
                if isinstance(v, dict)
            ],
            unit=str(w.get("unit") or ""),
            minimum="" if w.get("minimum") is None else str(w.get("minimum")),
            reads=str(w.get("reads") or "whole"),
            changeable=w.get("changeable", True) is not False,
            label=Bilingual.of(row.label),
            help=Bilingual.of(row.help),
            placeholder=str(w.get("placeholder") or ""),
            tries="\n".join(_tried(t) for t in w.get("tries") or []),
            message=message,
        )

    def value_rows(self) -> list[tuple[str, str, str]]:
        """The values as the form shows them: those typed, and a few empty rows to add more."""
        return [*self.values, *[("", "", "")] * EXTRA_VALUES]


def _labels(label: Any) -> tuple[str, str]:
    said = Bilingual.written_of(label)
    return said.get("sv", ""), said.get("en", "")


def _tried(value: Any) -> str:
    """A value tried, one a line: a set's members separated by commas; yes and no as words."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def read_typed(form: Form, key: str, row: FactRow | None) -> FactTyped:
    """The form as sent for the fact KEY (None ROW: a new one)."""

    get, many = partial(field_text, form), partial(field_values, form)

    places: dict[int, dict[str, str]] = {}
    for name in form:
        found = _VALUE.match(str(name))
        if found:
            places.setdefault(int(found.group(1)), {})[found.group(2)] = get(str(name))
    values = [
        (said.get("id", ""), said.get("sv", ""), said.get("en", ""))
        for _, said in sorted(places.items())
        if any(said.values())
    ]
    return FactTyped(
        id=get("id") if row is None else key,
        type=get("type"),
        kinds=[k for k in KINDS if k in many("kinds")],
        stated_by=get("stated_by"),
        derived_applicants=get("derived_applicants"),
        derived_when=get("derived_when"),
        json_field=get("field"),
        values=values,
        unit=get("unit"),
        minimum=get("minimum"),
        reads=get("reads") or "whole",
        changeable=get("changeable") == "yes",
        label=Bilingual.read(get, "label").folded(),
        help=Bilingual.read(get, "help").folded(),
        placeholder=get("placeholder"),
        tries=str(form.get("tries") or "").strip(),
        message=str(form.get("message") or ""),
    )


def declaration_of(typed: FactTyped, row: FactRow | None, policy: Any) -> dict[str, Any] | None:
    """The declaration the form writes, in the vocabulary's order of keys and as it writes
    them (a label and a choice's labels on one line), a key whose value is its default left
    out unless the fact wrote it; None, with each problem beside its field, when the model
    or the policy refuses it."""
    written: dict[str, Any] = dict(row.written) if row is not None else {}
    said = _said(typed, written)
    if typed.errors:
        return None
    try:
        declared = FactDeclaration.model_validate(said)
    except ValidationError as exc:
        for error in exc.errors():
            place, words = _placed(error["loc"], error["msg"])
            typed.errors.setdefault(place, words)
        return None
    _in_policy(typed, declared, row, policy)
    tries = _tries(typed, declared)
    if typed.errors:
        return None
    if tries:
        said["tries"] = Flow(tries)
    elif "tries" in written:
        said["tries"] = Flow([])
    return _styled(in_order(list(written), said, FACT_KEYS))


def _said(typed: FactTyped, written: Mapping[str, Any]) -> dict[str, Any]:
    """The declaration's keys as typed (before the model reads them)."""
    said: dict[str, Any] = {"id": typed.id, "type": typed.type}
    if typed.unit:
        said["unit"] = typed.unit
    _said_minimum(typed, said)
    _said_scope(typed, written, said)
    _said_stated_by(typed, said)
    _said_answers(typed, written, said)
    _said_words(typed, said)
    _said_placeholder(typed, said)
    return said


def _said_minimum(typed: FactTyped, said: dict[str, Any]) -> None:
    """The least value, a whole number when typed."""
    if not typed.minimum:
        return
    if re.fullmatch(r"-?\d+", typed.minimum):
        said["minimum"] = int(typed.minimum)
    else:
        typed.errors["minimum"] = text("pages.facts.minimum.not_whole", typed=typed.minimum)


def _said_scope(typed: FactTyped, written: Mapping[str, Any], said: dict[str, Any]) -> None:
    """How the fact is read and for which kinds, written when not the default or when the
    fact already wrote it."""
    if typed.reads != "whole" or "reads" in written:
        said["reads"] = typed.reads
    if set(typed.kinds) != set(KINDS) or "kinds" in written:
        said["kinds"] = typed.kinds


def _said_stated_by(typed: FactTyped, said: dict[str, Any]) -> None:
    """Who states the fact, or how it is derived."""
    if typed.stated_by in ("applicant", "assessor"):
        said["stated_by"] = typed.stated_by
    elif typed.stated_by == "derived":
        said["derived"] = _derived(typed)
    else:
        typed.errors["stated_by"] = text("pages.facts.stated_by.needed")


def _said_answers(typed: FactTyped, written: Mapping[str, Any], said: dict[str, Any]) -> None:
    """The application's field, the choices and whether the answer may change."""
    if typed.json_field:
        said["field"] = typed.json_field
    if typed.values or "values" in written:
        said["values"] = [{"id": i, "label": {"sv": sv, "en": en}} for i, sv, en in typed.values]
    if not typed.changeable or "changeable" in written:
        said["changeable"] = typed.changeable


def _said_words(typed: FactTyped, said: dict[str, Any]) -> None:
    """The label and the help, each needed in both languages."""
    for key, words in (("label", typed.label), ("help", typed.help)):
        words.needed(typed.errors, key, text(f"pages.facts.{key}.needed"))
        said[key] = words.written()


def _said_placeholder(typed: FactTyped, said: dict[str, Any]) -> None:
    """The document's placeholder for the fact, a name when typed."""
    if not typed.placeholder:
        return
    if NAME.match(typed.placeholder):
        said["placeholder"] = typed.placeholder
    else:
        typed.errors["placeholder"] = text(
            "pages.facts.placeholder.not_name", typed=typed.placeholder
        )


def _derived(typed: FactTyped) -> dict[str, Any]:
    """How a derived fact follows: a count over the applicants, or a condition (YAML, read
    without aliases: a few characters of them stand for millions of values)."""
    derived: dict[str, Any] = {}
    if typed.derived_applicants:
        derived["applicants"] = typed.derived_applicants
    if typed.derived_when:
        when = _condition(typed)
        if when is not None:
            derived["when"] = when
    return derived


def _condition(typed: FactTyped) -> dict[str, Any] | None:
    said = typed.derived_when
    try:
        if len(said) > MOST_TYPED:
            raise ValueError(text("pages.facts.when.long", most=MOST_TYPED))
        if any(isinstance(e, yaml.AliasEvent) for e in yaml.parse(said, Loader=yaml.SafeLoader)):
            raise ValueError(text("pages.facts.when.alias"))
        when = yaml.safe_load(said)
        if not isinstance(when, dict):
            raise ValueError(text("pages.facts.when.not_mapping", example=EXAMPLE_WHEN))
    except yaml.YAMLError as exc:
        problem = str(exc).split("\n")[0]
        typed.errors["derived"] = text(
            "pages.facts.when.unreadable", problem=problem, example=EXAMPLE_WHEN
        )
        return None
    except ValueError as exc:
        typed.errors["derived"] = str(exc)
        return None
    return when


def _placed(loc: tuple[Any, ...], msg: str) -> tuple[str, str]:
    """The form's field a problem the declaration model finds at LOC is about, and its words
    (the model's own rule, or what the field accepts)."""
    for words, place, key in RULES:
        if words in msg:
            return place, text(key)
    parts = [str(p) for p in loc]
    head = parts[0] if parts else ""
    if head == "values" and len(parts) > 2 and parts[1].isdigit():
        part = "id" if parts[2] == "id" else parts[-1] if parts[-1] in ("sv", "en") else "sv"
        return f"values.{parts[1]}.{part}", text(
            f"pages.facts.values.{'id' if part == 'id' else 'label'}"
        )
    if head in ("label", "help"):
        lang = parts[1] if len(parts) > 1 and parts[1] in ("sv", "en") else "sv"
        return f"{head}_{lang}", text(f"pages.facts.{head}.needed")
    if head in ("id", "type", "kinds", "unit", "minimum", "reads", "field", "placeholder"):
        return head, text(f"pages.facts.{head}.invalid")
    if head == "derived":
        return "derived", text("pages.facts.derived.invalid")
    return "type", text("pages.facts.refused", problem=msg)


def _in_policy(
    typed: FactTyped, declared: FactDeclaration, row: FactRow | None, policy: Any
) -> None:
    """The policy's rules about a year's fact: an id declared once, a base fact's type and
    field kept (the application contract is shared), no field of the application's own."""
    if row is None and any(r.id == declared.id for r in rows(policy)):
        typed.errors["id"] = text("pages.facts.id.taken", id=declared.id)
    try:
        merged_declarations(base_declarations(), [declared])
    except ValueError:
        base = next(d for d in base_declarations() if d.id == declared.id)
        said = text("pages.facts.base.kept", id=base.id, type=text(f"pages.facts.type.{base.type}"))
        typed.errors["type" if base.type != declared.type else "field"] = said
    if declared.json_field in STRUCTURAL and declared.id not in {d.id for d in base_declarations()}:
        typed.errors["field"] = text("pages.facts.field.structural", field=declared.json_field)


def _tries(typed: FactTyped, declared: FactDeclaration) -> list[Any]:
    """The values tried, one a line, each read as the fact's type reads a value."""
    out: list[Any] = []
    if len(typed.tries) > MOST_TYPED:
        typed.errors["tries"] = text("pages.facts.when.long", most=MOST_TYPED)
        return out
    for line in [ln.strip() for ln in typed.tries.splitlines() if ln.strip()]:
        said: str | list[str] = line
        if declared.type == "several_of":
            said = [part.strip() for part in line.split(",") if part.strip()]
        value = read_fact(declared, said)
        if isinstance(value, LocalText):
            typed.errors["tries"] = text(
                "pages.facts.tries.invalid", line=line, problem=value.get(language())
            )
            return out
        out.append(value)
    return out


def _styled(said: dict[str, Any]) -> dict[str, Any]:
    """The declaration as the vocabulary writes one: its kinds, its label, a choice's labels,
    a derivation on one line; its help in a block."""
    out = dict(said)
    for key in ("kinds", "label", "derived"):
        if key in out:
            out[key] = Flow(out[key])
    if "values" in out:
        out["values"] = [v | {"label": Flow(v["label"])} for v in out["values"]]
    return out


def concerning(check: CheckDocument, row: FactRow) -> list[dict[str, Any]]:
    """The check's problems about the fact ROW: those at its place (`facts.0…`), and those
    naming it (`facts.<id>…`: a derivation naming a later fact), each linked to its field."""

    def elsewhere(p: CheckProblem) -> str | None:
        if not names_word(p.message, f"facts.{row.id}"):
            return None
        after = p.message.split(f"facts.{row.id}", 1)[1]
        part = after[1:].split(".")[0].split(":")[0] if after.startswith(".") else ""
        return f"#{_anchor(part)}"

    return linked(check, f"facts.{row.index}", lambda part: _anchor(part.split(".")[0]), elsewhere)


def _anchor(part: str) -> str:
    if part in ("label", "help"):
        return f"{part}_sv"
    if part in ("id", "type", "kinds", "stated_by", "derived", "field", "values", "unit"):
        return part
    if part in ("minimum", "reads", "placeholder", "tries", "changeable"):
        return part
    return "type"


def naming(files: Mapping[str, str], policy: Any, row: FactRow) -> list[Naming]:
    """What else in the draft names the fact ROW: rules whose conditions read it or whose
    messages show it, facts derived from it, and cases whose application states it."""
    placeholder = row.written.get("placeholder")
    field_name = str(row.written.get("field") or row.id)

    def rule_names(rule: dict[str, Any]) -> bool:
        said = [b.get("message") for b in rule.get("branches") or [] if isinstance(b, dict)]
        shown = placeholder is not None and any(
            names_word(str(m), f"{{{placeholder}}}") for m in said
        )
        return mentions(rule.get("branches"), row.id) or shown

    def case_names(case: dict[str, Any]) -> bool:
        application = case.get("application")
        return isinstance(application, dict) and field_name in application

    derived = [
        Naming("policy.yaml", f"facts.{r.id}", code=True)
        for r in rows(policy)
        if r.id != row.id and mentions(r.written.get("derived"), row.id)
    ]
    return [*rules(policy, rule_names), *derived, *cases(files, case_names)]
