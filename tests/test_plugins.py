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
    Policy,
    PolicyError,
    ScoreItem,
    Scorer,
    get_plugin_manager,
    hookimpl,
    hookspecs,
)
from fourules.cli.main import app
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.evaluation.plugins import PluginManager
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
    pm = get_plugin_manager()
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
    pm = get_plugin_manager()
    assert [f.name for f in pm.failures] == ["stray"] and pm.get_plugin("stray") is None


def test_cli_reports_a_faulty_plugin_with_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = _scorer("faulty", RuntimeError("boom"))
    ep = EntryPoint(name="faulty-plugin", value="x:y", group="fourules")
    monkeypatch.setattr(EntryPoint, "load", lambda self: plugin)
    monkeypatch.setattr("fourules.evaluation.plugins.entry_points", lambda group: [ep])
    result = CliRunner().invoke(app, ["evaluate", "-", "--year", "2018"], input=json.dumps(APP))
    assert result.exit_code == 1 and result.stdout == ""
    assert "faulty-plugin" in result.stderr and "fourules_scorers" in result.stderr


# --- entry points and the command line ------------------------------------------------------------


def test_installed_example_plugins_load_from_entry_points() -> None:
    pm = get_plugin_manager()
    names = {name for name, _ in pm.list_name_plugin()}
    assert {"gender_equality", "travel_emissions"} <= names
    result = Evaluator(pm).evaluate(
        {**APP, "kind": "study_trip", "destination": "Göteborg", "travel_modes": ["train"]}, "2024"
    )
    assert "travel_emissions" in result.scorers


def test_plugins_can_be_restricted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOURULES_PLUGINS", "gender_equality")
    names = {name for name, _ in get_plugin_manager().list_name_plugin()}
    assert "gender_equality" in names and "travel_emissions" not in names
    monkeypatch.setenv("FOURULES_PLUGINS", "")
    assert {n for n, _ in get_plugin_manager().list_name_plugin()} == {
        "fourules.default_policies",
        "fourules.default_scorers",
    }


def test_plugins_command_lists_scorers_and_years() -> None:
    result = CliRunner().invoke(app, ["plugins", "--format", "json"])
    report = json.loads(result.stdout)
    scorers = {s["name"]: s["years"] for p in report["plugins"] for s in p["scorers"]}
    assert scorers["priority_criteria"] == ["2018", "2024"]
    assert scorers["travel_emissions"] == ["2024"]
    assert report["failures"] == []


def test_scorer_flag_chooses_scorers() -> None:
    trip = {**APP, "kind": "study_trip", "destination": "Oslo", "travel_modes": ["train"]}
    result = CliRunner().invoke(
        app,
        ["evaluate", "-", "--year", "2024", "-f", "json", "--scorer", "travel_emissions"],
        input=json.dumps(trip),
    )
    assert json.loads(result.stdout)["scorers"] == ["travel_emissions"]
    bad = CliRunner().invoke(
        app, ["evaluate", "-", "--year", "2024", "--scorer", "nope"], input=json.dumps(trip)
    )
    assert bad.exit_code == 2 and "nope" in bad.stderr
