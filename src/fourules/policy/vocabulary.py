"""The vocabulary: every fact a policy's conditions may read, made from its declaration.

A fact is one unit, the way an OpenFisca variable or a Cedar schema entry is: declared once
in YAML (`facts.py`: the package's base vocabulary and a year's `facts:`), it becomes here
its engine field, how it is derived from an application, the message placeholder that shows
it, and the changes to an application that move it across a policy's boundaries (what
`diff --witnesses`, `fourules check` and the strategies of `fourules.testing` try).

A policy adds one fact per criterion it declares as assessed (`crit_<id>`), so a new
criterion needs no code, and its own declared facts, so a new application field needs none
either. A policy's `Vocabulary` is the union; everything that lists facts, fields or
criteria reads it.

The rule engine compares loosely ('10' < 18 is true, 1 == True), so every value is
normalised to an int, one of a few fixed strings, or (a set) a tuple of its declared values,
which the engine is given as one yes/no field per member (`conditions.engine_fact`).
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, cached_property
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, TypeVar, overload

from pydantic import BaseModel, Field, TypeAdapter, create_model

from fourules.application import (
    KINDS,
    Kind,
    ProjectApplication,
    StudyTripApplication,
)
from fourules.errors import InputError
from fourules.policy.conditions import (
    Condition,
    EngineShape,
    FactField,
    FactValue,
    FieldKind,
    Scalar,
    Shifted,
    holds,
    member_field,
    parse,
)
from fourules.policy.facts import (
    CRITERION_PREFIX,
    ENGINE_KIND,
    RESERVED,
    FactDeclaration,
    base_declarations,
    engine_reader,
    stated_fields,
)
from fourules.text import NOT_STATED, CatalogueText, Lang, LocalText, format_sek
from fourules.texts import text

if TYPE_CHECKING:
    from fourules.policy.administrations import AdministrationIndex, Resolution

AnyApplication = ProjectApplication | StudyTripApplication

_Model = TypeVar("_Model", bound="ProjectApplication | StudyTripApplication")
L = LocalText
YES_NO = ("yes", "no")


def date_number(day: date) -> int:
    """2017-09-04 -> 20170904: dates compare as numbers inside the engine."""
    return day.year * 10000 + day.month * 100 + day.day


def yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


class Facts(NamedTuple):
    """The fact for the engine, plus the applicant resolutions the messages need. A named
    tuple, immutable as a frozen dataclass is, built in half the time (0.15 µs less an
    evaluation)."""

    fact: dict[str, FactValue]
    applicants: tuple[Resolution, ...]
    plain: dict[str, Scalar] | None = None
    """The fact in a ruleset's shape (`conditions.engine_fact`), when derived for one."""


@dataclass(frozen=True)
class Boundaries:
    """Where outcomes can turn, for a set of policies: the constants they compare facts with,
    the administrations they name and the criteria they assess (see `Policy.boundaries`)."""

    amounts: tuple[int, ...] = ()
    dates: tuple[date, ...] = ()
    years: tuple[int, ...] = ()
    names: tuple[str, ...] = ()
    """Every name the policies know: administrations, former and not yet formed ones."""
    districts: tuple[str, ...] = ()
    """Districts that are administrations in every one of the policies."""
    numbers: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    """Per whole-number field, the numbers the policies compare it with."""
    texts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per text field with open values (a destination), the words the policies compare it with."""
    criteria: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per kind, the criteria every one of the policies assesses."""


Derive = Callable[["AnyApplication", tuple["Resolution", ...]], FactValue | None]
Render = Callable[["AnyApplication", Facts, Lang], str]
Shown = Callable[["AnyApplication", Facts], Hashable]
"""What a fact's placeholder shows, as a key: equal keys render equal text in a language
(so a finding whose message shows it can be reused instead of rendered again)."""
Vary = Callable[[dict[str, Any], Boundaries], Iterator[dict[str, Any]]]


def _nothing(base: dict[str, Any], bounds: Boundaries) -> Iterator[dict[str, Any]]:
    return iter(())


@dataclass(frozen=True)
class Reading:
    """A fact read from one field of the application, from one criterion assessed, or
    counted over the applicants."""

    field: str
    """The application's field; for an assessed criterion, the criterion's id; for a count,
    which (`applicant_counts`)."""
    read: Callable[[Any], FactValue | None] | None = None
    """What the rules are given for the value (None: the value as given)."""
    assessed: bool = False
    counted: bool = False


