"""Durations as parameters (`unit: days`, `unit: months`): a 2026-style "reported in the
knowledge bank within two months" written in a year folder, checked clean, rendered in words
by `evaluate` and `show`, held to its quote's count, and kept out of conditions."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fourules.authoring.numbers import disagreements
from fourules.cli.main import app
from fourules.policy.model import Parameter, boundaries_of, load_policy_file
from fourules.text import duration_text
from tests.yaml_data import yaml_data, yaml_text
from tests.years import POLICIES

runner = CliRunner()
SENTENCE = "Studieresan ska rapporteras i kunskapsbanken inom två månader efter hemkomsten."
DECISION = f"\nRapportering 2026\n\n{SENTENCE}\n"
SOURCE = {"section": "Rapportering 2026", "quote": SENTENCE}
REPORT_WITHIN = {
    "value": 2,
    "unit": "months",
    "description": {
        "sv": "Tid efter hemkomsten inom vilken studieresan rapporteras i kunskapsbanken",
        "en": "Time after return within which the study trip is reported in the knowledge bank",
    },
    "source": SOURCE,
}
OBLIGATION = {
    "id": "obligation.report",
    "description": {
        "sv": "Studieresan rapporteras i kunskapsbanken inom två månader efter hemkomsten",
        "en": "The study trip is reported in the knowledge bank within two months of return",
    },
    "source": SOURCE,
}
REPORT_RULE = {
    "id": "obligation.report",
    "title": {"sv": "Rapportering i kunskapsbanken", "en": "Report in the knowledge bank"},
    "applies_to": ["study_trip"],
    "source": SOURCE,
    "branches": [
        {
            "status": "info",
            "message": {
                "sv": "Resan ska rapporteras i kunskapsbanken inom {$report.within} efter hemkomsten.",
                "en": "The trip is to be reported in the knowledge bank within {$report.within} of return.",
            },
        }
    ],
}
TRIP = {
    "id": "trip",
    "kind": "study_trip",
    "title": "En resa",
    "applicants": ["Skarpnäck"],
    "requested_sek": 20000,
    "destination": "Göteborg",
}


def _write(folder: Path, policy: dict[str, Any]) -> None:
    text = yaml_text(policy, sort_keys=False)
    (folder / "policy.yaml").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """policies/2024 copied as 2026, with the reporting duration, its obligation and its rule."""
    drafts = tmp_path_factory.mktemp("drafts")
    folder = drafts / "2026"
    shutil.copytree(Path(__file__).parents[1] / "policies" / "2024", folder)
    for name in ("document.txt", "transcription.txt"):
        with (folder / name).open("a", encoding="utf-8") as document:
            document.write(DECISION)
    policy = yaml_data((folder / "policy.yaml").read_text(encoding="utf-8"))
    policy["id"] = "2026"
    policy["parameters"]["report.within"] = REPORT_WITHIN
    policy["obligations"].append(OBLIGATION)
    policy["rules"].append(REPORT_RULE)
    _write(folder, policy)
    cases = yaml_data((folder / "cases.yaml").read_text(encoding="utf-8"))
    cases["year"] = "2026"
    (folder / "cases.yaml").write_text(yaml_text(cases), "utf-8")
    coverage = yaml_data((folder / "coverage.yaml").read_text(encoding="utf-8"))
    coverage["sentences"].append(
        {
            "sentence": SENTENCE,
            "encoded": [
                "parameters.report.within",
                "obligations.obligation.report",
                "rules.obligation.report",
            ],
        }
    )
    (folder / "coverage.yaml").write_text(yaml_text(coverage), "utf-8")
    return drafts


def _run(drafts: Path, *args: str, input: str | None = None) -> Any:
    return runner.invoke(app, ["--policies", str(drafts), *args], input=input)


def _variant(tmp_path: Path, drafts: Path, change: Any) -> Path:
    """A copy of the 2026 draft whose policy `change` edits."""
    folder = tmp_path / "2026"
    shutil.copytree(drafts / "2026", folder)
    policy = yaml_data((folder / "policy.yaml").read_text(encoding="utf-8"))
    change(policy)
    _write(folder, policy)
    return folder


def test_a_reporting_duration_checks_clean(drafts: Path) -> None:
    result = _run(drafts, "check", str(drafts / "2026"), "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0, report["problems"]
    assert report["summary"]["cases"] == report["summary"]["cases_passed"] > 2


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("sv", "Resan ska rapporteras i kunskapsbanken inom 2 månader efter hemkomsten."),
        ("en", "The trip is to be reported in the knowledge bank within 2 months of return."),
    ],
)
def test_evaluate_renders_the_duration_in_words(drafts: Path, lang: str, words: str) -> None:
    result = _run(
        drafts,
        *("evaluate", "-", "--year", "2026", "--format", "json", "--lang", lang),
        input=json.dumps(TRIP),
    )
    assert result.exit_code == 0, result.stderr
    messages = {f["rule"]: f["message"] for f in json.loads(result.stdout)["findings"]}
    assert messages["obligation.report"] == words


@pytest.mark.parametrize(("lang", "words"), [("sv", "2 månader"), ("en", "2 months")])
def test_show_renders_the_duration_in_words(drafts: Path, lang: str, words: str) -> None:
    result = _run(drafts, "show", "2026", "--lang", lang)
    assert result.exit_code == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if "report.within" in line)
    assert words in line


@pytest.mark.parametrize(
    ("value", "unit", "sv", "en"),
    [
        (1, "months", "1 månad", "1 month"),
        (2, "months", "2 månader", "2 months"),
        (1, "days", "1 dag", "1 day"),
        (14, "days", "14 dagar", "14 days"),
    ],
)
def test_a_duration_in_words_of_each_language(value: int, unit: str, sv: str, en: str) -> None:
    assert (duration_text(value, unit, "sv"), duration_text(value, unit, "en")) == (sv, en)


def test_a_duration_other_than_its_quotes_count_is_named(tmp_path: Path, drafts: Path) -> None:
    def three(policy: dict[str, Any]) -> None:
        policy["parameters"]["report.within"]["value"] = 3

    folder = _variant(tmp_path, drafts, three)
    found = disagreements(load_policy_file(folder / "policy.yaml"))
    assert [(d.path, d.value, [f.value for f in d.figures]) for d in found] == [
        ("parameters.report.within.value", 3, [2])
    ]
    assert found[0].message.sv.startswith(
        "parameters.report.within: värdet 3 månader, men citatet anger två: ”"
    )
    assert "the value is 3 months, but the quote states två" in found[0].message.en
    result = runner.invoke(app, ["--policies", str(tmp_path), "check", str(folder), "--lang", "en"])
    assert result.exit_code != 0
    assert "the value is 3 months, but the quote states två" in result.stdout + result.stderr


def test_a_duration_is_held_to_counts_of_days_or_months_only() -> None:
    quote = "Inom en månad, och senast 30 dagar efter beslutet, två rapporter."

    def held(value: int, unit: str) -> list[Any]:
        policy = POLICIES["2024"].model_copy(deep=True)
        source = next(iter(policy.parameters.values())).source.model_copy(update={"quote": quote})
        policy.parameters["report.within"] = Parameter.model_validate(
            {**REPORT_WITHIN, "value": value, "unit": unit, "source": source}
        )
        return [d for d in disagreements(policy) if d.path.startswith("parameters.report")]

    assert held(1, "months") == []
    assert held(30, "days") == []
    assert [f.value for f in held(2, "months")[0].figures] == [1]  # not the two reports
    assert [f.value for f in held(2, "days")[0].figures] == [30]


@pytest.mark.parametrize(
    ("unit", "value", "says"),
    [
        ("weeks", 2, "Input should be 'SEK', 'date', 'years', 'days' or 'months'"),
        ("months", 0, "a duration in months is a whole number of at least 1, not 0"),
        ("days", "2026-01-01", "unit days does not fit the value"),
    ],
)
def test_a_duration_that_is_not_one_is_refused_clearly(
    tmp_path: Path, drafts: Path, unit: str, value: Any, says: str
) -> None:
    def change(policy: dict[str, Any]) -> None:
        policy["parameters"]["report.within"].update(unit=unit, value=value)

    folder = _variant(tmp_path, drafts, change)
    result = runner.invoke(app, ["--policies", str(tmp_path), "check", str(folder), "--lang", "en"])
    out = result.stdout + result.stderr
    assert result.exit_code != 0
    assert "parameters.report.within" in out or "report.within" in out
    assert says in out
    assert "Traceback" not in out


def test_a_condition_comparing_a_field_with_a_duration_is_refused(
    tmp_path: Path, drafts: Path
) -> None:
    def compare(policy: dict[str, Any]) -> None:
        rule = next(r for r in policy["rules"] if r["id"] == "obligation.report")
        rule["branches"].insert(
            0,
            {
                "when": {"field": "requested", "lt": "$report.within"},
                "status": "info",
                "message": {"sv": "Kort.", "en": "Short."},
            },
        )

    folder = _variant(tmp_path, drafts, compare)
    result = runner.invoke(app, ["--policies", str(tmp_path), "check", str(folder), "--lang", "en"])
    out = result.stdout + result.stderr
    assert result.exit_code != 0
    assert (
        "parameter $report.within is a duration (2 months); a field is not compared with a "
        "duration but a date with another date moved by it: "
        "{field: <date>, le: {field: <date>, plus: $report.within}}"
    ) in " ".join(out.split())
    assert "Traceback" not in out


def test_a_duration_is_no_amount_and_no_project_year_limit(drafts: Path) -> None:
    policy = load_policy_file(drafts / "2026" / "policy.yaml")
    bounds = boundaries_of([policy])
    assert bounds == boundaries_of([POLICIES["2024"]])
    assert 2 not in bounds.amounts
    # A condition sees it as a duration, never as the number 2.
    assert policy.param("report.within") == ("months", 2)


# --- a date compared with another date moved by a duration ---------------------------------

TRIP_DATES = [
    {
        "id": "returned",
        "type": "date",
        "kinds": ["study_trip"],
        "stated_by": "applicant",
        "label": {"sv": "Hemkomst", "en": "Returned"},
        "help": {"sv": "dagen resenärerna kom hem", "en": "the day the travellers came home"},
    },
    {
        "id": "reported",
        "type": "date",
        "kinds": ["study_trip"],
        "stated_by": "applicant",
        "label": {"sv": "Rapporterad", "en": "Reported"},
        "help": {
            "sv": "dagen resan rapporterades i kunskapsbanken",
            "en": "the day the trip was reported in the knowledge bank",
        },
    },
]
LATE = {
    "when": {"field": "reported", "gt": {"field": "returned", "plus": "$report.within"}},
    "status": "fail",
    "basis": "text",
    "message": {
        "sv": "Rapporterad {reported}, senare än {$report.within} efter hemkomsten.",
        "en": "Reported {reported}, later than {$report.within} after return.",
    },
}


def _reported_in_time(policy: dict[str, Any]) -> None:
    facts = [{**f, "placeholder": f["id"]} for f in TRIP_DATES]
    policy["facts"] = facts
    rule = next(r for r in policy["rules"] if r["id"] == "obligation.report")
    rule["branches"].insert(0, LATE)


@pytest.fixture(scope="module")
def reporting(tmp_path_factory: pytest.TempPathFactory, drafts: Path) -> Path:
    return _variant(tmp_path_factory.mktemp("reporting"), drafts, _reported_in_time).parent


@pytest.mark.parametrize(
    ("returned", "reported", "late"),
    [
        ("2025-06-15", "2025-08-15", False),  # two months to the day
        ("2025-06-15", "2025-08-16", True),
        ("2025-12-31", "2026-02-28", False),  # no 31 February: its last day
        ("2025-12-31", "2026-03-01", True),
        ("2023-12-31", "2024-02-29", False),  # a leap year's
    ],
)
def test_a_date_moved_by_months_is_the_calendars(
    reporting: Path, returned: str, reported: str, late: bool
) -> None:
    result = _run(
        reporting,
        "evaluate", "-", "--year", "2026", "--format", "json",
        input=json.dumps({**TRIP, "returned": returned, "reported": reported}),
    )  # fmt: skip
    finding = next(
        f for f in json.loads(result.stdout)["findings"] if f["rule"] == "obligation.report"
    )
    assert (finding["status"] == "fail") is late, finding
    if late:
        assert (
            finding["message"] == f"Rapporterad {reported}, senare än 2 månader efter hemkomsten."
        )


def test_either_date_missing_leaves_the_comparison_false(reporting: Path) -> None:
    for dates in ({"returned": "2025-06-15"}, {"reported": "2026-01-01"}, {}):
        result = _run(
            reporting, "evaluate", "-", "--year", "2026", "--format", "json",
            input=json.dumps({**TRIP, **dates}),
        )  # fmt: skip
        finding = next(
            f for f in json.loads(result.stdout)["findings"] if f["rule"] == "obligation.report"
        )
        assert finding["status"] == "info"


def test_the_year_with_a_moved_date_checks_and_proves(reporting: Path) -> None:
    """check's lint (the solver) finds the branch reachable and the cases hold; prove's
    counterexamples, if any, reproduce."""
    checked = _run(reporting, "check", "2026", "--format", "json")
    report = json.loads(checked.stdout)
    assert checked.exit_code == 0, report["problems"]
    proved = _run(reporting, "prove", "2026", "--format", "json")
    assert proved.exit_code == 0, proved.stdout[-2000:]


def test_the_solver_finds_a_late_report_the_evaluation_reproduces(reporting: Path) -> None:
    from fourules.engine.symbolic import SymbolicPolicy, solve
    from fourules.evaluation.evaluator import folder_evaluator

    ev = folder_evaluator(reporting / "2026")
    policy = ev.load_policy("2026")
    symbolic = SymbolicPolicy(policy)
    rule = next(i for i, r in enumerate(policy.rules) if r.id == "obligation.report")
    model = solve(symbolic.domain, symbolic.fired[rule, 0])
    assert model is not None
    app = symbolic.application(model)
    result = ev.evaluate(app, "2026")
    assert next(f for f in result.findings if f.rule == "obligation.report").status == "fail"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    start=st.dates(date(1990, 1, 1), date(2100, 12, 31)),
    end=st.dates(date(1990, 1, 1), date(2100, 12, 31)),
    amount=st.integers(-30, 30),
    unit=st.sampled_from(["days", "months"]),
    op=st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge"]),
)
def test_the_oracle_and_the_solver_move_dates_alike(
    start: date, end: date, amount: int, unit: str, op: str
) -> None:
    """`holds` (calendar arithmetic) and the solver's formula agree on every pair of days the
    solver's domain allows (the 1st to the 28th), whatever the years, months and signs."""
    import z3

    from fourules.engine import symbolic
    from fourules.policy.conditions import Shifted, holds

    start, end = start.replace(day=min(start.day, 28)), end.replace(day=min(end.day, 28))
    cond = Shifted("a", op, "b", amount, unit)  # type: ignore[arg-type]
    number = {"a": int(end.strftime("%Y%m%d")), "b": int(start.strftime("%Y%m%d"))}
    a, b = z3.IntVal(number["a"]), z3.IntVal(number["b"])
    if unit == "months":
        left, right = a, symbolic._months_later(b, amount)
    else:
        left, right = symbolic._ordinal(a), symbolic._ordinal(b) + amount
    compare = {"eq": left == right, "ne": left != right, "lt": left < right,
               "le": left <= right, "gt": left > right, "ge": left >= right}[op]  # fmt: skip
    assert z3.is_true(z3.simplify(compare)) == holds(cond, number)


def test_the_engine_and_the_oracle_decide_moved_dates_alike(reporting: Path) -> None:
    """durable-rules sees the comparison as a yes/no field worked out in Python; it fires
    exactly the branches the oracle's reading does, dates on either side of the boundary."""
    from fourules.engine.clauses import oracle_fire
    from fourules.evaluation.evaluator import folder_evaluator

    loaded = folder_evaluator(reporting / "2026").require("2026")

    @settings(max_examples=200, deadline=None, derandomize=True)
    @given(
        returned=st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2027, 12, 31))),
        days_after=st.integers(-40, 120),
    )
    def agree(returned: date | None, days_after: int) -> None:
        fact: dict[str, Any] = {"kind": "study_trip", "requested": 1000}
        if returned is not None:
            reported = returned.toordinal() + days_after
            fact["returned"] = int(returned.strftime("%Y%m%d"))
            fact["reported"] = int(date.fromordinal(reported).strftime("%Y%m%d"))
        assert loaded.engine.fire(fact) == oracle_fire(loaded.engine.clauses, fact)

    agree()
