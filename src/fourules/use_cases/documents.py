"""What the use cases' documents share: each is built once, returned as it is and serialised
once at the edge, so none can be changed on its way out."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from fourules.evaluation.results import PolicyRef
from fourules.policy.model import Policy


class Document(BaseModel):
    """A use case's answer (or a part of one): frozen."""

    model_config = ConfigDict(frozen=True)


def policy_ref(policy: Policy) -> PolicyRef:
    """Which policy a document is about: the same reference an evaluation carries."""
    return PolicyRef(id=policy.id, version=policy.version, sha256=policy.sha256)
