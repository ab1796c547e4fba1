"""Rounds: the real 2018 round as data, quotas, audit, allocation, formats, bad input."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fourules import Evaluator
from fourules.cli.main import app
from fourules.errors import InputError
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.output.canonical import to_json
from fourules.rounds.allocation import allocate, make_budget
from fourules.rounds.audit import audit_round
from fourules.rounds.evaluation import evaluate_round
from fourules.rounds.files import load_round, read_csv, to_csv
from fourules.rounds.model import Round, same_application_groups
from fourules.rounds.quotas import Counted, count_applications, tally
from fourules.testing import rounds
from fourules.use_cases.sources_once import expanded
from tests.years import ALL_POLICIES, POLICIES, YEARS

ROUND_2018 = builtin_policy_dir() / "2018" / "round.json"
runner = CliRunner()


@pytest.fixture(scope="module")
def round_2018() -> Round:
    return load_round(ROUND_2018.read_bytes(), str(ROUND_2018))


# --- the transcription -------------------------------------------------------------------


def _audit(round_: Round, year: str, evaluator: Evaluator) -> Any:
    """The audit as the command makes it: the round evaluated once, then audited."""
    return audit_round(round_, evaluate_round(round_, year, evaluator), evaluator.load_policy(year))


def test_the_round_has_every_row_of_both_tables(round_2018: Round) -> None:
    projects = [a for a in round_2018.applications if a.kind == "project"]
    trips = [a for a in round_2018.applications if a.kind == "study_trip"]
    assert [a.table_row for a in projects] == [f"Tabell 1 rad {i}" for i in range(1, 20)]
    assert [a.table_row for a in trips] == [f"Tabell 2 rad {i}" for i in range(1, 22)]
    assert all(a.decision is not None and a.applicants_as_written for a in round_2018.applications)


def test_transcription_agrees_with_the_documents_own_totals(
    evaluator: Evaluator, round_2018: Round
) -> None:
    """Every stated total the rows reproduce; the one they do not is the audit's finding."""
    report = _audit(round_2018, "2018", evaluator)
    failed = {d.check for d in report.discrepancies if d.check.startswith("total.")}
    checked = {f"total.{t.id}" for t in round_2018.stated_totals}
    assert len(checked) == 10
    # The study-trip grants in Tabell 2 add up to 206 200 kr, not the stated 231 200 kr.
    assert failed == {"total.granted.study_trip", "total.granted.total"}
    trips = next(d for d in report.discrepancies if d.check == "total.granted.study_trip")
    assert (trips.expected, trips.actual) == (231200, 206200)


def test_misspelt_names_are_resolved_with_a_note(round_2018: Round) -> None:
    by_id = {a.id: a for a in round_2018.applications}
    assert by_id["T1-1"].applicants == ["Farsta"] and "Första" in by_id["T1-1"].notes[0]
    assert by_id["T1-11"].applicants == ["Östermalm"] and "Östermalmans" in by_id["T1-11"].notes[0]
    assert by_id["T1-8"].requested_sek is None


# --- the round's own findings -------------------------------------------------------------


def test_round_finds_the_administrations_over_quota(
    evaluator: Evaluator, round_2018: Round
) -> None:
    """Exactly the four the decision names: "Södermalm, Farsta, Enskede-Årsta-Vantörs
    stadsdelsförvaltningar och Socialförvaltningen har haft fler än tre ansökningar och har
    prioriterat vilka ansökningar de vill ska beaktas" — the joint trip of Bromma and
    Hässelby-Vällingby (Tabell 2 rows 16 and 21) is one application."""
    result = evaluate_round(round_2018, "2018", evaluator)
    over = {t.name: t.ranked for t in result.administrations if t.over_quota}
    assert over == {
        "Södermalm": True,
        "Farsta": True,
        "Enskede-Årsta-Vantör": True,
        "Socialförvaltningen": True,
    }
    tallies = {t.name: t for t in result.administrations}
    assert tallies["Farsta"].applications["project"] == ["T1-1", "T1-2", "T1-3", "T1-9"]
    # Row 9 is Farsta's choice, not Skärholmen's (which had three applications).
    assert tallies["Farsta"].not_put_forward == ["T1-9", "T2-7"]
    assert tallies["Skärholmen"].not_put_forward == [] and not tallies["Skärholmen"].ranked
    assert tallies["Socialförvaltningen"].not_put_forward == [
        "T1-13", "T2-2", "T2-11", "T2-13", "T2-15", "T2-20"
    ]  # fmt: skip
    assert tallies["Hässelby-Vällingby"].applications["study_trip"] == ["T2-14", "T2-16", "T2-19"]
    assert [q.count for q in tallies["Hässelby-Vällingby"].quotas] == [3]
    assert [q.count for q in tallies["Bromma"].quotas] == [2]
    said = [f.message for f in result.findings if f.rule == "quota.applications"]
    assert len(said) == 4 and all("har prioriterat vilka ansökningar" in m for m in said)
    assert any("Farsta" in m and "beaktas inte: T1-9, T2-7" in m for m in said)


def test_the_joint_trip_is_one_application_not_a_duplicate(
    evaluator: Evaluator, round_2018: Round
) -> None:
    result = evaluate_round(round_2018, "2018", evaluator)
    assert result.duplicates == []
    same = [f for f in result.findings if f.rule == "round.same_application"]
    assert [f.applications for f in same] == [["T2-16", "T2-21"]]
    assert "en gång" in same[0].message
    # Without same_as the two rows are an apparent duplicate again, counted twice.
    data = round_2018.model_dump(mode="json", exclude_defaults=True)
    for row in data["applications"]:
        row.pop("same_as", None)
    plain = evaluate_round(Round.model_validate(data), "2018", evaluator)
    assert [d.applications for d in plain.duplicates] == [["T2-16", "T2-21"]]
    over = {t.name for t in plain.administrations if t.over_quota}
    assert "Hässelby-Vällingby" in over