@dataclass(frozen=True)
class Fact:
    """A field of the fact the rules see, as its declaration makes it (`facts.py`)."""

    name: str
    kind: FieldKind
    derive: Derive
    values: tuple[str, ...] = ()
    kinds: tuple[Kind, ...] = KINDS
    """The kinds of application that can have it."""
    placeholder: str | None = None
    """The `{name}` a rule's message may use to show it."""
    render: Render | None = None
    shown: Shown | None = None
    """Everything `render` reads, as a key (with a placeholder, always given)."""
    vary: Vary = _nothing
    """Applications, from a base one, that move the fact across the boundaries."""
    declaration: FactDeclaration | None = None
    """What it was made from (None: an assessed criterion's fact)."""
    reading: Reading | None = None
    """How `derive` reads it, when it reads one field of the application (or one criterion
    of its assessment): what `Vocabulary.derive` does without calling `derive`."""

    @property
    def field(self) -> FactField:
        """What the condition language needs to know of it."""
        return FactField(self.kind, self.values)


def _found(resolutions: tuple[Resolution, ...]) -> dict[str, Any]:
    return {r.administration.id: r.administration for r in resolutions if r.administration}


_APPLICANT_COUNTS: Mapping[str, Callable[[tuple[Resolution, ...]], int]] = {
    "unrecognised": lambda resolutions: sum(r.administration is None for r in resolutions),
    "administrations": lambda resolutions: len(_found(resolutions)),
    "districts": lambda resolutions: sum(
        a.type == "district" for a in _found(resolutions).values()
    ),
}


def applicant_counts(resolutions: tuple[Resolution, ...]) -> dict[str, int]:
    """Every applicant count, counted once per set of names: the index gives the same tuple
    of resolutions for the same names (`AdministrationIndex.resolve_all`), and the counts
    are kept with it, by its identity; the entry keeps the tuple, so no id stands for a
    later one (deriving the fact 4.9 -> 3.0 µs for 2018, 5.2 -> 3.7 µs for 2024)."""
    entry = _COUNTS.get(id(resolutions))
    if entry is None or entry[0] is not resolutions:
        if len(_COUNTS) >= 20_000:  # bounded: memory stays flat in a long-running service
            _COUNTS.clear()
        counts = {name: count(resolutions) for name, count in _APPLICANT_COUNTS.items()}
        entry = _COUNTS[id(resolutions)] = (resolutions, counts)
    return entry[1]


def _counted(which: str) -> Derive:
    return lambda app, resolutions: applicant_counts(resolutions)[which]


_COUNTS: dict[int, tuple[tuple[Resolution, ...], dict[str, int]]] = {}


def _render_unrecognised(app: AnyApplication, facts: Facts, lang: Lang) -> str:
    return "; ".join(
        f"”{r.as_written}” ({r.hint.get(lang) if r.hint else ''})"
        for r in facts.applicants
        if r.administration is None
    )


def _render_administrations(app: AnyApplication, facts: Facts, lang: Lang) -> str:
    names = (r.administration.name for r in facts.applicants if r.administration)
    return ", ".join(dict.fromkeys(names))


def _render_districts(app: AnyApplication, facts: Facts, lang: Lang) -> str:
    return str(facts.fact.get("districts", 0))


_APPLICANT_RENDER: Mapping[str, Render] = {
    "unrecognised": _render_unrecognised,
    "administrations": _render_administrations,
    "districts": _render_districts,
}


def _shown_applicants(app: AnyApplication, facts: Facts) -> Hashable:
    # Every applicant fact is read from the names as written (resolved in the year's index).
    return tuple(app.applicants)


def _vary_applicants(base: dict[str, Any], b: Boundaries) -> Iterator[dict[str, Any]]:
    for name in b.names:
        yield {**base, "applicants": [name]}
    if len(b.districts) >= 2:
        yield {**base, "applicants": list(b.districts[:2])}


