"""Fact declarations: the vocabulary as data.

A fact is declared once, in YAML: the base vocabulary shipped with the package
(`vocabulary.yaml` beside this module, the facts every year shares) and, in a year's
`policy.yaml`, a `facts:` list of additions or changes. A declaration says what the fact is
(one type of a small closed set), which kinds of application have it, who states it (the
applicant, an assessor) or how it is derived, and its labels and help in Swedish and English.
Everything else — the application's JSON field and its schema, the input hints, the engine's
field, the message placeholder, the values boundaries and witnesses try — follows from the
type, here, once per type.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

from fourules.application import KINDS, MAX_EXACT, IsoDate, Kind
from fourules.policy.conditions import FieldKind
from fourules.policy.source import empty_list
from fourules.text import LocalText
from fourules.texts import Lang, both, text

FactType = Literal[
    "yes_no", "amount", "whole_number", "date", "duration", "one_of", "several_of", "text"
]
"""The closed set of types a declared fact has."""

ENGINE_KIND: Mapping[str, FieldKind] = {
    "yes_no": "str",
    "amount": "int",
    "whole_number": "int",
    "date": "date",
    "duration": "int",
    "one_of": "str",
    "several_of": "set",
    "text": "str",
}
"""How the condition language and the engine see a fact of each type."""

ApplicantMeasure = Literal["unrecognised", "administrations", "districts"]
"""What is counted of an application's applicants, once each is resolved to an administration
of the year (domain code: `AdministrationIndex.resolve`)."""

BASE_FILE = Path(__file__).with_name("vocabulary.yaml")
CRITERION_PREFIX = "crit_"
RESERVED = frozenset({"id", "sid", "t"})
"""Fields durable-rules reserves: a fact must never carry them."""
STRUCTURAL = frozenset({"id", "title", "applicants", "assessment"})
"""The application's fields that are no fact of their own: what identifies it, and what the
applicant facts and the assessed criteria are derived from."""


class Choice(BaseModel):
    """One value of a one-of or several-of fact."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: LocalText


class Derivation(BaseModel):
    """How a derived fact follows from others: a count over the applicants once resolved, or a
    condition (yes when it holds) over facts declared before it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    applicants: ApplicantMeasure | None = None
    when: dict[str, Any] | None = Field(
        default=None, description="A condition (see docs/policies.md) over facts declared before."
    )

    @model_validator(mode="after")
    def _one(self) -> Derivation:
        if (self.applicants is None) == (self.when is None):
            raise ValueError("give exactly one of applicants, when")
        return self


class FactDeclaration(BaseModel):
    """One fact of the vocabulary."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        description="The fact's name in conditions; for a stated fact also its JSON field.",
    )
    type: FactType
    label: LocalText
    help: LocalText
    kinds: list[Kind] = Field(
        default_factory=lambda: list(KINDS),
        min_length=1,
        description="The kinds of application that have it.",
    )
    stated_by: Literal["applicant", "assessor"] | None = Field(
        default=None, description="Who gives it in the application; absent for a derived fact."
    )
    derived: Derivation | None = None
    field: str | None = Field(
        default=None,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="The application's JSON field, when it is not the fact's id.",
    )
    values: list[Choice] = Field(
        default_factory=empty_list, description="one_of, several_of: the values, each with a label."
    )
    unit: Literal["days", "months", "years"] | None = Field(
        default=None, description="duration: the unit of its whole number."
    )
    minimum: int | None = Field(
        default=None, description="whole_number, duration: the least value (default 0)."
    )
    reads: Literal["whole", "first_place"] = Field(
        default="whole",
        description=(
            "text: what conditions compare, in lower case: the whole text, or its first place "
            "('Malmö, Lund och Helsingborg' -> 'malmö')."
        ),
    )
    placeholder: str | None = Field(
        default=None, description="The `{name}` a rule's message may use to show it."
    )
    tries: list[Any] = Field(
        default_factory=empty_list,
        description="Values boundaries and witnesses try besides those the type gives.",
    )
    changeable: bool = Field(
        default=True,
        description=(
            "A stated fact: whether `explain` may suggest changing it (an amount, a date, a "
            "partner can change; what the application is, or which project year, cannot)."
        ),
    )

    @model_validator(mode="after")
    def _consistent(self) -> FactDeclaration:
        if (self.stated_by is None) == (self.derived is None):
            raise ValueError("a fact is either stated (stated_by) or derived (derived), not both")
        if self.type in ("one_of", "several_of") and not self.values:
            raise ValueError(f"a {self.type} fact lists its values")
        if self.values and self.type not in ("one_of", "several_of"):
            raise ValueError(f"values are for one_of and several_of facts, not {self.type}")
        if (self.unit is None) == (self.type == "duration"):
            raise ValueError("a duration fact gives its unit (days, months, years); no other does")
        if self.field is not None and self.stated_by is None:
            raise ValueError("field is for a stated fact")
        if self.derived is not None and self.derived.when is not None and self.type != "yes_no":
            raise ValueError("a fact derived by a condition is yes_no")
        if self.derived is not None and self.derived.applicants and self.type != "whole_number":
            raise ValueError("a count over the applicants is a whole_number")
        if len({v.id for v in self.values}) != len(self.values):
            raise ValueError("values are listed once each")
        if self.id.startswith(CRITERION_PREFIX) or self.id in RESERVED | STRUCTURAL:
            raise ValueError(
                f"{self.id!r} is taken: crit_<id> names an assessed criterion; "
                f"{', '.join(sorted(RESERVED | STRUCTURAL))} are reserved"
            )
        return self

    @property
    def json_field(self) -> str | None:
        """The application's field that states it (None: derived)."""
        return None if self.stated_by is None else (self.field or self.id)

    @property
    def value_ids(self) -> tuple[str, ...]:
        return tuple(v.id for v in self.values)

    @property
    def engine_values(self) -> tuple[str, ...]:
        """The values a str or set field takes (empty: open text)."""
        return ("yes", "no") if self.type == "yes_no" else self.value_ids

    def annotation(self) -> Any:
        """The Python type of its JSON field (null always allowed: not stated)."""
        least = self.minimum if self.minimum is not None else 0
        if self.type == "yes_no":
            return StrictBool | None
        if self.type in ("amount", "whole_number", "duration"):
            return Annotated[StrictInt, Field(ge=least, le=MAX_EXACT)] | None
        if self.type == "date":
            return IsoDate | None
        one: Any = Literal.__getitem__(self.value_ids)  # Literal["train", "bus", …] at run time
        if self.type == "one_of":
            return one | None
        if self.type == "several_of":
            return list[one] | None
        return Annotated[str, Field(strict=True)] | None

    def hint(self) -> LocalText:
        """What its JSON field accepts, for input messages (looked up only when one shows it)."""
        least = self.minimum if self.minimum is not None else 0
        values = ", ".join(self.value_ids)

        def accepts(lang: Lang) -> str:
            params: dict[str, object] = {}
            if self.type in ("whole_number", "duration"):
                params["least"] = least
            if self.type == "duration":
                params["unit"] = self.unit_words.get(lang)
            if self.type in ("one_of", "several_of"):
                params["values"] = values
            base = text(f"fact.accepts.{self.type}", lang, **params)
            if len(self.kinds) == len(KINDS):
                return base
            only = text(f"fact.only.{self.kinds[0]}", lang)
            return text("fact.accepts.only", lang, accepts=base, only=only)

        return LocalText(sv=accepts("sv"), en=accepts("en"))

    @property
    def unit_words(self) -> LocalText:
        """The words for its unit (a duration's days, months or years)."""
        return both(f"fact.unit.{self.unit or 'days'}")


