"""What an evaluation returns: the policy that decided, each rule's finding, the score items
and the outcome. Plain frozen models: scorers, rounds and the service read them."""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from fourules.policy.model import Basis, Effect, Status
from fourules.policy.source import Source
from fourules.text import Lang

Outcome = Literal["eligible", "undetermined", "ineligible"]


class ScoreItem(BaseModel):
    """Points for one criterion, with the reason and the source they rest on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    criterion: str = Field(description="What the points are for, e.g. a rule id.")
    points: float = Field(allow_inf_nan=False)
    reason: str
    source: Source | None = None
    scorer: str = Field(default="", description="Filled in with the scorer's name.")
    plugin: str = Field(
        default="", description="Filled in with the name of the plugin that gave the scorer."
    )
    from_decision: bool = Field(
        default=False,
        description=(
            "Whether the points rest on the decision: true only for the built-in scorer of the "
            "decision's own criteria; false for every other plugin's (an addition, not the "
            "decision's). Set by fourules from the plugin, whatever the scorer returned."
        ),
    )


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PolicyRef(_Result):
    """Which policy: its id, version and content hash, so what it decided (or what was checked
    or proved of it) can be reproduced and told apart from any other version."""

    id: str
    version: str
    sha256: str


class Finding(_Result):
    """What one rule found for the application."""

    rule: str
    status: Status
    message: str
    source: Source
    effect: Effect | None = Field(
        default=None,
        description="The finding's effect on the outcome: ineligible, undetermined, or null (none).",
    )
    basis: Basis = Field(
        description=(
            "What the finding rests on: text (the quoted sentence says it), precedent (named "
            "table rows), reading (the text leaves it open; the rule's note names the "
            "alternatives) or software (the tool's own requirement)."
        ),
    )


class Applicant(_Result):
    """An applicant as written, and the administration it resolves to (null when none)."""

    as_written: str
    administration: str | None
    name: str | None


class Evaluation(_Result):
    """The evaluation of one application against one policy."""

    application_id: str
    policy: PolicyRef
    lang: Lang
    outcome: Outcome
    max_grant_sek: int | None = Field(
        description="0 when ineligible; null when the request is not stated; else min(request, cap)."
    )
    score: float = Field(description="Sum of the score items' points.")
    score_breakdown: list[ScoreItem]
    scorers: list[str] = Field(description="The scorers that ran (those that apply to the year).")
    applicants: list[Applicant]
    findings: list[Finding]


_Model = TypeVar("_Model", bound=BaseModel)
_PLAIN: set[type[BaseModel]] = set()
_new = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__
# pydantic's own slots, set through their descriptors: no attribute look-up per field.
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def built(model: type[_Model], values: dict[str, Any]) -> _Model:
    """A result from values that are ours and already valid, every field given (the dict
    becomes the model's own): what `model_construct` makes (a test compares them), without
    its walk over the fields' aliases and defaults (an evaluation 2.4 -> 0.7 µs), and with
    the values as one dict and pydantic's slots set through their descriptors rather than
    as keywords and by name (0.74-0.78 -> 0.62 µs a result, least of 5). Not for input from
    outside, and only for a model without private attributes or a post-init (checked
    here)."""
    if model not in _PLAIN:
        if model.__private_attributes__ or model.__pydantic_post_init__:
            raise TypeError(f"{model.__name__} has private attributes or a post-init")
        _PLAIN.add(model)
    instance = _new(model)
    _set_dict(instance, values)
    _set_fields_set(instance, set(values))
    _set_extra(instance, None)
    _set_private(instance, None)
    return instance