def _stated_render(d: FactDeclaration) -> Render:
    """How a message shows a stated fact: an amount as kronor, a value by its label, a set
    as its members, anything not stated as "not stated"."""
    field = d.json_field
    assert field is not None
    labels = {v.id: v.label for v in d.values}

    def render(app: AnyApplication, facts: Facts, lang: Lang) -> str:
        value = getattr(app, field, None)
        if value is None:
            return NOT_STATED.get(lang)
        if d.type == "amount":
            return format_sek(value)
        if d.type == "date":
            return str(value.isoformat())
        if d.type == "yes_no":
            return text("yes_no.true" if value else "yes_no.false", lang)
        if d.type == "one_of":
            return labels[value].get(lang)
        if d.type == "several_of":
            return ", ".join(value)
        return str(value)

    return render


def _stated_shown(d: FactDeclaration) -> Shown:
    """A stated fact's value as a key: a set's members as a tuple, anything else as given
    (strict fields: a yes/no is a bool, a number an int, so no `True` stands for a `1`)."""
    field = d.json_field
    assert field is not None
    if d.type == "several_of":
        return lambda app, facts: (
            None if (value := getattr(app, field, None)) is None else tuple(value)
        )
    return lambda app, facts: getattr(app, field, None)


YES_NO_WORDS = {True: CatalogueText("yes_no.true"), False: CatalogueText("yes_no.false")}
"""The words for a yes-or-no value, the catalogue's (`yes_no.*`)."""


def _stated_vary(d: FactDeclaration) -> Vary:
    """The applications that move a stated fact across the boundaries, by its type: either
    side of each constant a condition compares it with, each value, not stated."""
    field = d.json_field
    assert field is not None
    least = d.minimum if d.minimum is not None else 0

    def numbers(b: Boundaries) -> list[int]:
        near = {n + step for n in b.numbers.get(d.id, ()) for step in (-1, 0, 1)}
        if d.type == "amount":
            near |= {n + step for n in b.amounts for step in (-1, 0, 1)} | {0}
        if d.type == "whole_number" and max(near, default=least) <= least + 10:
            near |= set(range(least, max(near, default=least) + 2))
        return sorted(n for n in near if n >= least)

    def vary(base: dict[str, Any], b: Boundaries) -> Iterator[dict[str, Any]]:
        if d.type in ("amount", "whole_number", "duration"):
            for n in numbers(b):
                yield {**base, field: n}
        elif d.type == "date":
            for day in b.dates:
                for step in (-1, 0, 1):
                    yield {**base, field: (day + timedelta(days=step)).isoformat()}
        elif d.type == "yes_no":
            for flag in (True, False):
                if base.get(field) is not flag:
                    yield {**base, field: flag}
        elif d.type == "one_of":
            for value in d.value_ids:
                if base.get(field) != value:
                    yield {**base, field: value}
        elif d.type == "several_of":
            # Every non-empty set of the values: each case any_of, all_of and none_of can
            # tell apart (2**n - 1 applications; the lists are short).
            for size in range(1, len(d.values) + 1):
                for chosen in itertools.combinations(d.value_ids, size):
                    yield {**base, field: list(chosen)}
        else:
            for word in b.texts.get(d.id, ()):
                yield {**base, field: word.capitalize()}
        for value in d.tries:
            yield {**base, field: value}
        if base.get(field) is not None:
            yield {**base, field: None}

    return vary


def declared_fact(d: FactDeclaration) -> Fact:
    """The fact a declaration makes."""
    kind, values = ENGINE_KIND[d.type], d.engine_values
    if d.derived is not None and d.derived.applicants is not None:
        return Fact(
            d.id,
            kind,
            _counted(d.derived.applicants),
            reading=Reading(d.derived.applicants, counted=True),
            values=values,
            kinds=tuple(d.kinds),
            placeholder=d.placeholder,
            render=_APPLICANT_RENDER[d.derived.applicants],
            shown=_shown_applicants,
            vary=_vary_applicants,
            declaration=d,
        )
    if d.derived is not None:
        # Derived by a condition: computed in `Vocabulary.derive`, after the facts it reads.
        return Fact(d.id, kind, lambda app, _: None, values=values,
                    kinds=tuple(d.kinds), declaration=d)  # fmt: skip
    field = d.json_field
    assert field is not None
    # The kind is what the application is, not a value of it: every kind is tried anyway.
    vary = _nothing if field == "kind" else _stated_vary(d)
    read = engine_reader(d)
    return Fact(
        d.id,
        kind,
        (
            (lambda app, _: getattr(app, field, None))
            if read is None
            else (lambda app, _: read(getattr(app, field, None)))
        ),
        values=values,
        kinds=tuple(d.kinds),
        placeholder=d.placeholder,
        render=_stated_render(d) if d.placeholder else None,
        shown=_stated_shown(d) if d.placeholder else None,
        vary=vary,
        declaration=d,
        reading=Reading(field, read),
    )


