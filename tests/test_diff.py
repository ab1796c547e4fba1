"""Diffs between years: structure, mirror images, replay of real applications, witnesses."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fourules import Evaluator
from fourules.cli.main import app
from fourules.comparison.replay import replay
from fourules.comparison.structure import diff_policies, mirror
from fourules.comparison.witnesses import find_witnesses
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.evaluation.results import PolicyRef
from fourules.policy.model import Policy
from fourules.rounds.files import load_round
from tests.years import POLICIES, YEARS

ROUND_2018 = builtin_policy_dir() / "2018" / "round.json"


def _diff(evaluator: Evaluator, a: str, b: str) -> Any:
    la, lb = evaluator.loaded(a), evaluator.loaded(b)
    return diff_policies(la.policy, lb.policy, la.ref, lb.ref)


@pytest.mark.parametrize("year", YEARS)
def test_a_year_against_itself_has_no_change(evaluator: Evaluator, year: str) -> None:
    assert _diff(evaluator, year, year).changes == []


def test_2018_to_2024(evaluator: Evaluator) -> None:
    changes = {c.path: c for c in _diff(evaluator, "2018", "2024").changes}
    cap = changes["parameters.cap.project"]
    assert (cap.before["value"], cap.after["value"]) == (750000, 500000)
    assert cap.sources.before and "750 000" in cap.sources.before.quote
    assert cap.sources.after and "500 000" in cap.sources.after.quote
    assert changes["parameters.cap.study_trip"].after["not_stated"] is True
    assert changes["criteria.criterion.novelty"].kind == "added"
    assert changes["criteria.criterion.research_connection"].kind == "removed"
    moved = changes["criteria.criterion.strategic_value.type"]
    assert (moved.before, moved.after) == ("priority", "mandatory")
    assert changes["administrations.hagersten-liljeholmen"].kind == "removed"
    assert "Hägersten-Älvsjö" in (changes["administrations.hagersten-liljeholmen"].note or "")
    assert changes["administrations.hagersten-alvsjo"].kind == "added"
    assert changes["quotas.quota.projects"].after["limit"] == 2
    assert changes["obligations.obligation.repayment"].kind == "added"


def test_the_two_directions_are_mirror_images(evaluator: Evaluator) -> None:
    forward, backward = _diff(evaluator, "2018", "2024"), _diff(evaluator, "2024", "2018")
    assert [mirror(c) for c in backward.changes] == forward.changes


def _mutated(policy: Policy, cap: int, drop: int, weight: float) -> Policy:
    params = dict(policy.parameters)
    amount = next(n for n, p in params.items() if p.unit == "SEK" and p.value is not None)
    params[amount] = params[amount].model_copy(update={"value": cap})
    rules = [r for i, r in enumerate(policy.rules) if i != drop]
    rules = [
        r.model_copy(update={"criterion": r.criterion.model_copy(update={"weight": weight})})
        if r.criterion and r.criterion.type == "priority"
        else r
        for r in rules
    ]
    members = policy.administrations.members[:-2] if drop % 2 else policy.administrations.members
    return policy.model_copy(
        update={
            "parameters": params,
            "rules": rules,
            "administrations": policy.administrations.model_copy(update={"members": members}),
        }
    )


@settings(max_examples=60)
@given(
    year=st.sampled_from(YEARS),
    cap=st.integers(1, 2_000_000),
    drop=st.integers(0, 15),
    weight=st.sampled_from([0.5, 1.0, 2.0]),
)
def test_mirror_and_identity_on_changed_policies(
    evaluator: Evaluator, year: str, cap: int, drop: int, weight: float
) -> None:
    original = evaluator.load_policy(year)
    changed = _mutated(original, cap, drop, weight)
    ref = PolicyRef(id="x", version="0.0.0", sha256="0" * 64)
    forward = diff_policies(original, changed, ref, ref).changes
    backward = diff_policies(changed, original, ref, ref).changes
    assert [mirror(c) for c in backward] == forward
    assert diff_policies(changed, changed, ref, ref).changes == []
    assert {c.kind for c in forward} <= {"added", "removed", "changed"}


def test_replay_of_the_real_2018_round_under_2024(evaluator: Evaluator) -> None:
    round_ = load_round(ROUND_2018.read_bytes(), str(ROUND_2018))
    result = replay(round_, "2018", "2024", evaluator)
    by_id = {r.application_id: r for r in result.changed}
    assert result.summary.applications == 40
    # Hägersten-Liljeholmen no longer exists in 2024: its applications become ineligible.
    assert (
        by_id["T1-4"].after.outcome == "ineligible"
        and "applicants.recognised" in by_id["T1-4"].rules
    )
    # The mandatory criteria were never assessed in 2018: projects become undetermined.
    assert (
        by_id["T1-1"].after.outcome == "undetermined" and "criterion.novelty" in by_id["T1-1"].rules
    )
    # No trip cap stated for 2024: the Köpenhamn trip could get its whole 100 000 kr.
    assert by_id["T2-8"].after.max_grant_sek == 100000 and "cap.study_trip" in by_id["T2-8"].rules
    # A lower project cap: 750 000 becomes 500 000.
    assert by_id["T1-19"].after.max_grant_sek == 500000
    assert result.summary.became["ineligible"] == 4 and result.summary.capped_lower >= 1
    # Only the rules that change what the application gets, each by what it changes: not
    # every criterion one year has and the other lacks.
    assert by_id["T1-4"].rules == ["applicants.recognised"]
    assert by_id["T1-1"].because.outcome == ["criterion.novelty", "criterion.strategic_value"]
    assert by_id["T1-19"].because.model_dump() == {
        "outcome": ["criterion.novelty"],
        "max_grant": ["cap.project"],
        "score": [],
    }
    assert by_id["T2-8"].rules == ["cap.study_trip"] == by_id["T2-8"].because.max_grant
    # Where only the score changes, the criteria whose points differ.
    assert by_id["T1-14"].because.score == by_id["T1-14"].rules == ["criterion.several_districts"]
    # Every application that changes has the rules that change it.
    assert all(replayed.rules for replayed in result.changed)


def test_every_witness_is_verified_under_both_years(evaluator: Evaluator) -> None:
    changes = _diff(evaluator, "2018", "2024").changes
    witnesses = find_witnesses(changes, "2018", "2024", evaluator)
    assert [w.path for w in witnesses] == [c.path for c in changes]
    found = {w.path: w for w in witnesses}
    for w in witnesses:
        if w.application is None:
            assert w.reason and w.found_by is None and w.why != "decided"
            continue
        # Every change of 2018 -> 2024 shows on one fact varied: the solver is not needed.
        assert w.found_by == "boundaries"
        # Each year reads the application without the criteria it does not declare.
        before, after = (
            evaluator.evaluate(POLICIES["2018"].vocabulary.restrict(w.application), "2018"),
            evaluator.evaluate(POLICIES["2024"].vocabulary.restrict(w.application), "2024"),
        )
        for year, criteria in w.set_aside.items():
            assert set(criteria) == set(w.application["assessment"]) - set(
                POLICIES[year].vocabulary.assessed[w.application["kind"]]
            )
        assert (before.outcome, before.max_grant_sek, before.score) == (
            w.before.outcome,
            w.before.max_grant_sek,
            w.before.score,
        )  # type: ignore[union-attr]
        assert (after.outcome, after.max_grant_sek, after.score) == (
            w.after.outcome,
            w.after.max_grant_sek,
            w.after.score,
        )  # type: ignore[union-attr]
        assert w.rules
    assert found["parameters.cap.project"].application["requested_sek"] == 500001  # type: ignore[index]
    assert found["parameters.cap.study_trip"].application["kind"] == "study_trip"  # type: ignore[index]
    assert found["administrations.alvsjo"].application["applicants"] == ["Älvsjö"]  # type: ignore[index]
    assert found["quotas.quota.projects"].application is None
    # Its rule decides no outcome and limits no grant in either year: no exact region is its.
    assert found["parameters.repayment.notify_by"].why == "no_effect"
    assert found["parameters.repayment.notify_by"].reason.startswith(
        "Påverkar inte utfall, högsta bidrag eller poäng"
    )
    assert found["obligations.obligation.repayment"].application is None


def test_diff_command_json_shape_and_bad_year() -> None:
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["diff", "2018", "2024", "--format", "json", "--witnesses", "--replay", str(ROUND_2018)],
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["from"]["id"] == "2018" and data["to"]["id"] == "2024"
    assert {"path", "kind", "before", "after", "sources"} <= set(data["changes"][0])
    assert data["replay"]["summary"]["applications"] == 40 and len(data["witnesses"]) == len(
        data["changes"]
    )
    bad = runner.invoke(app, ["diff", "2018", "1999"])
    assert bad.exit_code == 2 and "1999" in bad.stderr and bad.stdout == ""


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_diff_for_people(fmt: str) -> None:
    result = CliRunner().invoke(
        app, ["diff", "2018", "2024", "--format", fmt, "--witnesses", "--lang", "en"]
    )
    assert result.exit_code == 0 and "cap.project" in result.stdout and "Witnesses" in result.stdout


def test_python_api() -> None:
    import fourules

    assert fourules.diff("2024", "2024").changes == []
    assert fourules.diff(2018, 2024).as_json()["from"]["id"] == "2018"


def test_replay_in_two_processes_equals_replay_in_one() -> None:
    """Run in a fresh interpreter: forking is only done where no other thread runs."""
    script = f"""
