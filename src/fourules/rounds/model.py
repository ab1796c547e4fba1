"""A round: the applications of one call decided together (read and written by `files`).

An application in a round uses the single-evaluation contract plus optional `priority`
(the administration's own ranking, 1 first), `decision` (what was decided, for an audit)
and transcription fields (`table_row`, `applicants_as_written`, `reason`, `notes`). A
round may carry the totals its document states (`stated_totals`), which an audit checks
against the sum of its rows.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator
from pydantic_core import PydanticCustomError

from fourules.application import Kind, ProjectApplication, StudyTripApplication
from fourules.text import LocalText

L = LocalText


_DECIDED = ("granted_sek", "rejected", "not_prioritised")


class Decision(BaseModel):
    """What was decided for one application: exactly one of the three."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        # The schema says "exactly one" as the validator does: one branch per field given.
        json_schema_extra={
            "oneOf": [
                {"required": [name], "properties": {name: {"not": {"type": "null"}}}}
                for name in _DECIDED
            ]
        },
    )

    granted_sek: Annotated[StrictInt, Field(ge=0)] | None = None
    rejected: str | None = Field(default=None, description="Rejected, with the reason.")
    not_prioritised: str | None = Field(
        default=None, description="Not put forward by its own administration (over its quota)."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Decision:
        given = [v is not None for v in (self.granted_sek, self.rejected, self.not_prioritised)]
        if sum(given) != 1:
            raise ValueError("give exactly one of granted_sek, rejected, not_prioritised")
        return self

    @property
    def granted(self) -> int:
        return self.granted_sek or 0


class _InRound(BaseModel):
    priority: Annotated[StrictInt, Field(ge=1)] | None = Field(
        default=None, description="The administration's own ranking of its applications, 1 first."
    )
    decision: Decision | None = None
    table_row: str | None = Field(default=None, description="Where the row stands in its document.")
    applicants_as_written: str | None = Field(
        default=None, description="The applicants exactly as the document writes them."
    )
    reason: str | None = Field(default=None, description="The decision's reason, as written.")
    notes: list[str] = Field(
        default_factory=list, description="Transcription notes, e.g. how a misspelt name was read."
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
    value: Annotated[StrictInt, Field(ge=0)]
    section: str
    quote: str


class Round(BaseModel):
    """A round of applications, optionally with the totals its document states."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    year: str | None = Field(default=None, description="The call the round belongs to.")
    title: str | None = None
    document: str | None = Field(default=None, description="The document the round comes from.")
    stated_totals: list[StatedTotal] = Field(default_factory=list)
    applications: list[RoundApplication] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Round:
        repeated = sorted(i for i, n in Counter(a.id for a in self.applications).items() if n > 1)
        if repeated:
            raise PydanticCustomError(
                "duplicate_id", "duplicate application id: {ids}", {"ids": ", ".join(repeated)}
            )
        return self


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
    """The application as the single-evaluation contract has it, without the round's fields."""
    contract = ProjectApplication if app.kind == "project" else StudyTripApplication
    return app.model_dump(mode="json", include=set(contract.model_fields), exclude_defaults=True)