def base_facts() -> tuple[Fact, ...]:
    """The facts every year shares, in the order they are documented (docs/policies.md)."""
    return tuple(declared_fact(d) for d in base_declarations())


@dataclass(frozen=True)
class AssessedCriterion:
    """A criterion an assessor judges: given in an application's `assessment` by its id."""

    id: str
    title: LocalText
    kinds: tuple[Kind, ...]


def criterion_fact(criterion: AssessedCriterion) -> Fact:
    """The fact of an assessed criterion: `crit_<id>`, yes or no, absent when not assessed."""
    cid = criterion.id

    def vary(base: dict[str, Any], b: Boundaries) -> Iterator[dict[str, Any]]:
        assessed = dict(base.get("assessment") or {})
        for value in (True, False, None):
            if assessed.get(cid, "absent") is not value:
                yield {**base, "assessment": {**assessed, cid: value}}
        if cid in assessed:
            yield {**base, "assessment": {k: v for k, v in assessed.items() if k != cid}}

    return Fact(
        CRITERION_PREFIX + cid,
        "str",
        lambda app, _: yes_no(app.assessment.get(cid)),
        values=YES_NO,
        kinds=criterion.kinds,
        vary=vary,
        reading=Reading(cid, assessed=True),
    )


def _named(facts: Sequence[Fact]) -> dict[str, Fact]:
    """The facts by name; names once each, none the engine reserves or gives a set's member."""
    named = {f.name: f for f in facts}
    if len(named) != len(facts) or RESERVED & set(named):
        raise ValueError("fact ids must be unique, and none of id, sid, t")
    # A set's members reach the engine as `<field>__<member>`: no fact may be named so.
    members = {member_field(f.name, v) for f in facts if f.kind == "set" for v in f.values}
    if members & set(named):
        raise ValueError(
            f"{', '.join(sorted(members & set(named)))} is how a set's member reaches the engine"
        )
    return named


_NO_SHAPE = EngineShape({})


def _set_fields(
    plain: dict[str, Scalar], name: str, value: tuple[str, ...], members: Sequence[tuple[str, str]]
) -> None:
    """A set as the engine is given it: its size, and a yes/no field per member named."""
    plain[name] = len(value)
    for member, engine_field in members:
        plain[engine_field] = "yes" if member in value else "no"


def _shift_fields(
    plain: dict[str, Scalar], fact: Mapping[str, FactValue], shifts: Sequence[Shifted]
) -> None:
    """Each comparison of a date with a moved date, as the engine is given it: yes or no
    when both dates are there."""
    for shift in shifts:
        if shift.field in fact and shift.other in fact:
            plain[shift.engine_field] = "yes" if holds(shift, fact) else "no"


_Plan = tuple[
    tuple[tuple[str, str], ...],
    tuple[tuple[str, str, Callable[[Any], FactValue | None]], ...],
    tuple[tuple[str, str], ...],
    tuple[tuple[str, str], ...],
    tuple[tuple[str, Derive], ...],
]
"""A kind's facts by how they are derived: as given, through a reader, assessed, counted,
otherwise."""


def _plan(facts: Sequence[Fact]) -> _Plan:
    given, read, assessed, counted, derived = [], [], [], [], []
    for f in facts:
        reading = f.reading
        if reading is None:
            derived.append((f.name, f.derive))
        elif reading.assessed:
            assessed.append((f.name, reading.field))
        elif reading.counted:
            counted.append((f.name, reading.field))
        elif reading.read is None:
            given.append((f.name, reading.field))
        else:
            read.append((f.name, reading.field, reading.read))
    return tuple(given), tuple(read), tuple(assessed), tuple(counted), tuple(derived)


