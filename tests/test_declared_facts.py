"""A new fact is one declaration in the year folder: declared in a temporary year's
policy.yaml, with a rule on it, it reaches every surface with no change to `src/`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fourules import Evaluator, get_plugin_manager
from fourules.cli.main import app as cli
from fourules.errors import InputError, PolicyError
from fourules.output.schemas import schema_of
from fourules.policy.facts import base_declarations
from fourules.policy.model import load_policy_file
from fourules.policy.vocabulary import Vocabulary, boundary_applications
from tests.declared import RESEARCH_PARTNER, year_folder

PROJECT = {
    "id": "p",
    "kind": "project",
    "title": "t",
    "applicants": ["Farsta"],
    "requested_sek": 100000,
    "submitted": "2023-06-15",
    "project_year": 3,
    "assessment": {"novelty": True, "strategic_value": True},
}


@pytest.fixture
def year(tmp_path: Path) -> Evaluator:
    year_folder(tmp_path, RESEARCH_PARTNER)
    return Evaluator(get_plugin_manager(load_entry_points=False), policy_path=[tmp_path])


def test_the_new_field_decides(year: Evaluator) -> None:
    without = year.evaluate(PROJECT, "2099")
    assert without.outcome == "ineligible"
    finding = next(f for f in without.findings if f.rule == "research_partner")
    assert finding.status == "fail" and "forskningspartner" in finding.message
    assert year.evaluate({**PROJECT, "research_partner": True}, "2099").outcome == "eligible"
    # Year 2 needs none; 2024 itself does not know the field.
    assert year.evaluate({**PROJECT, "project_year": 2}, "2099").outcome == "eligible"
    with pytest.raises(InputError, match="research_partner"):
        year.evaluate({**PROJECT, "research_partner": True}, "2024")


def test_bad_input_for_the_new_field_is_described(year: Evaluator) -> None:
    with pytest.raises(InputError) as caught:
        year.evaluate({**PROJECT, "research_partner": "ja"}, "2099", lang="en")
    assert caught.value.where == "application.research_partner"
    assert "true, false or null" in caught.value.message.en
    with pytest.raises(InputError) as caught:
        year.evaluate({**PROJECT, "research_partnr": True}, "2099", lang="en")
    assert "did you mean research_partner" in caught.value.message.en
    trip = {**PROJECT, "kind": "study_trip", "research_partner": True}
    trip.pop("project_year")
    with pytest.raises(InputError) as caught:
        year.evaluate(trip, "2099", lang="en")
    assert "projects only" in caught.value.message.en


def test_the_years_application_schema_has_it(year: Evaluator) -> None:
    schema = schema_of("application", year.load_policy("2099"))
    project = next(
        d
        for d in schema["$defs"].values()
        if d.get("properties", {}).get("kind", {}).get("const") == "project"
    )
    trip = next(
        d
        for d in schema["$defs"].values()
        if d.get("properties", {}).get("kind", {}).get("const") == "study_trip"
    )
    assert project["properties"]["research_partner"]["anyOf"] == [
        {"type": "boolean"},
        {"type": "null"},
    ]
    assert "research_partner" not in trip["properties"]
    assert "research_partner" not in json.dumps(schema_of("application", year.load_policy("2024")))


def test_the_cli_reads_it(tmp_path: Path) -> None:
    folder = year_folder(tmp_path, RESEARCH_PARTNER)
    runner = CliRunner()
    shown = runner.invoke(
        cli, ["--policies", str(folder.parent), "schema", "application", "--year", "2099"]
    )
    assert shown.exit_code == 0 and "research_partner" in shown.output
    done = runner.invoke(
        cli,
        ["--policies", str(folder.parent), "evaluate", "-", "--year", "2099", "--format", "json"],
        input=json.dumps(PROJECT),
    )
    assert json.loads(done.output)["outcome"] == "ineligible"


def test_boundary_variations_try_it(year: Evaluator) -> None:
    policy = year.load_policy("2099")
    tried = [
        app.get("research_partner")
        for app in boundary_applications(policy.vocabulary, policy.boundaries())
        if app["kind"] == "project"
    ]
    assert {True, False, None} <= set(tried)
    # The year's threshold on project_year is tried on either side.
    years = {
        app.get("project_year")
        for app in boundary_applications(policy.vocabulary, policy.boundaries())
    }
    assert {2, 3, 4} <= years


def test_a_derived_fact_is_a_condition_over_the_facts_before_it(tmp_path: Path) -> None:
    climate_smart = {
        "id": "climate_smart",
        "type": "yes_no",
        "kinds": ["study_trip"],
        "derived": {"when": {"field": "travel_modes", "none_of": ["flight", "car"]}},
        "label": {"sv": "Klimatsmart", "en": "Climate-smart"},
        "help": {"sv": "inget flyg och ingen bil", "en": "no flight and no car"},
    }
    year_folder(tmp_path, climate_smart, rule=None)
    ev = Evaluator(get_plugin_manager(load_entry_points=False), policy_path=[tmp_path])
    vocabulary = ev.load_policy("2099").vocabulary
    loaded = ev.loaded("2099")
    trip = {
        "id": "t",
        "kind": "study_trip",
        "title": "t",
        "applicants": ["Farsta"],
        "requested_sek": 1,
    }
    from fourules.evaluation.inputs import parse_application

    def fact(modes: list[str]) -> Any:
        app = parse_application({**trip, "travel_modes": modes}, vocabulary=vocabulary)
        return vocabulary.derive(app, loaded.index).fact["climate_smart"]

    assert fact(["train"]) == "yes" and fact(["train", "flight"]) == "no"


@pytest.mark.parametrize(
    ("declaration", "expected"),
    [
        ({**RESEARCH_PARTNER, "type": "one_of"}, "lists its values"),
        ({**RESEARCH_PARTNER, "id": "crit_x"}, "is taken"),
        ({**RESEARCH_PARTNER, "id": "travel_modes"}, "changes the base vocabulary"),
        ({**RESEARCH_PARTNER, "type": "duration"}, "gives its unit"),
        (
            {**RESEARCH_PARTNER, "derived": {"when": {"field": "kind", "eq": "project"}}},
            "either stated",
        ),
    ],
)
def test_a_bad_declaration_is_refused_naming_it(
    tmp_path: Path, declaration: dict[str, Any], expected: str
) -> None:
    folder = year_folder(tmp_path, declaration, rule=None)
    with pytest.raises(PolicyError, match=expected) as caught:
        load_policy_file(folder / "policy.yaml")
    assert "facts" in str(caught.value)


def test_a_year_without_facts_hashes_as_before() -> None:
    """2024 declares none: its canonical form has no `facts`, so its sha256 is what a log
    written before facts were declarable names; 2018 declares one (its form's question on
    gender equality), which its hash covers."""
    ev = Evaluator(get_plugin_manager(load_entry_points=False))
    assert "facts" not in json.loads(ev.load_policy("2024").canonical_json())
    declared = json.loads(ev.load_policy("2018").canonical_json())["facts"]
    assert [f["id"] for f in declared] == ["gender_analysis"]


def test_the_base_vocabulary_file_matches_the_application_contract() -> None:
    """Every base fact stated by the applicant is a field of the contract of its kinds, and
    of no other: the vocabulary file and the models say the same."""
    from fourules.application import ProjectApplication, StudyTripApplication

    models = {"project": ProjectApplication, "study_trip": StudyTripApplication}
    for d in base_declarations():
        if d.json_field is None:
            continue
        for kind, model in models.items():
            assert (d.json_field in model.model_fields) == (kind in d.kinds), (d.id, kind)
    assert not Vocabulary().added


def test_the_strategies_draw_it(year: Evaluator) -> None:
    from hypothesis import HealthCheck, given, settings

    from fourules.testing import applications

    policy = year.load_policy("2099")
    seen: set[Any] = set()

    @settings(max_examples=150, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(applications(policy, kinds=["project"]))
    def draw(app: dict[str, Any]) -> None:
        seen.add(app.get("research_partner", "absent"))
        year.evaluate(app, "2099")  # every drawn application is valid under the year

    draw()
    assert {True, False, "absent"} <= seen


def test_the_solver_reads_it_and_its_witness_reproduces(year: Evaluator) -> None:
    from fourules.engine.symbolic import SymbolicPolicy, solve

    policy = year.load_policy("2099")
    symbolic = SymbolicPolicy(policy)
    rule = next(r for r, rule in enumerate(policy.rules) if rule.id == "research_partner")
    model = solve(symbolic.domain, symbolic.fired[rule, 0])
    assert model is not None
    app = symbolic.application(model)
    assert app["project_year"] >= 3 and app.get("research_partner") is not True
    result = year.evaluate(app, "2099")
    assert any(f.rule == "research_partner" and f.status == "fail" for f in result.findings)


def test_explain_suggests_it(year: Evaluator) -> None:
    from fourules.evaluation.explain import explain

    out = explain(year, {**PROJECT, "research_partner": False}, "2099", lang="sv")
    changes = [c for s in out["suggestions"] for c in s["changes"]]
    partner = next(c for c in changes if c["field"] == "research_partner")
    assert partner["after"] is True and partner["text"] == "Ange Forskningspartner: ja."
    # What the application is (its project year) is never suggested away.
    assert all(c["field"] != "project_year" for c in changes)


def test_show_lists_the_years_own_facts(tmp_path: Path) -> None:
    folder = year_folder(tmp_path, RESEARCH_PARTNER)
    shown = CliRunner().invoke(cli, ["--policies", str(folder.parent), "show", "2099"])
    assert shown.exit_code == 0
    section = shown.output.split("Årets egna uppgifter i ansökan", 1)[1]
    assert "research_partner" in section and "Forskningspartner" in section
    shipped = CliRunner().invoke(cli, ["show", "2024"])
    assert "Årets egna uppgifter" not in shipped.output  # a year with none shows no section
