"""The engine's self-check: for every year, the facts at every boundary decided by
durable-rules and by its oracle, which must agree fact by fact (`fourules doctor`, the
service's `/readyz`)."""

from __future__ import annotations

from typing import Any

from fourules.engine.clauses import oracle_fire
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.inputs import parse_application
from fourules.policy.vocabulary import boundary_applications


def self_check(ev: Evaluator) -> dict[str, Any]:
    """For every year, the facts at every boundary decided by durable-rules and by the
    oracle: the two must agree, fact by fact."""
    results = {}
    for year in ev.policy_ids():
        loaded = ev.require(year)
        policy = loaded.policy
        bounds, vocabulary = policy.boundaries(), policy.vocabulary

        checked = disagreed = 0
        for app in boundary_applications(vocabulary, bounds):
            fact = vocabulary.derive(
                parse_application(app, vocabulary=vocabulary), loaded.index
            ).fact
            checked += 1
            disagreed += loaded.engine.fire(fact) != oracle_fire(loaded.engine.clauses, fact)
        results[year] = {"facts": checked, "disagreements": disagreed}
    return results