class Declarations(BaseModel):
    """A vocabulary file: its facts, in the order they are documented."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    facts: list[FactDeclaration] = Field(min_length=1)


@cache
def base_declarations() -> tuple[FactDeclaration, ...]:
    """The facts every year shares, from the package's `vocabulary.yaml`."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load(BASE_FILE.read_text(encoding="utf-8"), Loader=loader)
    return tuple(Declarations.model_validate(raw).facts)


def merged_declarations(
    base: tuple[FactDeclaration, ...], year: list[FactDeclaration]
) -> tuple[FactDeclaration, ...]:
    """The base with a year's declarations: a new id is added at the end, a base id replaced
    where it stood (its type and JSON field must stay: the application contract is shared)."""
    by_id = {d.id: d for d in base}
    added: list[FactDeclaration] = []
    for declaration in year:
        old = by_id.get(declaration.id)
        if old is None:
            added.append(declaration)
            continue
        if (old.type, old.json_field) != (declaration.type, declaration.json_field):
            raise ValueError(
                f"fact {declaration.id!r} changes the base vocabulary's type or field "
                f"({old.type}, {old.json_field}); declare a new fact instead"
            )
        by_id[declaration.id] = declaration
    return (*by_id.values(), *added)


def stated_fields(declarations: Iterable[FactDeclaration]) -> dict[str, FactDeclaration]:
    """The stated facts by the application field that states them."""
    return {d.json_field: d for d in declarations if d.json_field is not None}


def engine_reader(declaration: FactDeclaration) -> Callable[[Any], Any] | None:
    """How a stated value reaches the rules: yes/no, a whole number, a YYYYMMDD number, a
    value id, the given members in declared order, or lower-case text (None: not stated).
    Chosen once per declaration, not per value: it runs for every fact of every evaluation
    (deriving a fact, median of 7 × 20 000: 5.0 -> 4.6 µs for 2018, 4.4 -> 3.8 µs for 2024).
    None: the value reaches the rules as given (an amount, a number, a value id), with no
    call at all."""
    t = declaration.type
    if t == "yes_no":
        return lambda value: None if value is None else ("yes" if value else "no")
    if t == "date":
        return lambda value: (
            None if value is None else value.year * 10000 + value.month * 100 + value.day
        )
    if t == "several_of":
        order = declaration.value_ids

        def members(value: Any) -> Any:
            if value is None:
                return None
            chosen = set(value)
            return tuple(v for v in order if v in chosen) or None

        return members
    if t == "text" and declaration.reads == "first_place":
        return lambda value: None if value is None else first_place(value)
    if t == "text":
        return lambda value: None if value is None else (value.strip().casefold() or None)
    return None


def first_place(text: str) -> str | None:
    """'Malmö, Lund och Helsingborg' -> 'malmö': the place a condition compares."""
    first = re.split(r",| och | and ", text.casefold())[0].strip()
    return first or None
