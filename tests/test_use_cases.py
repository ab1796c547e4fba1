"""The use cases: one home for what a person asks, whichever front end asks it. They import
no front end; their errors name domain things, and each front end names every such thing
in its one table."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fourules import Evaluator, get_plugin_manager
from fourules.cli.common import FLAGS, shown
from fourules.errors import InputError, Place
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.rounds.allocation import check_min_share, make_budget
from fourules.service.problems import PARAMETERS, ProblemError
from fourules.text import LocalText
from fourules.use_cases import allocation as allocating
from fourules.use_cases import rounds
from fourules.use_cases.evaluate import EvaluateRequest, evaluate
from fourules.use_cases.evaluation_document import Evaluation
from fourules.use_cases.places import PLACES, SETTINGS
from fourules.use_cases.sources_once import EvaluationList
from fourules.web.round_pages import FIELDS
from tests.applications import A_PROJECT_2018

PACKAGE = Path(__file__).parents[1] / "src" / "fourules" / "use_cases"
FRONT_ENDS = ("fourules.cli", "fourules.service", "fourules.web", "fourules.server")
FRAMEWORKS = ("typer", "fastapi", "starlette", "jinja2", "uvicorn", "rich")
ROUND_2018 = builtin_policy_dir() / "2018" / "round.json"
APP = A_PROJECT_2018


@pytest.fixture(scope="module")
def evaluator() -> Evaluator:
    return Evaluator(get_plugin_manager(load_entry_points=False))


def test_the_use_cases_import_no_front_end_and_no_framework() -> None:
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                assert not name.startswith(FRONT_ENDS), f"{path.name} imports {name}"
                assert name.split(".")[0] not in FRAMEWORKS, f"{path.name} imports {name}"


def test_only_the_front_ends_import_the_use_cases() -> None:
    """The domain sits below the use cases: none of its modules imports them."""
    src = PACKAGE.parent.parent
    for path in sorted(PACKAGE.parent.rglob("*.py")):
        module = ".".join(path.relative_to(src).with_suffix("").parts).removesuffix(".__init__")
        if module.startswith(("fourules.use_cases", *FRONT_ENDS)):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("fourules.use_cases"), module
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("fourules.use_cases") for a in node.names), module


@pytest.mark.parametrize(
    ("table", "settings"),
    [(FLAGS, True), (PARAMETERS, False), (FIELDS, False)],
    ids=["command line", "API", "round page"],
)
def test_every_front_end_names_every_place_in_its_one_table(
    table: dict[str, str], settings: bool
) -> None:
    """A request's places are named by every front end; an operator's settings by the
    command line, where they are set."""
    assert set(table) == set(PLACES) | (set(SETTINGS) if settings else set())
    assert all(isinstance(place, Place) for place in (*PLACES, *SETTINGS))


def test_only_a_place_is_renamed_never_a_file_or_field_that_happens_to_share_its_name() -> None:
    """A file called `method` or a body field `budget` is shown as it is; the place is
    shown as each front end's name for it."""
    message = LocalText(sv="fel", en="wrong")
    for name in PLACES:
        assert shown(InputError(message, str(name))) == f"{name}: fel"
        assert shown(InputError(message, Place(name))) == f"{FLAGS[name]}: fel"
        refused = ProblemError.of_input(InputError(message, str(name)))
        assert refused.errors[0][0] == name
        refused = ProblemError.of_input(InputError(message, Place(name)))
        assert refused.errors[0][0] == PARAMETERS[name]
    for setting in SETTINGS:  # the server's configuration: no field of the request
        assert ProblemError.of_input(InputError(message, Place(setting))).errors[0][0] is None