def test_round_totals(evaluator: Evaluator, round_2018: Round) -> None:
    totals = evaluate_round(round_2018, "2018", evaluator).totals
    assert (
        totals["project"].requested_sek == 8516800 and totals["project"].requested_not_stated == 1
    )
    assert totals["study_trip"].requested_sek == 613725
    assert (totals["project"].ineligible, totals["project"].undetermined) == (2, 1)


def test_audit_of_the_shipped_round(evaluator: Evaluator, round_2018: Round) -> None:
    report = _audit(round_2018, "2018", evaluator)
    serious = sorted(
        (d.check, tuple(d.applications)) for d in report.discrepancies if d.severity != "info"
    )
    assert serious == [
        ("same_application.above_cap", ("T2-16", "T2-21")),
        ("total.granted.study_trip", tuple(f"T2-{i}" for i in (1, 3, 4, 5, 6, 8, 10, 16, 17, 21))),
        ("total.granted.total", serious[2][1]),
    ]
    joint = next(d for d in report.discrepancies if d.check == "same_application.above_cap")
    # The decision's own discrepancy: one joint trip, "totalt 30 000 kr", against the cap.
    assert (joint.expected, joint.actual, joint.severity) == (25000, 30000, "error")
    assert joint.rows == ["Tabell 2 rad 16", "Tabell 2 rad 21"]
    assert "30 000 kr" in joint.message and "25 000 kr" in joint.message
    assert "beviljar med totalt 30 000 kr. (ansökan 21)" in joint.message
    assert joint.source is not None and "25 000 kronor" in joint.source.quote
    assert not report.clean
    assert report.granted_sek == {"project": 2705000, "study_trip": 206200, "total": 2911200}


def test_rows_that_are_one_application_are_validated_naming_the_row() -> None:
    trip = {"kind": "study_trip", "title": "t", "applicants": ["Farsta"], "requested_sek": 1}
    project = {**trip, "kind": "project"}
    cases = [
        ([{**trip, "id": "A"}, {**trip, "id": "B", "same_as": "X"}], "ingen ansökan i omgången"),
        ([{**trip, "id": "A", "same_as": "A"}], "anger raden själv"),
        ([{**trip, "id": "A"}, {**project, "id": "B", "same_as": "A"}], "annan stödform"),
        (
            [
                {**trip, "id": "A"},
                {**trip, "id": "B", "same_as": "A"},
                {**trip, "id": "C", "same_as": "B"},
            ],
            "låt alla rader i gruppen ange samma första rad (same_as: A)",
        ),
        (
            [{**trip, "id": "A", "same_as": "B"}, {**trip, "id": "B", "same_as": "A"}],
            "anger i sin tur",
        ),
    ]
    for apps, says in cases:
        with pytest.raises(InputError) as caught:
            load_round(json.dumps({"applications": apps}).encode(), "r.json")
        error = caught.value
        assert says in error.message.sv and error.message.en, error.message
        # The first row whose same_as is wrong: in a chain, the row naming a copy.
        bad = 2 if "första rad" in says else next(i for i, a in enumerate(apps) if "same_as" in a)
        assert error.where == f"r.json.applications[{bad}].same_as (id {apps[bad]['id']})"
    text = "id,kind,title,applicants,requested_sek,same_as\nA,study_trip,T,Farsta,1,\nB,study_trip,T,Farsta,1,Z\n"
    with pytest.raises(InputError) as caught:
        read_csv(text, "r.csv")
    assert caught.value.where == "r.csv:3:F (same_as (id B))"


def test_a_decision_is_a_grant_or_a_refusal_of_either_kind_or_both() -> None:
    base = {"id": "A", "kind": "project", "title": "t", "applicants": ["Farsta"]}
    ok = [
        {"granted_sek": 1},
        {"rejected": "r"},
        {"not_prioritised": "n"},
        {"rejected": "r", "not_prioritised": "n"},
    ]
    bad = [{}, {"granted_sek": 1, "rejected": "r"}, {"granted_sek": 1, "not_prioritised": "n"}]
    for decision in ok:
        Round.model_validate({"applications": [{**base, "requested_sek": 1, "decision": decision}]})
    for decision in bad:
        with pytest.raises(InputError, match="decision"):
            load_round(
                json.dumps(
                    {"applications": [{**base, "requested_sek": 1, "decision": decision}]}
                ).encode(),
                "r.json",
            )


def _decided(grants: dict[str, Any]) -> Round:
    base = {"kind": "project", "title": "t", "applicants": ["Farsta"], "requested_sek": 100000}
    apps = [{**base, "id": i, **extra} for i, extra in grants.items()]
    return Round.model_validate({"year": "2018", "applications": apps})


def test_audit_catches_every_kind_of_wrong_grant(evaluator: Evaluator) -> None:
    round_ = _decided(
        {
            "over-request": {"decision": {"granted_sek": 150000}},
            "over-cap": {"requested_sek": 900000, "decision": {"granted_sek": 800000}},
            "ineligible": {"project_year": 4, "decision": {"granted_sek": 1000}},
            "undetermined": {"requested_sek": None, "decision": {"granted_sek": 1000}},
            "no-decision": {},
        }
    )
    checks = {(d.check, d.applications[0]) for d in _audit(round_, "2018", evaluator).discrepancies}
    assert {
        ("grant.above_request", "over-request"),
        ("grant.above_cap", "over-cap"),
        ("grant.ineligible", "ineligible"),
        ("grant.undetermined", "undetermined"),
        ("decision.missing", "no-decision"),
        ("quota.exceeded", "ineligible"),
    } <= checks


# --- allocation ---------------------------------------------------------------------------


