"""A round: the applications of one call decided together (read and written by `files`).

An application in a round uses the single-evaluation contract plus optional `priority`
(the administration's own ranking, 1 first), `same_as` (the row this one is the same
application as), `decision` (what was decided, for an audit) and transcription fields
(`table_row`, `applicants_as_written`, `reason`, `notes`). A round may carry the totals its
document states (`stated_totals`), which an audit checks against the sum of its rows.

Rows that are one application (`same_as`) form a group named by the row the others point
to, its *first row*: the group is counted once for each co-applicant's quota and granted
once; the first row is the application a draft allocation offers (`same_application`).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal
from weakref import WeakKeyDictionary

from pydantic import BaseModel, ConfigDict, Field, StrictInt, create_model, model_validator
from pydantic_core import PydanticCustomError

from fourules.application import MAX_EXACT, Kind, ProjectApplication, StudyTripApplication
from fourules.errors import PolicyError
from fourules.policy.source import empty_list
from fourules.text import LocalText
from fourules.texts import both

if TYPE_CHECKING:
    from fourules.policy.facts import FactDeclaration
    from fourules.policy.vocabulary import Vocabulary

L = LocalText


_DECIDED = ("granted_sek", "rejected", "not_prioritised")


def _given(name: str) -> dict[str, Any]:
    return {"required": [name], "properties": {name: {"not": {"type": "null"}}}}


class Decision(BaseModel):
    """What was decided for one application: a grant, or no grant — rejected, not put
    forward by its own administration, or both (2018 Tabell 1 row 9: "Avslag, det är en
    kompetensutvecklingsinsats." and "Farsta Stadsdelsförvaltning har inte prioriterat detta
    projekt")."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        # The schema says what the validator does: a grant, or else a rejection and/or
        # "not prioritised" (a grant with either matches both branches, and oneOf fails).
        json_schema_extra={
            "oneOf": [_given("granted_sek"), {"anyOf": [_given(n) for n in _DECIDED[1:]]}]
        },
    )

    granted_sek: Annotated[StrictInt, Field(ge=0, le=MAX_EXACT)] | None = None
    rejected: str | None = Field(default=None, description="Rejected, with the reason.")
    not_prioritised: str | None = Field(
        default=None, description="Not put forward by its own administration (over its quota)."
    )

    @model_validator(mode="after")
    def _granted_or_not(self) -> Decision:
        refused = self.rejected is not None or self.not_prioritised is not None
        if (self.granted_sek is not None) == refused:
            raise ValueError(
                "give granted_sek, or rejected and/or not_prioritised (not a grant with either)"
            )
        return self

    @property
    def granted(self) -> int:
        return self.granted_sek or 0


class _InRound(BaseModel):
    priority: Annotated[StrictInt, Field(ge=1, le=MAX_EXACT)] | None = Field(
        default=None, description="The administration's own ranking of its applications, 1 first."
    )
    same_as: str | None = Field(
        default=None,
        description=(
            "The id of the row this one is the same application as (e.g. two rows for one "
            "joint trip): counted once for each co-applicant's quota and granted once. It "
            "names the group's first row, which itself has no same_as."
        ),
    )
    decision: Decision | None = None
    table_row: str | None = Field(default=None, description="Where the row stands in its document.")
    applicants_as_written: str | None = Field(
        default=None, description="The applicants exactly as the document writes them."
    )
    reason: str | None = Field(default=None, description="The decision's reason, as written.")
    notes: list[str] = Field(
        default_factory=empty_list,
        description="Transcription notes, e.g. how a misspelt name was read.",
    )


class RoundProject(ProjectApplication, _InRound):
    """A project application within a round."""


class RoundStudyTrip(StudyTripApplication, _InRound):
    """A study-trip application within a round."""


RoundApplication = Annotated[RoundProject | RoundStudyTrip, Field(discriminator="kind")]
Measure = Literal["requested", "granted", "applications", "administrations"]


class StatedTotal(BaseModel):
    """A total the round's document states, to be checked against its rows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    measure: Measure
    kind: Kind | None = Field(default=None, description="null: both kinds together.")
    value: Annotated[StrictInt, Field(ge=0, le=MAX_EXACT)]
    section: str
    quote: str


class Round(BaseModel):
    """A round of applications, optionally with the totals its document states."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    declarations: ClassVar[tuple[FactDeclaration, ...] | None] = None
    """The facts of the vocabulary the round was read under (`round_model`); None: the base
    vocabulary's, whose fields the application contract has."""

    year: str | None = Field(default=None, description="The call the round belongs to.")
    title: str | None = None
    document: str | None = Field(default=None, description="The document the round comes from.")
    stated_totals: list[StatedTotal] = Field(default_factory=empty_list)
    applications: list[RoundApplication] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Round:
        repeated = sorted(i for i, n in Counter(a.id for a in self.applications).items() if n > 1)
        if repeated:
            raise PydanticCustomError(
                "duplicate_id", "duplicate application id: {ids}", {"ids": ", ".join(repeated)}
            )
        return self

    @model_validator(mode="after")
    def _same_as_names_a_first_row(self) -> Round:
        by_id = {a.id: a for a in self.applications}
        for index, app in enumerate(self.applications):
            if app.same_as is None:
                continue
            problem = _same_as_problem(app, by_id.get(app.same_as))
            if problem is not None:
                raise PydanticCustomError(
                    "same_as",
                    "{id}: {en}",
                    {"index": index, "id": app.id, "sv": problem.sv, "en": problem.en},
                )
        return self


