"""The declared vocabulary: every fact a policy's conditions may read, each declared once.

A fact is one unit, the way an OpenFisca variable or a Cedar schema entry is: its name, kind
and values, how it is derived from an application, the message placeholder that shows it,
and the changes to an application that move it across a policy's boundaries (what
`diff --witnesses`, `fourules check` and the strategies of `fourules.testing` try).

The facts every year shares are declared here (`FACTS`): they read the application
contract, which is the same for every year. A policy adds one fact per criterion it
declares as assessed (`crit_<id>`), so a new criterion needs no code. A policy's
`Vocabulary` is the union; everything that lists facts or criteria reads it.

The rule engine compares loosely ('10' < 18 is true, 1 == True), so every value is
normalised to an int, one of a few fixed strings, or (a set) a tuple of its declared values,
which the engine is given as one yes/no field per member (`conditions.engine_fact`).
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypeVar, overload

from fourules.application import KINDS, TRAVEL_MODES, Kind
from fourules.errors import InputError
from fourules.policy.conditions import FactField, FactValue, FieldKind, member_field
from fourules.text import NOT_STATED, Lang, LocalText, format_sek

if TYPE_CHECKING:
    from fourules.application import ProjectApplication, StudyTripApplication
    from fourules.policy.administrations import AdministrationIndex, Resolution

    AnyApplication = ProjectApplication | StudyTripApplication

_Model = TypeVar("_Model", bound="ProjectApplication | StudyTripApplication")
L = LocalText
YES_NO = ("yes", "no")
KIND_NAME: Mapping[str, LocalText] = {
    "project": L(sv="lokala utvecklingsprojekt", en="local development projects"),
    "study_trip": L(sv="studieresor", en="study trips"),
}
RESERVED = frozenset({"id", "sid", "t"})
"""Fields durable-rules reserves: a fact must never carry them."""


def date_number(day: date) -> int:
    """2017-09-04 -> 20170904: dates compare as numbers inside the engine."""
    return day.year * 10000 + day.month * 100 + day.day


def yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


@dataclass(frozen=True)
class Facts:
    """The fact for the engine, plus the applicant resolutions the messages need."""

    fact: dict[str, FactValue]
    applicants: tuple[Resolution, ...]


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
    texts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per text field with open values (a destination), the words the policies compare it with."""
    criteria: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per kind, the criteria every one of the policies assesses."""


Derive = Callable[["AnyApplication", tuple["Resolution", ...]], FactValue | None]
Render = Callable[["AnyApplication", Facts, Lang], str]
Vary = Callable[[dict[str, Any], Boundaries], Iterator[dict[str, Any]]]


def _nothing(base: dict[str, Any], bounds: Boundaries) -> Iterator[dict[str, Any]]:
    return iter(())


@dataclass(frozen=True)
class Fact:
    """A field of the fact the rules see, declared once."""

    name: str
    kind: FieldKind
    description: LocalText
    derive: Derive
    values: tuple[str, ...] = ()
    kinds: tuple[Kind, ...] = KINDS
    """The kinds of application that can have it."""
    placeholder: str | None = None
    """The `{name}` a rule's message may use to show it."""
    render: Render | None = None
    vary: Vary = _nothing
    """Applications, from a base one, that move the fact across the boundaries."""

    @property
    def field(self) -> FactField:
        """What the condition language needs to know of it."""
        return FactField(self.kind, self.description.en, self.values)


# --- the facts every year shares ---------------------------------------------------------


def _found(resolutions: tuple[Resolution, ...]) -> dict[str, Any]:
    return {r.administration.id: r.administration for r in resolutions if r.administration}


def _vary_requested(base: dict[str, Any], b: Boundaries) -> Iterator[dict[str, Any]]:
    for cap in b.amounts:
        for value in (cap - 1, cap, cap + 1):
            yield {**base, "requested_sek": value}
    yield {**base, "requested_sek": 0}
    yield {**base, "requested_sek": None}


def _vary_submitted(base: dict[str, Any], b: Boundaries) -> Iterator[dict[str, Any]]:
    for day in b.dates:
        for d in (day - timedelta(days=1), day, day + timedelta(days=1)):
            yield {**base, "submitted": d.isoformat()}


