"""`diff --witnesses` agrees with `diff --exact`: on drafts of next year's call, every change
that causes a region of the exact difference gets a witness the evaluation reproduces, and
"no effect" is said only of a change that causes none.

The drafts are the shipped 2024 policy, changed as a call writer would: another cap or
last project year, a shifted call window, one of the alternatives its readings declare, a
rule removed, a new rule that fires only where two facts meet (`all`), which no variation
of one fact from a base application reaches.
"""

from __future__ import annotations

import copy
import functools
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fourules import Evaluator, get_plugin_manager
from fourules.comparison.exact import ExactDifference, RegionPart, exact_difference
from fourules.comparison.structure import Change, diff_policies
from fourules.comparison.witnesses import Witness, acts_through, find_witnesses
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.policy.alternatives import applied
from fourules.policy.model import POLICY_FILE, Policy, read_yaml
from tests.yaml_data import yaml_text

DRAFT = "draft"


@functools.cache
def _shipped() -> dict[str, Any]:
    return read_yaml(builtin_policy_dir() / "2024" / POLICY_FILE)  # type: ignore[no-any-return]


@contextmanager
def drafted(raw: dict[str, Any]) -> Iterator[Evaluator]:
    """An evaluator of the built-in years and the draft (year `draft`) beside them."""
    with tempfile.TemporaryDirectory(prefix="fourules-draft-") as tmp:
        folder = Path(tmp) / DRAFT
        folder.mkdir()
        (folder / POLICY_FILE).write_text(
            yaml_text({**raw, "id": DRAFT}, sort_keys=False),
            encoding="utf-8",
        )
        yield Evaluator(get_plugin_manager(load_entry_points=False), policy_path=[folder])


def combined_rule(
    conditions: list[dict[str, Any]], kind: str | None, effect: str
) -> dict[str, Any]:
    """A new rule that fires where all the conditions hold: ineligible, undetermined, or a
    grant limited to 1 000 kr (the parameter `cap.draft`)."""
    source = _shipped()["rules"][0]["source"]
    fired: dict[str, Any] = {
        "when": {"all": conditions},
        "message": {"sv": "Utkast.", "en": "Draft."},
    }
    if effect == "grant_limit":
        fired |= {"status": "warn", "grant_limit": "$cap.draft"}
    else:
        fired |= {"status": "fail" if effect == "ineligible" else "unknown", "outcome": effect}
    rule: dict[str, Any] = {
        "id": "draft.combined",
        "title": {"sv": "Utkast", "en": "Draft"},
        "source": {"section": source["section"], "quote": source["quote"]},
        "branches": [fired, {"status": "pass", "message": {"sv": "Ja.", "en": "Yes."}}],
    }
    if kind:
        rule["applies_to"] = [kind]
    return rule


DRAFT_CAP = {
    "value": 1000,
    "unit": "SEK",
    "description": {"sv": "Utkastets tak", "en": "The draft's cap"},
    "source": {"section": "Finansiering lokala utvecklingsprojekt", "quote": "500 000 kr per år"},
}

# Conditions a new rule may combine, per kind: each alone is reached by one fact's
# variations, two together only where both hold.
CONDITIONS: dict[str, list[dict[str, Any]]] = {
    "project": [
        {"field": "project_year", "ge": 3},
        {"field": "project_year", "ge": 2},
        {"field": "crit_early_support", "eq": "no"},
        {"field": "crit_coordination", "eq": "yes"},
        {"field": "districts", "ge": 2},
        {"field": "submitted", "gt": 20230801},
    ],
    "study_trip": [
        {"field": "travel_modes", "any_of": ["flight"]},
        {"field": "destination", "exists": False},
        {"field": "requested", "gt": 20000},
    ],
    "any": [
        {"field": "gender_analysis", "eq": "no"},
        {"field": "requested", "gt": 300000},
        {"field": "administrations", "ge": 2},
    ],
}