class Vocabulary:
    """One policy's vocabulary: the declared facts (the base and the year's own) and a fact
    per assessed criterion."""

    def __init__(
        self,
        criteria: Sequence[AssessedCriterion] = (),
        declarations: Sequence[FactDeclaration] | None = None,
    ) -> None:
        self.criteria = tuple(criteria)
        self.declarations: tuple[FactDeclaration, ...] = tuple(
            base_declarations() if declarations is None else declarations
        )
        facts = [
            *(declared_fact(d) for d in self.declarations),
            *(criterion_fact(c) for c in self.criteria),
        ]
        self.facts: dict[str, Fact] = _named(facts)
        self.fields: dict[str, FactField] = {f.name: f.field for f in facts}
        self.placeholders: dict[str, Fact] = {f.placeholder: f for f in facts if f.placeholder}
        self._derive: dict[str, _Plan] = {
            kind: _plan([f for f in facts if kind in f.kinds]) for kind in KINDS
        }
        self.derived_conditions: dict[str, Condition] = self._read_derived()
        """Each fact derived by a condition, and the condition (read)."""
        self._conditions: dict[str, tuple[tuple[str, Condition], ...]] = {
            kind: tuple(
                (name, cond)
                for name, cond in self.derived_conditions.items()
                if kind in self.facts[name].kinds
            )
            for kind in KINDS
        }
        self.assessed: dict[str, tuple[str, ...]] = {
            kind: tuple(c.id for c in self.criteria if kind in c.kinds) for kind in KINDS
        }
        self.assessable: dict[str, frozenset[str]] = {
            kind: frozenset(ids) for kind, ids in self.assessed.items()
        }
        """The criteria assessed per kind, as a set (a known assessment is one subset test)."""
        self._contracts: dict[tuple[str, type[BaseModel]], type[BaseModel]] = {}

    def _read_derived(self) -> dict[str, Condition]:
        return {
            d.id: self._derived_condition(d)
            for d in self.declarations
            if d.derived is not None and d.derived.when is not None
        }

    def _derived_condition(self, d: FactDeclaration) -> Condition:
        assert d.derived is not None and d.derived.when is not None
        before = self.declarations[: self.declarations.index(d)]
        fields = {b.id: self.fields[b.id] for b in before}

        def no_parameters(name: str) -> tuple[FieldKind, int]:
            raise KeyError(f"a derived fact reads facts, not parameters (${name})")

        return parse(
            d.derived.when, fields=fields, param=no_parameters, where=f"facts.{d.id}.derived.when"
        )

    def derive(
        self,
        application: AnyApplication,
        index: AdministrationIndex,
        shape: EngineShape | None = None,
    ) -> Facts:
        """The fact the rules see; only facts with a value are in it. With a ruleset's
        `shape`, also the fact as that ruleset is given it, derived in the same pass: what
        `conditions.engine_fact` makes of the fact, without reading it a second time
        (deriving and shaping 2.6 -> 1.8 µs for 2018, 3.2 -> 2.1 µs for 2024)."""
        resolutions = index.resolve_all(application.applicants)
        given, read, assessed, counted, derived = self._derive[application.kind]
        members = (_NO_SHAPE if shape is None else shape).members
        fact: dict[str, FactValue] = {}
        plain: dict[str, Scalar] = {}
        # Each way of reading a fact in a loop of its own, with no call where none is needed
        # (deriving the fact 2.8 -> 2.1-2.3 µs for 2018, 3.4 -> 2.5 µs for 2024). Facts come in
        # that order, not the declarations': nothing reads a fact by its place.
        for name, stated in given:
            value = getattr(application, stated, None)
            if value is not None:
                fact[name] = plain[name] = value
        for name, stated, reader in read:
            value = reader(getattr(application, stated, None))
            if value is None:
                continue
            fact[name] = value
            if isinstance(value, tuple):
                _set_fields(plain, name, value, members.get(name, ()))
            else:
                plain[name] = value
        assessment = application.assessment
        for name, criterion in assessed:
            flag = assessment.get(criterion)
            if flag is not None:
                fact[name] = plain[name] = "yes" if flag else "no"
        if counted:
            counts = applicant_counts(resolutions)
            for name, which in counted:
                fact[name] = plain[name] = counts[which]
        for name, derive in derived:
            value = derive(application, resolutions)
            if value is not None:
                fact[name] = value
                plain[name] = value  # type: ignore[assignment]  # no derive gives a set
        for name, cond in self._conditions[application.kind]:
            fact[name] = plain[name] = "yes" if holds(cond, fact) else "no"
        if shape is None:
            return Facts(fact, resolutions)
        if shape.shifts:
            _shift_fields(plain, fact, shape.shifts)
        return Facts(fact, resolutions, plain)

    # --- the application contract, as this vocabulary extends it ---------------------------

    @cached_property
    def added(self) -> tuple[FactDeclaration, ...]:
        """The stated facts the base application contract does not have: the year's own."""
        return tuple(
            d
            for d in self.declarations
            if d.json_field is not None
            and not any(d.json_field in m.model_fields for m in _CONTRACT.values())
        )

    def contract_fields(self, kind: Kind) -> dict[str, Any]:
        """The fields the year adds to an application of the kind, for `create_model`."""
        return {
            d.json_field: (d.annotation(), Field(default=None, description=d.help.en))
            for d in self.added
            if kind in d.kinds and d.json_field is not None
        }

    def contract(self, kind: Kind, base: type[BaseModel] | None = None) -> type[BaseModel]:
        """The application model of the kind under this vocabulary (the base model when the
        year adds no field to it); `base` a subclass of the kind's model (a round's row)."""
        model = base or _CONTRACT[kind]
        key = (kind, model)
        if key not in self._contracts:
            extra = self.contract_fields(kind)
            self._contracts[key] = (
                create_model(model.__name__, __base__=model, __doc__=model.__doc__, **extra)
                if extra
                else model
            )
        return self._contracts[key]

    @cached_property
    def application_adapter(self) -> TypeAdapter[AnyApplication]:
        """Reads an application under this vocabulary: the year's own fields included."""
        if not self.added:
            from fourules.application import APPLICATION_ADAPTER

            return APPLICATION_ADAPTER
        models = tuple(self.contract(kind) for kind in KINDS)
        union: Any = Annotated[models[0] | models[1], Field(discriminator="kind")]
        return TypeAdapter(union)

    @cached_property
    def stated(self) -> dict[str, FactDeclaration]:
        """The stated facts by their application field (`kind`, `requested_sek`, …)."""
        return stated_fields(self.declarations)

    @cached_property
    def hints(self) -> dict[str, Callable[[], LocalText]]:
        """What each stated field accepts, for input messages: looked up when one shows it,
        so reading a good application reads no catalogue."""
        return {d.json_field: d.hint for d in self.declarations if d.json_field}

    @cached_property
    def kind_only(self) -> dict[str, Kind]:
        """The stated fields only one kind has, and that kind."""
        return {
            d.json_field: d.kinds[0]
            for d in self.declarations
            if d.json_field and len(d.kinds) == 1
        }

    def render(
        self, placeholder: str, application: AnyApplication, facts: Facts, lang: Lang
    ) -> str:
        fact = self.placeholders[placeholder]
        assert fact.render is not None
        return fact.render(application, facts, lang)

    def check_assessment(self, application: AnyApplication, policy_id: str, where: str) -> None:
        """Refuse an assessment of a criterion this policy does not declare for the kind:
        an unknown criterion would otherwise be silently ignored."""
        assessment = application.assessment
        if not assessment or assessment.keys() <= self.assessable[application.kind]:
            return  # the common case, decided in C (0.3 -> 0.2 µs)
        allowed = self.assessed[application.kind]
        unknown = [
            InputError(
                self._unknown_criterion(key, application.kind, policy_id),
                f"{where}.assessment.{key}",
            )
            for key in application.assessment
            if key not in allowed
        ]
        if unknown:
            raise InputError.together(unknown)

    def _unknown_criterion(self, key: str, kind: str, policy_id: str) -> LocalText:
        allowed = self.assessed[kind]
        other = next((k for k in KINDS if k != kind and key in self.assessed[k]), None)
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)

        def said(lang: Lang) -> str:
            accepted = (
                text("assessment.accepted", lang, criteria=", ".join(allowed))
                if allowed
                else text("assessment.none", lang, kind=text(f"assessment.kind.{kind}", lang))
            )
            if other is not None:
                kind_name = text(f"assessment.kind.{other}", lang)
                return text(
                    "assessment.other_kind",
                    lang,
                    kind=kind_name,
                    policy=policy_id,
                    accepted=accepted,
                )
            guess = text("assessment.guess", lang, criterion=close[0]) if close else ""
            return text(
                "assessment.unknown", lang, policy=policy_id, guess=guess, accepted=accepted
            )

        return L(sv=said("sv"), en=said("en"))

    @overload
    def restrict(self, application: dict[str, Any]) -> dict[str, Any]: ...
    @overload
    def restrict(self, application: _Model) -> _Model: ...

    def restrict(self, application: dict[str, Any] | _Model) -> dict[str, Any] | _Model:
        """The application as this policy reads it, for comparing years that read differently:
        assessments of criteria it does not declare for the kind are set aside, and so (in an
        application given as data) are fields another year declares and this one does not (a
        model keeps them: only this vocabulary's facts are derived from it)."""
        if isinstance(application, dict):
            kind = application.get("kind", "")
            if kind in _CONTRACT:
                known = self.contract(kind).model_fields
                application = {k: v for k, v in application.items() if k in known}
            assessment = application.get("assessment")
        else:
            assessment, kind = application.assessment, application.kind
        if not isinstance(assessment, dict):
            return application
        allowed = self.assessed.get(kind, ())
        kept = {k: v for k, v in assessment.items() if k in allowed}
        if len(kept) == len(assessment):
            return application
        if isinstance(application, dict):
            return {**application, "assessment": kept}
        return application.model_copy(update={"assessment": kept})  # type: ignore[return-value]

    @classmethod
    def merged(cls, *vocabularies: Vocabulary) -> Vocabulary:
        """One vocabulary for several policies: every criterion any of them assesses and every
        fact any of them declares (the first declaration of an id)."""
        kinds: dict[str, set[str]] = {}
        titles: dict[str, LocalText] = {}
        declared: dict[str, FactDeclaration] = {}
        for vocabulary in vocabularies:
            for c in vocabulary.criteria:
                kinds.setdefault(c.id, set()).update(c.kinds)
                titles.setdefault(c.id, c.title)
            for d in vocabulary.declarations:
                declared.setdefault(d.id, d)
        return cls(
            [
                AssessedCriterion(cid, titles[cid], tuple(k for k in KINDS if k in found))
                for cid, found in kinds.items()
            ],
            tuple(declared.values()) if vocabularies else None,
        )

    def variations(
        self, name: str, base: dict[str, Any], bounds: Boundaries
    ) -> Iterator[dict[str, Any]]:
        """Applications that move one fact across the boundaries, for the base's kind."""
        fact = self.facts[name]
        if base["kind"] in fact.kinds:
            yield from fact.vary(base, bounds)