def test_a_missing_file_named_like_a_place_is_named_as_given(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fourules", "--lang", "en", "round", "method"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("fourules: method: "), done.stderr


def test_no_domain_error_names_a_flag() -> None:
    """An error below the front ends names a domain key (`use_cases/places.py`), never a
    command-line flag: the front ends say how their user fixes it."""
    src = PACKAGE.parent
    domain = (
        *("policy", "engine", "evaluation", "rounds", "comparison", "authoring"),
        *("decision_log", "accounts", "calls"),
    )
    flagged = [
        f"{path.relative_to(src)}:{node.lineno}"
        for package in (*domain, "use_cases")
        for path in sorted((src / package).rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.fullmatch(r"--[a-z][a-z-]*", node.value)
    ]
    assert not flagged, flagged


def _where(raised: pytest.ExceptionInfo[InputError]) -> str | None:
    return raised.value.where


def test_an_allocations_errors_name_the_domain_thing_not_a_flag(evaluator: Evaluator) -> None:
    with pytest.raises(InputError) as raised:
        make_budget(None, 1000, None)
    assert _where(raised) == "budget" and "--" not in raised.value.message.sv
    with pytest.raises(InputError) as raised:
        make_budget(None, -1, 5)
    assert _where(raised) == "budget.project"
    with pytest.raises(InputError) as raised:
        make_budget(10, 5, -1)
    assert _where(raised) == "budget.study_trip"
    with pytest.raises(InputError) as raised:
        check_min_share(2)
    assert _where(raised) == "min_share"
    with pytest.raises(InputError) as raised:
        allocating.Terms.asked(budget=1, method="greedy")
    assert _where(raised) == "method"
    undecided = json.loads(ROUND_2018.read_bytes())
    for app in undecided["applications"]:
        app.pop("decision", None)
    request = rounds.RoundRequest(json.dumps(undecided).encode(), "round.json")
    with pytest.raises(InputError) as raised:
        allocating.allocate(evaluator, request, allocating.Terms.asked(budget=100, compare=True))
    assert _where(raised) == "compare"
    for error in (raised.value,):
        assert set(PLACES) >= {error.where}


def test_an_evaluation_says_its_explanation_and_id_only_when_asked(evaluator: Evaluator) -> None:
    plain = evaluate(evaluator, EvaluateRequest(APP, "2018", "a.json")).document
    assert isinstance(plain, Evaluation)
    written = plain.model_dump(mode="json")
    assert "explanation" not in written and "decision_id" not in written
    asked = EvaluateRequest([APP], "2018", "a.json", explain=True, identify=True)
    done = evaluate(evaluator, asked)
    assert isinstance(done.document, EvaluationList)
    keys = list(done.document.evaluations[0].model_dump(mode="json"))
    assert keys[-2:] == ["explanation", "decision_id"]
    assert done.document.evaluations[0].decision_id == done.decision_ids[0]


def test_a_list_evaluated_carries_each_source_once_and_loses_none(evaluator: Evaluator) -> None:
    """Each finding and score item of a list is named by key, and names its source by key;
    the keys lead to the very findings and sources the single evaluation holds in place,
    whatever the order of the list (tests/test_sources_once.py: every evaluation in full)."""
    other = {**APP, "id": "b"}
    alone = evaluate(evaluator, EvaluateRequest(APP, "2018", "a.json")).document
    assert isinstance(alone, Evaluation)
    listed = evaluate(evaluator, EvaluateRequest([APP, other], "2018", "a.json")).document
    reversed_ = evaluate(evaluator, EvaluateRequest([other, APP], "2018", "a.json")).document
    assert isinstance(listed, EvaluationList) and isinstance(reversed_, EvaluationList)
    first = listed.evaluations[0]
    findings = [listed.evaluation_findings[k] for k in first.findings]
    assert [(f.rule, f.status, f.message, f.effect, f.basis) for f in findings] == [
        (f.rule, f.status, f.message, f.effect, f.basis) for f in alone.findings
    ]
    assert [listed.sources[f.source] for f in findings] == [f.source for f in alone.findings]
    items = [listed.score_items[k] for k in first.score_breakdown]
    assert [listed.sources[i.source] if i.source else None for i in items] == [
        i.source for i in alone.score_breakdown
    ]
    assert [i.points for i in items] == [i.points for i in alone.score_breakdown]
    used = {f.source for f in listed.evaluation_findings.values()}
    used |= {i.source for i in listed.score_items.values() if i.source}
    assert used == set(listed.sources)  # each source once, none unused
    assert listed.sources == reversed_.sources  # the keys are the sources' own
    assert listed.evaluation_findings == reversed_.evaluation_findings
    assert listed.evaluations[0].findings == reversed_.evaluations[1].findings


def test_a_round_and_its_log_share_the_decision_ids(evaluator: Evaluator) -> None:
    logged: list[list[str]] = []

    class Log:
        def append(self, decisions: object, decision_ids: object = None) -> None:
            raise AssertionError("a round is logged as a round")

        def append_round(self, round_: object, result: object, decision_ids: object = None) -> None:
            logged.append(list(decision_ids))  # type: ignore[call-overload]

    request = rounds.RoundRequest(ROUND_2018.read_bytes(), "round.json", identify=True)
    done = rounds.evaluate_round(evaluator, request, log=Log())
    assert logged == [done.decision_ids]
    assert [e.decision_id for e in done.document.evaluations] == done.decision_ids
    assert len(done.decision_ids) == 40


def test_a_request_that_is_neither_an_application_nor_a_list_is_refused() -> None:
    with pytest.raises(InputError) as raised:
        EvaluateRequest("text", "2018", "stdin")
    assert _where(raised) == "stdin"


def test_a_conversion_to_an_unknown_format_names_the_target() -> None:
    from fourules.use_cases.convert import ConvertRequest

    with pytest.raises(InputError) as raised:
        ConvertRequest(ROUND_2018.read_bytes(), "round.json", "out/round.txt")
    assert _where(raised) == "out/round.txt" and ".xlsx" in raised.value.message.en


def test_a_conversion_is_the_round_in_the_targets_format(evaluator: Evaluator) -> None:
    from fourules.use_cases.convert import ConvertRequest, convert

    csv = convert(evaluator, ConvertRequest(ROUND_2018.read_bytes(), "round.json", "r.csv"))
    back = convert(evaluator, ConvertRequest(csv, "r.csv", "r.json", "2018"))
    assert (
        json.loads(back)["applications"][0]["id"]
        == json.loads(ROUND_2018.read_bytes())["applications"][0]["id"]
    )


def test_the_round_pages_download_names_the_form_field_not_a_flag(evaluator: Evaluator) -> None:
    from fastapi.testclient import TestClient

    from fourules.output.canonical import to_json
    from fourules.rounds.evaluation import read_round
    from fourules.server import create_app

    round_, _ = read_round(ROUND_2018.read_bytes(), "round.json", evaluator, None)
    form = {
        "round": to_json(round_),
        "year": "2018",
        "what": "allocation",
        "format": "json",
        "budget_project": "-5",
    }
    answer = TestClient(create_app(evaluator)).post("/rounds/download", data=form)
    assert answer.status_code == 422
    assert "budget_project" in answer.text and "--budget" not in answer.text
