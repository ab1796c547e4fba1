"""The gender-equality scorer, registered for each test and through its entry point."""

from __future__ import annotations

import fourules_gender_equality
import pytest

from fourules import Evaluator, get_plugin_manager

PROJECT = {
    "id": "p",
    "kind": "project",
    "title": "t",
    "applicants": ["Farsta"],
    "requested_sek": 100000,
}


@pytest.fixture
def evaluator() -> Evaluator:
    pm = get_plugin_manager(load_entry_points=False)
    pm.register(fourules_gender_equality, name="gender_equality")
    return Evaluator(pm)


@pytest.mark.parametrize("year", ["2018", "2024"])
def test_a_documented_analysis_scores_a_point(evaluator: Evaluator, year: str) -> None:
    result = evaluator.evaluate(
        {**PROJECT, "gender_analysis": True}, year, scorers=["gender_equality"]
    )
    assert result.score == 1.0 and result.scorers == ["gender_equality"]
    item = result.score_breakdown[0]
    assert item.scorer == "gender_equality" and item.source is not None
    # The 2018 policy notes the answer gives no priority: the point is the plugin's, never
    # the decision's.
    assert item.plugin == "gender_equality" and item.from_decision is False
    assert "jämställdhet" in item.source.quote


def test_no_analysis_no_point(evaluator: Evaluator) -> None:
    result = evaluator.evaluate(
        {**PROJECT, "gender_analysis": False}, "2024", scorers=["gender_equality"]
    )
    assert result.score == 0.0 and result.score_breakdown[0].points == 0.0


def test_study_trips_are_not_scored(evaluator: Evaluator) -> None:
    trip = {**PROJECT, "kind": "study_trip", "gender_analysis": True}
    result = evaluator.evaluate(trip, "2024", scorers=["gender_equality"])
    assert result.score_breakdown == [] and result.score == 0.0


def test_installed_plugin_is_loaded_from_its_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FOURULES_PLUGINS", raising=False)
    assert get_plugin_manager().get_plugin("gender_equality") is None  # only when asked for
    pm = get_plugin_manager(only=["gender_equality"])
    assert pm.get_plugin("gender_equality") is fourules_gender_equality
    result = Evaluator(pm).evaluate({**PROJECT, "gender_analysis": True}, "2018")
    assert "gender_equality" in result.scorers
    added = [i for i in result.score_breakdown if i.scorer == "gender_equality"]
    assert [(i.points, i.from_decision) for i in added] == [(1.0, False)]
    monkeypatch.setenv("FOURULES_PLUGINS", "gender_equality")
    assert get_plugin_manager().get_plugin("gender_equality") is fourules_gender_equality
