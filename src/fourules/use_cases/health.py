"""Whether fourules can answer (`/healthz`, `/readyz`): its version, the policies it serves
with their hashes, and — for readiness — every policy loaded and the engine's self-check
(durable-rules against its oracle, as `fourules doctor` runs it) passed."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from fourules.errors import FourulesError
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.results import PolicyRef
from fourules.use_cases.documents import Document
from fourules.use_cases.policies import loading
from fourules.version import fourules_version


class Check(Document):
    name: str
    ok: bool
    detail: str


class Health(Document):
    """Liveness (`/healthz`) and readiness (`/readyz`): the version and the policies served."""

    status: Literal["ok", "ready", "not_ready"]
    version: str = Field(description="The fourules version.")
    policies: list[PolicyRef]
    checks: list[Check] = Field(
        default_factory=list,
        exclude_if=lambda v: not v,  # liveness says none
        description="Readiness only: each check and its outcome.",
    )


def policy_states(evaluator: Evaluator) -> list[PolicyRef]:
    """The years that load: liveness answers while any year can be served (readiness
    names one that does not)."""
    return [loaded.ref for loaded in loading(evaluator, "skip")]


def alive(evaluator: Evaluator) -> Health:
    """Liveness: the process answers; its version and policies (no `checks`)."""
    return Health(status="ok", version=fourules_version(), policies=policy_states(evaluator))


def checks(evaluator: Evaluator) -> list[Check]:
    """Every policy loaded and compiled, then the engine's self-check, year by year."""
    from fourules.evaluation.self_check import self_check

    try:
        for year in evaluator.policy_ids():
            evaluator.require(year)
    except FourulesError as exc:
        return [Check(name="policies", ok=False, detail=str(exc))]
    out = [Check(name="policies", ok=True, detail="every policy loaded and compiled")]
    for year, result in self_check(evaluator).items():
        out.append(
            Check(
                name=f"engine.{year}",
                ok=result["disagreements"] == 0,
                detail=f"{result['facts']} boundary facts, "
                f"{result['disagreements']} disagreements with the oracle",
            )
        )
    return out


def readiness(evaluator: Evaluator, done: list[Check]) -> Health:
    """Readiness from the checks made (`checks`): ready when every one passed."""
    ready = all(c.ok for c in done)
    return Health(
        status="ready" if ready else "not_ready",
        version=fourules_version(),
        policies=policy_states(evaluator),
        checks=done,
    )
