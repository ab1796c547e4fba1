"""The plugin API: hooks, built-ins as plugins, faults, entry points, documentation."""

from __future__ import annotations

import json
import math
import re
import shutil
from collections.abc import Iterator, Sequence
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fourules import (
    Evaluator,
    Finding,
    InputError,
    Policy,
    PolicyError,
    ScoreItem,
    Scorer,
    get_plugin_manager,
    hookimpl,
    hookspecs,
)
from fourules.cli.main import app
from fourules.evaluation import default_scorers
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.evaluation.plugins import BUILT_INS, PluginManager, installed_entry_points
from fourules.evaluation.scoring import ScorerError

DOCS = Path(__file__).parents[1] / "docs" / "plugins.md"
APP = {"id": "a", "kind": "project", "title": "t", "applicants": ["Farsta"], "requested_sek": 50000}
HOOKS = sorted(n for n in dir(hookspecs) if n.startswith("fourules_"))


@pytest.fixture
def manager() -> Iterator[PluginManager]:
    """A manager with the built-ins only; plugins registered in a test go away with it."""
    yield get_plugin_manager(load_entry_points=False)


def _scorer(name: str, result: Any, years: Sequence[str] | None = None) -> object:
    class One(Scorer):
        def score(
            self, *, application: Any, policy: Policy, findings: Sequence[Finding], lang: str
        ) -> Any:
            if isinstance(result, Exception):
                raise result
            return result

    One.name = name
    One.years = years

    class Plugin:
        @hookimpl
        def fourules_scorers(self) -> list[Scorer]:
            return [One()]

    return Plugin()


# --- documentation ----------------------------------------------------------------------------


def test_every_hook_is_documented_once_and_tested() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    tests = Path(__file__).read_text(encoding="utf-8")
    assert HOOKS == ["fourules_policy_dirs", "fourules_scorers"]
    for hook in HOOKS:
        assert len(re.findall(rf"^## {hook}$", docs, flags=re.M)) == 1, hook
        assert f"def test_hook_{hook}(" in tests, hook


# --- the hooks ------------------------------------------------------------------------------------


def test_hook_fourules_scorers(manager: PluginManager) -> None:
    items = [ScoreItem(criterion="extra", points=2.5, reason="för att")]
    manager.register(_scorer("extra", items, years=["2024"]), name="extra-plugin")
    ev = Evaluator(manager)
    result = ev.evaluate(APP, "2024")
    assert "extra" in result.scorers
    extra = [i for i in result.score_breakdown if i.scorer == "extra"]
    assert extra[0].points == 2.5 and result.score == sum(i.points for i in result.score_breakdown)
    assert "extra" not in ev.evaluate(APP, "2018").scorers  # not run where it does not apply
    only = ev.evaluate(APP, "2024", scorers=["extra"])
    assert only.scorers == ["extra"] and only.score == 2.5


def test_hook_fourules_policy_dirs(manager: PluginManager, tmp_path: Path) -> None:
    shutil.copytree(builtin_policy_dir() / "2024", tmp_path / "2030")
    policy = tmp_path / "2030" / "policy.yaml"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace('id: "2024"', 'id: "2030"', 1), encoding="utf-8"
    )

    class MorePolicies:
        @hookimpl
        def fourules_policy_dirs(self) -> list[Path]:
            return [tmp_path]

    manager.register(MorePolicies())
    ev = Evaluator(manager)
    assert "2030" in ev.policy_ids()
    assert ev.evaluate(APP, "2030").policy.id == "2030"


def test_a_year_may_be_provided_once(manager: PluginManager, tmp_path: Path) -> None:
    shutil.copytree(builtin_policy_dir() / "2018", tmp_path / "2018")

    class Again:
        @hookimpl
        def fourules_policy_dirs(self) -> list[Path]:
            return [tmp_path]

    manager.register(Again())
    with pytest.raises(PolicyError, match="also provided by"):
        Evaluator(manager).policy_ids()


def test_builtin_scorer_is_a_plugin(manager: PluginManager) -> None:
    assert manager.get_plugin("fourules.default_scorers") is not None
    manager.unregister(name="fourules.default_scorers")
    result = Evaluator(manager).evaluate({**APP, "assessment": {"strategic_value": True}}, "2018")
    assert result.scorers == [] and result.score == 0


