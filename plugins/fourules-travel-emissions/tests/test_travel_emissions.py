"""The travel-emissions scorer: 2024 only, mode × distance, never a guess."""

from __future__ import annotations

import fourules_travel_emissions
import pytest

from fourules import Evaluator, InputError, get_plugin_manager

TRIP = {
    "id": "t",
    "kind": "study_trip",
    "title": "t",
    "applicants": ["Farsta"],
    "requested_sek": 20000,
}


@pytest.fixture
def evaluator() -> Evaluator:
    pm = get_plugin_manager(load_entry_points=False)
    pm.register(fourules_travel_emissions, name="travel_emissions")
    return Evaluator(pm)


def _emissions(evaluator: Evaluator, **fields: object) -> tuple[float, str]:
    result = evaluator.evaluate({**TRIP, **fields}, "2024", scorers=["travel_emissions"])
    item = result.score_breakdown[0]
    return item.points, item.reason


def test_train_to_gothenburg_scores_full(evaluator: Evaluator) -> None:
    points, reason = _emissions(evaluator, destination="Göteborg", travel_modes=["train"])
    assert points == 1.0 and "Göteborg" in reason


def test_flight_to_lisbon_scores_nothing(evaluator: Evaluator) -> None:
    points, reason = _emissions(evaluator, destination="Lissabon", travel_modes=["flight"])
    assert points == 0.0 and "flight" in reason


def test_the_farthest_place_and_the_worst_mode_count(evaluator: Evaluator) -> None:
    near, _ = _emissions(evaluator, destination="Helsingborg", travel_modes=["train"])
    far, reason = _emissions(
        evaluator, destination="Helsingborg, Lund och Malmö", travel_modes=["train", "bus"]
    )
    assert near == 1.0 and far == 0.5
    assert "Malmö" in reason and "bus" in reason


def test_an_unknown_destination_is_not_guessed(evaluator: Evaluator) -> None:
    points, reason = _emissions(evaluator, destination="Atlantis", travel_modes=["train"])
    assert points == 0.0 and "Atlantis" in reason


def test_applies_to_2024_only(evaluator: Evaluator) -> None:
    result = evaluator.evaluate({**TRIP, "destination": "Oslo", "travel_modes": ["train"]}, "2018")
    assert "travel_emissions" not in result.scorers
    with pytest.raises(InputError, match="travel_emissions"):
        evaluator.evaluate({**TRIP}, "2018", scorers=["travel_emissions"])


def test_installed_plugin_is_loaded_from_its_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    trip = {**TRIP, "destination": "Göteborg", "travel_modes": ["train"]}
    monkeypatch.delenv("FOURULES_PLUGINS", raising=False)
    unasked = get_plugin_manager()
    assert unasked.get_plugin("travel_emissions") is None  # only when asked for
    assert "travel_emissions" not in Evaluator(unasked).evaluate(trip, "2024").scorers
    monkeypatch.setenv("FOURULES_PLUGINS", "travel_emissions")
    pm = get_plugin_manager()
    assert pm.get_plugin("travel_emissions") is fourules_travel_emissions
    result = Evaluator(pm).evaluate(trip, "2024")
    added = [i for i in result.score_breakdown if i.scorer == "travel_emissions"]
    # On top of 2024's climate-smart point: an estimate of the plugin's, not the decision's.
    assert [(i.points, i.plugin, i.from_decision) for i in added] == [
        (1.0, "travel_emissions", False)
    ]
    assert all(i.from_decision for i in result.score_breakdown if i not in added)


def test_great_circle_distance() -> None:
    km = fourules_travel_emissions.great_circle_km(
        fourules_travel_emissions.STOCKHOLM, (57.71, 11.97)
    )
    assert 390 < km < 410  # Stockholm–Göteborg as the crow flies
