"""Hypothesis strategies built from a year's policy, for property-testing against its rules.

Everything comes from the policy's declarations: the kinds, the facts and their boundaries
(the day before and after each date of the call window, one krona under and over each cap,
one project year past the last), the administrations it knows (and those it no longer
does), and the criteria it assesses. A new year needs no new strategy::

    from hypothesis import given
    import fourules
    from fourules.testing import applications

    policy = fourules.load_policy("2024")

    @given(applications(policy))
    def test_no_grant_above_the_cap(app):
        result = fourules.evaluate(app, policy.id)
        cap = policy.parameters["cap.project"].value
        if app["kind"] == "project" and result.max_grant_sek is not None:
            assert result.max_grant_sek <= cap

Needs hypothesis: `pip install 'fourules[testing]'`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any, TypeVar

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError("fourules.testing needs hypothesis: pip install 'fourules[testing]'") from exc

from fourules.application import KINDS, Kind
from fourules.policy.facts import FactDeclaration
from fourules.policy.model import Policy, boundaries_of
from fourules.policy.vocabulary import Boundaries, Vocabulary, base_application, date_number

__all__ = ["applications", "boundaries", "facts", "rounds", "spellings"]

_T = TypeVar("_T")

UNKNOWN_NAME = "Okänd förvaltning"
"""An applicant no policy knows."""


def boundaries(policies: Policy | Sequence[Policy]) -> Boundaries:
    """Where the policies' outcomes can turn: amounts, dates, years, names, criteria."""
    return boundaries_of([policies] if isinstance(policies, Policy) else list(policies))


def spellings(name: str) -> list[str]:
    """Ways an applicant writes an administration's name, all of which must resolve."""
    return [
        name,
        name.lower(),
        f"{name} sdf",
        f"{name} stadsdelsförvaltning",
        f"{name}s stadsdelsförvaltning",
        f"{name}, enheten för utveckling",
    ]


def _policies(policies: Policy | Sequence[Policy]) -> list[Policy]:
    return [policies] if isinstance(policies, Policy) else list(policies)


class _Drawing:
    """What `applications` draws from for some policies, made once: their boundaries and
    vocabulary, the applicants' spellings and each declared fact's free values. Made anew
    for every application, it was three fifths of the cost of drawing one."""

    def __init__(self, chosen: list[Policy]) -> None:
        self.bounds = boundaries(chosen)
        self.vocabulary = Vocabulary.merged(*(p.vocabulary for p in chosen))
        names = [spelling for n in self.bounds.names for spelling in spellings(n)]
        self.applicants = st.lists(st.sampled_from([*names, UNKNOWN_NAME]), min_size=1, max_size=3)
        self.values = {
            d.id: st.one_of(st.none(), _any_value(d, self.bounds))
            for d in self.vocabulary.declarations
        }
        self.assessments = {
            kind: st.dictionaries(st.sampled_from(criteria), st.one_of(st.none(), st.booleans()))
            for kind, criteria in self.vocabulary.assessed.items()
            if criteria
        }


_MADE: dict[tuple[Any, tuple[int, ...]], tuple[tuple[Policy, ...], Any]] = {}


def _made(make: Callable[[list[Policy]], _T], chosen: list[Policy]) -> _T:
    """MAKE(CHOSEN), remembered for the last few sets of policies, which it holds so that no
    other policy takes their ids. A strategy made anew for every example is also validated
    anew: test_engine's agreement on any fact took twice as long."""
    key = (make, tuple(id(p) for p in chosen))
    found = _MADE.get(key)
    if found is None:
        if len(_MADE) >= 32:
            del _MADE[next(iter(_MADE))]
        found = _MADE[key] = (tuple(chosen), make(chosen))
    made: _T = found[1]
    return made


def _drawing(chosen: list[Policy]) -> _Drawing:
    return _made(_Drawing, chosen)


def _pick(draw: st.DrawFn, values: Sequence[_T]) -> _T:
    """One of VALUES, as `st.sampled_from(values)` draws it, without making a strategy."""
    return values[draw(st.integers(0, len(values) - 1))]


_IDENTS = st.text("abc123", min_size=1, max_size=6)


@st.composite
def applications(
    draw: st.DrawFn,
    policies: Policy | Sequence[Policy],
    *,
    kinds: Sequence[Kind] = KINDS,
    ident: str | None = None,
) -> dict[str, Any]:
    """Applications in the JSON contract, dense around every boundary of the policies.

    Each starts from an application the policies accept, then moves some facts across
    their boundaries (each fact's declared variations) and sets others freely. With several
    policies, criteria any of them assesses may appear: evaluate
    `policy.vocabulary.restrict(app)` under each.
    """
    return _application(draw, _policies(policies), kinds, ident)


