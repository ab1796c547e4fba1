"""Scorers rank applications: each returns score items, the evaluation's score is their sum."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from fourules.evaluation.results import Finding, ScoreItem
from fourules.evaluation.sharing import SharedByIdentity

if TYPE_CHECKING:
    from fourules.application import ProjectApplication, StudyTripApplication
    from fourules.policy.model import Policy


class Scorer(ABC):
    """A scorer: subclass, set `name` (and `years`, or override `applies_to`), write `score`."""

    name: ClassVar[str]
    years: ClassVar[Sequence[str] | None] = None
    """Policy ids the scorer applies to; None applies to every year."""

    def applies_to(self, policy: Policy) -> bool:
        return self.years is None or policy.id in self.years

    @abstractmethod
    def score(
        self,
        *,
        application: ProjectApplication | StudyTripApplication,
        policy: Policy,
        findings: Sequence[Finding],
        lang: str,
    ) -> list[ScoreItem]:
        """Score one application under one policy; `findings` are the rules' findings."""


class ScorerError(Exception):
    """A scorer that raised or returned something other than finite score items."""

    def __init__(self, scorer: str, plugin: str, message: str) -> None:
        self.scorer, self.plugin = scorer, plugin
        super().__init__(f"scorer {scorer!r} (plugin {plugin}, hook fourules_scorers): {message}")


DECISION_SCORERS = "fourules.default_scorers"
"""The name of the built-in plugin scoring the decisions' own criteria: its items alone rest
on the decision. The plugin manager registers it under this name and lets no entry point
take it."""


def checked_items(scorer: Scorer, plugin: str, items: object) -> list[ScoreItem]:
    """The items a scorer returned, refusing anything that would give a silently wrong score;
    each named with its scorer and plugin, and `from_decision` set here from the plugin,
    whatever the scorer put in it."""
    if not isinstance(items, list) or not all(isinstance(i, ScoreItem) for i in items):
        raise ScorerError(
            scorer.name, plugin, f"must return a list of ScoreItem, got {items!r:.80}"
        )
    for item in items:
        if not math.isfinite(item.points):
            raise ScorerError(
                scorer.name, plugin, f"returned non-finite points for {item.criterion}"
            )
    from_decision = plugin == DECISION_SCORERS
    return [_named(item, scorer.name, plugin, from_decision) for item in items]


def _named(item: ScoreItem, scorer: str, plugin: str, from_decision: bool) -> ScoreItem:
    if item.scorer == scorer and item.plugin == plugin and item.from_decision is from_decision:
        return item
    key = (scorer, plugin, from_decision)
    return _NAMED.lookup(item, key) or _NAMED.store(
        item,
        key,
        item.model_copy(
            update={"scorer": scorer, "plugin": plugin, "from_decision": from_decision}
        ),
    )


# A scorer that returns the same (frozen) item again gets the same named item back.
_NAMED: SharedByIdentity[ScoreItem] = SharedByIdentity()
