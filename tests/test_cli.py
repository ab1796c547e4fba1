"""The command line, through typer's runner and through the installed entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from fourules.cli.main import app
from fourules.use_cases.sources_once import expanded
from tests.applications import A_PROJECT_2018
from tests.terminal import at_a_terminal

runner = CliRunner()
EXAMPLES = Path(__file__).parents[1] / "examples"

GOOD = A_PROJECT_2018


def run(*args: str, input: str | bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_policies_lists_both_years() -> None:
    code, out, _ = run("policies", "--format", "json")
    assert code == 0
    assert [p["id"] for p in json.loads(out)] == ["2018", "2024"]


def test_show_gives_every_rule_with_its_source() -> None:
    code, out, _ = run("show", "2024", "--format", "json")
    assert code == 0
    policy = json.loads(out)
    assert policy["id"] == "2024" and len(policy["sha256"]) == 64
    assert all(rule["source"]["quote"] and rule["source"]["section"] for rule in policy["rules"])
    assert policy["parameters"]["cap.study_trip"]["value"] is None


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_show_for_people(fmt: str) -> None:
    code, out, _ = run("show", "2018", "--format", fmt)
    assert code == 0
    assert "750 000 kr" in out and "Hägersten-Liljeholmen" in out and "fjärde projektår" in out


def test_evaluate_one_application(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    code, out, err = run("evaluate", str(path), "--year", "2018", "--format", "json")
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["outcome"] == "eligible" and result["max_grant_sek"] == 750000
    assert result["policy"]["id"] == "2018"
    assert {"rule", "status", "message", "source"} <= set(result["findings"][0])


def test_evaluate_a_list_from_stdin_gives_every_evaluation_in_order() -> None:
    apps = [GOOD, {**GOOD, "id": "b", "applicants": ["Hägersten-Liljeholmen"]}]
    code, out, _ = run(
        "evaluate",
        "-",
        "--year",
        "2024",
        "--format",
        "json",
        "--lang",
        "en",
        input=json.dumps(apps),
    )
    assert code == 0
    listed = json.loads(out)
    results = expanded(listed)  # each finding and its source in place (`sources_once`)
    assert [r["application_id"] for r in results] == ["a", "b"]
    assert "Hägersten-Älvsjö" in results[1]["findings"][0]["message"]
    assert results[1]["lang"] == "en"
    assert results[1]["findings"][0]["source"]["quote"]
    assert listed["evaluations"][1]["findings"][0] in listed["evaluation_findings"]


def test_outcome_does_not_change_the_exit_code() -> None:
    ineligible = {**GOOD, "submitted": "2016-01-01"}
    code, out, _ = run(
        "evaluate", "-", "--year", "2018", "-f", "json", input=json.dumps(ineligible)
    )
    assert code == 0 and json.loads(out)["outcome"] == "ineligible"


def test_messages_are_swedish_by_default_and_english_on_request() -> None:
    _, sv, _ = run("evaluate", "-", "--year", "2018", "-f", "json", input=json.dumps(GOOD))
    _, en, _ = run(
        "--lang", "en", "evaluate", "-", "--year", "2018", "-f", "json", input=json.dumps(GOOD)
    )
    assert "överstiger" in sv and "above the most that could be applied for" in en


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_evaluate_for_people(fmt: str) -> None:
    code, out, _ = run("evaluate", str(EXAMPLES / "project-2018.json"), "--year", "2018", "-f", fmt)
    assert code == 0
    assert "berättigad" in out and "Tabell 1" in out


BAD_INPUTS = [
    ("invalid JSON", b'{"id": ', "JSON"),
    ("empty file", b"", "tom"),
    ("not UTF-8", b"\xff\xfe{}", "UTF-8"),
    ("a top-level number", b"42", "JSON-objekt"),
    ("deep nesting", b"[" * 100000 + b"]" * 100000, "nästlad"),
    ("negative amount", json.dumps({**GOOD, "requested_sek": -1}).encode(), "requested_sek"),
    ("fractional amount", json.dumps({**GOOD, "requested_sek": 1.5}).encode(), "requested_sek"),
    ("textual amount", json.dumps({**GOOD, "requested_sek": "1000"}).encode(), "requested_sek"),
    ("unknown kind", json.dumps({**GOOD, "kind": "research"}).encode(), "kind"),
    (
        "missing field",
        json.dumps({k: v for k, v in GOOD.items() if k != "applicants"}).encode(),
        "applicants",
    ),
    ("invalid date", json.dumps({**GOOD, "submitted": "2017-02-30"}).encode(), "submitted"),
    ("project_year 0", json.dumps({**GOOD, "project_year": 0}).encode(), "project_year"),
    (
        "non-boolean assessment",
        json.dumps({**GOOD, "assessment": {"novelty": "ja"}}).encode(),
        "assessment.novelty",
    ),
    (
        "a criterion the year does not declare",
        json.dumps({**GOOD, "assessment": {"novelty": True}}).encode(),
        "assessment.novelty: är inget kriterium i utlysningen 2018; tillåtet: strategic_value, research_connection",
    ),
    (
        "a misspelt criterion",
        json.dumps({**GOOD, "assessment": {"strategic_valeu": True}}).encode(),
        "menade du strategic_value?",
    ),
    (
        "a key given twice",
        b'{"id": "x", "kind": "study_trip", "title": "t", "applicants": ["Farsta"], '
        b'"requested_sek": 100000, "requested_sek": 900000}',
        "nyckeln 'requested_sek' står två gånger i samma objekt (id 'x')",
    ),
    (
        "a lone surrogate in a value",
        json.dumps({**GOOD, "title": "\ud800"}).encode(),
        "in.json.title: innehåller en ensam surrogat",
    ),
    (
        "a lone surrogate in a list item",
        json.dumps([GOOD, {**GOOD, "applicants": ["Farsta", "\udfff"]}]).encode(),
        "[1].applicants[1]: innehåller en ensam surrogat",
    ),
    (
        "a lone surrogate in a key",
        json.dumps({**GOOD, "\ud83d": 1}).encode(),
        "innehåller en ensam surrogat",
    ),
    (
        "bad item in a list",
        json.dumps([GOOD, {**GOOD, "applicants": []}]).encode(),
        "[1].applicants",
    ),
]


@pytest.mark.parametrize(("case", "data", "named"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_exits_2_with_a_clear_message(
    tmp_path: Path, case: str, data: bytes, named: str
) -> None:
    path = tmp_path / "in.json"
    path.write_bytes(data)
    code, out, err = run("evaluate", str(path), "--year", "2018", "-f", "json")
    assert code == 2, err
    assert out == ""
    assert named in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["evaluate", "missing.json", "--year", "2018"], "missing.json"),
        (["evaluate", "-", "--year", "1999"], "1999"),
        (["show", "1999"], "2018, 2024"),
        (["schema", "nothing"], "application"),
        (["schema", "application", "--year", "1999"], "1999"),
        (["schema", "evaluation", "--year", "2018"], "detsamma varje år"),
        (["--lang", "en", "schema", "evaluation", "--year", "2018"], "same every year"),
        (["--lang", "en", "schema", "nothing"], "no schema 'nothing'; available: application"),
        (["--lang", "fi", "policies"], "sv or en"),
    ],
)
def test_bad_arguments_exit_2(args: list[str], named: str) -> None:
    code, out, err = run(*args, input="{}")
    assert code == 2 and out == "" and named in err


def test_schema_is_json_schema() -> None:
    code, out, _ = run("schema", "application")
    schema = json.loads(out)
    assert code == 0 and schema["$schema"].startswith("https://json-schema.org/")
    assert "discriminator" in json.dumps(schema)


def test_installed_entry_point_and_module() -> None:
    """The real `fourules` script and `python -m fourules`, as a user runs them."""
    script = Path(sys.executable).with_name("fourules")
    for command in ([str(script)], [sys.executable, "-m", "fourules"]):
        done = subprocess.run(
            [*command, "evaluate", "-", "--year", "2024", "--format", "json"],
            input=json.dumps({**GOOD, "submitted": "2023-06-01"}),
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["max_grant_sek"] == 500000
        bad = subprocess.run(
            [*command, "evaluate", "-", "--year", "2024"],
            input="[1",
            capture_output=True,
            text=True,
            check=False,
        )
        assert bad.returncode == 2 and bad.stdout == "" and "Traceback" not in bad.stderr


def test_a_process_ends_with_its_output_and_decision_log_whole(tmp_path: Path) -> None:
    """The process ends without a last collection (`cli/command.py`): what it wrote is
    whole all the same, standard output and every line of the decision log."""
    script = Path(sys.executable).with_name("fourules")
    log = tmp_path / "decisions.jsonl"
    applications = [{**GOOD, "id": f"p{i}"} for i in range(3)]
    done = subprocess.run(
        [
            str(script),
            "evaluate",
            "-",
            "--year",
            "2018",
            "--format",
            "json",
            "--decision-log",
            str(log),
        ],
        input=json.dumps(applications),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)["evaluations"]
    assert [e["application_id"] for e in listed] == ["p0", "p1", "p2"]
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and all(json.loads(line) for line in lines)


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("fourules ")


def test_a_criterion_of_the_other_kind_is_named_as_such() -> None:
    trip = {**GOOD, "kind": "study_trip", "assessment": {"novelty": True}}
    code, out, err = run("evaluate", "-", "--year", "2024", "--lang", "en", input=json.dumps(trip))
    assert code == 2 and out == ""
    assert "assessment.novelty: applies only to local development projects in the 2024 call" in err
    assert "no criteria are assessed for study trips" in err


def test_schema_of_a_year_lists_its_criteria() -> None:
    code, out, _ = run("schema", "application", "--year", "2024")
    assert code == 0
    project = json.loads(out)["$defs"]["ProjectApplication"]["properties"]["assessment"]
    assert list(project["properties"]) == [
        "novelty",
        "strategic_value",
        "early_support",
        "client_centred",
        "coordination",
    ]


def test_doctor_reports_python_durable_rules_and_a_clean_self_check() -> None:
    code, out, _ = run("doctor", "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["ok"]
    assert report["durable_rules"] == "2.0.28"
    assert all(c["facts"] > 50 and c["disagreements"] == 0 for c in report["self_check"].values())


def test_a_replays_summary_is_words_in_the_chosen_language() -> None:
    """The replay's title counts what changed in words a reader knows, no raw JSON."""
    round_file = str(Path(__file__).parents[1] / "policies" / "2018" / "round.json")
    for lang, words in (
        ("sv", ("ändras", "berättigad", "lägre maxbelopp")),
        ("en", ("change", "eligible", "capped lower")),
    ):
        code, out, _ = run("--lang", lang, "diff", "2024", "2018", "--replay", round_file)
        title = next(line for line in out.splitlines() if line.startswith(("Omprövning", "Replay")))
        assert code == 0 and "{" not in title and all(w in title for w in words), title