import fourules
from fourules import Evaluator, get_plugin_manager
from fourules.comparison.replay import replay
from fourules.rounds.files import load_round
ev = Evaluator(get_plugin_manager(load_entry_points=False))
round_ = load_round(open({str(ROUND_2018)!r}, "rb").read(), "round.json")
for a, b in (("2018", "2024"), ("2024", "2018")):
    assert replay(round_, a, b, ev, parallel=True) == replay(round_, a, b, ev, parallel=False)
print("same")
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "same"


def test_a_replay_says_how_many_were_submitted_outside_each_years_call_window(
    evaluator: Evaluator,
) -> None:
    """2017's dates are inside 2018's call window and outside 2024's: under 2024 the 19
    projects are late, which the replay says, so a change is not taken for the rules'. The
    21 study trips are not counted: 2024 reads its period as the projects' only (its study
    trips' rule checks no date), so their dates change nothing."""
    data = json.loads((builtin_policy_dir() / "2018" / "round.json").read_bytes())
    for application in data["applications"]:
        application["submitted"] = "2017-10-02"
    round_ = load_round(json.dumps(data).encode(), "round.json")
    kinds = Counter(a.kind for a in round_.applications)
    assert kinds == {"project": 19, "study_trip": 21}
    summary = replay(round_, "2018", "2024", evaluator).summary
    assert summary.submitted_outside_window == {"2024": 19}
    # Read the other way, 2018's period is every kind's: all 40 are outside it.
    later = round_.model_copy(
        update={"applications": [a.model_copy(update={"submitted": date(2023, 6, 1)})
                                 for a in round_.applications]}
    )  # fmt: skip
    assert replay(later, "2024", "2018", evaluator).summary.submitted_outside_window == {"2018": 40}
    result = CliRunner().invoke(
        app,
        ["diff", "2018", "2024", "--replay", "-", "--lang", "en", "--format", "markdown"],
        input=json.dumps(data),
    )
    assert result.exit_code == 0
    assert "19 of the applications were submitted outside the 2024 call window" in result.stdout
