"""The document of a refused request (RFC 9457), whichever route refuses it: what went wrong
and every field that failed, each message in the request's language."""

from __future__ import annotations

from pydantic import Field

from fourules.use_cases.documents import Document


class FieldProblem(Document):
    field: str = Field(description="Where: `body.applications[3].requested_sek`, `query.lang`.")
    message: str = Field(
        description="What is wrong and what is accepted, in the request's language."
    )


class Problem(Document):
    """A refused request (RFC 9457): what went wrong, and every field that failed."""

    type: str = Field(
        description="A URI naming the kind of problem, e.g. urn:fourules:problem:invalid-input."
    )
    title: str = Field(description="The HTTP status's reason phrase.")
    status: int
    detail: str = Field(description="The first problem, for a person.")
    field: str | None = Field(default=None, description="The first field that failed, if any.")
    errors: list[FieldProblem] = Field(description="Every field that failed, the first first.")
    request_id: str | None = Field(default=None, description="The request's X-Request-ID.")