def _check_allocation(evaluator: Evaluator, data: dict[str, Any], year: str, budget: Any) -> str:
    round_ = Round.model_validate(data)
    evaluated = evaluate_round(round_, year, evaluator)
    policy = evaluator.load_policy(year)
    result = allocate(round_, evaluated, policy, budget)
    evaluations = {e.application_id: e for e in evaluated.evaluations}
    funded = [ln for ln in result.lines if ln.status == "funded"]
    assert sum(ln.proposed_sek for ln in funded) <= budget.total
    for kind in ("project", "study_trip"):
        if budget.for_kind(kind) is not None:
            assert sum(ln.proposed_sek for ln in funded if ln.kind == kind) <= budget.for_kind(kind)
    for ln in result.lines:
        e = evaluations[ln.application_id]
        if ln.status == "funded":
            assert e.outcome == "eligible"
            assert ln.proposed_sek == e.max_grant_sek
            cap = policy.parameters[f"cap.{ln.kind}"].value
            assert cap is None or ln.proposed_sek <= cap
        else:
            assert ln.proposed_sek == 0
    assert _quotas_hold(policy, funded, evaluated, round_)
    _chosen_and_once(round_, evaluated, policy, result.lines)
    assert len(result.lines) == len(round_.applications)
    return to_json(result)


budgets = st.builds(
    make_budget,
    st.one_of(st.none(), st.integers(0, 3_000_000)),
    st.one_of(st.none(), st.integers(0, 2_000_000)),
    st.one_of(st.none(), st.integers(0, 200_000)),
).filter(lambda b: b is not None)


@st.composite
def _chosen_rounds(draw: st.DrawFn) -> dict[str, Any]:
    """Rounds as `rounds` makes them (some with priorities), where some applications were
    not prioritised by their administration and some rows are one application (`same_as`
    naming an earlier row of the same kind that is itself no one's copy)."""
    data = draw(rounds(ALL_POLICIES))
    apps = data["applications"]
    for i, row in enumerate(apps):
        if draw(st.integers(0, 5)) == 0:
            row["decision"] = {"not_prioritised": "inte prioriterad"}
        firsts = [a["id"] for a in apps[:i] if a["kind"] == row["kind"] and "same_as" not in a]
        if firsts and draw(st.integers(0, 4)) == 0:
            row["same_as"] = draw(st.sampled_from(firsts))
    return data


def _not_put_forward(round_: Round, result: Any, policy: Any) -> set[str]:
    """The oracle, written apart from rounds/choice.py: the applications (first rows) any
    row of which is marked not prioritised, or whose smallest priority comes after as many
    applications with a priority in one of its administrations' quotas as the quota allows."""
    evaluations = {e.application_id: e for e in result.evaluations}
    groups = same_application_groups(round_)
    by_id = {a.id: a for a in round_.applications}
    aside = {
        first
        for first, ids in groups.items()
        if any(by_id[i].decision and by_id[i].decision.not_prioritised for i in ids)
    }
    priority = {
        first: min((by_id[i].priority for i in ids if by_id[i].priority is not None), default=None)
        for first, ids in groups.items()
    }
    book = tally(policy, count_applications(round_, evaluations))
    for use in book.uses():
        given = [priority[o] for o in use.applications if priority[o] is not None]
        for first in use.applications:
            p = priority[first]
            if p is not None and sum(o < p for o in given) >= use.quota.limit:
                aside.add(first)
    return aside


def _chosen_and_once(round_: Round, result: Any, policy: Any, lines: list[Any]) -> None:
    """No line funds an application not put forward; a row that is part of another
    application is never funded, nor offered; every other row is offered as itself."""
    groups = same_application_groups(round_)
    part = {i for ids in groups.values() for i in ids[1:]}
    aside = _not_put_forward(round_, result, policy)
    status = {ln.application_id: ln.status for ln in lines}
    funded = {i for i, st_ in status.items() if st_ == "funded"}
    assert not funded & (aside | part)
    assert {i for i, st_ in status.items() if st_ == "same_application"} == part
    assert {i for i, st_ in status.items() if st_ == "not_put_forward"} == aside - part


def _as_read_by(year: str, data: dict[str, Any]) -> dict[str, Any]:
    restrict = POLICIES[year].vocabulary.restrict
    return {**data, "applications": [restrict(app) for app in data["applications"]]}


@st.composite
def _budget(draw: st.DrawFn) -> Any:
    total = draw(st.one_of(st.none(), st.integers(0, 3_000_000)))
    project = draw(st.one_of(st.none(), st.integers(0, 2_000_000)))
    trips = draw(st.one_of(st.none(), st.integers(0, 200_000)))
    if total is None and (project is None or trips is None):
        total = draw(st.integers(0, 3_000_000))
    return make_budget(total, project, trips)


@settings(max_examples=120)
@given(
    data=_chosen_rounds(),
    year=st.sampled_from(YEARS),
    budget=_budget(),
    seed=st.integers(0, 1000),
)
def test_allocation_respects_budget_caps_quotas_and_order(
    evaluator: Evaluator, data: dict[str, Any], year: str, budget: Any, seed: int
) -> None:
    data = _as_read_by(year, data)
    first = _check_allocation(evaluator, data, year, budget)
    shuffled = dict(
        data,
        applications=random.Random(seed).sample(data["applications"], len(data["applications"])),
    )
    assert _check_allocation(evaluator, shuffled, year, budget) == first


@settings(max_examples=60)
@given(data=_chosen_rounds(), year=st.sampled_from(YEARS), seed=st.integers(0, 1000))
def test_round_result_does_not_depend_on_order(
    evaluator: Evaluator, data: dict[str, Any], year: str, seed: int
) -> None:
    data = _as_read_by(year, data)
    round_ = Round.model_validate(data)
    shuffled = Round.model_validate(
        dict(
            data,
            applications=random.Random(seed).sample(
                data["applications"], len(data["applications"])
            ),
        )
    )
    assert to_json(evaluate_round(round_, year, evaluator)) == to_json(
        evaluate_round(shuffled, year, evaluator)
    )


NOT_PUT_FORWARD_2018 = {
    "T1-9", "T1-13", "T2-2", "T2-7", "T2-11", "T2-12", "T2-13", "T2-15", "T2-18", "T2-20"
}  # fmt: skip
"""Every row the 2018 decision says its administration did not prioritise."""