# --- faults ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (RuntimeError("boom"), "raised RuntimeError: boom"),
        ("nonsense", "must return a list of ScoreItem"),
        (
            [
                ScoreItem.model_construct(
                    criterion="x", points=math.inf, reason="r", source=None, scorer=""
                )
            ],
            "non-finite",
        ),
    ],
)
def test_a_faulty_scorer_is_named_never_silent(
    manager: PluginManager, result: Any, expected: str
) -> None:
    manager.register(_scorer("faulty", result), name="faulty-plugin")
    with pytest.raises(ScorerError) as info:
        Evaluator(manager).evaluate(APP, "2018")
    assert "faulty" in str(info.value) and "faulty-plugin" in str(info.value)
    assert "fourules_scorers" in str(info.value) and expected in str(info.value)


def test_a_scorer_cannot_build_nan_points() -> None:
    with pytest.raises(ValueError):
        ScoreItem(criterion="x", points=math.nan, reason="r")


def test_a_plugin_that_fails_to_import_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = EntryPoint(name="broken", value="fourules_no_such_module_xyz", group="fourules")
    monkeypatch.setattr("fourules.evaluation.plugins.entry_points", lambda group: [broken])
    pm = get_plugin_manager(only=["broken"])
    assert [f.name for f in pm.failures] == ["broken"]
    assert "ModuleNotFoundError" in pm.failures[0].error
    assert Evaluator(pm).evaluate(APP, "2018").outcome == "eligible"  # the rest keep working


def test_a_plugin_with_an_unknown_hook_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    class Stray:
        @hookimpl
        def fourules_no_such_hook(self) -> None:
            return None

    ep = EntryPoint(name="stray", value="x:y", group="fourules")
    monkeypatch.setattr(EntryPoint, "load", lambda self: Stray())
    monkeypatch.setattr("fourules.evaluation.plugins.entry_points", lambda group: [ep])
    pm = get_plugin_manager(only=["stray"])
    assert [f.name for f in pm.failures] == ["stray"] and pm.get_plugin("stray") is None


def test_cli_reports_a_faulty_plugin_with_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = _scorer("faulty", RuntimeError("boom"))
    ep = EntryPoint(name="faulty-plugin", value="x:y", group="fourules")
    monkeypatch.setattr(EntryPoint, "load", lambda self: plugin)
    monkeypatch.setattr("fourules.evaluation.plugins.entry_points", lambda group: [ep])
    result = CliRunner().invoke(
        app,
        ["--plugins", "faulty-plugin", "evaluate", "-", "--year", "2018"],
        input=json.dumps(APP),
    )
    assert result.exit_code == 1 and result.stdout == ""
    assert "faulty-plugin" in result.stderr and "fourules_scorers" in result.stderr
    # Not asked for, it is not loaded: the decisions' scores alone, and no fault.
    monkeypatch.delenv("FOURULES_PLUGINS", raising=False)
    quiet = CliRunner().invoke(app, ["evaluate", "-", "--year", "2018"], input=json.dumps(APP))
    assert quiet.exit_code == 0


# --- entry points and the command line ------------------------------------------------------------


TRIP_2024 = {**APP, "kind": "study_trip", "destination": "Göteborg", "travel_modes": ["train"]}
EXAMPLES = {"gender_equality", "travel_emissions"}


