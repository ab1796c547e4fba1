"""`fourules diff A B --exact`: every region of applications the two years decide
differently, each witnessed, and no application decided differently outside them."""

from __future__ import annotations

import functools
import json
from typing import Any

import jsonschema
from hypothesis import given, settings
from typer.testing import CliRunner

from fourules import Evaluator
from fourules.cli.main import app
from fourules.comparison.exact import ExactDifference, deciding_findings, exact_difference
from fourules.testing import applications
from fourules.use_cases.schemas import schema_of
from tests.years import POLICIES

runner = CliRunner()


@functools.cache
def _exact() -> ExactDifference:
    from fourules import get_plugin_manager

    evaluator = Evaluator(get_plugin_manager(load_entry_points=False))
    return exact_difference(evaluator, "2018", "2024", lang="en")


def test_the_search_is_complete_and_every_witness_reproduces() -> None:
    exact = _exact()
    assert exact.complete and exact.regions
    assert all(region.reproduced for region in exact.regions)
    said = (
        f"Outside the {exact.raw_regions} regions the solver found, 2018 and 2024 decide "
        "every application alike."
    )
    assert exact.statement == said


@settings(max_examples=300)
@given(app_=applications([POLICIES["2018"], POLICIES["2024"]]))
def test_an_application_decided_differently_lies_in_a_listed_region(
    evaluator: Evaluator, app_: dict[str, Any]
) -> None:
    results = {
        year: evaluator.evaluate(POLICIES[year].vocabulary.restrict(app_), year)
        for year in ("2018", "2024")
    }
    a, b = results["2018"], results["2024"]
    if (a.outcome, a.max_grant_sek) == (b.outcome, b.max_grant_sek):
        return
    key = (
        list(deciding_findings(POLICIES["2018"], a)),
        list(deciding_findings(POLICIES["2024"], b)),
    )
    parts = [
        (part.before, part.after)
        for region in _exact().regions
        if region.kind == app_["kind"]
        for part in region.parts
    ]
    assert key in [(list(x), list(y)) for x, y in parts], key


def test_the_command_adds_the_regions_in_its_language_and_its_schema() -> None:
    result = runner.invoke(app, ["diff", "2018", "2024", "--exact", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    exact = document["exact"]
    assert exact["complete"] and exact["regions"][0]["witness"]["kind"] in ("project", "study_trip")
    assert exact["from"] == "2018" and exact["raw_regions"] >= len(exact["regions"])
    regions = exact["raw_regions"]
    assert exact["statement"] == (
        f"Utanför de {regions} regioner som sökningen fann bedömer 2018 och 2024 "
        "varje ansökan likadant."
    )
    jsonschema.validate(document, schema_of("diff"))


def test_each_part_of_a_region_says_where_it_lies() -> None:
    parts = [part for region in _exact().regions for part in region.parts]
    assert all(part.where for part in parts)
    # An application inside one year's call window is outside the other's: read as dates.
    spans = {w for part in parts for w in part.where if w.startswith("submitted")}
    assert {"submitted 2017-09-04…2017-12-01", "submitted 2023-05-02…2023-09-08"} <= spans


def test_a_person_sees_the_largest_regions_and_a_count_of_the_rest() -> None:
    result = runner.invoke(app, ["diff", "2018", "2024", "--exact", "--lang", "en"])
    assert result.exit_code == 0
    rest = len(_exact().regions) - 20
    assert f"… and {rest} more regions (all of them in --format json)." in result.stdout
    sizes = [len(region.parts) for region in _exact().regions]
    assert sizes == sorted(sizes, reverse=True)