def _application(
    draw: st.DrawFn, chosen: list[Policy], kinds: Sequence[Kind], ident: str | None
) -> dict[str, Any]:
    drawing = _drawing(chosen)
    bounds, vocabulary = drawing.bounds, drawing.vocabulary
    kind = _pick(draw, kinds)
    app = base_application(kind, bounds, vocabulary)
    app["id"] = ident or draw(_IDENTS)
    app["title"] = "generated"
    for name, fact in vocabulary.facts.items():
        if kind not in fact.kinds or not draw(st.booleans()):
            continue
        variations = list(vocabulary.variations(name, app, bounds))
        if variations:
            app = _pick(draw, variations)
    app = _free(draw, app, kind, drawing)
    # Not stated is also left out, as applications mostly do (the amount is always given).
    return {k: v for k, v in app.items() if v is not None or k == "requested_sek"}


def _free(draw: st.DrawFn, app: dict[str, Any], kind: str, drawing: _Drawing) -> dict[str, Any]:
    """Values off the boundaries too: any amount, any day, any spelling, any assessment, any
    value of each stated fact the vocabulary declares for the kind."""
    app = dict(app)
    if draw(st.integers(0, 2)) == 0:
        app["applicants"] = draw(drawing.applicants)
    assessments = drawing.assessments.get(kind)
    if assessments is not None and draw(st.integers(0, 2)) == 0:
        app["assessment"] = draw(assessments)
    for d in drawing.vocabulary.declarations:
        field = d.json_field
        if field in (None, "kind") or kind not in d.kinds or draw(st.integers(0, 3)) != 0:
            continue
        app[field] = draw(drawing.values[d.id])
    return app


def _any_value(d: FactDeclaration, bounds: Boundaries) -> st.SearchStrategy[Any]:
    """Any value a stated fact of the declaration's type takes, in the JSON contract."""
    least = d.minimum if d.minimum is not None else 0
    if d.type == "amount":
        return st.integers(0, max(bounds.amounts, default=1_000_000) * 3)
    if d.type in ("whole_number", "duration"):
        return st.integers(least, max((*bounds.numbers.get(d.id, ()), *bounds.years, least)) + 3)
    if d.type == "date":
        return st.dates().map(date.isoformat)
    if d.type == "yes_no":
        return st.booleans()
    if d.type == "one_of":
        return st.sampled_from(d.value_ids)
    if d.type == "several_of":
        return st.lists(st.sampled_from(d.value_ids), max_size=3)
    return st.sampled_from([*(w.capitalize() for w in bounds.texts.get(d.id, ())), "Annan ort"])


@st.composite
def rounds(
    draw: st.DrawFn, policies: Policy | Sequence[Policy], min_size: int = 1, max_size: int = 25
) -> dict[str, Any]:
    """A round in the JSON contract: unique ids, applicants that are administrations of
    every one of the policies (as a round's own year requires), some priorities."""
    chosen = _policies(policies)
    applicants = _made(_round_applicants, chosen)
    size = draw(st.integers(min_size, max_size))
    apps = []
    for i in range(size):
        app = _application(draw, chosen, KINDS, f"A{i}")
        app["applicants"] = draw(applicants)
        if draw(st.booleans()):
            app["priority"] = draw(st.integers(1, 4))
        apps.append(app)
    return {"applications": apps}


def _round_applicants(chosen: list[Policy]) -> st.SearchStrategy[list[str]]:
    """A round's applicants: administrations every one of the policies knows."""
    members = [{m.name for m in p.administrations.members} for p in chosen]
    valid = [n for n in boundaries(chosen).names if all(n in m for m in members)]
    return st.lists(st.sampled_from(valid), min_size=1, max_size=2)


def facts(policy: Policy) -> st.SearchStrategy[dict[str, Any]]:
    """Facts as the rule engine sees them, including facts no application produces: every
    field present or absent, numbers and dates at and around every boundary."""
    return _made(_facts, [policy])


def _facts(chosen: list[Policy]) -> st.SearchStrategy[dict[str, Any]]:
    (policy,) = chosen
    bounds = boundaries(policy)
    compared = (n for found in bounds.numbers.values() for n in found)
    numbers = sorted(
        {v + d for v in (*bounds.amounts, *bounds.years, *compared, 0, 1) for d in (-1, 0, 1)}
    )
    days = sorted(
        {date_number(day + timedelta(days=d)) for day in bounds.dates for d in (-1, 0, 1)}
        or {date_number(date(2000, 1, 1))}
    )
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, field in policy.vocabulary.fields.items():
        if field.kind == "str":
            # An open text field (a destination): the words conditions name, and others.
            words = field.values or (*bounds.texts.get(name, ()), "annan ort")
            fields[name] = st.sampled_from(words)
        elif field.kind == "date":
            fields[name] = st.sampled_from(days)
        elif field.kind == "set":
            # Any members, the empty set too (no application gives one), in declared order.
            fields[name] = st.sets(st.sampled_from(field.values)).map(
                functools.partial(_in_order, field.values)
            )
        else:
            fields[name] = st.one_of(st.integers(-2, 6), st.sampled_from(numbers))
    return st.fixed_dictionaries({}, optional=fields)


def _in_order(values: tuple[str, ...], chosen: set[str]) -> tuple[str, ...]:
    """A set fact's members as the vocabulary gives them: in declared order."""
    return tuple(v for v in values if v in chosen)
