"""Applicant names: aliases, suffixes, genitives, units, the 2020 merger."""

from __future__ import annotations

import pytest

from fourules import Evaluator
from fourules.policy.administrations import AdministrationIndex, normalise


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Enskede-Årsta-Vantör stadsdelsförvaltning", "enskede-årsta-vantör"),
        ("enskede-årsta-vantör sdf", "enskede-årsta-vantör"),
        ("ENSKEDE - ÅRSTA – VANTÖR", "enskede-årsta-vantör"),
        ("Farsta stadsdelsförvaltning, familjestödsenheten", "farsta"),
        ("Hässelby- Vällingby", "hässelby-vällingby"),
        ("  Bromma  ", "bromma"),
    ],
)
def test_normalise(name: str, key: str) -> None:
    assert normalise(name) == key


@pytest.mark.parametrize(
    ("year", "name", "resolved"),
    [
        ("2018", "Skarpnäcks stadsdelsförvaltning", "skarpnack"),
        ("2018", "Södermalms stadsdelsförvaltning, familjerätten", "sodermalm"),
        ("2018", "Socialförvaltningen, enheten för hemlösa", "socialforvaltningen"),
        ("2018", "socialförvaltning", "socialforvaltningen"),
        ("2018", "Hägersten-Liljeholmen", "hagersten-liljeholmen"),
        ("2018", "Älvsjö sdf", "alvsjo"),
        ("2024", "Hägersten-Älvsjö sdf", "hagersten-alvsjo"),
        ("2024", "hägersten-älvsjö stadsdelsförvaltning", "hagersten-alvsjo"),
        ("2018", "Hägersten-Älvsjö", None),
        ("2024", "Hägersten-Liljeholmen", None),
        ("2024", "Älvsjö", None),
        ("2018", "Första stadsdelsförvaltning", None),
        ("2018", "Solna", None),
    ],
)
def test_resolution(evaluator: Evaluator, year: str, name: str, resolved: str | None) -> None:
    index = AdministrationIndex(evaluator.load_policy(year).administrations)
    result = index.resolve(name)
    assert (result.administration.id if result.administration else None) == resolved
    assert (result.hint is None) == (resolved is not None)


def test_hints_point_the_way(evaluator: Evaluator) -> None:
    y2018 = AdministrationIndex(evaluator.load_policy("2018").administrations)
    y2024 = AdministrationIndex(evaluator.load_policy("2024").administrations)
    assert "2020" in (y2018.resolve("Hägersten-Älvsjö").hint or _none()).sv
    assert "Hägersten-Älvsjö" in (y2024.resolve("Hägersten-Liljeholmen sdf").hint or _none()).sv
    assert "Farsta" in (y2018.resolve("Första stadsdelsförvaltning").hint or _none()).sv
    assert "listed in its policy" in (y2018.resolve("Solna").hint or _none()).en


def _none() -> object:
    raise AssertionError("expected a hint")


def test_fourteen_districts_in_2018_and_thirteen_in_2024(evaluator: Evaluator) -> None:
    for year, districts in (("2018", 14), ("2024", 13)):
        members = evaluator.load_policy(year).administrations.members
        assert sum(m.type == "district" for m in members) == districts
        assert [m.name for m in members if m.type == "central"] == ["Socialförvaltningen"]
