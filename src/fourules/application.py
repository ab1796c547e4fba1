"""The application contract: one application for a project (LUM) or a study trip (MUL)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    TypeAdapter,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

Kind = Literal["project", "study_trip"]
KINDS: tuple[Kind, ...] = ("project", "study_trip")

TravelMode = Literal["train", "bus", "boat", "car", "flight"]
TRAVEL_MODES: tuple[TravelMode, ...] = ("train", "bus", "boat", "car", "flight")

ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
"""How a day is written: YYYY-MM-DD (whether it is a real day is `date.fromisoformat`'s)."""
NON_BLANK = r"[^\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
"""A character that is not white space as `str.strip` reads it: text is blank without one.
In the JSON Schema as a pattern (Python's, JavaScript's and Rust's regular expressions read
it alike), so the schema refuses exactly the blank text the reader refuses."""


def _iso_date(value: Any) -> Any:
    # Lax pydantic would take a Unix timestamp or a datetime; a submission date is a day.
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "not_a_date", "{value!r} is not a real date (YYYY-MM-DD)", {"value": value}
            ) from None
    raise PydanticCustomError("not_a_date", "expected an ISO date, YYYY-MM-DD, e.g. 2017-10-02")


def _non_blank(value: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise ValueError("must not be blank")
    return stripped


IsoDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    # `format: date` alone is only an annotation to many validators; the pattern is not.
    WithJsonSchema({"type": "string", "format": "date", "pattern": ISO_DATE.pattern}),
]
Text = Annotated[
    str,
    Field(strict=True, json_schema_extra={"minLength": 1, "pattern": NON_BLANK}),
    AfterValidator(_non_blank),
]
MAX_EXACT = 2**53 - 1
"""The largest whole number every JSON reader reads exactly (a double's: JavaScript's
`Number.MAX_SAFE_INTEGER`; RFC 8785, the decision log's canonical form, refuses larger).
Every whole number an application or a round gives is held to it, so an input reads the
same everywhere, with a decision log or without."""
Amount = Annotated[StrictInt, Field(ge=0, le=MAX_EXACT, description="Kronor, a whole number.")]


class _ApplicationBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Text = Field(description="The application's id, unique within a round.")
    title: Annotated[str, Field(strict=True)] = Field(description="The application's title.")
    applicants: list[Text] = Field(
        min_length=1,
        description=(
            "Administrations applying, as written; matched case-insensitively, with or "
            "without 'stadsdelsförvaltning' or 'sdf'. Several = a joint application."
        ),
    )
    requested_sek: Amount | None = Field(
        description="Requested amount in kronor, or null when the application does not state it."
    )
    submitted: IsoDate | None = Field(default=None, description="Submission date (ISO).")
    assessment: dict[str, StrictBool | None] = Field(
        default_factory=dict,
        description=(
            "An assessor's judgement per criterion: true, false, or null (not assessed). The "
            "criterion ids are those the year's policy declares (`fourules show YEAR`); an "
            "evaluation refuses any other."
        ),
    )
    gender_analysis: StrictBool | None = Field(
        default=None,
        description=(
            "Whether the application answers the call's question on gender equality (2018: how "
            "the project weighs in gender equality; 2024: a gender equality analysis)."
        ),
    )


class ProjectApplication(_ApplicationBase):
    """A local development project (LUM), applied for one project year at a time."""

    kind: Literal["project"]
    project_year: Annotated[StrictInt, Field(ge=1, le=MAX_EXACT)] | None = Field(
        default=None,
        description=(
            "Which project year this application is for (1 = first); null or absent when not "
            "stated, which the project-year rule reports as not checked (never assumed 1)."
        ),
    )


class StudyTripApplication(_ApplicationBase):
    """A study trip (MUL)."""

    kind: Literal["study_trip"]
    travel_modes: list[TravelMode] | None = Field(
        default=None, description="How the trip travels; climate-smart when given and no flight."
    )
    destination: Annotated[str, Field(strict=True)] | None = None


Application = Annotated[ProjectApplication | StudyTripApplication, Field(discriminator="kind")]
APPLICATION_ADAPTER: TypeAdapter[ProjectApplication | StudyTripApplication] = TypeAdapter(
    Application
)
