"""The policy years served (`fourules policies`, `GET /v1/policies`) and one year's policy
(`fourules show`, `GET /v1/policies/{year}`, the policy page)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, RootModel

from fourules.evaluation.evaluator import Evaluator
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


def policies(evaluator: Evaluator) -> PolicyList:
    """Every year served, in id order."""
    return PolicyList(
        [
            PolicySummary(
                id=p.id,
                version=p.version,
                title=p.title,
                sha256=p.sha256,
                document=p.document.title,
            )
            for p in (evaluator.load_policy(year) for year in evaluator.policy_ids())
        ]
    )


def policy_document(policy: Policy) -> dict[str, Any]:
    """The policy itself, with its hash, the id first."""
    return {"id": policy.id, "sha256": policy.sha256, **policy.model_dump(mode="json")}
