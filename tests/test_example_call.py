"""The shipped example call, `examples/calls/2026` (an invented decision, built step by step
in docs/writing-a-call.md): it checks and proves clean through the real command line, and
evaluates its decision's sentences as the decision says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fourules import Evaluator, get_plugin_manager
from fourules.evaluation.results import Evaluation, Finding
from fourules.text import Lang
from tests.yaml_data import yaml_data

CALLS = Path(__file__).parents[1] / "examples" / "calls"
FOLDER = CALLS / "2026"
DECISION = (FOLDER / "document.txt").read_text(encoding="utf-8")
EVALUATOR = Evaluator(get_plugin_manager(load_entry_points=False), policy_path=[CALLS])

PROJECT: dict[str, Any] = {
    "id": "p",
    "kind": "project",
    "title": "Ett lokalt utvecklingsprojekt",
    "applicants": ["Farsta stadsdelsförvaltning"],
    "requested_sek": 300000,
    "submitted": "2025-05-15",
    "project_year": 1,
    "assessment": {"novelty": True, "strategic_value": True, "implementation_plan": True},
}
TRIP: dict[str, Any] = {
    "id": "t",
    "kind": "study_trip",
    "title": "En studieresa",
    "applicants": ["Skarpnäck sdf"],
    "requested_sek": 20000,
    "submitted": "2025-05-15",
}


def fourules(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m fourules --policies examples/calls …`, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "fourules", "--policies", str(CALLS), *args],
        input=input,
        capture_output=True,
        text=True,
        check=False,
    )


def evaluate(base: dict[str, Any], lang: Lang = "sv", **changes: Any) -> Evaluation:
    return EVALUATOR.evaluate({**base, **changes}, "2026", lang=lang)


def finding(evaluation: Evaluation, rule: str) -> Finding:
    found = [f for f in evaluation.findings if f.rule == rule]
    assert len(found) == 1, [f.rule for f in evaluation.findings]
    return found[0]


def _one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("target", ["folder", "year"])
def test_the_example_checks_clean_with_every_case(target: str) -> None:
    """Named by its folder, or by its year on the policy path (as `prove 2026` is)."""
    done = fourules("check", str(FOLDER) if target == "folder" else "2026", "--format", "json")
    report = json.loads(done.stdout)
    assert done.returncode == 0, report["problems"]
    cases = yaml_data((FOLDER / "cases.yaml").read_text(encoding="utf-8"))["cases"]
    assert report["ok"] and report["summary"]["problems"] == 0
    assert report["summary"]["cases"] == report["summary"]["cases_passed"] == len(cases) >= 30
    assert report["policy"]["id"] == "2026"


def test_every_sentence_of_the_decision_is_accounted_for() -> None:
    done = fourules("coverage", "2026", "--format", "json")
    assert done.returncode == 0, done.stderr
    sentences = json.loads(done.stdout)["sentences"]
    assert sentences and all(s["status"] != "unclassified" for s in sentences), [
        s["text"] for s in sentences if s["status"] == "unclassified"
    ]


def test_the_example_proves_its_caps_and_branches() -> None:
    done = fourules("prove", "2026", "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["proved"] and report["counts"]["refuted"] == 0
    proved = {(p["property"], p["kind"]) for p in report["proofs"] if p["verdict"] == "proved"}
    assert {
        ("grant.within.cap.project", "project"),
        ("grant.within.cap.study_trip", "study_trip"),
        ("criterion.implementation_plan.can_fail", "project"),
        ("rule.criterion.train_or_bus.branch.0.can_fire", "study_trip"),
    } <= proved


def test_a_project_over_the_cap_gets_the_cap_naming_the_rule_and_its_quote() -> None:
    result = evaluate(PROJECT, requested_sek=700000)
    assert (result.outcome, result.max_grant_sek) == ("eligible", 600000)
    cap = finding(result, "cap.project")
    assert (cap.status, cap.basis) == ("warn", "text")
    assert "700 000 kr" in cap.message and "högst 600 000 kr kan beviljas" in cap.message
    assert (
        cap.source.quote == "Ett lokalt utvecklingsprojekt kan maximalt beviljas 600 000 kr per år."
    )
    assert cap.source.quote in _one_line(DECISION)
    assert cap.source.document == (
        "Inriktning av medel för lokala utvecklingsprojekt och studieresor 2026"
    )
    assert evaluate(PROJECT, requested_sek=600000).max_grant_sek == 600000


def test_a_study_trip_over_its_cap_gets_30_000_kr() -> None:
    result = evaluate(TRIP, requested_sek=45000)
    assert (result.outcome, result.max_grant_sek) == ("eligible", 30000)
    assert finding(result, "cap.study_trip").status == "warn"
    assert evaluate(TRIP, requested_sek=30000).max_grant_sek == 30000


@pytest.mark.parametrize(
    ("modes", "status", "score"),
    [
        (["train", "bus"], "pass", 1),
        (["bus"], "pass", 1),
        (["boat"], "info", 0),
        (["flight"], "info", 0),
        (["train", "flight"], "info", 0),  # the narrow reading: not by train or bus alone
        (None, "unknown", 0),
    ],
)
def test_trips_by_train_or_bus_are_prioritised(
    modes: list[str] | None, status: str, score: int
) -> None:
    result = evaluate(TRIP, travel_modes=modes)
    travel = finding(result, "criterion.train_or_bus")
    assert (result.outcome, travel.status, result.score) == ("eligible", status, score)
    assert travel.basis == "reading"
    assert (
        travel.source.quote
        == "Studieresor med tåg eller buss prioriteras därför i urvalsprocessen."
    )


def test_the_other_reading_of_train_or_bus_is_named_and_replayed(tmp_path: Path) -> None:
    round_file = tmp_path / "trips.json"
    trips = [
        {**TRIP, "id": "tåg-flyg", "travel_modes": ["train", "flight"]},
        {**TRIP, "id": "tåg-buss", "travel_modes": ["train", "bus"]},
        {**TRIP, "id": "båt", "travel_modes": ["boat"]},
    ]
    round_file.write_text(json.dumps(trips), encoding="utf-8")
    done = fourules("readings", "2026", "--replay", str(round_file), "--format", "json")
    assert done.returncode == 0, done.stderr
    reading = next(
        r for r in json.loads(done.stdout)["readings"] if r["rule"] == "criterion.train_or_bus"
    )
    assert "Alternativ:" in reading["note"]
    (any_mode,) = reading["alternatives"]
    assert any_mode["id"] == "any_mode"
    # Only the trip that also flies is read otherwise: any mode by train or bus would do.
    assert [
        (d["subject"], d["aspect"], d["before"], d["after"]) for d in any_mode["differences"]
    ] == [("tåg-flyg", "score", "0", "1")]


def test_a_trip_outside_the_window_is_not_held_to_the_projects_window() -> None:
    trip = evaluate(TRIP, submitted="2025-09-15")
    assert (trip.outcome, trip.max_grant_sek) == ("eligible", 20000)
    info = finding(trip, "call_window.study_trip")
    assert (info.status, info.basis) == ("info", "reading")
    assert "call_window" not in {f.rule for f in trip.findings}
    project = evaluate(PROJECT, submitted="2025-09-15")
    window = finding(project, "call_window")
    assert (project.outcome, project.max_grant_sek) == ("ineligible", 0)
    assert (window.status, window.basis) == ("fail", "reading")
    assert "2025-04-01–2025-08-29" in window.message and "Läsning i fourules" in window.message


@pytest.mark.parametrize(("submitted", "outcome"), [
    ("2025-03-31", "ineligible"),
    ("2025-04-01", "eligible"),
    ("2025-08-29", "eligible"),
    ("2025-08-30", "ineligible"),
])  # fmt: skip
def test_the_call_window_of_the_decision(submitted: str, outcome: str) -> None:
    assert evaluate(PROJECT, submitted=submitted).outcome == outcome


@pytest.mark.parametrize("criterion", ["novelty", "strategic_value", "implementation_plan"])
def test_each_mandatory_criterion_assessed_false_rejects_a_project(criterion: str) -> None:
    assessment = {**PROJECT["assessment"], criterion: False}
    result = evaluate(PROJECT, assessment=assessment)
    assert (result.outcome, result.max_grant_sek) == ("ineligible", 0)
    assert finding(result, f"criterion.{criterion}").status == "fail"
    unassessed = {k: v for k, v in PROJECT["assessment"].items() if k != criterion}
    assert evaluate(PROJECT, assessment=unassessed).outcome == "undetermined"


def test_the_implementation_plan_cites_the_decisions_words() -> None:
    plan = finding(evaluate(PROJECT), "criterion.implementation_plan")
    assert "en plan för hur resultaten ska tas tillvara i ordinarie verksamhet" in plan.source.quote
    assert plan.source.quote in _one_line(DECISION)


def test_priority_areas_count_once() -> None:
    areas = {"early_support": True, "client_centred": True, "coordination": True}
    one = evaluate(PROJECT, assessment={**PROJECT["assessment"], "digital_support": True})
    four = evaluate(PROJECT, assessment={**PROJECT["assessment"], **areas, "digital_support": True})
    none = evaluate(PROJECT)
    assert (none.score, one.score, four.score) == (0, 1, 1)
    assert finding(one, "criterion.digital_support").status == "pass"


def test_a_fourth_project_year_is_rejected() -> None:
    assert evaluate(PROJECT, project_year=3, research_partner=True).outcome == "eligible"
    fourth = evaluate(PROJECT, project_year=4)
    assert (fourth.outcome, finding(fourth, "project_years").status) == ("ineligible", "fail")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("sv", "studieresan ska redovisas i kunskapsbanken inom 2 månader efter resan"),
        ("en", "reported in the knowledge bank within 2 months of the trip"),
    ],
)
def test_the_reporting_obligation_states_its_duration(lang: Lang, words: str) -> None:
    report = finding(evaluate(TRIP, lang=lang), "obligation.report")
    assert report.status == "info" and words in report.message
    assert "report.within" in EVALUATOR.load_policy("2026").parameters
    assert "obligation.report" not in {f.rule for f in evaluate(PROJECT).findings}


def test_the_quotas_act_on_a_round() -> None:
    central = [
        {**PROJECT, "id": f"S{i}", "title": f"Projekt {i}", "applicants": ["Socialförvaltningen"]}
        for i in range(2)
    ]
    farsta = [{**PROJECT, "id": f"F{i}", "title": f"Projekt F{i}"} for i in range(3)]
    trips = [
        {**TRIP, "id": f"R{i}", "title": f"Resa {i}", "applicants": ["Farsta"]} for i in range(2)
    ]
    done = fourules(
        "round", "-", "--year", "2026", "--format", "json",
        input=json.dumps({"year": "2026", "applications": [*central, *farsta, *trips]}),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    quotas = {
        (a["administration"], q["quota"]): (q["limit"], q["count"], q["over"])
        for a in json.loads(done.stdout)["administrations"]
        for q in a["quotas"]
    }
    assert quotas[("socialforvaltningen", "quota.central_projects")] == (1, 2, True)
    assert quotas[("farsta", "quota.projects")] == (2, 3, True)
    assert quotas[("farsta", "quota.study_trips")] == (2, 2, False)
    assert ("socialforvaltningen", "quota.projects") not in quotas


def test_a_third_year_without_a_research_partner_is_ineligible_naming_the_rule() -> None:
    result = evaluate(PROJECT, project_year=3, research_partner=False)
    assert (result.outcome, result.max_grant_sek) == ("ineligible", 0)
    partner = finding(result, "research_partner")
    assert (partner.status, partner.effect, partner.basis) == ("fail", "ineligible", "text")
    assert "ingen forskningspartner" in partner.message
    assert partner.source.quote == (
        "Medel för ett tredje projektår kan beviljas endast om projektet har en forskningspartner."
    )
    assert partner.source.quote in _one_line(DECISION)


@pytest.mark.parametrize(
    ("year", "partner", "outcome", "status"),
    [
        (3, True, "eligible", "pass"),
        (3, None, "undetermined", "unknown"),  # not stated: needed to decide
        (1, False, "eligible", "info"),
        (2, None, "eligible", "info"),
        (None, False, "eligible", "unknown"),  # no project year: not checked, as project_years
        (4, True, "ineligible", "pass"),  # a fourth year fails project_years, not this rule
    ],
)
def test_a_research_partner_is_required_from_the_third_project_year(
    year: int | None, partner: bool | None, outcome: str, status: str
) -> None:
    result = evaluate(PROJECT, project_year=year, research_partner=partner)
    assert (result.outcome, finding(result, "research_partner").status) == (outcome, status)


def test_the_research_partner_is_a_field_of_2026s_project_applications() -> None:
    done = fourules("schema", "application", "--year", "2026")
    assert done.returncode == 0, done.stderr
    definitions = json.loads(done.stdout)["$defs"]
    field = definitions["ProjectApplication"]["properties"]["research_partner"]
    assert field["title"] == "Research partner" and "forskningspartner" in field["description"]
    assert "research_partner" not in definitions["StudyTripApplication"]["properties"]
    trip = fourules(
        "evaluate", "-", "--year", "2026", input=json.dumps({**TRIP, "research_partner": True})
    )
    assert trip.returncode == 2 and "research_partner" in trip.stderr and not trip.stdout


def test_the_diff_against_2024_witnesses_the_research_partner_rule() -> None:
    done = fourules("diff", "2024", "2026", "--witnesses", "--format", "json")
    assert done.returncode == 0, done.stderr
    (witness,) = [
        w for w in json.loads(done.stdout)["witnesses"] if w["path"] == "rules.research_partner"
    ]
    assert witness["application"]["project_year"] >= 3 and witness["rules"] == ["research_partner"]
    assert witness["before"]["outcome"] != witness["after"]["outcome"]
    # The witness reproduces: evaluated under 2026 it is decided as the diff says.
    again = EVALUATOR.evaluate(witness["application"], "2026")
    assert (again.outcome, again.max_grant_sek) == (
        witness["after"]["outcome"],
        witness["after"]["max_grant_sek"],
    )