@cache
def base_vocabulary() -> Vocabulary:
    """The base vocabulary alone (no year's facts, no criteria): what the base application
    contract reads; built once."""
    return Vocabulary()


_CONTRACT: dict[str, type[BaseModel]] = {
    "project": ProjectApplication,
    "study_trip": StudyTripApplication,
}


def boundary_applications(vocabulary: Vocabulary, bounds: Boundaries) -> Iterator[dict[str, Any]]:
    """For each kind, the base application and every one-fact variation of it: each case a
    rule can tell apart at the policies' boundaries (for lint, self-checks, case coverage)."""
    for kind in KINDS:
        base = base_application(kind, bounds, vocabulary)
        for name in vocabulary.facts:
            yield base
            yield from vocabulary.variations(name, base, bounds)


def base_application(
    kind: Kind, bounds: Boundaries, vocabulary: Vocabulary | None = None
) -> dict[str, Any]:
    """An application every policy of `bounds` accepts, to vary one fact at a time from: every
    criterion met, every yes/no fact yes, every several-of fact its first value."""
    base: dict[str, Any] = {
        "id": "witness",
        "kind": kind,
        "title": "witness",
        "applicants": list(bounds.districts[:1] or bounds.names[:1]),
        "requested_sek": 1000,
        "assessment": dict.fromkeys(bounds.criteria.get(kind, ()), True),
    }
    for d in (vocabulary or base_vocabulary()).declarations:
        if d.json_field is None or kind not in d.kinds:
            continue
        if d.type == "yes_no":
            base[d.json_field] = True
        elif d.type == "several_of":
            base[d.json_field] = [d.value_ids[0]]
    return base