@pytest.mark.parametrize("method", ["ranked", "optimal"])
@pytest.mark.parametrize("min_share", [None, 0.3])
def test_allocation_of_the_real_round_within_its_real_budget(
    evaluator: Evaluator, round_2018: Round, method: Any, min_share: float | None
) -> None:
    result = allocate(
        round_2018,
        evaluate_round(round_2018, "2018", evaluator),
        evaluator.load_policy("2018"),
        make_budget(None, 2705000, 231200),
        method=method,
        min_share=min_share,
    )
    assert result.proposed_sek["project"] <= 2705000 and result.proposed_sek["study_trip"] <= 231200
    status = {ln.application_id: ln.status for ln in result.lines}
    reason = {ln.application_id: ln.reason for ln in result.lines}
    assert status["T1-6"] == status["T1-14"] == "ineligible"
    assert status["T1-8"] == "undetermined"
    assert "Sökt belopp" in reason["T1-8"]
    # Nothing an administration did not put forward is offered, whatever its score.
    assert {i for i, st_ in status.items() if st_ == "not_put_forward"} == NOT_PUT_FORWARD_2018
    assert reason["T2-2"] == (
        "Socialförvaltningen prioriterade inte ansökan; den beaktas inte (beslutet: "
        "”Socialförvaltningen har inte prioriterat studieresan då de har fler än tre "
        "ansökningar.”)."
    )
    assert reason["T1-9"].startswith("Farsta prioriterade inte ansökan")
    # The joint trip is offered once, as row 16; row 21 is part of it.
    assert status["T2-21"] == "same_application" and "T2-16" in reason["T2-21"]
    assert all(
        ln.rank is None
        for ln in result.lines
        if ln.status in ("not_put_forward", "same_application")
    )


def test_the_ranked_draft_funds_what_socialforvaltningen_put_forward(
    evaluator: Evaluator, round_2018: Round
) -> None:
    """Tabell 1 row 16, put forward and granted, is no longer crowded out by row 2 of
    Tabell 2, which Socialförvaltningen did not put forward."""
    result = allocate(
        round_2018,
        evaluate_round(round_2018, "2018", evaluator),
        evaluator.load_policy("2018"),
        make_budget(None, 2705000, 231200),
    )
    funded = {ln.application_id for ln in result.lines if ln.status == "funded"}
    assert "T1-16" in funded and "T2-2" not in funded


def _farsta_round(priorities: list[int | None], **extra: Any) -> Round:
    base = {"kind": "study_trip", "title": "t", "applicants": ["Farsta"], "requested_sek": 1000}
    apps = [
        {**base, "id": f"A{i}", **({"priority": p} if p is not None else {})}
        for i, p in enumerate(priorities, start=1)
    ]
    return Round.model_validate({"year": "2018", "applications": apps, **extra})


@pytest.mark.parametrize(
    ("priorities", "aside"),
    [
        ([1, 2, 3, 4], ["A4"]),
        ([4, 3, 2, 1, 5], ["A1", "A5"]),
        ([1, 1, 1, 1], []),  # equal priorities are all put forward
        ([1, 2, 3, None], []),  # one without a priority is not set aside by the others'
        ([1, 2], []),  # within the quota, nothing to choose
    ],
)
def test_a_priority_beyond_the_quota_is_not_put_forward(
    evaluator: Evaluator, priorities: list[int | None], aside: list[str]
) -> None:
    round_ = _farsta_round(priorities)
    evaluated = evaluate_round(round_, "2018", evaluator)
    farsta = next(t for t in evaluated.administrations if t.name == "Farsta")
    assert farsta.not_put_forward == aside
    for method in ("ranked", "optimal"):
        result = allocate(
            round_, evaluated, evaluator.load_policy("2018"), make_budget(10**6, None, None),
            method=method,  # type: ignore[arg-type]
        )  # fmt: skip
        lines = {ln.application_id: ln for ln in result.lines}
        assert sorted(i for i, ln in lines.items() if ln.status == "not_put_forward") == aside
        for i in aside:
            assert lines[i].reason.startswith("Farsta gav ansökan prioritet ")
            assert "efter de 3 som kvoten rymmer (quota.applications)" in lines[i].reason
        funded = [i for i, ln in lines.items() if ln.status == "funded"]
        assert len(funded) == min(3, len(priorities))


def test_a_group_of_rows_is_offered_once_for_the_union_of_its_applicants(
    evaluator: Evaluator,
) -> None:
    """Bromma has two applications and a joint one with Farsta split over two rows: the
    group counts once for each, so Bromma's third fits and all three are funded."""
    trip = {"kind": "study_trip", "title": "t", "requested_sek": 1000}
    apps = [
        {**trip, "id": "B1", "applicants": ["Bromma"]},
        {**trip, "id": "B2", "applicants": ["Bromma"]},
        {**trip, "id": "J1", "applicants": ["Bromma", "Farsta"]},
        {**trip, "id": "J2", "applicants": ["Farsta"], "same_as": "J1"},
    ]
    round_ = Round.model_validate({"year": "2018", "applications": apps})
    evaluated = evaluate_round(round_, "2018", evaluator)
    counts = {t.name: t.quotas[0].count for t in evaluated.administrations}
    assert counts == {"Bromma": 3, "Farsta": 1}
    for method in ("ranked", "optimal"):
        result = allocate(
            round_, evaluated, evaluator.load_policy("2018"), make_budget(10**6, None, None),
            method=method,  # type: ignore[arg-type]
        )  # fmt: skip
        status = {ln.application_id: ln.status for ln in result.lines}
        assert status == {
            "B1": "funded", "B2": "funded", "J1": "funded", "J2": "same_application"
        }  # fmt: skip
        assert result.proposed_sek["total"] == 3000


# --- formats ---------------------------------------------------------------------------------


def test_csv_round_trip(round_2018: Round) -> None:
    back = read_csv(to_csv(round_2018), "round.csv")
    assert back.applications == round_2018.applications