@pytest.mark.parametrize("command", ["doctor", "policies", "plugins", "serve"])
def test_a_broken_policy_is_one_line_on_every_command(tmp_path: Path, command: str) -> None:
    """Every command runs in the one skeleton (`cli/command.py`): a year folder that cannot
    be read is exit 2 and one line naming the file, never a traceback."""
    (tmp_path / "2030").mkdir()
    (tmp_path / "2030" / "policy.yaml").write_text("id: [\n", encoding="utf-8")
    code, out, err = run("--policies", str(tmp_path), command)
    assert (code, out) == (2, "")
    assert "policy.yaml" in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_the_trial_log_cannot_be_the_decision_log(tmp_path: Path) -> None:
    same = str(tmp_path / "decisions.jsonl")
    code, _, err = run("serve", "--decision-log", same, "--trial-log", same)
    assert code == 2 and "--trial-log" in err and "Försöksloggen kan inte vara beslutsloggen" in err


def test_serve_marks_what_the_pages_try_as_trials_and_the_api_s_decisions_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check form's answer goes to the trial log marked a trial; the API's decision to
    the decision log unmarked; verify says which is which."""
    from fastapi.testclient import TestClient

    decisions, trials = tmp_path / "decisions.jsonl", tmp_path / "trials.jsonl"
    started: list[Any] = []
    monkeypatch.setattr("uvicorn.run", lambda served, **options: started.append(served))
    code, _, err = run("serve", "--decision-log", str(decisions), "--trial-log", str(trials))
    assert code == 0 and len(started) == 1, err
    client = TestClient(started[0])
    form = {"year": "2018", "kind": "project", "title": "t", "applicants": "Farsta"}
    tried = client.post("/check", data={**form, "requested": "800 000", "submitted": "2017-10-02"})
    decided = client.post("/v1/policies/2018/evaluate", json=A_PROJECT_2018)
    assert tried.status_code == 200 and decided.status_code == 200
    (trial,) = [json.loads(line) for line in trials.read_text("utf-8").splitlines()]
    (decision,) = [json.loads(line) for line in decisions.read_text("utf-8").splitlines()]
    assert trial["trial"] is True and "trial" not in decision
    for log, marked in ((trials, True), (decisions, False)):
        code, out, _ = run("verify", str(log), "--format", "json")
        assert code == 0 and [e["trial"] for e in json.loads(out)] == [marked]


def _every_command() -> Iterator[tuple[str, Any]]:
    """Every command by its full name, subcommands of a group included."""
    group = typer.main.get_group(app)
    ctx = typer.Context(group)
    for name in group.list_commands(ctx):
        found = group.get_command(ctx, name)
        if isinstance(found, TyperGroup):
            for sub in found.list_commands(ctx):
                yield f"{name} {sub}", found.get_command(ctx, sub)
        else:
            yield name, found


SHARED = ("--lang", "--format", "--output")


def test_every_command_takes_the_shared_options_from_the_skeleton() -> None:
    """`--lang` on every command but the server's (whose words are each request's), and
    `--format` and `--output` declared once (`cli/command.runs`): the same help, type and
    default wherever a command has them."""
    declared: dict[str, set[tuple[object, ...]]] = {f: set() for f in SHARED}
    without_lang = set()
    for name, command in _every_command():
        options = {o for p in command.params for o in p.opts}
        if "--lang" not in options:
            without_lang.add(name)
        for param in command.params:
            for flag in declared.keys() & set(param.opts):
                declared[flag].add((param.help, param.type.name, param.default))
    assert without_lang == {"serve", "schema"}
    assert all(len(shapes) == 1 for shapes in declared.values()), declared


def test_an_option_given_many_times_says_so_one_way() -> None:
    """Each option a command takes any number of times ends its help with "Repeatable."
    (`cli/options.repeatable`), and no other option says it; the entry point's own
    `--policies` too."""
    group = typer.main.get_group(app)
    commands = [("fourules", group), *_every_command()]
    said = {
        (name, param.opts[0]): (param.multiple, param.help or "")
        for name, command in commands
        for param in command.params
        if isinstance(param, typer.core.TyperOption)
    }
    many = {where for where, (multiple, _) in said.items() if multiple}
    assert ("fourules", "--policies") in many and ("evaluate", "--scorer") in many
    assert {where for where, (_, help) in said.items() if "repeat" in help.lower()} == many
    assert all(said[where][1].endswith(" Repeatable.") for where in many), many


@pytest.mark.skipif(sys.platform == "win32", reason="a terminal is POSIX's pty here")
@pytest.mark.parametrize(
    ("lang", "words"), [("sv", "Bedömer ansökningarna"), ("en", "Evaluating the applications")]
)
def test_a_long_round_shows_its_progress_on_a_terminal_in_the_chosen_language(
    tmp_path: Path, lang: str, words: str
) -> None:
    """A round of 500 applications or more shows a progress bar on a terminal's standard
    error, in the language the command was given (it said "Bedömer" whatever --lang said)."""
    applications = [{"id": f"p{i}", "kind": "project", "title": "t", "applicants": ["Farsta"],
                     "requested_sek": 1000 + i} for i in range(500)]  # fmt: skip
    path = tmp_path / "round.json"
    path.write_text(json.dumps({"year": "2018", "applications": applications}), "utf-8")
    code, shown = at_a_terminal(["--lang", lang, "round", str(path), "--format", "markdown"])
    assert code == 0 and "p499" in shown
    assert words in shown
