"""The two baselines an evaluation is measured against (benchmarks only, never the product).

* `bare_durable`: the least durable-rules needs to decide a year's rules — the product's own
  ruleset, one fact asserted under a fresh sid, the fired rules read, the state deleted. No
  lock, no result, nothing else. `every_branch=True` compiles the `otherwise` branches too:
  the older, generous baseline, kept as a second, labelled row.
* `floor`: a hand-written plain-Python reading of each built-in year's rules, from the
  application as JSON to its outcome and maximum grant: what a programmer would write for
  one year alone. `bench_evaluate.py` checks that it agrees with fourules before timing it.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping
from typing import Any

import durable_rules_engine

from fourules.engine.clauses import compile_clauses
from fourules.engine.durable import DurableEngine
from fourules.policy.administrations import AdministrationIndex
from fourules.policy.model import Policy

_NAMES = itertools.count(1)


def bare_durable(
    policy: Policy, *, every_branch: bool = False
) -> Callable[[Mapping[str, Any]], int]:
    """The product's own ruleset of the year, bare: the branches durable-rules decides (a
    rule's `otherwise` branch is decided outside it, as the product does). The function
    decides one fact and returns how many rules fired.

    `every_branch=True`: every branch compiled, the `otherwise` ones too (each always fires
    when its rule applies: an action more per rule), a generous baseline the product never
    runs. For 2024 it passes the 64 alternatives the engine takes (`engine/durable.py`):
    EngineError, as the product would refuse it."""
    engine = DurableEngine(policy.id, compile_clauses(policy), every_branch=every_branch)
    definition = engine.definition
    handle = durable_rules_engine.create_ruleset(
        f"bare_{next(_NAMES)}", json.dumps(definition, ensure_ascii=False)
    )
    sids = itertools.count(1)

    def decide(fact: Mapping[str, Any]) -> int:
        sid = str(next(sids))
        _, state = durable_rules_engine.assert_fact(
            # As the product gives it: a set as its size and a yes/no field per member named
            # (a set sent as a list made durable-rules ten times slower on some facts).
            handle,
            json.dumps({**engine.plain(fact), "t": "app", "sid": sid}),
        )
        fired = 0
        started = durable_rules_engine.start_action_for_state(handle, state)
        message = started[1] if started else None
        while message:
            fired += 1
            message = durable_rules_engine.complete_and_start_action(handle, state)
        durable_rules_engine.delete_state(handle, sid)
        return fired

    return decide


Decision = tuple[str, int | None]


def _floor(
    index: AdministrationIndex,
    opens: str,
    closes: str,
    windowed: tuple[str, ...],
    caps: Mapping[str, int | None],
    mandatory: tuple[str, ...],
) -> Callable[[Mapping[str, Any]], Decision]:
    def decide(app: Mapping[str, Any]) -> Decision:
        ineligible = undetermined = False
        if any(index.resolve(name).administration is None for name in app["applicants"]):
            ineligible = True
        submitted = app.get("submitted")
        if app["kind"] in windowed and submitted is not None and not opens <= submitted <= closes:
            ineligible = True
        requested = app["requested_sek"]
        if requested is None:
            undetermined = True
        elif requested <= 0:
            ineligible = True
        if app["kind"] == "project":
            if (app.get("project_year") or 0) > 3:  # not stated: not checked
                ineligible = True
            assessment = app.get("assessment") or {}
            for criterion in mandatory:
                value = assessment.get(criterion)
                if value is False:
                    ineligible = True
                elif value is None:
                    undetermined = True
        if ineligible:
            return "ineligible", 0
        outcome = "undetermined" if undetermined else "eligible"
        if requested is None:
            return outcome, None
        cap = caps[app["kind"]]
        return outcome, requested if cap is None else min(requested, cap)

    return decide


FLOORS: dict[str, tuple[str, str, tuple[str, ...], dict[str, int | None], tuple[str, ...]]] = {
    "2018": (
        "2017-09-04",
        "2017-12-01",
        ("project", "study_trip"),
        {"project": 750_000, "study_trip": 25_000},
        (),
    ),
    "2024": (
        "2023-05-02",
        "2023-09-08",
        ("project",),  # the window is given for "lokala utvecklingsmedel" (a reading)
        {"project": 500_000, "study_trip": None},
        ("novelty", "strategic_value"),
    ),
}
"""Each built-in year as the README's table of rules states it: call window and the kinds
it judges, caps, mandatory criteria (project years: at most 3 in both)."""


def floor(year: str, index: AdministrationIndex) -> Callable[[Mapping[str, Any]], Decision] | None:
    """The hand-written reading of a built-in year (None for any other); names are looked
    up in the year's own index, as any reading must."""
    return _floor(index, *FLOORS[year]) if year in FLOORS else None
