"""The evaluation of one application as a document: the domain's evaluation with what the
command line and the service add to it."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from fourules.evaluation import results


class Evaluation(results.Evaluation):
    """The evaluation of one application, as the command line prints it; the service adds
    `decision_id`, and `explanation` when asked for one."""

    # Absent, not null, when not asked for; the explanation before the id.
    explanation: dict[str, Any] | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="What would change the outcome (`?explain=true`, `fourules evaluate --explain`).",
    )
    decision_id: str | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="The service's id of this decision, as its decision-log record holds it.",
    )

    @classmethod
    def of(cls, result: results.Evaluation, **extra: Any) -> Evaluation:
        """The domain's evaluation as the document (its fields shared, not copied)."""
        return cls.model_construct(**dict(result), **extra)