def _vary_project_year(base: dict[str, Any], b: Boundaries) -> Iterator[dict[str, Any]]:
    yield {**base, "project_year": None}
    for year in range(1, max(b.years, default=1) + 2):
        yield {**base, "project_year": year}


def _render_project_year(app: AnyApplication, facts: Facts, lang: Lang) -> str:
    year = getattr(app, "project_year", None)
    return NOT_STATED.get(lang) if year is None else str(year)


def _vary_applicants(base: dict[str, Any], b: Boundaries) -> Iterator[dict[str, Any]]:
    for name in b.names:
        yield {**base, "applicants": [name]}
    if len(b.districts) >= 2:
        yield {**base, "applicants": list(b.districts[:2])}


def _vary_gender_analysis(base: dict[str, Any], b: Boundaries) -> Iterator[dict[str, Any]]:
    for value in (False, None):
        yield {**base, "gender_analysis": value}


def _members(values: tuple[str, ...], given: Any) -> tuple[str, ...] | None:
    """A set fact: the declared values given, in declared order; None when none is."""
    chosen = set(given or ())
    return tuple(v for v in values if v in chosen) or None


def _vary_members(name: str, values: tuple[str, ...]) -> Vary:
    """Every non-empty set of the values, and none: each case any_of, all_of and none_of
    can tell apart (2**n - 1 applications; the lists are short)."""

    def vary(base: dict[str, Any], b: Boundaries) -> Iterator[dict[str, Any]]:
        for size in range(1, len(values) + 1):
            for chosen in itertools.combinations(values, size):
                yield {**base, name: list(chosen)}
        yield {**base, name: None}

    return vary


def _first_place(destination: str | None) -> str | None:
    """'Malmö, Lund och Helsingborg' -> 'malmö': the place a condition compares."""
    if not destination:
        return None
    first = re.split(r",| och | and ", destination.casefold())[0].strip()
    return first or None


def _vary_destination(base: dict[str, Any], b: Boundaries) -> Iterator[dict[str, Any]]:
    yield {**base, "destination": None}
    for place in b.texts.get("destination", ()):
        yield {**base, "destination": place.capitalize()}


def _render_unrecognised(app: AnyApplication, facts: Facts, lang: Lang) -> str:
    return "; ".join(
        f"”{r.as_written}” ({r.hint.get(lang) if r.hint else ''})"
        for r in facts.applicants
        if r.administration is None
    )


def _render_administrations(app: AnyApplication, facts: Facts, lang: Lang) -> str:
    names = (r.administration.name for r in facts.applicants if r.administration)
    return ", ".join(dict.fromkeys(names))


