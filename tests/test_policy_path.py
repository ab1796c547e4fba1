"""Years from anywhere: FOURULES_POLICY_PATH and --policies add year folders to an installed
fourules; a year defined twice is an error naming both places."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fourules import Evaluator, InputError, PolicyError, get_plugin_manager
from fourules.cli.main import app
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.policy.folders import POLICY_PATH

runner = CliRunner()
APP = {"id": "x", "kind": "project", "title": "t", "applicants": ["Farsta"], "requested_sek": 1}


def _year(folder: Path, year: str, source: str = "2024") -> Path:
    target = folder / year
    shutil.copytree(builtin_policy_dir() / source, target)
    policy = target / "policy.yaml"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace(f'id: "{source}"', f'id: "{year}"', 1),
        encoding="utf-8",
    )
    return target


def _evaluator(path: list[Path]) -> Evaluator:
    return Evaluator(get_plugin_manager(load_entry_points=False), policy_path=path)


def test_a_folder_of_years_and_a_year_folder_are_both_read(tmp_path: Path) -> None:
    _year(tmp_path / "drafts", "2098")
    single = _year(tmp_path, "2099")
    ev = _evaluator([tmp_path / "drafts", single])
    assert ev.policy_ids() == ["2018", "2024", "2098", "2099"]
    assert ev.evaluate(APP, "2099").policy.id == "2099"


def test_the_environment_variable_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _year(tmp_path / "a", "2097")
    _year(tmp_path / "b", "2098")
    monkeypatch.setenv("FOURULES_POLICY_PATH", f"{tmp_path / 'a'}:{tmp_path / 'b'}")
    ev = Evaluator(get_plugin_manager(load_entry_points=False))
    assert ev.policy_ids()[-2:] == ["2097", "2098"]


def test_a_year_defined_twice_names_both_places(tmp_path: Path) -> None:
    one, two = _year(tmp_path / "a", "2099"), _year(tmp_path / "b", "2099")
    with pytest.raises(PolicyError) as info:
        _evaluator([tmp_path / "a", tmp_path / "b"]).policy_ids()
    assert str(one / "policy.yaml") in str(info.value) and str(two / "policy.yaml") in str(info.value)
    with pytest.raises(PolicyError, match="2024"):  # a built-in year cannot be shadowed
        _evaluator([_year(tmp_path / "c", "2024", source="2018").parent]).policy_ids()


def test_a_missing_folder_is_bad_input(tmp_path: Path) -> None:
    """The domain names the policy path and the folder; the command line, how it is given."""
    nowhere = str(tmp_path / "nowhere")
    with pytest.raises(InputError) as info:
        _evaluator([tmp_path / "nowhere"]).policy_ids()
    assert info.value.where == POLICY_PATH
    assert f"{nowhere} is not a folder; the policy path" in info.value.message.en
    assert f"{nowhere} är ingen mapp; policysökvägen" in info.value.message.sv
    assert "--" not in info.value.message.sv + info.value.message.en
    result = runner.invoke(app, ["--policies", nowhere, "policies"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"fourules: --policies/FOURULES_POLICY_PATH: {nowhere} är ")


def test_the_command_line_takes_policies_and_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _year(tmp_path / "drafts", "2099")
    result = runner.invoke(app, ["--policies", str(tmp_path / "drafts"), "policies", "-f", "json"])
    assert result.exit_code == 0 and '"id": "2099"' in result.stdout
    monkeypatch.setenv("FOURULES_POLICY_PATH", str(tmp_path / "drafts"))
    result = runner.invoke(app, ["show", "2099", "-f", "json"])
    assert result.exit_code == 0 and result.stdout.startswith('{\n  "id": "2099"')
    bad = runner.invoke(app, ["--policies", str(tmp_path / "nowhere"), "policies"])
    assert bad.exit_code == 2 and "nowhere" in bad.stderr and bad.stdout == ""


def test_the_service_takes_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from fourules.server import create_app

    _year(tmp_path, "2099")
    monkeypatch.setenv("FOURULES_POLICY_PATH", str(tmp_path))
    client = TestClient(create_app())
    assert client.get("/v1/policies/2099").json()["id"] == "2099"
    assert client.post("/v1/policies/2099/evaluate", json=APP).json()["policy"]["id"] == "2099"
