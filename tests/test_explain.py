"""`--explain`: the smallest changes that make an application eligible, each re-evaluated;
for an eligible one, the most it can be granted and what would raise its score."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from fourules import Evaluator
from fourules.cli.main import app
from fourules.evaluation.explain import explain

runner = CliRunner()
PROJECT = {
    "id": "x",
    "kind": "project",
    "title": "t",
    "applicants": ["Farsta"],
    "requested_sek": 300000,
    "submitted": "2023-06-01",
    "assessment": {"novelty": True, "strategic_value": True},
}


def _applied(application: dict[str, Any], suggestion: dict[str, Any]) -> dict[str, Any]:
    changed = dict(application)
    for change in suggestion["changes"]:
        if change["field"].startswith("assessment."):
            assessment = dict(changed.get("assessment") or {})
            assessment[change["field"].split(".", 1)[1]] = change["after"]
            changed["assessment"] = assessment
        else:
            changed[change["field"]] = change["after"]
    return changed


def test_a_late_project_is_told_to_submit_by_the_last_day(evaluator: Evaluator) -> None:
    late = {**PROJECT, "submitted": "2023-09-20"}
    result = explain(evaluator, late, "2024")
    first = result["suggestions"][0]
    assert first["changes"][0]["text"] == "Lämna in senast 8 september 2023."
    assert first["rules"][0]["rule"] == "call_window"
    assert "8 september 2023" in first["rules"][0]["quote"]
    for suggestion in result["suggestions"]:
        assert evaluator.evaluate(_applied(late, suggestion), "2024").outcome == "eligible"


def test_an_unassessed_mandatory_criterion_is_named(evaluator: Evaluator) -> None:
    unassessed = {**PROJECT, "assessment": {"strategic_value": True}}
    result = explain(evaluator, unassessed, "2024", lang="en")
    (change,) = result["suggestions"][0]["changes"]
    assert change["field"] == "assessment.novelty"
    assert change["text"].startswith("The application needs an assessment of")
    assert (
        evaluator.evaluate(_applied(unassessed, result["suggestions"][0]), "2024").outcome
        == "eligible"
    )


def test_an_eligible_trip_above_the_cap_is_told_the_most_and_what_raises_its_score(
    evaluator: Evaluator,
) -> None:
    trip = {**PROJECT, "kind": "study_trip", "requested_sek": 40000, "submitted": "2017-10-01"}
    trip.pop("assessment")
    result = explain(evaluator, trip, "2018")
    assert result["max_grant_sek"] == 25000 and "25 000 kr" in result["grant"]
    # 2018's priority criteria are read as the projects' (a reading): nothing raises a trip's
    # score, while a project of one district is told that spanning several would.
    assert result["would_raise_score"] == []
    project = {**PROJECT, "submitted": "2017-10-01", "assessment": {}}
    raised = {item["criterion"] for item in explain(evaluator, project, "2018")["would_raise_score"]}
    assert "criterion.several_districts" in raised


def test_when_no_change_helps_it_says_so(evaluator: Evaluator) -> None:
    merged = {**PROJECT, "applicants": ["Hägersten-Liljeholmen"]}
    result = explain(evaluator, merged, "2024")
    assert result["suggestions"] == [] and "Ingen ändring" in result["none"]


def test_the_command_adds_the_explanation() -> None:
    late = {**PROJECT, "submitted": "2023-09-20"}
    result = runner.invoke(
        app,
        ["evaluate", "-", "--year", "2024", "--explain", "--format", "json"],
        input=json.dumps(late),
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["outcome"] == "ineligible" and data["explanation"]["suggestions"]
    shown = runner.invoke(
        app, ["evaluate", "-", "--year", "2024", "--explain"], input=json.dumps(late)
    )
    assert "Förslag 1: Lämna in senast 8 september 2023." in shown.stdout


def test_the_service_explains_on_request() -> None:
    import pytest

    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from fourules.server import create_app

    client = TestClient(create_app())
    late = {**PROJECT, "submitted": "2023-09-20"}
    answered = client.post("/v1/policies/2024/evaluate?explain=true", json=late).json()
    assert answered["explanation"]["suggestions"][0]["changes"][0]["after"] == "2023-09-08"
    plain = client.post("/v1/policies/2024/evaluate", json=late).json()
    assert "explanation" not in plain
