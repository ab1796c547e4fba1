"""Rewards an application that answers the call's question on gender equality (one point), in
every year that asks it."""

from __future__ import annotations

from collections.abc import Sequence

from fourules import (
    Finding,
    Policy,
    ProjectApplication,
    Scorer,
    ScoreItem,
    StudyTripApplication,
    hookimpl,
)

RULE = "gender_equality"
POINTS = 1.0


class GenderEqualityScorer(Scorer):
    name = "gender_equality"

    def applies_to(self, policy: Policy) -> bool:
        """Every year whose policy asks about gender equality (has the rule)."""
        return any(rule.id == RULE for rule in policy.rules)

    def score(
        self,
        *,
        application: ProjectApplication | StudyTripApplication,
        policy: Policy,
        findings: Sequence[Finding],
        lang: str,
    ) -> list[ScoreItem]:
        finding = next((f for f in findings if f.rule == RULE), None)
        if finding is None:  # the rule does not apply to this kind (study trips)
            return []
        documented = application.gender_analysis is True
        return [
            ScoreItem(
                criterion="gender_equality.analysis",
                points=POINTS if documented else 0.0,
                reason=finding.message,
                source=finding.source,
            )
        ]


@hookimpl
def fourules_scorers() -> list[Scorer]:
    return [GenderEqualityScorer()]