FACTS: tuple[Fact, ...] = (
    Fact(
        "kind",
        "str",
        L(sv="projekt eller studieresa", en="project or study_trip"),
        lambda app, _: app.kind,
        values=KINDS,
        placeholder="kind_name",
        render=lambda app, _, lang: KIND_NAME[app.kind].get(lang),
    ),
    Fact(
        "requested",
        "int",
        L(
            sv="sökt belopp i kronor; saknas när det inte anges",
            en="requested_sek; absent when not stated",
        ),
        lambda app, _: app.requested_sek,
        placeholder="requested_sek",
        render=lambda app, _, lang: (
            NOT_STATED.get(lang) if app.requested_sek is None else format_sek(app.requested_sek)
        ),
        vary=_vary_requested,
    ),
    Fact(
        "submitted",
        "date",
        L(
            sv="inlämningsdatum; saknas när det inte anges",
            en="submission date; absent when not given",
        ),
        lambda app, _: None if app.submitted is None else date_number(app.submitted),
        placeholder="submitted",
        render=lambda app, _, lang: (
            app.submitted.isoformat() if app.submitted else NOT_STATED.get(lang)
        ),
        vary=_vary_submitted,
    ),
    Fact(
        "project_year",
        "int",
        L(
            sv="projektår (bara projekt); saknas när det inte anges",
            en="project year (projects only); absent when not stated",
        ),
        lambda app, _: getattr(app, "project_year", None),
        kinds=("project",),
        placeholder="project_year",
        render=_render_project_year,
        vary=_vary_project_year,
    ),
    Fact(
        "unrecognised_applicants",
        "int",
        L(
            sv="sökande som inte är en förvaltning det året",
            en="applicants that are not an administration of the year",
        ),
        lambda app, resolutions: sum(r.administration is None for r in resolutions),
        placeholder="unrecognised",
        render=_render_unrecognised,
        vary=_vary_applicants,
    ),
    Fact(
        "administrations",
        "int",
        L(
            sv="olika förvaltningar bland de sökande",
            en="distinct administrations among the applicants",
        ),
        lambda app, resolutions: len(_found(resolutions)),
        placeholder="administrations",
        render=_render_administrations,
        vary=_vary_applicants,
    ),
    Fact(
        "districts",
        "int",
        L(
            sv="olika stadsdelsförvaltningar bland de sökande",
            en="distinct districts (stadsdelsförvaltningar) among the applicants",
        ),
        lambda app, resolutions: sum(a.type == "district" for a in _found(resolutions).values()),
        placeholder="districts",
        render=lambda app, facts, lang: str(facts.fact.get("districts", 0)),
        vary=_vary_applicants,
    ),
    Fact(
        "gender_analysis",
        "str",
        L(
            sv="om ansökan har en jämställdhetsanalys; saknas när det inte anges",
            en="gender equality analysis given; absent when not stated",
        ),
        lambda app, _: yes_no(app.gender_analysis),
        values=YES_NO,
        vary=_vary_gender_analysis,
    ),
    Fact(
        "travel_modes",
        "set",
        L(
            sv="angivna färdsätt (studieresor); saknas när inga anges",
            en="the travel modes given (study trips); absent when none",
        ),
        lambda app, _: _members(TRAVEL_MODES, getattr(app, "travel_modes", None)),
        values=TRAVEL_MODES,
        kinds=("study_trip",),
        placeholder="travel_modes_list",
        render=lambda app, _, lang: ", ".join(getattr(app, "travel_modes", None) or []),
        vary=_vary_members("travel_modes", TRAVEL_MODES),
    ),
    Fact(
        "destination",
        "str",
        L(
            sv="resmålets första ort, med små bokstäver (studieresor); saknas när inget anges",
            en="the destination's first place, lower case (study trips); absent when none given",
        ),
        lambda app, _: _first_place(getattr(app, "destination", None)),
        kinds=("study_trip",),
        placeholder="destination",
        render=lambda app, _, lang: getattr(app, "destination", None) or NOT_STATED.get(lang),
        vary=_vary_destination,
    ),
)
"""The facts every year shares, in the order they are documented (docs/policies.md)."""

CRITERION_PREFIX = "crit_"


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
        L(
            sv=f"bedömningen av kriteriet {cid} ({criterion.title.sv}); saknas när det inte är bedömt",
            en=f"the assessment of {cid} ({criterion.title.en}); absent when not assessed",
        ),
        lambda app, _: yes_no(app.assessment.get(cid)),
        values=YES_NO,
        kinds=criterion.kinds,
        vary=vary,
    )


