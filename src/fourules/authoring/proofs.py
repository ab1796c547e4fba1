"""`fourules prove`: properties of a policy, proved for every application or refuted with
one the normal evaluation reproduces.

For each kind of application, the solver's reading of the policy (`engine/symbolic.py`)
is asked: can an ineligible application get a grant; can an eligible one get more than
it asked for, or more than a cap its rules name; does any rule leave an application
without a finding; can every branch fire; can every mandatory criterion fail. The year
folder may add its own properties (`properties.yaml`), in the condition language:

    properties:
      - name: Ett projekt inom perioden, med båda huvudkriterierna och inom taket, är berättigat
        kind: project
        when:
          all:
            - {field: submitted, ge: $call_window.opens}
            - ...
        outcome: eligible
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fourules.application import KINDS
from fourules.errors import PolicyError
from fourules.policy.conditions import parse
from fourules.policy.model import Policy, first_problem, read_yaml
from fourules.texts import text

PROPERTIES_FILE = "properties.yaml"
Verdict = Literal["proved", "refuted"]


class OwnProperty(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    kind: Literal["project", "study_trip"] | None = None
    when: dict[str, Any]
    outcome: Literal["eligible", "undetermined", "ineligible"]


class OwnProperties(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    properties: list[OwnProperty] = Field(default_factory=list)


@dataclass(frozen=True)
class Proof:
    """One property for one kind: proved, or refuted (with an application when there is one)."""

    property: str
    kind: str
    verdict: Verdict
    statement: str
    counterexample: dict[str, Any] | None = None
    reproduced: bool | None = None
    """Whether the normal evaluation of the counterexample shows the same thing."""
    detail: str = ""


@dataclass
class ProofReport:
    policy: Policy
    proofs: list[Proof] = field(default_factory=list)

    @property
    def proved(self) -> bool:
        return all(p.verdict == "proved" for p in self.proofs)

    def as_json(self) -> dict[str, Any]:
        p = self.policy
        return {
            "policy": {"id": p.id, "version": p.version, "sha256": p.sha256},
            "proved": self.proved,
            "counts": {
                "proved": sum(x.verdict == "proved" for x in self.proofs),
                "refuted": sum(x.verdict == "refuted" for x in self.proofs),
            },
            "proofs": [
                {
                    "property": x.property,
                    "kind": x.kind,
                    "verdict": x.verdict,
                    "statement": x.statement,
                    "counterexample": x.counterexample,
                    "reproduced": x.reproduced,
                    "detail": x.detail,
                }
                for x in self.proofs
            ],
        }


def load_own_properties(folder: Path) -> OwnProperties:
    path = folder / PROPERTIES_FILE
    if not path.exists():
        return OwnProperties()
    try:
        return OwnProperties.model_validate(read_yaml(path) or {})
    except ValidationError as exc:
        raise PolicyError(str(path), *first_problem(exc)) from None


def caps(policy: Policy, kind: str) -> dict[str, int]:
    """The amounts a grant of this kind must stay within: every stated SEK parameter a rule
    that applies to the kind names — in a condition, as a grant limit, or in a message
    (a rule that says "at most {$cap.project}" promises the cap)."""
    out: dict[str, int] = {}
    for rule in policy.rules:
        if rule.applies_to is not None and kind not in rule.applies_to:
            continue
        for branch in rule.branches:
            names = _parameters(branch.when) | (
                {branch.grant_limit[1:]} if branch.grant_limit else set()
            )
            for message in (branch.message.sv, branch.message.en):
                names |= set(re.findall(r"\{\$([^{}]+)\}", message))
            for name in names:
                parameter = policy.parameters.get(name)
                if parameter and parameter.unit == "SEK" and isinstance(parameter.value, int):
                    out[name] = parameter.value
    return out


def _parameters(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set().union(*(_parameters(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(_parameters(v) for v in node)) if node else set()
    return {node[1:]} if isinstance(node, str) and node.startswith("$") else set()


class _Prover:
    def __init__(self, policy: Policy, evaluate: Any) -> None:
        from fourules.engine.symbolic import SymbolicPolicy

        self.policy = policy
        self.symbolic = SymbolicPolicy(policy)
        self.evaluate = evaluate  # (application) -> Evaluation, the normal evaluation

    def never(self, name: str, kind: str, statement: str, *bad: Any, check: Any = None) -> Proof:
        """Prove that no application of the kind satisfies `bad`; else the counterexample."""
        from fourules.engine.symbolic import solve

        s = self.symbolic
        model = solve(s.domain, s.kind_is(kind), *bad)
        if model is None:
            return Proof(name, kind, "proved", statement)
        app = s.application(model)
        reproduced = None
        detail = ""
        if check is not None:
            result = self.evaluate(app)
            reproduced = bool(check(app, result))
            detail = text(
                "prove.detail.evaluated",
                outcome=text(f"outcome.{result.outcome}"),
                grant=result.max_grant_sek,
            )
        return Proof(name, kind, "refuted", statement, app, reproduced, detail)

    def possible(self, name: str, kind: str, statement: str, *good: Any) -> Proof:
        """Prove that some application of the kind satisfies `good` (it can happen)."""
        from fourules.engine.symbolic import solve

        s = self.symbolic
        model = solve(s.domain, s.kind_is(kind), *good)
        if model is None:
            return Proof(name, kind, "refuted", statement, detail=text("prove.no_application"))
        return Proof(name, kind, "proved", statement, s.application(model, "witness"))


def prove(policy: Policy, folder: Path | None, evaluate: Any) -> ProofReport:
    """Every standard property of the policy for each kind, and the folder's own."""
    import z3

    prover = _Prover(policy, evaluate)
    s = prover.symbolic
    report = ProofReport(policy)
    requested = s.facts[s.stated_as("requested_sek")]
    for kind in KINDS:
        report.proofs.append(
            prover.never(
                "grant.zero_when_ineligible",
                kind,
                text("prove.statement.zero_when_ineligible"),
                s.ineligible,
                s.max_grant != 0,
                check=lambda app, r: r.outcome == "ineligible" and r.max_grant_sek != 0,
            )
        )
        report.proofs.append(
            prover.never(
                "grant.within_request",
                kind,
                text("prove.statement.within_request"),
                s.eligible,
                requested.present,
                s.max_grant > requested.value,
                check=lambda app, r: (
                    r.outcome == "eligible" and r.max_grant_sek > app["requested_sek"]
                ),
            )
        )
        for name, cap in caps(policy, kind).items():
            report.proofs.append(
                prover.never(
                    f"grant.within.{name}",
                    kind,
                    text("prove.statement.within_cap", cap=f"${name}", amount=cap),
                    s.eligible,
                    requested.present,
                    s.max_grant > cap,
                    check=lambda app, r, cap=cap: (
                        r.outcome == "eligible" and (r.max_grant_sek or 0) > cap
                    ),
                )
            )
        _rules(prover, kind, report)
    _own(prover, folder, report, z3)
    return report


