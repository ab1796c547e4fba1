"""The built-in scorer, a plugin like any other: points for the year's priority criteria.

Which criteria give priority, and their weights, come from the policy (rules with
`criterion: {type: priority, weight: …}`). A criterion scores its weight when the
engine found it met (status `pass`), and 0 otherwise, with the finding as the reason.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from fourules.hookspecs import hookimpl
from fourules.scoring import ScoreItem, Scorer

if TYPE_CHECKING:
    from fourules.application import ProjectApplication, StudyTripApplication
    from fourules.evaluation import Finding
    from fourules.policy import Policy, Source


class PriorityCriteriaScorer(Scorer):
    name = "priority_criteria"

    def applies_to(self, policy: Policy) -> bool:
        return any(r.criterion and r.criterion.type == "priority" for r in policy.rules)

    def score(
        self,
        *,
        application: ProjectApplication | StudyTripApplication,
        policy: Policy,
        findings: Sequence[Finding],
        lang: str,
    ) -> list[ScoreItem]:
        by_rule = {f.rule: f for f in findings}
        items = []
        for rule in policy.rules:
            if rule.criterion is None or rule.criterion.type != "priority":
                continue
            finding = by_rule.get(rule.id)
            if finding is None:  # the criterion does not apply to this kind
                continue
            met = finding.status == "pass"
            points = (rule.criterion.weight or 0.0) if met else 0.0
            items.append(_item(rule.id, points, finding.message, rule.source))
        return items


@functools.lru_cache(maxsize=20_000)
def _item(criterion: str, points: float, reason: str, source: Source) -> ScoreItem:
    # The same criterion, points and reason recur in almost every evaluation: build each once.
    return ScoreItem(criterion=criterion, points=points, reason=reason, source=source)


@hookimpl
def fourules_scorers() -> list[Scorer]:
    return [PriorityCriteriaScorer()]
