"""The built-in scorer, a plugin like any other: points for the year's priority criteria.

Which criteria give priority, and their weights, come from the policy (rules with
`criterion: {type: priority, weight: …}`). A criterion scores its weight when the
engine found it met (status `pass`), and 0 otherwise, with the finding as the reason.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from fourules.evaluation.hookspecs import hookimpl
from fourules.evaluation.results import ScoreItem
from fourules.evaluation.scoring import Scorer
from fourules.evaluation.sharing import SharedByIdentity

if TYPE_CHECKING:
    from fourules.application import ProjectApplication, StudyTripApplication
    from fourules.evaluation.results import Finding
    from fourules.policy.model import Policy


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
            build = functools.partial(
                ScoreItem,
                criterion=rule.id,
                points=points,
                reason=finding.message,
                source=rule.source,
            )
            items.append(_ITEMS.get(rule, (points, finding.message), build))
        return items


# The same criterion, points and reason recur in almost every evaluation: each built once.
_ITEMS: SharedByIdentity[ScoreItem] = SharedByIdentity()


@hookimpl
def fourules_scorers() -> list[Scorer]:
    return [PriorityCriteriaScorer()]
