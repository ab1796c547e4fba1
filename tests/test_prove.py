"""`fourules prove`: every year found proves its properties; a broken cap or a shadowed
branch is refuted, and the counterexample is an application `fourules evaluate` reproduces."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fourules.cli.main import app
from fourules.evaluation.default_policies import builtin_policy_dir
from tests.years import EVALUATOR, YEARS

runner = CliRunner()


def _prove(target: str, lang: str = "sv") -> tuple[int, dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["--lang", lang, "prove", target, "--format", "json"])
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize("year", YEARS)
def test_every_year_proves_its_properties(year: str) -> None:
    code, report = _prove(year)
    refuted = [p for p in report["proofs"] if p["verdict"] == "refuted"]
    assert code == 0 and not refuted, refuted
    assert report["counts"]["proved"] > 30
    assert EVALUATOR.load_policy(year).sha256 == report["policy"]["sha256"]


def _copy(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    """A copy of 2024 as the draft year 2099, with one edit."""
    folder = tmp_path / "2099"
    shutil.copytree(builtin_policy_dir() / "2024", folder)
    policy = folder / "policy.yaml"
    text = policy.read_text(encoding="utf-8").replace('id: "2024"', 'id: "2099"', 1)
    assert old in text
    policy.write_text(text.replace(old, new, count), encoding="utf-8")
    return folder


def test_a_cap_rule_that_lets_ten_times_the_cap_through_is_refuted(tmp_path: Path) -> None:
    # The cap rule warns only above ten times the cap, and limits the grant to that.
    folder = _copy(
        tmp_path, "{field: requested, gt: $cap.project}", "{field: requested, gt: 5000000}"
    )
    text = (folder / "policy.yaml").read_text(encoding="utf-8")
    text = text.replace("        grant_limit: $cap.project\n", "", 2)
    (folder / "policy.yaml").write_text(text, encoding="utf-8")
    code, report = _prove(str(folder))
    assert code == 1
    (proof,) = [p for p in report["proofs"] if p["property"] == "grant.within.cap.project"]
    assert proof["verdict"] == "refuted" and proof["reproduced"] is True
    # The counterexample, evaluated by the normal command, shows the grant above the cap.
    evaluated = runner.invoke(
        app,
        ["--policies", str(tmp_path), "evaluate", "-", "--year", "2099", "--format", "json"],
        input=json.dumps(proof["counterexample"]),
    )
    result = json.loads(evaluated.stdout)
    assert result["outcome"] == "eligible" and result["max_grant_sek"] > 500_000


def test_a_shadowed_branch_is_reported_by_prove_and_check(tmp_path: Path) -> None:
    folder = _copy(
        tmp_path,
        "      - when:\n          any:\n            - {field: submitted, lt: $call_window.opens}",
        "      - when: {field: submitted, exists: true}\n        status: pass\n        message: {sv: x, en: x}\n"
        "      - when:\n          any:\n            - {field: submitted, lt: $call_window.opens}",
    )
    code, report = _prove(str(folder))
    assert code == 1
    dead = {p["property"] for p in report["proofs"] if p["verdict"] == "refuted"}
    assert {"rule.call_window.branch.2.can_fire", "rule.call_window.branch.3.can_fire"} <= dead
    checked = runner.invoke(app, ["check", str(folder), "--lang", "en"])
    assert (
        checked.exit_code == 1
        and "rule call_window: the branch (fail) can never fire" in checked.stdout
    )


def test_the_years_own_properties_are_proved_or_refuted(tmp_path: Path) -> None:
    folder = _copy(tmp_path, 'version: "3.0.0"', 'version: "3.0.0"')
    (folder / "properties.yaml").write_text(
        """properties:
  - name: Ett projekt inom perioden, med båda huvudkriterierna och inom taket, är berättigat
    kind: project
    when:
      all:
        - {field: submitted, ge: $call_window.opens}
        - {field: submitted, le: $call_window.closes}
        - {field: crit_novelty, eq: "yes"}
        - {field: crit_strategic_value, eq: "yes"}
        - {field: requested, ge: 1}
        - {field: requested, le: $cap.project}
        - {field: unrecognised_applicants, eq: 0}
        - {field: project_year, le: 3}
    outcome: eligible
  - name: Varje projekt är berättigat (falskt)
    kind: project
    when: {field: kind, eq: project}
    outcome: eligible
""",
        encoding="utf-8",
    )
    code, report = _prove(str(folder))
    own = {p["statement"]: p for p in report["proofs"] if p["property"].startswith("own.")}
    assert code == 1
    assert (
        own[
            "Ett projekt inom perioden, med båda huvudkriterierna och inom taket, är berättigat (berättigad)"
        ]["verdict"]
        == "proved"
    )
    false = own["Varje projekt är berättigat (falskt) (berättigad)"]
    assert false["verdict"] == "refuted" and false["reproduced"] is True


@pytest.mark.parametrize(
    ("lang", "words", "foreign"),
    [
        ("sv", ("exakt ett besked", "kan gälla", "högst det sökta beloppet"), "can fire"),
        ("en", ("exactly one finding", "can fire", "at most the requested amount"), "kan gälla"),
    ],
)
def test_every_statement_is_in_the_commands_language(
    lang: str, words: tuple[str, ...], foreign: str
) -> None:
    """The statements are read by people: in the language chosen, none in the other."""
    _, report = _prove("2024", lang)
    statements = " | ".join(p["statement"] for p in report["proofs"])
    assert all(w in statements for w in words), statements[:500]
    assert foreign not in statements