class Vocabulary:
    """One policy's vocabulary: the shared facts and a fact per assessed criterion."""

    def __init__(self, criteria: Sequence[AssessedCriterion] = ()) -> None:
        self.criteria = tuple(criteria)
        facts = [*FACTS, *(criterion_fact(c) for c in self.criteria)]
        self.facts: dict[str, Fact] = {f.name: f for f in facts}
        assert len(self.facts) == len(facts) and not RESERVED & set(self.facts)
        # A set's members reach the engine as `<field>__<member>`: no fact may be named so.
        assert not {
            member_field(f.name, v) for f in facts if f.kind == "set" for v in f.values
        } & set(self.facts)
        self.fields: dict[str, FactField] = {f.name: f.field for f in facts}
        self.placeholders: dict[str, Fact] = {f.placeholder: f for f in facts if f.placeholder}
        self._derive: dict[str, tuple[tuple[str, Derive], ...]] = {
            kind: tuple((f.name, f.derive) for f in facts if kind in f.kinds) for kind in KINDS
        }
        self.assessed: dict[str, tuple[str, ...]] = {
            kind: tuple(c.id for c in self.criteria if kind in c.kinds) for kind in KINDS
        }

    def derive(self, application: AnyApplication, index: AdministrationIndex) -> Facts:
        """The fact the rules see; only facts with a value are in it."""
        resolutions = tuple(index.resolve(name) for name in application.applicants)
        fact: dict[str, FactValue] = {}
        for name, derive in self._derive[application.kind]:
            value = derive(application, resolutions)
            if value is not None:
                fact[name] = value
        return Facts(fact, resolutions)

    def render(
        self, placeholder: str, application: AnyApplication, facts: Facts, lang: Lang
    ) -> str:
        fact = self.placeholders[placeholder]
        assert fact.render is not None
        return fact.render(application, facts, lang)

    def check_assessment(self, application: AnyApplication, policy_id: str, where: str) -> None:
        """Refuse an assessment of a criterion this policy does not declare for the kind:
        an unknown criterion would otherwise be silently ignored."""
        allowed = self.assessed[application.kind]
        for key in application.assessment:
            if key not in allowed:
                raise InputError(
                    self._unknown_criterion(key, application.kind, policy_id),
                    f"{where}.assessment.{key}",
                )

    def _unknown_criterion(self, key: str, kind: str, policy_id: str) -> LocalText:
        allowed = self.assessed[kind]
        listed = L(
            sv="tillåtet: " + ", ".join(allowed)
            if allowed
            else f"inga kriterier bedöms för {KIND_NAME[kind].sv}",
            en="accepted: " + ", ".join(allowed)
            if allowed
            else f"no criteria are assessed for {KIND_NAME[kind].en}",
        )
        other = next((k for k in KINDS if k != kind and key in self.assessed[k]), None)
        if other is not None:
            return L(
                sv=f"gäller bara {KIND_NAME[other].sv} i utlysningen {policy_id}; {listed.sv}",
                en=f"applies only to {KIND_NAME[other].en} in the {policy_id} call; {listed.en}",
            )
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        guess = (
            L(sv=f"; menade du {close[0]}?", en=f"; did you mean {close[0]}?")
            if close
            else L(sv="", en="")
        )
        return L(
            sv=f"är inget kriterium i utlysningen {policy_id}{guess.sv}; {listed.sv}",
            en=f"is not a criterion of the {policy_id} call{guess.en}; {listed.en}",
        )

    @overload
    def restrict(self, application: dict[str, Any]) -> dict[str, Any]: ...
    @overload
    def restrict(self, application: _Model) -> _Model: ...

    def restrict(self, application: dict[str, Any] | _Model) -> dict[str, Any] | _Model:
        """The application as this policy reads it: assessments of criteria it does not
        declare for the kind are set aside (for comparing years that assess differently)."""
        if isinstance(application, dict):
            assessment, kind = application.get("assessment"), application.get("kind", "")
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
        """One vocabulary for several policies: every criterion any of them assesses."""
        kinds: dict[str, set[str]] = {}
        titles: dict[str, LocalText] = {}
        for vocabulary in vocabularies:
            for c in vocabulary.criteria:
                kinds.setdefault(c.id, set()).update(c.kinds)
                titles.setdefault(c.id, c.title)
        return cls(
            [
                AssessedCriterion(cid, titles[cid], tuple(k for k in KINDS if k in found))
                for cid, found in kinds.items()
            ]
        )

    def variations(
        self, name: str, base: dict[str, Any], bounds: Boundaries
    ) -> Iterator[dict[str, Any]]:
        """Applications that move one fact across the boundaries, for the base's kind."""
        fact = self.facts[name]
        if base["kind"] in fact.kinds:
            yield from fact.vary(base, bounds)


def boundary_applications(vocabulary: Vocabulary, bounds: Boundaries) -> Iterator[dict[str, Any]]:
    """For each kind, the base application and every one-fact variation of it: each case a
    rule can tell apart at the policies' boundaries (for lint, self-checks, case coverage)."""
    for kind in KINDS:
        base = base_application(kind, bounds)
        for name in vocabulary.facts:
            yield base
            yield from vocabulary.variations(name, base, bounds)


def base_application(kind: Kind, bounds: Boundaries) -> dict[str, Any]:
    """An application every policy of `bounds` accepts, to vary one fact at a time from."""
    base: dict[str, Any] = {
        "id": "witness",
        "kind": kind,
        "title": "witness",
        "applicants": list(bounds.districts[:1] or bounds.names[:1]),
        "requested_sek": 1000,
        "assessment": dict.fromkeys(bounds.criteria.get(kind, ()), True),
        "gender_analysis": True,
    }
    if kind == "study_trip":
        base["travel_modes"] = [TRAVEL_MODES[0]]
    return base
