"""The policy years served (`fourules policies`, `GET /v1/policies`) and one year's policy
(`fourules show`, `GET /v1/policies/{year}`, the policy page)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from pydantic import ConfigDict, Field, RootModel

from fourules.errors import PolicyError
from fourules.evaluation.evaluator import Evaluator, LoadedPolicy
from fourules.evaluation.scoring import ScorerError
from fourules.policy.model import Policy
from fourules.text import LocalText
from fourules.use_cases.documents import Document


class PolicySummary(Document):
    """One policy year, as `fourules policies` lists it."""

    id: str
    version: str
    title: LocalText
    sha256: str = Field(description="The policy's content hash (sha256 of its canonical JSON).")
    document: str = Field(description="The title of the decision the policy encodes.")


class PolicyList(RootModel[list[PolicySummary]]):
    # Named by its component and contract, not titled: the schema is the list's.
    model_config = ConfigDict(frozen=True, json_schema_extra=lambda schema: schema.pop("title"))


def policies(evaluator: Evaluator, *, broken: Literal["raise", "skip"] = "raise") -> PolicyList:
    """Every year served, in id order. A year whose policy does not load raises its
    PolicyError, or with `broken="skip"` is left out (a server: the other years serve, and
    readiness names the broken one)."""
    return PolicyList(
        [
            PolicySummary(
                id=p.id,
                version=p.version,
                title=p.title,
                sha256=p.sha256,
                document=p.document.title,
            )
            for p in (loaded.policy for loaded in loading(evaluator, broken))
        ]
    )


def loading(evaluator: Evaluator, broken: Literal["raise", "skip"]) -> Iterator[LoadedPolicy]:
    """Each year served, loaded; one that does not load raised, or skipped."""
    for year in evaluator.policy_ids():
        try:
            yield evaluator.loaded(year)
        except (PolicyError, ScorerError):
            if broken == "raise":
                raise


def policy_document(policy: Policy) -> dict[str, Any]:
    """The policy itself, with its hash, the id first."""
    return {"id": policy.id, "sha256": policy.sha256, **policy.model_dump(mode="json")}