def test_semicolon_csv_and_spreadsheet_amounts() -> None:
    text = 'id;kind;title;applicants;requested_sek;assessment.novelty\nA;project;T;"Farsta; Bromma";350 000;ja\n'
    round_ = read_csv(text, "r.csv")
    assert round_.applications[0].requested_sek == 350000
    assert round_.applications[0].applicants == ["Farsta", "Bromma"]
    assert round_.applications[0].assessment == {"novelty": True}


def test_xlsx_is_read(tmp_path: Path, round_2018: Round) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    import csv
    import io

    for row in csv.reader(io.StringIO(to_csv(round_2018))):
        book.active.append(row)
    path = tmp_path / "round.xlsx"
    book.save(path)
    assert load_round(path.read_bytes(), str(path)).applications == round_2018.applications


# --- the command line ---------------------------------------------------------------------------


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_round_command_json() -> None:
    code, out, _ = run("round", str(ROUND_2018), "--format", "json")
    result = json.loads(out)
    assert code == 0 and len(result["evaluations"]) == 40 and result["policy"]["id"] == "2018"


@pytest.mark.parametrize("fmt", ["markdown", "html", "table"])
def test_round_reports_read_like_the_decision(fmt: str) -> None:
    code, out, _ = run("round", str(ROUND_2018), "--format", fmt)
    assert code == 0
    assert "Ansökningar" in out and "Förslag på fördelning" in out and "Tabell 2" in out
    assert "Östermalmans stadsdelsförvaltning" in out  # applicants as written
    if fmt == "html":
        assert (
            out.startswith("<!DOCTYPE html>")
            and "<table>" in out
            and "&"
            not in out.replace("&amp;", "")
            .replace("&quot;", "")
            .replace("&#x27;", "")
            .replace("&lt;", "")
            .replace("&gt;", "")
        )


def test_audit_command_strict_exits_1_on_the_real_round() -> None:
    code, out, _ = run("audit", str(ROUND_2018), "--format", "json", "--strict")
    assert code == 1 and json.loads(out)["discrepancies"]
    code, _, _ = run("audit", str(ROUND_2018), "--format", "json")
    assert code == 0


def test_terminal_tables_print_brackets_as_written() -> None:
    """'[varning]' and '[Tabell 1 rad 8 …]' are text, not rich markup to be swallowed; the
    severity is a word of the language, not its id."""
    code, out, _ = run("audit", str(ROUND_2018))
    assert code == 0 and "[varning]" in out and "[warning]" not in out
    code, out, _ = run("audit", str(ROUND_2018), "--lang", "en")
    assert code == 0 and "[warning]" in out


def test_allocate_command() -> None:
    code, out, _ = run("allocate", str(ROUND_2018), "--budget", "2936200", "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["proposed_sek"]["total"] <= 2936200
    code, out, _ = run(
        "allocate", str(ROUND_2018), "--budget", "2936200", "--format", "markdown", "--lang", "en"
    )
    assert code == 0 and "Draft allocation" in out and "Not funded" in out


def test_convert_to_csv_and_back(tmp_path: Path) -> None:
    csv_path, json_path = tmp_path / "r.csv", tmp_path / "r.json"
    assert run("convert", str(ROUND_2018), str(csv_path))[0] == 0
    assert run("convert", str(csv_path), str(json_path))[0] == 0
    code, out, _ = run("round", str(json_path), "--year", "2018", "--format", "json")
    assert code == 0 and len(json.loads(out)["evaluations"]) == 40


GOOD_APP = {
    "id": "A",
    "kind": "project",
    "title": "t",
    "applicants": ["Farsta"],
    "requested_sek": 1000,
}
BAD_ROUNDS = [
    (
        "duplicate id",
        json.dumps({"year": "2018", "applications": [GOOD_APP, GOOD_APP]}),
        ".json",
        "samma id på flera ansökningar: A",
    ),
    ("empty round", json.dumps({"year": "2018", "applications": []}), ".json", "applications"),
    (
        "malformed CSV amount",
        "id,kind,title,applicants,requested_sek\nA,project,T,Farsta,12x\n",
        ".csv",
        "r.csv:2:E (requested_sek)",
    ),
    (
        "malformed CSV row",
        "id,kind,title,applicants,requested_sek\nA,project,T,Farsta,1,2,3\n",
        ".csv",
        "r.csv:2",
    ),
    (
        "bad CSV kind",
        "id,kind,title,applicants,requested_sek\nA,projket,T,Farsta,1\n",
        ".csv",
        "r.csv:2:B (kind)",
    ),
    ("unknown CSV column", "id,kind,title,applicants,requested_sek,budget\n", ".csv", "budget"),
    (
        "unknown CSV column with a line break, quoted on one line",
        'id,kind,title,applicants,requested_sek,"bud\nget"\n',
        ".csv",
        "bud\\nget",
    ),
    (
        "a cell under a column without a header",
        "id,kind,title,applicants,requested_sek,\nA,project,T,Farsta,1,x\n",
        ".csv",
        "r.csv:2:F: en cell under en kolumn utan rubrik",
    ),
    (
        "a study trip's field on a project, named as such",
        json.dumps({"year": "2018", "applications": [{**GOOD_APP, "destination": "Oslo"}]}),
        ".json",
        "applications[0].destination: gäller bara studieresor",
    ),
]


@pytest.mark.parametrize(
    ("case", "text", "suffix", "named"), BAD_ROUNDS, ids=[c[0] for c in BAD_ROUNDS]
)
@pytest.mark.parametrize("command", ["round", "audit"])
def test_bad_rounds_exit_2(
    tmp_path: Path, case: str, text: str, suffix: str, named: str, command: str
) -> None:
    path = tmp_path / f"r{suffix}"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(command, str(path), "--year", "2018", "--format", "json")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert named in err, err


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--budget", "-5"], "--budget"),
        ([], "--budget"),
        (["--budget-project", "100"], "--budget"),
    ],
)
def test_bad_budget_exits_2(args: list[str], named: str) -> None:
    code, out, err = run("allocate", str(ROUND_2018), *args)
    assert code == 2 and out == "" and named in err