@pytest.fixture
def no_plugins_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither FOURULES_PLUGINS nor --plugins: what a plain run sees."""
    monkeypatch.delenv("FOURULES_PLUGINS", raising=False)


def test_installed_example_plugins_load_from_entry_points_when_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pm = get_plugin_manager(only=sorted(EXAMPLES))
    names = {name for name, _ in pm.list_name_plugin()}
    assert names >= EXAMPLES and pm.added() == sorted(EXAMPLES)
    result = Evaluator(pm).evaluate(TRIP_2024, "2024")
    assert "travel_emissions" in result.scorers
    monkeypatch.setenv("FOURULES_PLUGINS", " travel_emissions , ")
    by_variable = get_plugin_manager()
    assert by_variable.added() == ["travel_emissions"]
    assert "travel_emissions" in Evaluator(by_variable).evaluate(TRIP_2024, "2024").scorers


@pytest.mark.usefixtures("no_plugins_asked")
def test_unasked_installed_plugins_are_not_loaded() -> None:
    assert {ep.name for ep in installed_entry_points()} >= EXAMPLES  # installed, …
    pm = get_plugin_manager()
    assert {n for n, _ in pm.list_name_plugin()} == set(BUILT_INS)  # … but not loaded
    assert pm.added() == [] and pm.failures == []
    result = Evaluator(pm).evaluate(TRIP_2024, "2024")
    assert result.scorers == ["priority_criteria"]
    assert result.score_breakdown and all(i.from_decision for i in result.score_breakdown)


def test_plugins_can_be_restricted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOURULES_PLUGINS", "gender_equality")
    names = {name for name, _ in get_plugin_manager().list_name_plugin()}
    assert "gender_equality" in names and "travel_emissions" not in names
    monkeypatch.setenv("FOURULES_PLUGINS", "")
    assert {n for n, _ in get_plugin_manager().list_name_plugin()} == {
        "fourules.default_policies",
        "fourules.default_scorers",
    }
    monkeypatch.setenv("FOURULES_PLUGINS", "travel_emissions")
    assert get_plugin_manager(only=[]).added() == []  # the flag, even empty, wins
    assert get_plugin_manager(load_entry_points=False).added() == []


def test_an_unknown_plugin_name_is_bad_input(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError) as info:
        get_plugin_manager(only=["travel-emissions"])
    assert info.value.where == "plugins" and "travel-emissions" in str(info.value)
    assert "travel_emissions" in str(info.value)  # the installed names, to copy
    monkeypatch.setenv("FOURULES_PLUGINS", "nope")
    with pytest.raises(InputError) as by_variable:
        get_plugin_manager()
    assert by_variable.value.where == "FOURULES_PLUGINS"
    monkeypatch.delenv("FOURULES_PLUGINS")
    result = CliRunner().invoke(
        app, ["--plugins", "travel-emissions", "evaluate", "-", "--year", "2024"],
        input=json.dumps(TRIP_2024),
    )  # fmt: skip
    assert result.exit_code == 2 and result.stdout == ""
    assert "--plugins: inget installerat tillägg heter travel-emissions" in result.stderr
    assert "gender_equality, travel_emissions" in result.stderr


def test_an_entry_point_cannot_pass_for_a_built_in(monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = _scorer("impostor", [ScoreItem(criterion="x", points=5, reason="r")])
    ep = EntryPoint(name="fourules.default_scorers", value="x:y", group="fourules")
    monkeypatch.setattr(EntryPoint, "load", lambda self: plugin)
    monkeypatch.setattr("fourules.evaluation.plugins.entry_points", lambda group: [ep])
    pm = get_plugin_manager(only=["fourules.default_scorers"])
    assert [f.name for f in pm.failures] == ["fourules.default_scorers"]
    assert "built-in" in pm.failures[0].error
    assert pm.get_plugin("fourules.default_scorers") is default_scorers
    assert "impostor" not in Evaluator(pm).evaluate(APP, "2018").scorers


# --- score items from plugins are not the decision's ----------------------------------------------


def test_only_the_built_in_scorers_items_are_from_the_decision(manager: PluginManager) -> None:
    claims = [ScoreItem(criterion="extra", points=2, reason="r", from_decision=True)]
    manager.register(_scorer("extra", claims), name="extra-plugin")
    result = Evaluator(manager).evaluate(TRIP_2024, "2024")
    extra = [i for i in result.score_breakdown if i.scorer == "extra"]
    builtin = [i for i in result.score_breakdown if i.scorer == "priority_criteria"]
    assert [(i.points, i.from_decision, i.plugin) for i in extra] == [(2, False, "extra-plugin")]
    assert builtin and all(i.from_decision for i in builtin)  # whatever the other claims
    assert {i.plugin for i in builtin} == {"fourules.default_scorers"}
    assert sum(i.points for i in builtin) == 1.0


def test_the_built_in_scorer_under_another_name_is_not_the_decision(
    manager: PluginManager,
) -> None:
    manager.unregister(name="fourules.default_scorers")
    manager.register(default_scorers, name="copied")
    result = Evaluator(manager).evaluate({**APP, "assessment": {"strategic_value": True}}, "2018")
    assert result.score_breakdown and not any(i.from_decision for i in result.score_breakdown)
    assert {i.plugin for i in result.score_breakdown} == {"copied"}


def _trip_items(args: list[str], fmt: str = "json") -> Any:
    result = CliRunner().invoke(
        app,
        [*args, "evaluate", "-", "--year", "2024", "-f", fmt],
        input=json.dumps(TRIP_2024),
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if fmt == "json" else result.stdout


@pytest.mark.usefixtures("no_plugins_asked")
def test_by_default_an_installed_example_plugin_adds_nothing() -> None:
    evaluation = _trip_items([])
    assert evaluation["scorers"] == ["priority_criteria"]
    items = evaluation["score_breakdown"]
    assert items and all(i["from_decision"] is True for i in items)
    assert all(i["plugin"] == "fourules.default_scorers" for i in items)
    assert evaluation["score"] == sum(i["points"] for i in items) == 1.0
    table = _trip_items([], "table")
    assert "travel_emissions" not in table and "inte ur beslutet" not in table


@pytest.mark.usefixtures("no_plugins_asked")
def test_a_named_plugins_items_are_labelled_not_from_the_decision() -> None:
    evaluation = _trip_items(["--plugins", "travel_emissions"])
    assert set(evaluation["scorers"]) == {"priority_criteria", "travel_emissions"}
    added = [i for i in evaluation["score_breakdown"] if i["scorer"] == "travel_emissions"]
    builtin = [i for i in evaluation["score_breakdown"] if i["scorer"] == "priority_criteria"]
    assert added and all(i["from_decision"] is False for i in added)
    assert all(i["plugin"] == "travel_emissions" for i in added)
    assert builtin and all(i["from_decision"] is True for i in builtin)
    assert evaluation["score"] == 2.0  # the decision's point, and the plugin's
    sv = _trip_items(["--plugins", "travel_emissions"], "markdown")
    assert sv.count("(inte ur beslutet: tillägg travel_emissions)") == len(added)
    assert "| Poäng | 2 (varav 1 inte ur beslutet) |" in sv
    en = _trip_items(["--lang", "en", "--plugins", "travel_emissions"], "markdown")
    assert en.count("(not from the decision: plugin travel_emissions)") == len(added)
    table = _trip_items(["--plugins", "travel_emissions"], "table")
    # The reasons' column, its cells' wrapped lines joined again.
    reasons = " ".join(
        line.split("│")[3].strip() for line in table.splitlines() if line.count("│") == 5
    )
    assert reasons.count("(inte ur beslutet: tillägg travel_emissions)") == len(added)
    criteria = [line for line in sv.splitlines() if "criterion.climate_smart_travel" in line]
    assert criteria and all("inte ur beslutet" not in line for line in criteria)


# --- the command line -----------------------------------------------------------------------------


@pytest.mark.usefixtures("no_plugins_asked")
def test_plugins_command_shows_installed_plugins_not_loaded() -> None:
    result = CliRunner().invoke(app, ["plugins", "--format", "json"])
    report = json.loads(result.stdout)
    assert {p["name"] for p in report["plugins"]} == set(BUILT_INS)
    assert all(p["built_in"] for p in report["plugins"])
    installed = {p["name"]: p for p in report["installed"]}
    assert set(installed) >= EXAMPLES
    assert not any(installed[name]["loaded"] for name in EXAMPLES)
    table = CliRunner().invoke(app, ["plugins"]).stdout
    assert "installerat, inte laddat: ange --plugins travel_emissions" in table
    assert "installerat, inte laddat: ange --plugins gender_equality" in table
    english = CliRunner().invoke(app, ["--lang", "en", "plugins"]).stdout
    assert "installed, not loaded: give --plugins travel_emissions" in english
    loaded = CliRunner().invoke(app, ["--plugins", "travel_emissions", "plugins"]).stdout
    assert "installerat, laddat: dess poäng är inte ur beslutet" in loaded
    assert "installerat, inte laddat: ange --plugins gender_equality" in loaded


def test_plugins_command_lists_scorers_and_years() -> None:
    result = CliRunner().invoke(
        app, ["--plugins", "travel_emissions,gender_equality", "plugins", "--format", "json"]
    )
    report = json.loads(result.stdout)
    scorers = {s["name"]: s["years"] for p in report["plugins"] for s in p["scorers"]}
    assert scorers["priority_criteria"] == ["2018", "2024"]
    assert scorers["travel_emissions"] == ["2024"]
    assert report["failures"] == []
    installed = {p["name"]: p for p in report["installed"]}
    assert all(installed[name]["loaded"] for name in EXAMPLES)
    built_in = {p["name"]: p["built_in"] for p in report["plugins"]}
    assert built_in["travel_emissions"] is False and built_in["fourules.default_scorers"] is True


def test_scorer_flag_chooses_scorers() -> None:
    trip = {**APP, "kind": "study_trip", "destination": "Oslo", "travel_modes": ["train"]}
    plugin = ["--plugins", "travel_emissions"]
    result = CliRunner().invoke(
        app,
        [*plugin, "evaluate", "-", "--year", "2024", "-f", "json", "--scorer", "travel_emissions"],
        input=json.dumps(trip),
    )
    assert json.loads(result.stdout)["scorers"] == ["travel_emissions"]
    bad = CliRunner().invoke(
        app,
        [*plugin, "evaluate", "-", "--year", "2024", "--scorer", "nope"],
        input=json.dumps(trip),
    )
    assert bad.exit_code == 2 and "nope" in bad.stderr


# --- the service ----------------------------------------------------------------------------------


def _served(monkeypatch: pytest.MonkeyPatch, args: list[str]) -> tuple[Any, str]:
    """The app `fourules … serve` would run (uvicorn not started), and what it said at start."""
    pytest.importorskip("fastapi")
    started: list[Any] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: started.append(app))
    result = CliRunner().invoke(app, [*args, "serve"])
    assert result.exit_code == 0, result.stderr
    assert len(started) == 1
    return started[0], result.stderr


CHECK_FORM = {
    "year": "2024",
    "lang": "sv",
    "kind": "study_trip",
    "title": "Studieresa till Göteborg",
    "applicants": ["Farsta"],
    "requested": "40 000",
    "submitted": "2023-06-01",
    "travel_modes": ["train"],
    "destination": "Göteborg",
}


@pytest.mark.usefixtures("no_plugins_asked")
def test_serve_loads_only_the_plugins_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    plain, said = _served(monkeypatch, [])
    assert "inga tillägg laddade: poängen är bara beslutens" in said
    answer = TestClient(plain).post("/v1/policies/2024/evaluate", json=TRIP_2024).json()
    assert answer["scorers"] == ["priority_criteria"]
    assert all(i["from_decision"] for i in answer["score_breakdown"])
    page = TestClient(plain).post("/check", data=CHECK_FORM)
    assert page.status_code == 200 and "inte ur beslutet" not in page.text

    chosen, said = _served(monkeypatch, ["--plugins", "travel_emissions"])
    assert "tillägg laddade: travel_emissions (deras poäng är inte ur besluten)" in said
    answer = TestClient(chosen).post("/v1/policies/2024/evaluate", json=TRIP_2024).json()
    added = [i for i in answer["score_breakdown"] if i["scorer"] == "travel_emissions"]
    assert added and all(i["from_decision"] is False for i in added)
    page = TestClient(chosen).post("/check", data=CHECK_FORM)
    assert page.status_code == 200
    assert page.text.count("(inte ur beslutet: tillägg travel_emissions)") == len(added)
    english = TestClient(chosen).post("/check", data={**CHECK_FORM, "lang": "en"})
    assert "(not from the decision: plugin travel_emissions)" in english.text

    monkeypatch.setenv("FOURULES_PLUGINS", "gender_equality")
    _, said = _served(monkeypatch, ["--lang", "en"])
    assert "plugins loaded: gender_equality (their points are not from the decisions)" in said
