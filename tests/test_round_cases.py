"""The 2018 decision's statements about its own round, run as tests of the shipped round
(policies/2018/round_cases.yaml), and what the runner says when the round is changed."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fourules.authoring.round_cases import RoundCaseResult, run_round_cases
from fourules.errors import PolicyError
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.evaluation.evaluator import folder_evaluator
from tests.yaml_data import yaml_data, yaml_text

SHIPPED = builtin_policy_dir() / "2018"


def _run(folder: Path) -> dict[str, RoundCaseResult]:
    return {r.name: r for r in run_round_cases(folder, folder_evaluator(folder))}


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "2018"
    shutil.copytree(SHIPPED, folder)
    return folder


def _edit_round(folder: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = folder / "round.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    by_id = {a["id"]: a for a in data["applications"]}
    change(by_id)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _failed(results: dict[str, RoundCaseResult]) -> dict[str, list[str]]:
    return {name: [p.sv for p in r.problems] for name, r in results.items() if not r.passed}


def _named(results: dict[str, RoundCaseResult], start: str) -> str:
    return next(name for name in results if name.startswith(start))


def test_the_shipped_round_reproduces_what_its_decision_says() -> None:
    results = _run(SHIPPED)
    assert len(results) == 8
    assert _failed(results) == {}
    lines = [r.line for r in results.values()]
    assert all(isinstance(n, int) for n in lines) and lines == sorted(lines)
    # The sentences the brief names are among them.
    assert _named(results, "Södermalm, Farsta, Enskede-Årsta-Vantör och Socialförvaltningen")
    assert _named(results, "Hässelby-Vällingby och Bromma har inte fler än tre")
    assert _named(results, "Tabell 2:s beviljade belopp summerar till 206 200 kronor")


def test_a_folder_without_round_cases_has_none(tmp_path: Path) -> None:
    assert run_round_cases(tmp_path, folder_evaluator(SHIPPED)) == []


def test_the_joint_trip_as_two_applications_breaks_what_the_decision_says(copy: Path) -> None:
    """T2-21 without same_as: Hässelby-Vällingby has four applications, the joint trip is
    counted and granted twice — the decision's own statements fail, naming what differs."""
    _edit_round(copy, lambda apps: apps["T2-21"].pop("same_as"))
    results = _run(copy)
    failed = _failed(results)
    neither = _named(results, "Hässelby-Vällingby och Bromma har inte fler än tre")
    assert failed[neither] == ["Hässelby-Vällingby är över kvot"]
    four = _named(results, "Södermalm, Farsta")
    assert failed[four] == [
        "över kvot är Enskede-Årsta-Vantör, Farsta, Hässelby-Vällingby, Socialförvaltningen, "
        "Södermalm, inte Enskede-Årsta-Vantör, Farsta, Socialförvaltningen, Södermalm"
    ]
    once = _named(results, "Den gemensamma studieresan är en ansökan")
    # Counted twice against both co-applicants' quotas. (Whether a draft then funds both
    # rows depends on the scores; under 2018's reading trips score no criterion, and no
    # draft of the real round reaches the second row.)
    assert failed[once] == [
        "raderna är inte en ansökan (same_as): T2-16 | T2-21",
        "Bromma räknar T2-16, T2-21 var för sig (quota.applications)",
        "Hässelby-Vällingby räknar T2-16, T2-21 var för sig (quota.applications)",
    ]
    cap = _named(results, "Beslutets 30 000 kronor")
    assert failed[cap] == [
        "granskningen rapporterar inte same_application.above_cap för T2-16, T2-21"
    ]
    # What does not depend on the joint trip still holds.
    assert _named(results, "Raderna ger de sökta beloppen") not in failed


def test_an_application_not_put_forward_that_a_draft_offers_fails(copy: Path) -> None:
    def considered(apps: dict[str, Any]) -> None:
        apps["T2-2"]["decision"] = {"rejected": "Avslag."}

    _edit_round(copy, considered)
    failed = _failed(_run(copy))
    problems = next(p for name, p in failed.items() if name.startswith("Det en förvaltning"))
    assert problems and all("T2-2" in p for p in problems)
    assert problems[0].startswith("ranked: beaktas inte T1-9, T1-13, T2-7")


def test_a_total_the_rows_no_longer_give_fails(copy: Path) -> None:
    def more(apps: dict[str, Any]) -> None:
        apps["T2-1"]["decision"] = {"granted_sek": 40000}

    _edit_round(copy, more)
    failed = _failed(_run(copy))
    gap = next(p for name, p in failed.items() if name.startswith("Tabell 2:s beviljade"))
    assert "granted.study_trip: raderna ger 231200 (angivet 231200), inte 206200" in gap


def test_a_quote_not_in_the_decision_word_for_word_fails(copy: Path) -> None:
    path = copy / "round_cases.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("har haft fler än tre", "har haft fler än fyra"), "utf-8")
    failed = _failed(_run(copy))
    [(name, problems)] = failed.items()
    assert name.startswith("Södermalm, Farsta")
    assert problems[0].startswith("citatet finns inte ordagrant i beslutet")


def test_a_name_that_is_no_administration_is_a_problem(copy: Path) -> None:
    path = copy / "round_cases.yaml"
    data = yaml_data(path.read_text(encoding="utf-8"))
    data["cases"][1]["within_quota"] = ["Hässelby-Vällingby", "Brommma"]
    path.write_text(yaml_text(data), encoding="utf-8")
    failed = _failed(_run(copy))
    [(_, problems)] = failed.items()
    assert problems == ["”Brommma” är ingen förvaltning 2018"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["cases"][0].pop("over_quota"), "cases.0"),
        (lambda d: d["cases"][0].update(overquota=["Farsta"]), "cases.0.overquota"),
        (lambda d: d["cases"][0].pop("quote"), "cases.0.quote"),
        (lambda d: d.update(round="missing.json"), "round"),
    ],
)
def test_a_broken_file_names_the_field(
    copy: Path, change: Callable[[dict[str, Any]], None], field: str
) -> None:
    path = copy / "round_cases.yaml"
    data = yaml_data(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml_text(data), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        _run(copy)
    assert caught.value.file == str(path) and caught.value.where == field


def test_a_round_that_cannot_be_read_names_its_file(copy: Path) -> None:
    _edit_round(copy, lambda apps: apps["T2-21"].update(same_as="T2-99"))
    with pytest.raises(PolicyError) as caught:
        _run(copy)
    assert caught.value.file == str(copy / "round.json")
    assert "same_as (id T2-21)" in caught.value.where and "T2-99" in caught.value.message