# --- an application naming no administration of the year ------------------------------------


@pytest.fixture
def merged_name(tmp_path: Path) -> Path:
    """The shipped round with one co-applicant of the joint T1-4 named by a district formed
    only in 2020: a name `evaluate` answers with a hint, not a broken round."""
    data = json.loads(ROUND_2018.read_text(encoding="utf-8"))
    app = next(a for a in data["applications"] if a["id"] == "T1-4")
    assert app["applicants"] == ["Hägersten-Liljeholmen", "Bromma"]
    app["applicants"][0] = "Hägersten-Älvsjö"
    path = tmp_path / "round.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_round_with_one_unknown_administration_is_evaluated_whole(merged_name: Path) -> None:
    code, out, _ = run("round", str(merged_name), "--format", "json")
    assert code == 0
    result = json.loads(out)
    original = json.loads(run("round", str(ROUND_2018), "--format", "json")[1])
    # Each evaluation in full: its findings and their sources in place (`sources_once`).
    evaluations = {e["application_id"]: e for e in expanded(result)}
    # The 39 others are evaluated as if nothing had happened.
    assert len(evaluations) == 40
    for before in expanded(original):
        if before["application_id"] != "T1-4":
            assert evaluations[before["application_id"]] == before
    # The one is ineligible with the hint `fourules evaluate` gives.
    one = evaluations["T1-4"]
    assert one["outcome"] == "ineligible" and one["max_grant_sek"] == 0
    failed = [f["message"] for f in one["findings"] if f["status"] == "fail"]
    assert any("Hägersten-Älvsjö bildades först 2020" in m for m in failed), failed
    # Listed in the round's findings, and counted for no quota (not even Bromma's).
    listed = [f for f in result["findings"] if f["rule"] == "round.applicant.unknown"]
    assert [f["applications"] for f in listed] == [["T1-4"]]
    assert "”Hägersten-Älvsjö”" in listed[0]["message"]
    counted = {
        i for t in result["administrations"] for ids in t["applications"].values() for i in ids
    }
    assert "T1-4" not in counted and "T1-9" in counted


