"""The fact the rules see: an application reduced to plain numbers and words.

The rule engine compares loosely ('10' < 18 is true, 1 == True), so every value is
normalised here to an int or one of a few fixed strings before it is asserted. Every
derivation is generic; what differs from year to year comes from the policy
(its administrations, its parameters).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from fourules.application import CRITERION_IDS, KINDS
from fourules.conditions import FactField, Scalar

if TYPE_CHECKING:
    from fourules.administrations import AdministrationIndex, Resolution
    from fourules.application import ProjectApplication, StudyTripApplication

YES_NO = ("yes", "no")

FACT_FIELDS: Mapping[str, FactField] = {
    "kind": FactField("str", "project or study_trip", KINDS),
    "requested": FactField("int", "requested_sek; absent when not stated"),
    "submitted": FactField("date", "submission date; absent when not given"),
    "project_year": FactField("int", "project year (projects only)"),
    "unrecognised_applicants": FactField(
        "int", "applicants that are not an administration of the year"
    ),
    "administrations": FactField("int", "distinct administrations among the applicants"),
    "districts": FactField(
        "int", "distinct districts (stadsdelsförvaltningar) among the applicants"
    ),
    "gender_analysis": FactField(
        "str", "gender equality analysis given; absent when not stated", YES_NO
    ),
    "travel_modes": FactField(
        "int", "number of travel modes given (study trips); absent when none"
    ),
    "flight": FactField(
        "str", "whether the travel modes include flight; absent when none given", YES_NO
    ),
    **{
        f"crit_{c}": FactField("str", f"assessment of {c}; absent when missing or null", YES_NO)
        for c in CRITERION_IDS
    },
}
"""Every field a policy condition may read, with its kind and values."""

MESSAGE_FIELDS: frozenset[str] = frozenset(
    {
        "requested_sek",
        "submitted",
        "project_year",
        "unrecognised",
        "administrations",
        "kind_name",
        "districts",
        "travel_modes_list",
    }
)
"""Placeholders a rule's message may use besides {$parameter}."""

# Reserved by durable-rules: a fact must never carry these as its own fields.
assert not {"id", "sid", "t"} & set(FACT_FIELDS)


def date_number(day: date) -> int:
    """2017-09-04 -> 20170904: dates compare as numbers inside the engine."""
    return day.year * 10000 + day.month * 100 + day.day


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


@dataclass(frozen=True)
class Facts:
    """The fact for the engine, plus the applicant resolutions the messages need."""

    fact: dict[str, Scalar]
    applicants: tuple[Resolution, ...]


def derive(
    application: ProjectApplication | StudyTripApplication, index: AdministrationIndex
) -> Facts:
    resolutions = tuple(index.resolve(name) for name in application.applicants)
    found = {r.administration.id: r.administration for r in resolutions if r.administration}
    values: dict[str, Scalar | None] = {
        "kind": application.kind,
        "requested": application.requested_sek,
        "submitted": None if application.submitted is None else date_number(application.submitted),
        "unrecognised_applicants": sum(r.administration is None for r in resolutions),
        "administrations": len(found),
        "districts": sum(a.type == "district" for a in found.values()),
        "gender_analysis": _yes_no(application.gender_analysis),
    }
    if application.kind == "project":
        values["project_year"] = application.project_year
    else:
        modes = application.travel_modes
        values["travel_modes"] = len(modes) if modes else None
        values["flight"] = _yes_no("flight" in modes) if modes else None
    for criterion, assessed in application.assessment.items():
        values[f"crit_{criterion}"] = _yes_no(assessed)
    fact = {k: v for k, v in values.items() if v is not None}
    return Facts(fact, resolutions)
