"""The built-in scorer, a plugin like any other: points for the year's priority criteria.

Which criteria give priority, and their weights, come from the policy (rules with
`criterion: {type: priority, weight: …}`). A criterion scores its weight when the
engine found it met (status `pass`), and 0 otherwise, with the finding as the reason.
"""

from __future__ import annotations

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
        return bool(policy.priority_criteria)

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
        for rule, weight in policy.priority_criteria:
            finding = by_rule.get(rule.id)
            if finding is None:  # the criterion does not apply to this kind
                continue
            points = weight if finding.status == "pass" else 0.0
            key = (points, finding.message)
            item = _ITEMS.lookup(rule, key) or _ITEMS.store(
                rule,
                key,
                ScoreItem(
                    criterion=rule.id, points=points, reason=finding.message, source=rule.source
                ),
            )
            items.append(item)
        return items


# The same criterion, points and reason recur in almost every evaluation: each built once.
_ITEMS: SharedByIdentity[ScoreItem] = SharedByIdentity()


@hookimpl
def fourules_scorers() -> list[Scorer]:
    return [PriorityCriteriaScorer()]