@pytest.mark.parametrize("command", ["round", "audit"])
def test_strict_refuses_a_round_with_an_unknown_administration(
    merged_name: Path, command: str
) -> None:
    code, out, err = run(command, str(merged_name), "--strict", "--format", "json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    # The round names the strict reading and the applicant; the command line, its flag.
    assert err.startswith("fourules: --strict: ")
    assert "applications[3].applicants[0] (id T1-4): ”Hägersten-Älvsjö” är ingen" in err
    assert err.rstrip().endswith(
        "utan den strikta läsningen av omgången bedöms ansökan som ej berättigad"
    )


def test_audit_and_allocate_treat_an_unknown_administration_as_ineligible(
    merged_name: Path,
) -> None:
    code, out, _ = run("audit", str(merged_name), "--format", "json")
    assert code == 0
    found = {(d["check"], tuple(d["applications"])) for d in json.loads(out)["discrepancies"]}
    assert {("round.applicant.unknown", ("T1-4",)), ("grant.ineligible", ("T1-4",))} <= found
    code, out, _ = run("allocate", str(merged_name), "--budget", "2936200", "--format", "json")
    assert code == 0
    line = next(ln for ln in json.loads(out)["lines"] if ln["application_id"] == "T1-4")
    assert (line["status"], line["proposed_sek"]) == ("ineligible", 0)


def test_round_without_a_year_needs_one(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps([GOOD_APP]), encoding="utf-8")
    code, _, err = run("round", str(path))
    assert code == 2 and "--year" in err


def test_convert_never_leaves_half_a_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("before", encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    code, _, _ = run("convert", str(bad), str(target))
    assert code == 2 and target.read_text(encoding="utf-8") == "before"


def test_load_round_refuses_a_scalar() -> None:
    with pytest.raises(InputError):
        load_round(b"42", "r.json")


def test_a_large_round_evaluated_with_a_worker_process_equals_one_process() -> None:
    """Run in a fresh interpreter: the worker is only forked where no other thread runs."""
    script = f"""
import sys
sys.path.insert(0, {str(Path(__file__).parents[1] / "benchmarks")!r})
from generate import applications
from fourules import Evaluator, get_plugin_manager
from fourules.output.canonical import to_json
from fourules.rounds.model import Round
import fourules.rounds.evaluation as rounds
ev = Evaluator(get_plugin_manager(load_entry_points=False))
round_ = Round.model_validate({{"applications": applications(2500, "2024")}})
assert rounds._parallel_ok(2500, None, None), "the worker path is not taken"
forked = to_json(rounds.evaluate_round(round_, "2024", ev))
rounds.PARALLEL_FROM = 10**9
assert not rounds._parallel_ok(2500, None, None)
assert to_json(rounds.evaluate_round(round_, "2024", ev)) == forked
print("same")
"""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "same"


def test_duplicates_read_the_same_whatever_the_order(evaluator: Evaluator) -> None:
    base = {"kind": "study_trip", "applicants": ["Farsta"], "requested_sek": 1000}
    apps = [
        {**base, "id": "B", "title": "resa till Oslo!"},
        {**base, "id": "A", "title": "Resa till Oslo"},
    ]
    one = evaluate_round(Round.model_validate({"applications": apps}), "2018", evaluator)
    other = evaluate_round(Round.model_validate({"applications": apps[::-1]}), "2018", evaluator)
    assert [d.applications for d in one.duplicates] == [["A", "B"]]
    assert to_json(one) == to_json(other)


@settings(max_examples=60)
@given(
    data=_chosen_rounds(),
    year=st.sampled_from(YEARS),
    budget=_budget(),
    seed=st.integers(0, 1000),
)
def test_the_best_combination_respects_everything_and_scores_at_least_the_ranked(
    evaluator: Evaluator, data: dict[str, Any], year: str, budget: Any, seed: int
) -> None:
    data = _as_read_by(year, data)
    round_ = Round.model_validate(data)
    result = evaluate_round(round_, year, evaluator)
    policy = evaluator.load_policy(year)
    ranked = allocate(round_, result, policy, budget)
    best = allocate(round_, result, policy, budget, method="optimal")
    funded = [ln for ln in best.lines if ln.status == "funded"]
    assert all(ln.outcome == "eligible" for ln in funded)
    assert sum(ln.proposed_sek for ln in funded) <= budget.total
    for kind in ("project", "study_trip"):
        limit = budget.for_kind(kind)
        if limit is not None:
            assert sum(ln.proposed_sek for ln in funded if ln.kind == kind) <= limit
    assert all(ln.proposed_sek == ln.max_grant_sek for ln in funded)
    assert _quotas_hold(policy, funded, result, round_)
    _chosen_and_once(round_, result, policy, best.lines)
    _chosen_and_once(round_, result, policy, ranked.lines)
    score = lambda a: sum(ln.score for ln in a.lines if ln.status == "funded")  # noqa: E731
    assert score(best) >= score(ranked) - 1e-9
    shuffled = Round.model_validate(
        dict(
            data,
            applications=random.Random(seed).sample(
                data["applications"], len(data["applications"])
            ),
        )
    )
    again = allocate(
        shuffled, evaluate_round(shuffled, year, evaluator), policy, budget, method="optimal"
    )
    assert to_json(again) == to_json(best)


def _quotas_hold(policy: Any, funded: list[Any], result: Any, round_: Round) -> bool:
    """No quota of any co-applicant is exceeded by the funded lines, rows that are one
    application counted once (for every administration among their applicants)."""
    evaluations = {e.application_id: e for e in result.evaluations}
    kinds = {a.id: a.kind for a in round_.applications}
    ids = {ln.application_id for ln in funded}
    items = []
    for first, rows in same_application_groups(round_).items():
        if ids & set(rows):
            admins = dict.fromkeys(
                a for i in rows for a in Counted.of(i, kinds[i], evaluations[i]).administrations
            )
            items.append(Counted(first, kinds[first], list(admins)))
    return not any(use.over for use in tally(policy, items).uses())


def _weighted_share(allocation: Any) -> float:
    """The score-weighted share funded: what `optimal` maximises with a minimum share."""
    return sum(
        ln.score * ln.proposed_sek / ln.max_grant_sek
        for ln in allocation.lines
        if ln.status == "funded"
    )


@settings(max_examples=60)
@given(
    data=_chosen_rounds(),
    year=st.sampled_from(YEARS),
    budget=_budget(),
    min_share=st.sampled_from([0.1, 0.3, 0.5, 0.75, 1.0]),
    seed=st.integers(0, 1000),
)
def test_partial_grants_stay_within_share_budget_caps_and_quotas(
    evaluator: Evaluator, data: dict[str, Any], year: str, budget: Any, min_share: float, seed: int
) -> None:
    data = _as_read_by(year, data)
    round_ = Round.model_validate(data)
    result = evaluate_round(round_, year, evaluator)
    policy = evaluator.load_policy(year)
    by_id = {e.application_id: e for e in result.evaluations}
    shuffled = Round.model_validate(
        dict(
            data,
            applications=random.Random(seed).sample(
                data["applications"], len(data["applications"])
            ),
        )
    )
    drafts = {}
    for method in ("ranked", "optimal"):
        draft = allocate(round_, result, policy, budget, method=method, min_share=min_share)
        funded = [ln for ln in draft.lines if ln.status == "funded"]
        assert all(by_id[ln.application_id].outcome == "eligible" for ln in funded)
        assert all(ln.proposed_sek == 0 for ln in draft.lines if ln.status != "funded")
        assert sum(ln.proposed_sek for ln in funded) <= budget.total
        for kind in ("project", "study_trip"):
            limit = budget.for_kind(kind)
            if limit is not None:
                assert sum(ln.proposed_sek for ln in funded if ln.kind == kind) <= limit
        for ln in funded:
            cap = policy.parameters[f"cap.{ln.kind}"].value
            assert ln.proposed_sek <= ln.max_grant_sek and (cap is None or ln.proposed_sek <= cap)
            if ln.proposed_sek < ln.max_grant_sek:  # a partial grant: whole thousands, ≥ P × max
                assert ln.proposed_sek % 1000 == 0
                assert ln.proposed_sek >= min_share * ln.max_grant_sek - 1e-9
        assert _quotas_hold(policy, funded, result, round_)
        _chosen_and_once(round_, result, policy, draft.lines)
        again = allocate(
            shuffled,
            evaluate_round(shuffled, year, evaluator),
            policy,
            budget,
            method=method,
            min_share=min_share,
        )
        assert to_json(again) == to_json(draft)
        drafts[method] = draft
    assert _weighted_share(drafts["optimal"]) >= _weighted_share(drafts["ranked"]) - 1e-6


def test_partial_grants_of_the_real_round() -> None:
    """With a minimum share the last money goes to a partial grant instead of lying unused,
    as the 2018 decision granted below the request (Tabell 1 rad 10: 300 000 of 750 000 kr)."""
    args = ("--budget-project", "2705000", "--budget-study-trip", "231200", "--format", "json")
    full = json.loads(run("allocate", str(ROUND_2018), *args)[1])
    code, out, err = run("allocate", str(ROUND_2018), *args, "--min-share", "0.3")
    assert code == 0, err
    partial = json.loads(out)
    assert partial["min_share"] == 0.3 and full["min_share"] is None
    parts = [
        ln
        for ln in partial["lines"]
        if ln["status"] == "funded" and ln["proposed_sek"] < ln["max_grant_sek"]
    ]
    assert parts and all("Delvis finansierad" in ln["reason"] for ln in parts)
    assert partial["proposed_sek"]["total"] > full["proposed_sek"]["total"]
    code, out, err = run(
        "allocate",
        str(ROUND_2018),
        *args,
        "--min-share",
        "0.3",
        "--method",
        "optimal",
        "--lang",
        "en",
    )
    assert code == 0, err
    best = json.loads(out)
    assert any("In the best combination, in part" in ln["reason"] for ln in best["lines"])
    assert _weighted_share_json(best) >= _weighted_share_json(partial) - 1e-6
    for bad in ("0", "1.5", "-0.2"):
        code, out, err = run("allocate", str(ROUND_2018), "--budget", "100", "--min-share", bad)
        assert code == 2 and out == "" and "--min-share" in err and "Traceback" not in err


def test_the_readme_table_of_drafts_is_what_allocate_says() -> None:
    """The README's table of the 2018 round's drafts beside the decision, row by row."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    rows = [ln for ln in readme.splitlines() if ln.startswith(("| decision |", "| `--method"))]
    assert len(rows) == 5
    sek = lambda n: f"{n:,} kr".replace(",", " ")  # noqa: E731
    budgets = ("--budget-project", "2705000", "--budget-study-trip", "231200")
    for row in rows[1:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        flags = cells[0].strip("`").split()
        code, out, err = run(
            "allocate", str(ROUND_2018), *budgets, *flags, "--compare", "--format", "json"
        )
        assert code == 0, err
        comparison = json.loads(out)["comparison"]
        for side, shown in (("decided", rows[0]), ("draft", row)):
            sums = comparison["sums"][side]
            expected = [
                str(sums["applications_funded"]),
                sek(sums["money_sek"]["project"]),
                sek(sums["money_sek"]["study_trip"]),
                f"{sums['score_funded']:g}",
            ]
            assert [c.strip() for c in shown.strip("|").split("|")][1:5] == expected
        same = sum(r["same"] for r in comparison["lines"])
        assert cells[5] == f"{same} of {len(comparison['lines'])}"


def _weighted_share_json(allocation: dict[str, Any]) -> float:
    return sum(
        ln["score"] * ln["proposed_sek"] / ln["max_grant_sek"]
        for ln in allocation["lines"]
        if ln["status"] == "funded"
    )


def test_the_draft_beside_the_decision_of_the_real_round() -> None:
    code, out, err = run(
        "allocate",
        str(ROUND_2018),
        "--budget-project",
        "2705000",
        "--budget-study-trip",
        "231200",
        "--method",
        "optimal",
        "--compare",
        "--format",
        "json",
    )
    assert code == 0, err
    comparison = json.loads(out)["comparison"]
    assert len(comparison["lines"]) == 40
    decided = comparison["sums"]["decided"]
    # The decision's own grants, as the audit reads them (Tabell 2 sums to 206 200 kr).
    assert decided["money_sek"] == {"project": 2705000, "study_trip": 206200, "total": 2911200}
    assert comparison["sums"]["draft"]["money_sek"]["total"] <= 2705000 + 231200
    quotas = {(q["administration"], q["quota"]): q for q in comparison["quotas"]}
    assert all(q["draft"] <= q["limit"] for q in quotas.values())
    # The decision granted Hässelby-Vällingby one application: the joint trip of Tabell 2
    # rows 16 and 21 (same_as), counted once; a joint application counts for each applicant.
    assert quotas["Hässelby-Vällingby", "quota.applications"]["decided"] == 1
    assert quotas["Bromma", "quota.applications"]["decided"] == 2
    assert comparison["sums"]["decided"]["applications_funded"] == 20
    code, out, _ = run("allocate", str(ROUND_2018), "--budget", "100", "--compare")
    assert code == 0 and "Utkast och beslut" in out
    undecided = {
        "applications": [
            {
                "id": "A",
                "kind": "project",
                "title": "t",
                "applicants": ["Farsta"],
                "requested_sek": 1,
            }
        ]
    }
    code, out, err = run(
        "allocate",
        "-",
        "--year",
        "2024",
        "--budget",
        "10",
        "--compare",
        input=json.dumps(undecided),
    )
    assert code == 2 and out == "" and "--compare" in err


@given(st.lists(st.text(), max_size=6))
def test_ids_sort_as_people_sort_them_whatever_the_text(ids: list[str]) -> None:
    """Any id can be sorted (a superscript "²" is a digit to str.isdigit but no number),
    and numbers sort by value: T1-2 before T1-10."""
    from fourules.rounds.model import natural_key

    sorted(ids, key=natural_key)
    assert natural_key("T1-2") < natural_key("T1-10") and natural_key("0²") > natural_key("0")


def test_a_csv_as_swedish_excel_saves_it_reads_as_the_utf8_one(round_2018: Round) -> None:
    """Older Swedish Excel saves "CSV (semikolonavgränsad)" in Windows-1252 with semicolons."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(to_csv(round_2018))))
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    excel = out.getvalue().encode("cp1252")
    assert "ä".encode("cp1252") in excel  # the file really holds Windows-1252 bytes
    assert load_round(excel, "omgang.csv") == load_round(to_csv(round_2018).encode(), "o.csv")


def test_unknown_applicants_are_listed_once_per_name_with_their_applications(
    evaluator: Evaluator,
) -> None:
    """Names that match alike are one entry, as first written, with every application of
    theirs per kind and the hint; they are counted for no administration."""
    raw = json.loads(ROUND_2018.read_text(encoding="utf-8"))
    projects = [a for a in raw["applications"] if a["id"].startswith("T1-")][:2]
    projects[0]["applicants"] = ["Hässelby-Vällinby"]
    projects[1]["applicants"] = ["Hässelby-Vällinby stadsdelsförvaltning"]
    result = evaluate_round(Round.model_validate(raw), "2018", evaluator)
    out = json.loads(to_json(result))
    assert out["unknown_applicants"] == [
        {
            "as_written": "Hässelby-Vällinby",
            "hint": "okänt namn; menade du Hässelby-Vällingby?",
            "applications": {"project": [projects[0]["id"], projects[1]["id"]]},
        }
    ]
    counted = {i for a in out["administrations"] for ids in a["applications"].values() for i in ids}
    assert not counted & {projects[0]["id"], projects[1]["id"]}
