"""Readings: every finding says what it rests on, a reading that decides the outcome says
so, and `fourules readings` shows what each declared alternative changes on real data."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from fourules.cli.main import app
from fourules.comparison.readings import readings_report, variant_folder
from fourules.errors import PolicyError
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.evaluation.evaluator import folder_evaluator
from fourules.policy.alternatives import PathError, applied, steps
from fourules.policy.model import POLICY_FILE, read_yaml
from tests.years import EVALUATOR, YEARS

runner = CliRunner()
ROUND_2018 = str(builtin_policy_dir() / "2018" / "round.json")


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("year", YEARS)
def test_every_branch_states_a_basis_and_every_finding_carries_it(year: str) -> None:
    policy = EVALUATOR.load_policy(year)
    for r, rule in enumerate(policy.rules):
        for b in range(len(rule.branches)):
            basis = policy.branch_basis(r, b)
            assert basis in ("text", "precedent", "reading", "software")
            if basis == "precedent":
                assert rule.source.precedent, f"{rule.id}: a precedent names its table rows"
            if basis == "reading":
                assert rule.source.note and "Alternativ" in rule.source.note, (
                    f"{rule.id}: a reading's note names the alternatives"
                )
    for kind in ("project", "study_trip"):
        app = {"id": "x", "kind": kind, "title": "t", "applicants": ["Farsta"]}
        result = EVALUATOR.evaluate({**app, "requested_sek": None}, year)
        rules = {rule.id: r for r, rule in enumerate(policy.rules)}
        for f in result.model_dump(mode="json")["findings"]:
            # The basis of a branch of its rule with the finding's status and effect.
            r = rules[f["rule"]]
            possible = {
                policy.branch_basis(r, b)
                for b, branch in enumerate(policy.rules[r].branches)
                if branch.status == f["status"] and branch.outcome == f["effect"]
            }
            assert f["basis"] in possible, f
        by_rule = {f.rule: f for f in result.findings}
        assert by_rule["requested.amount"].basis == "software"
        assert by_rule["requested.amount"].effect == "undetermined"


@pytest.mark.parametrize("year", YEARS)
def test_a_finding_that_decides_on_a_reading_or_software_says_so(year: str) -> None:
    notices = {"reading": "Läsning i fourules", "software": "Programmets eget krav"}
    apps = [
        {"kind": "project", "requested_sek": None},
        {"kind": "project", "requested_sek": 1000, "submitted": "2001-01-01"},
        {"kind": "project", "requested_sek": 1000, "applicants": ["Ingen förvaltning"]},
        {"kind": "project", "requested_sek": 1000, "assessment": {}},
    ]
    seen = 0
    for extra in apps:
        app = {"id": "x", "title": "t", "applicants": ["Farsta"], **extra}
        for f in EVALUATOR.evaluate(app, year).findings:
            if f.effect and f.basis in notices:
                assert notices[f.basis] in f.message, f
                seen += 1
            elif f.effect:
                assert not any(n in f.message for n in notices.values()), f
    assert seen >= 2


def test_readings_lists_every_reading_with_what_each_alternative_changes() -> None:
    code, out, err = run("readings", "2018", "--replay", ROUND_2018, "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["applications"] == 40 and report["budget"]["project"] == 2705000
    rules = {r["rule"]: r for r in report["readings"]}
    policy = EVALUATOR.load_policy("2018")
    assert set(rules) == {rule.id for rule in policy.rules if rule.readings}
    trips = rules["criterion.several_districts"]["alternatives"][0]
    assert trips["id"] == "trips_prioritised_too"
    changed = {(d["subject"], d["aspect"]) for d in trips["differences"]}
    # Scored as projects are, the joint trips of several districts gain a point, and the
    # drafted allocation of the trip budget moves with them.
    assert ("T2-5", "score") in changed and ("T2-16", "score") in changed
    assert any(aspect == "allocation" for _, aspect in changed)
    assert all(s.startswith("T2-") for s, _ in changed)
    assert trips["applications_changed"] == len({s for s, _ in changed})
    # The real round has no submission dates: the window's alternatives change nothing.
    assert all(not a["differences"] for a in rules["call_window"]["alternatives"])


def test_readings_without_a_round_lists_them_in_both_languages() -> None:
    code, out, _ = run("readings", "2024", "--lang", "en")
    assert code == 0
    assert "call_window / trips_too" in out and "--replay" in out
    code, out, _ = run("readings", "2024", "--format", "markdown")
    assert code == 0 and "study_trip.exchange / stockholm_rejected" in out


def test_the_installed_entry_point_runs_readings() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fourules", "readings", "2024", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    ids = {a["id"] for r in json.loads(done.stdout)["readings"] for a in r["alternatives"]}
    assert {"trips_too", "late_warned", "car_counts", "stockholm_rejected"} <= ids


@pytest.mark.parametrize("year", YEARS)
def test_every_shipped_alternative_is_a_valid_policy_that_differs(year: str) -> None:
    folder = EVALUATOR.policy_paths()[year].parent
    policy = EVALUATOR.load_policy(year)
    for rule in policy.rules:
        for alternative in rule.alternatives:
            with variant_folder(folder, alternative) as copy:
                other = folder_evaluator(copy).load_policy(year)
            assert other.sha256 != policy.sha256, alternative.id


def test_an_alternative_that_names_nothing_is_refused_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "2018"
    shutil.copytree(builtin_policy_dir() / "2018", folder)
    policy_file = folder / POLICY_FILE
    text = policy_file.read_text(encoding="utf-8")
    bad = text.replace(
        '"rules[call_window].branches[1].status": warn', '"rules[no_such_rule].status": warn'
    )
    assert bad != text
    policy_file.write_text(bad, encoding="utf-8")
    with pytest.raises(PolicyError, match=r"late_warned.*no item 'no_such_rule'"):
        readings_report(folder, round_=_round(), round_name="r", budget=None)
    code, _, err = run("readings", str(folder), "--replay", ROUND_2018)
    assert code == 2 and "late_warned" in err and "no_such_rule" in err


def test_an_alternative_on_a_rule_that_is_no_reading_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "2024"
    shutil.copytree(builtin_policy_dir() / "2024", folder)
    policy_file = folder / POLICY_FILE
    text = policy_file.read_text(encoding="utf-8")
    # The cap per project rests on the text: it may not declare alternatives.
    marker = "  - id: cap.project\n"
    addition = (
        "    alternatives:\n      - id: x\n        description: {sv: x, en: x}\n"
        '        set: {"parameters[cap.project].value": 1}\n'
    )
    policy_file.write_text(text.replace(marker, marker + addition), encoding="utf-8")
    code, out, _ = run("check", str(folder), "--lang", "en")
    assert code == 1 and "only a reading has alternatives" in out


def _round():  # type: ignore[no-untyped-def]
    from fourules.rounds.files import load_round

    return load_round(Path(ROUND_2018).read_bytes(), "round.json")


def test_paths_pick_ids_keys_and_indexes() -> None:
    assert steps("parameters[call_window.closes].value") == [
        "parameters",
        "call_window.closes",
        "value",
    ]
    assert steps("rules[call_window].branches[1].status") == [
        "rules",
        "call_window",
        "branches",
        "1",
        "status",
    ]
    policy = read_yaml(builtin_policy_dir() / "2024" / POLICY_FILE)
    changed = applied(
        policy, {"rules[call_window].applies_to": None, "parameters[cap.project].value": 1}
    )
    rule = next(r for r in changed["rules"] if r["id"] == "call_window")
    assert "applies_to" not in rule and changed["parameters"]["cap.project"]["value"] == 1
    original = next(r for r in policy["rules"] if r["id"] == "call_window")
    assert original["applies_to"] == ["project"], "the policy read is left as it was"
    for bad in ("", ".x", "rules[", "rules[x]y"):
        with pytest.raises(PathError):
            steps(bad)


@given(st.lists(st.sampled_from(["rules", "branches", "0", "x_1"]), min_size=1, max_size=5))
def test_a_path_written_from_steps_reads_back_as_them(parts: list[str]) -> None:
    path = "".join(f"[{p}]" if p.isdigit() or i else p for i, p in enumerate(parts))
    assert steps(path) == parts


def test_the_report_and_show_say_what_each_finding_and_rule_rests_on() -> None:
    application = {
        "id": "x",
        "kind": "project",
        "title": "t",
        "applicants": ["Farsta"],
        "requested_sek": None,
    }
    result = runner.invoke(
        app,
        ["evaluate", "-", "--year", "2018", "--format", "markdown"],
        input=json.dumps(application),
    )
    assert result.exit_code == 0, result.stderr
    assert "| Grund |" in result.stdout
    assert "läsning: texten lämnar det öppet" in result.stdout  # the pages' word too
    assert "programmets eget krav" in result.stdout
    code, out, _ = run("show", "2018", "--lang", "en", "--format", "markdown")
    assert code == 0 and "| Basis |" in out and "precedent in the decision's tables" in out


@pytest.mark.parametrize("year", YEARS)
def test_coverage_counts_the_branches_per_basis(year: str) -> None:
    code, out, _ = run("coverage", year, "--format", "json")
    assert code == 0
    counted = json.loads(out)["bases"]
    policy = EVALUATOR.load_policy(year)
    assert sum(counted.values()) == sum(len(rule.branches) for rule in policy.rules)
    assert counted["reading"] > 0 and counted["software"] > 0
    code, out, _ = run("coverage", year)
    assert f"{counted['reading']} läsningar" in out