_YEAR_ROUNDS: WeakKeyDictionary[Vocabulary, type[Round]] = WeakKeyDictionary()
"""The round model of each vocabulary that adds fields, built once (a policy keeps its
vocabulary as long as it is loaded; the model goes with it)."""


def round_model(vocabulary: Vocabulary) -> type[Round]:
    """A round under a year's vocabulary: its applications accept and type the fields the
    year adds (`Vocabulary.added`) and refuse any other; `Round` itself when it adds none."""
    if not vocabulary.added:
        return Round
    model = _YEAR_ROUNDS.get(vocabulary)
    if model is None:
        # A spreadsheet reads the decision's fields as columns of the row: they are taken too.
        own = (*_InRound.model_fields, *Decision.model_fields)
        taken = [d.id for d in vocabulary.added if d.json_field in own]
        if taken:
            raise PolicyError(
                "policy.yaml",
                "facts",
                f"{', '.join(taken)} is a round's own field ({', '.join(own)}); "
                "give the fact another id or field",
            )
        project = vocabulary.contract("project", base=RoundProject)
        trip = vocabulary.contract("study_trip", base=RoundStudyTrip)
        entry: Any = Annotated[project | trip, Field(discriminator="kind")]
        model = create_model(
            "Round",
            __base__=Round,
            __doc__=Round.__doc__,
            applications=(list[entry], Field(min_length=1)),
        )
        model.declarations = vocabulary.declarations
        _YEAR_ROUNDS[vocabulary] = model
    return model


def round_declarations(round_: Round) -> tuple[FactDeclaration, ...]:
    """The facts of the vocabulary the round was read under."""
    from fourules.policy.facts import base_declarations

    return type(round_).declarations or base_declarations()


def added_fields(round_: Round) -> tuple[FactDeclaration, ...]:
    """The stated facts the round's year adds to the application contract, in their declared
    order: each a field of the round's applications of the kinds it names."""
    own = set(RoundProject.model_fields) | set(RoundStudyTrip.model_fields)
    return tuple(
        d
        for d in round_declarations(round_)
        if d.json_field is not None and d.json_field not in own
    )


def _same_as_problem(
    app: RoundProject | RoundStudyTrip, target: RoundProject | RoundStudyTrip | None
) -> LocalText | None:
    """What is wrong with a row's `same_as`, or None: it names another row of the same kind
    that is itself no one's copy (so there are no chains, and no cycles)."""
    name = app.same_as
    if target is None:
        return both("same_as.unknown", name=name)
    if target.id == app.id:
        return both("same_as.itself")
    if target.kind != app.kind:
        return both("same_as.other_kind", name=name, kind=target.kind, own=app.kind)
    if target.same_as is not None:
        return both("same_as.chain", name=name, first=target.same_as)
    return None


def first_row(app: RoundProject | RoundStudyTrip) -> str:
    """The id of the application a row belongs to: its `same_as`, else its own."""
    return app.same_as or app.id


def same_application_groups(round_: Round) -> dict[str, list[str]]:
    """Each application by its first row's id: the rows that are it, the first row first,
    then the others in id order. A row without `same_as` that no row names is a group of one."""
    groups: dict[str, list[str]] = {}
    for app in sorted(round_.applications, key=lambda a: natural_key(a.id)):
        groups.setdefault(first_row(app), []).append(app.id)
    return {
        first: sorted(groups[first], key=lambda i: (i != first, natural_key(i)))
        for first in sorted(groups, key=natural_key)
    }


# --- CSV and XLSX -------------------------------------------------------------------------


@functools.lru_cache(maxsize=65_536)
def natural_key(ident: str) -> tuple[tuple[int, int | str], ...]:
    """Sort ids as people do: T1-2 before T1-10. Used wherever a round is put in order.

    Cached because a round sorts the same ids several times: six sorts of 10 000 ids take
    7 ms cached against 125 ms uncached."""
    # ASCII digits only: "²" is a digit to str.isdigit but no number to int().
    return tuple(
        (0, int(part)) if _ASCII_DIGITS.fullmatch(part) else (1, part)
        for part in _ASCII_DIGITS.split(ident)
        if part
    )


_ASCII_DIGITS = re.compile(r"([0-9]+)")


def application_part(app: RoundProject | RoundStudyTrip) -> dict[str, Any]:
    """The application as the single-evaluation contract of its year has it (the fields the
    year adds included), without the round's fields."""
    fields = set(type(app).model_fields) - set(_InRound.model_fields)
    return app.model_dump(mode="json", include=fields, exclude_defaults=True)
