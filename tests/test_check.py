"""`fourules check`: a year folder validates, quotes its decision, has no dead branch or gap,
and its cases hold — or each problem is named with file, line and field."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fourules.cli.main import app
from fourules.evaluation.default_policies import builtin_policy_dir
from tests.years import EVALUATOR, YEARS

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("year", YEARS)
def test_every_year_found_checks_clean(year: str) -> None:
    folder = EVALUATOR.policy_paths()[year].parent
    code, out, _ = run("check", str(folder), "--format", "json")
    report = json.loads(out)
    assert code == 0, report["problems"]
    assert report["ok"] and report["summary"]["cases"] == report["summary"]["cases_passed"] > 0


def _copy(
    tmp_path: Path, edit: tuple[str, str] | None = None, year: str = "2024", count: int = 1
) -> Path:
    folder = tmp_path / year
    shutil.copytree(builtin_policy_dir() / year, folder)
    if edit:
        policy = folder / "policy.yaml"
        text = policy.read_text(encoding="utf-8")
        assert edit[0] in text
        policy.write_text(text.replace(edit[0], edit[1], count), encoding="utf-8")
    return folder


def _line_of(folder: Path, text: str) -> int:
    lines = (folder / "policy.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if text in line)


def test_a_misspelt_field_is_named_with_its_line(tmp_path: Path) -> None:
    folder = _copy(
        tmp_path,
        (
            "      - when: {field: requested, le: 0}\n        status: fail",
            "      - when: {field: requested, le: 0}\n        statsu: fail",
        ),
    )
    code, out, _ = run("check", str(folder), "--lang", "en")
    assert code == 1
    assert (
        f"policy.yaml:{_line_of(folder, 'statsu')}: rules.4.branches.1.statsu: is not a field here; did you mean status?"
        in out
    )


def test_a_misspelt_fact_in_a_condition_is_named(tmp_path: Path) -> None:
    folder = _copy(tmp_path, ("{field: requested, le: 0}", "{field: requestd, le: 0}"))
    code, out, _ = run("check", str(folder), "--lang", "en")
    assert code == 1 and "unknown fact field 'requestd'" in out
    assert "rules.4.branches.1.when" in out


def test_an_invented_quote_is_named(tmp_path: Path) -> None:
    folder = _copy(
        tmp_path,
        (
            "quote: Ett lokalt utvecklingsprojekt kan maximalt beviljas 500 000 kr per år.",
            "quote: Ett lokalt utvecklingsprojekt kan maximalt beviljas 600 000 kr per år.",
        ),
    )
    code, out, _ = run("check", str(folder), "--format", "json")
    report = json.loads(out)
    # Not in the decision, and its figure is not the parameter's value: both named.
    assert code == 1 and report["summary"]["quote"] == 2
    by_field = {p["field"]: p for p in report["problems"]}
    problem = by_field["parameters.cap.project.source.quote"]
    assert problem["line"] == _line_of(folder, "600 000 kr per år")
    assert "600 000 kr" in by_field["parameters.cap.project.value"]["message"]


@pytest.mark.parametrize(
    ("quote", "changed"),
    [
        (
            "quote: Ett lokalt utvecklingsprojekt kan maximalt beviljas 500 000 kr per år.",
            "quote: Ett lokalt utvecklingsprojekt kan minst beviljas 500 000 kr per år.",
        ),
        (
            "quote: Projektet ska bidra till utveckling och strategiskt värde för staden socialtjänst.",
            "quote: Projektet kan bidra till utveckling och strategiskt värde för staden socialtjänst.",
        ),
        (
            "        Varje stadsdelsförvaltning kan beviljas medel för högst två lokala",
            "        Varje stadsdelsförvaltning kan inte beviljas medel för högst två lokala",
        ),
    ],
    ids=["minst for maximalt", "kan for ska", "inte inserted"],
)
def test_a_quote_that_changes_the_meaning_is_named(
    tmp_path: Path, quote: str, changed: str
) -> None:
    folder = _copy(tmp_path, (quote, changed))
    code, out, _ = run("check", str(folder), "--format", "json", "--lang", "en")
    report = json.loads(out)
    assert code == 1 and report["summary"]["quote"] == 1, report["problems"]
    [problem] = report["problems"]
    assert problem["check"] == "quote" and problem["file"] == str(folder / "policy.yaml")
    # The line of the quote's key (a folded quote starts on the next line).
    lines = (folder / "policy.yaml").read_text(encoding="utf-8").splitlines()
    changed_at = _line_of(folder, changed.split(": ")[-1].strip())
    assert problem["line"] == max(n for n in range(1, changed_at + 1) if "quote:" in lines[n - 1])
    assert problem["field"].endswith(".source.quote")
    assert "not found word for word in transcription.txt; nearest passage:" in problem["message"]
    # The nearest passage is the text's own words, shown to correct the quote.
    original = quote.split(": ")[-1].strip()
    assert f"nearest passage: “{original}" in problem["message"]


def test_a_section_heading_is_checked_word_for_word(tmp_path: Path) -> None:
    folder = _copy(
        tmp_path,
        (
            "section: Finansiering lokala utvecklingsprojekt",
            "section: Finansiering av lokala utvecklingsprojekt",
        ),
    )
    code, out, _ = run("check", str(folder), "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["summary"]["quote"] == 1
    assert report["problems"][0]["field"] == "parameters.cap.project.source.section"
    assert "finns inte ordagrant i transcription.txt" in report["problems"][0]["message"]


def test_a_changed_word_of_the_transcription_is_named(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    transcription = folder / "transcription.txt"
    text = transcription.read_text(encoding="utf-8")
    transcription.write_text(text.replace("Projektet ska bidra", "Projektet kan bidra"), "utf-8")
    line = next(
        n for n, words in enumerate(text.splitlines(), start=1) if "Projektet ska bidra" in words
    )
    code, out, _ = run("check", str(folder), "--format", "json", "--lang", "en")
    report = json.loads(out)
    assert code == 1 and report["summary"]["transcription"] == 1
    [problem] = [p for p in report["problems"] if p["check"] == "transcription"]
    assert (problem["file"], problem["line"]) == (str(transcription), line)
    assert "“kan” stands for the scan's “ska” (document.txt:" in problem["message"]
    code, out, _ = run("check", str(folder), "--lang", "en")
    assert f"transcription.txt:{line}: “kan” stands for the scan's “ska”" in out


def test_the_installed_check_names_a_changed_quote(tmp_path: Path) -> None:
    """`python -m fourules check`, as a policy owner runs it."""
    folder = _copy(
        tmp_path,
        (
            "quote: Ett lokalt utvecklingsprojekt kan maximalt beviljas 500 000 kr per år.",
            "quote: Ett lokalt utvecklingsprojekt kan minst beviljas 500 000 kr per år.",
        ),
    )
    done = subprocess.run(
        [sys.executable, "-m", "fourules", "check", str(folder), "--lang", "en"],
        capture_output=True,
        text=True,
        check=False,
    )
    line = _line_of(folder, "kan minst beviljas")
    assert done.returncode == 1, done.stderr
    assert (
        f"policy.yaml:{line}: parameters.cap.project.source.quote: “Ett lokalt "
        "utvecklingsprojekt kan minst beviljas 500 000 kr per år.” is not found word for word "
        "in transcription.txt; nearest passage: “Ett lokalt utvecklingsprojekt kan maximalt "
        "beviljas 500 000 kr per år.”"
    ) in done.stdout


def test_a_dead_branch_is_named(tmp_path: Path) -> None:
    # A branch that holds whenever a date is given shadows the window's fail branch.
    folder = _copy(
        tmp_path,
        (
            "      - when:\n          any:\n            - {field: submitted, lt: $call_window.opens}",
            "      - when: {field: submitted, exists: true}\n        status: pass\n        message: {sv: x, en: x}\n"
            "      - when:\n          any:\n            - {field: submitted, lt: $call_window.opens}",
        ),
    )
    code, out, _ = run("check", str(folder), "--lang", "en")
    assert code == 1
    assert "rules.2.branches.2: rule call_window: the branch (fail) can never fire" in out
    assert "rules.2.branches.3: rule call_window: the branch (pass) can never fire" in out


def test_a_gap_and_an_unused_parameter_are_named(tmp_path: Path) -> None:
    folder = _copy(
        tmp_path,
        (
            '      - status: pass\n        basis: reading\n        message:\n          sv: "Projektår {project_year}',
            "      - when: {field: project_year, le: 2}\n        status: pass\n        basis: reading\n"
            '        message:\n          sv: "Projektår {project_year}',
        ),
    )
    code, out, _ = run("check", str(folder), "--lang", "en")
    assert code == 1
    assert "rule project_years gives no finding when kind=project, project_year=3" in out


def test_a_criterion_assessed_but_never_read_is_named(tmp_path: Path) -> None:
    folder = _copy(tmp_path, ("field: crit_coordination,", "field: crit_novelty,"), count=-1)
    code, out, _ = run("check", str(folder), "--lang", "en")
    assert (
        code == 1
        and "criterion coordination is assessed in the application but no condition reads crit_coordination"
        in out
    )


def test_a_failing_case_is_named_with_its_line(tmp_path: Path) -> None:
    folder = _copy(
        tmp_path, ("{field: project_year, gt: $project_years.max}", "{field: project_year, gt: 5}")
    )
    code, out, _ = run("check", str(folder), "--lang", "en")
    assert code == 1
    assert "cases.yaml:" in out and "expected 'ineligible', got 'eligible'" in out


def test_a_folder_without_cases_is_named(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "cases.yaml").unlink()
    code, out, _ = run("check", str(folder), "--lang", "en")
    assert code == 1 and "cases.yaml: is missing" in out


def test_what_cannot_be_read_exits_2(tmp_path: Path) -> None:
    code, out, err = run("check", str(tmp_path / "nowhere"))
    assert code == 2 and out == "" and "policy.yaml" in err
    folder = _copy(tmp_path)
    (folder / "policy.yaml").write_bytes(b"\xff\xfe not utf-8")
    code, out, err = run("check", str(folder))
    assert code == 2 and out == "" and "UTF-8" in err


def test_markdown_lists_the_problems(tmp_path: Path) -> None:
    folder = _copy(
        tmp_path, ("{field: project_year, gt: $project_years.max}", "{field: project_year, gt: 5}")
    )
    code, out, _ = run("check", str(folder), "--format", "markdown")
    assert code == 1 and out.startswith("# fourules check")
    assert "\n- " in out and "cases.yaml:" in out and "väntat 'ineligible'" in out


def test_a_value_that_contradicts_its_own_quote_is_named(tmp_path: Path) -> None:
    # The 2018 trip cap quotes "högst belopp för studieresa var 25 000 kronor": a value of
    # 35 000 contradicts its own source, whether or not a case happens to catch it.
    folder = _copy(tmp_path, ("    value: 25000\n", "    value: 35000\n"), year="2018")
    code, out, _ = run("check", str(folder), "--format", "json", "--lang", "en")
    report = json.loads(out)
    assert code == 1
    named = [p for p in report["problems"] if p["field"] == "parameters.cap.study_trip.value"]
    assert len(named) == 1 and named[0]["check"] == "quote"
    assert "35 000" in named[0]["message"] and "25 000 kronor" in named[0]["message"]
    assert named[0]["line"] == _line_of(folder, "value: 35000")


def test_an_alternative_that_makes_no_policy_is_named(tmp_path: Path) -> None:
    folder = _copy(
        tmp_path,
        (
            '"rules[call_window].branches[1].outcome": null',
            '"rules[call_window].branches[1].outcome": maybe',
        ),
    )
    code, out, _ = run("check", str(folder), "--format", "json", "--lang", "en")
    report = json.loads(out)
    assert code == 1
    [problem] = [p for p in report["problems"] if "alternatives" in p["field"]]
    assert problem["check"] == "lint" and "late_warned" in problem["message"]
    assert problem["field"].startswith("rules.") and problem["field"].endswith(".set")


def test_a_norm_classified_descriptive_is_named(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    coverage = folder / "coverage.yaml"
    text = coverage.read_text(encoding="utf-8")
    old = (
        "  - sentence: Ett lokalt utvecklingsprojekt kan maximalt beviljas 500 000 kr per år.\n"
        "    encoded: [parameters.cap.project, rules.cap.project]\n"
    )
    assert old in text
    coverage.write_text(
        text.replace(old, old.split("\n")[0] + "\n    descriptive: Bara en beskrivning.\n"),
        encoding="utf-8",
    )
    code, out, _ = run("check", str(folder), "--format", "json", "--lang", "en")
    report = json.loads(out)
    assert code == 1 and report["summary"]["coverage"] >= 1
    assert any(
        p["check"] == "coverage" and "maximalt beviljas" in p["message"] for p in report["problems"]
    ), report["problems"]


BILLION_LAUGHS = "\n".join(
    [f"a: &a [{', '.join(['lol'] * 9)}]"]
    + [
        f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)
"""Nine lines that stand for 9^9 (387 million) values."""


@pytest.mark.parametrize("name", ["cases.yaml", "policy.yaml"])
def test_aliases_that_stand_for_millions_are_refused_before_anything_walks_them(
    tmp_path: Path, name: str
) -> None:
    folder = _copy(tmp_path)
    (folder / name).write_text(BILLION_LAUGHS + "\n", encoding="utf-8")
    code, out, err = run("check", str(folder), "--lang", "en")
    assert code in (1, 2), (out, err)
    assert "aliases (*name) stand for more than 200000 values" in out + err


def test_a_check_follows_its_folder_s_files_as_they_change_and_names_its_own_files(
    tmp_path: Path,
) -> None:
    # The policy file's own problems and the boundary applications' failing rules are
    # remembered by the file's text: the same text in another folder names that folder's
    # file, and a file changed back is checked as it now stands.
    from fourules.authoring.check import check_year

    dead = (
        "      - when:\n          any:\n            - {field: submitted, lt: $call_window.opens}",
        "      - when: {field: submitted, exists: true}\n        status: pass\n        message: {sv: x, en: x}\n"
        "      - when:\n          any:\n            - {field: submitted, lt: $call_window.opens}",
    )
    first = _copy(tmp_path / "a", dead)
    second = _copy(tmp_path / "b", dead)
    named = [p for p in check_year(first).problems if p.field == "rules.2.branches.2"]
    assert [p.file for p in named] == [str(first / "policy.yaml")]
    again = [p for p in check_year(second).problems if p.field == "rules.2.branches.2"]
    assert [p.file for p in again] == [str(second / "policy.yaml")]
    shutil.copy(builtin_policy_dir() / "2024" / "policy.yaml", first / "policy.yaml")
    assert check_year(first).ok
    assert not check_year(second).ok