def _rules(prover: _Prover, kind: str, report: ProofReport) -> None:
    """No gap in any rule; every branch can fire; every mandatory criterion can fail."""
    import z3

    s = prover.symbolic
    for r, rule in enumerate(prover.policy.rules):
        if rule.applies_to is not None and kind not in rule.applies_to:
            continue
        branches = [s.fired[r, b] for b in range(len(rule.branches))]
        report.proofs.append(
            prover.never(
                f"rule.{rule.id}.one_finding",
                kind,
                text("prove.statement.one_finding", rule=rule.id),
                z3.Not(z3.Or(branches)),
                check=lambda app, res, rid=rule.id: [f.rule for f in res.findings].count(rid) != 1,
            )
        )
        for b, branch in enumerate(rule.branches):
            report.proofs.append(
                prover.possible(
                    f"rule.{rule.id}.branch.{b}.can_fire",
                    kind,
                    text(
                        "prove.statement.can_fire",
                        rule=rule.id,
                        branch=b,
                        status=text(f"status.{branch.status}"),
                    ),
                    branches[b],
                )
            )
        if rule.criterion and rule.criterion.type == "mandatory":
            failing = [branches[b] for b, br in enumerate(rule.branches) if br.status == "fail"]
            report.proofs.append(
                prover.possible(
                    f"criterion.{rule.criterion.id}.can_fail",
                    kind,
                    text("prove.statement.can_fail", criterion=rule.criterion.id),
                    z3.Or(failing) if failing else z3.BoolVal(False),
                )
            )


def _own(prover: _Prover, folder: Path | None, report: ProofReport, z3: Any) -> None:
    if folder is None:
        return
    s = prover.symbolic
    outcomes = {"eligible": s.eligible, "undetermined": s.undetermined, "ineligible": s.ineligible}
    for i, own in enumerate(load_own_properties(folder).properties):
        cond = parse(
            own.when,
            fields=prover.policy.vocabulary.fields,
            param=prover.policy.param,
            where=f"{PROPERTIES_FILE}: properties[{i}].when",
        )
        for kind in [own.kind] if own.kind else list(KINDS):
            report.proofs.append(
                prover.never(
                    f"own.{i}",
                    kind,
                    text(
                        "prove.statement.own", name=own.name, outcome=text(f"outcome.{own.outcome}")
                    ),
                    s.condition(cond),
                    z3.Not(outcomes[own.outcome]),
                    check=lambda app, r, want=own.outcome: r.outcome != want,
                )
            )