def _shifted(day: Any, days: int) -> str:
    start = day if isinstance(day, date) else date.fromisoformat(str(day))
    return (start + timedelta(days=days)).isoformat()


@st.composite
def edits(draw: st.DrawFn) -> dict[str, Any]:
    """One to three of a call writer's changes to the 2024 policy (see `drafted_from`)."""
    chosen = draw(
        st.lists(
            st.sampled_from(["cap", "years", "window", "alternative", "removed", "combined"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    rules = _shipped()["rules"]
    out: dict[str, Any] = {}
    if "cap" in chosen:
        out["cap"] = draw(st.integers(1, 900_000))
    if "years" in chosen:
        out["years"] = draw(st.integers(1, 4))
    if "window" in chosen:
        out["window"] = sorted(draw(st.lists(st.integers(-60, 60), min_size=2, max_size=2)))
    if "alternative" in chosen:
        declared = [alt["id"] for rule in rules for alt in rule.get("alternatives", ())]
        out["alternative"] = draw(st.sampled_from(declared))
    if "removed" in chosen:
        out["removed"] = draw(st.sampled_from([rule["id"] for rule in rules]))
    if "combined" in chosen:
        kind = draw(st.sampled_from(["project", "study_trip", None]))
        pool = CONDITIONS["any"] + (CONDITIONS[kind] if kind else [])
        pair = draw(st.lists(st.sampled_from(pool), min_size=2, max_size=2, unique_by=str))
        effect = draw(st.sampled_from(["ineligible", "undetermined", "grant_limit"]))
        out["combined"] = (pair, kind, effect)
    return out


def drafted_from(edits: dict[str, Any]) -> dict[str, Any]:
    """The 2024 policy with the edits: another cap or last project year, the call window's
    ends shifted by days, an alternative reading applied, a rule removed, a rule added."""
    raw = copy.deepcopy(_shipped())
    if "alternative" in edits:
        alternative = next(
            alt
            for rule in raw["rules"]
            for alt in rule.get("alternatives", ())
            if alt["id"] == edits["alternative"]
        )
        raw = applied(raw, alternative["set"])
    params, rules = raw["parameters"], raw["rules"]
    if "cap" in edits:
        params["cap.project"]["value"] = edits["cap"]
    if "years" in edits:
        params["project_years.max"]["value"] = edits["years"]
    if "window" in edits:
        for end, days in zip(("opens", "closes"), edits["window"], strict=True):
            param = params[f"call_window.{end}"]
            param["value"] = _shifted(param["value"], days)
    if "removed" in edits:
        gone = edits["removed"]
        rules[:] = [rule for rule in rules if rule["id"] != gone]
        # An alternative reading of the removed rule has nothing left to change.
        for rule in rules:
            kept = [
                alt
                for alt in rule.pop("alternatives", ())
                if not any(f"[{gone}]" in path for path in alt["set"])
            ]
            if kept:
                rule["alternatives"] = kept
    if "combined" in edits:
        rules.append(combined_rule(*edits["combined"]))
        params["cap.draft"] = DRAFT_CAP
    return raw


def _caused(change: Change, a: Policy, b: Policy, exact: ExactDifference) -> list[RegionPart]:
    """The parts of regions of the exact difference the change causes: their cause (the
    deciding findings one year has and the other has not) names a rule it acts through."""
    acts = acts_through(change, a, b)
    if acts is None:
        return []
    return [
        part
        for region in exact.regions
        for part in region.parts
        if {f.rsplit(": ", 1)[0] for f in set(part.before) ^ set(part.after)} & acts[1]
    ]


def _reproduced(evaluator: Evaluator, witness: Witness, a: Policy, b: Policy) -> None:
    """The witness's sides are what the evaluation gives under each year, and each rule it
    names decides differently: another finding or other points, or (found by the solver) a
    region's difference in outcome or maximum grant."""
    assert witness.application is not None and witness.before and witness.after
    ea, eb = (evaluator.evaluate(p.vocabulary.restrict(witness.application), p.id) for p in (a, b))
    got = [(e.outcome, e.max_grant_sek, e.score) for e in (ea, eb)]
    want = [(s.outcome, s.max_grant_sek, s.score) for s in (witness.before, witness.after)]
    assert got == want, (witness, got)
    if witness.found_by == "solver":
        assert got[0][:2] != got[1][:2], witness
    for rule in witness.rules:
        sides = [
            (
                [(f.status, f.effect) for f in e.findings if f.rule == rule],
                [i.points for i in e.score_breakdown if i.criterion == rule],
            )
            for e in (ea, eb)
        ]
        assert sides[0] != sides[1], (rule, witness)


def agree(evaluator: Evaluator, a: str, b: str) -> list[Witness]:
    """Check witnesses against the exact difference for every change from `a` to `b`."""
    la, lb = evaluator.loaded(a), evaluator.loaded(b)
    changes = diff_policies(la.policy, lb.policy, la.ref, lb.ref).changes
    witnesses = find_witnesses(changes, a, b, evaluator, seconds=60)
    exact = exact_difference(evaluator, a, b, extents=False)
    assert exact.complete
    for change, witness in zip(changes, witnesses, strict=True):
        caused = _caused(change, la.policy, lb.policy, exact)
        if caused:
            assert witness.application is not None, (change.path, witness.reason, caused[0])
        if witness.application is not None:
            _reproduced(evaluator, witness, la.policy, lb.policy)
            acts = acts_through(change, la.policy, lb.policy)
            assert acts and witness.rules and set(witness.rules) <= acts[1]
        else:
            assert not caused and witness.why != "decided"
    return witnesses


@settings(max_examples=60)
@given(changes=edits())
def test_every_change_that_causes_an_exact_region_has_a_witness(changes: dict[str, Any]) -> None:
    with drafted(drafted_from(changes)) as evaluator:
        agree(evaluator, "2024", DRAFT)


def test_a_rule_combining_two_facts_gets_its_witness_from_the_solver() -> None:
    """The issue's case: a third-year project needs something else too. No one-fact
    variation of the base application reaches the rule; the solver's region does, and the
    witness keeps only what the rule needs."""
    raw = copy.deepcopy(_shipped())
    raw["rules"].append(
        combined_rule(
            [{"field": "project_year", "ge": 3}, {"field": "gender_analysis", "eq": "no"}],
            "project",
            "ineligible",
        )
    )
    with drafted(raw) as evaluator:
        (witness,) = agree(evaluator, "2024", DRAFT)
        assert witness.path == "rules.draft.combined" and witness.found_by == "solver"
        assert witness.rules == ["draft.combined"]
        assert witness.application is not None and witness.before and witness.after
        assert (witness.before.outcome, witness.after.outcome) == ("eligible", "ineligible")
        app = witness.application
        assert (app["project_year"], app["gender_analysis"]) == (3, False)
        # Everything else as in the base application the one-fact search starts from.
        assert app["requested_sek"] == 1000 and app["assessment"] == dict.fromkeys(
            ("novelty", "strategic_value", "early_support", "client_centred", "coordination"),
            True,
        )
        assert "submitted" not in app


def test_no_effect_is_said_where_the_solver_proves_it() -> None:
    """A new rule whose conditions never hold together causes no region: no effect on the
    outcome or the grant, on the solver's word, not for want of a candidate."""
    raw = copy.deepcopy(_shipped())
    raw["rules"].append(
        combined_rule(
            [{"field": "project_year", "ge": 3}, {"field": "project_year", "le": 2}],
            "project",
            "ineligible",
        )
    )
    with drafted(raw) as evaluator:
        (witness,) = agree(evaluator, "2024", DRAFT)
        assert witness.application is None and witness.found_by is None
        assert witness.why == "no_region"
        assert witness.reason.startswith("Påverkar inte utfall eller högsta bidrag: ingen ansökan")
