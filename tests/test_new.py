"""`fourules new`: a new year's folder started from an existing one, and what it refuses."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import typer
from typer.testing import CliRunner

from fourules import Evaluator, get_plugin_manager
from fourules.authoring.cases import load_cases
from fourules.authoring.check import check_year
from fourules.authoring.coverage import cover, load_coverage
from fourules.authoring.drafting import new_year
from fourules.cli.main import app as fourules_app
from fourules.cli.new import new_command
from fourules.errors import InputError
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.output.schemas import schema_of
from fourules.policy.model import load_policy_file
from tests.yaml_data import yaml_data

BUILTIN = builtin_policy_dir()
runner = CliRunner()


def _app() -> typer.Typer:
    """The command under a root like `fourules`'s: built-in years only, no entry-point plugins."""
    app = typer.Typer()

    @app.callback()
    def root(ctx: typer.Context) -> None:
        ctx.obj = {"lang": None, "plugins": "", "policies": []}

    app.command("new")(new_command)
    return app


@pytest.fixture(autouse=True)
def _builtin_years_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FOURULES_POLICY_PATH", raising=False)


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(_app(), ["new", *args])
    return result.exit_code, result.stdout, result.stderr


def test_new_year_from_2024_loads_as_a_draft(tmp_path: Path) -> None:
    code, out, err = run("2026", "--from", "2024", "--dir", str(tmp_path))
    assert (code, err) == (0, "")
    folder = tmp_path / "2026"
    assert f"Skapade {folder} från 2024" in out
    assert f"Granska REVIEW.md; kör sedan: fourules check {folder}" in out
    assert sorted(p.name for p in folder.iterdir()) == [
        "REVIEW.md",
        "cases.yaml",
        "coverage.yaml",
        "document.txt",
        "policy.schema.json",
        "policy.yaml",
        "transcription.txt",
    ]
    policy = load_policy_file(folder / "policy.yaml")
    assert (policy.id, policy.version) == ("2026", "0.1.0")
    old = load_policy_file(BUILTIN / "2024" / "policy.yaml")
    assert policy.parameters == old.parameters and policy.rules == old.rules
    copied = (folder / "policy.yaml").read_text(encoding="utf-8").splitlines()
    source = (BUILTIN / "2024" / "policy.yaml").read_text(encoding="utf-8").splitlines()
    # The editor's schema line first, then the old file: its first comment kept.
    assert copied[0] == "# yaml-language-server: $schema=policy.schema.json"
    assert copied[1] == source[0] and copied[1].startswith("#")
    assert [a for a, b in zip(copied[1:], source, strict=True) if a != b] == [
        'id: "2026"',
        'version: "0.1.0"',
    ]
    cases = load_cases(folder)
    assert cases is not None and cases.year == "2026"
    for name in ("document.txt", "transcription.txt"):  # the scan and the text it quotes
        assert (folder / name).read_bytes() == (BUILTIN / "2024" / name).read_bytes()
    assert policy.document.quoted == "transcription.txt"
    assert not [p for p in tmp_path.iterdir() if p.name != "2026"]  # no staging left behind


def test_every_copied_coverage_entry_is_marked_to_review(tmp_path: Path) -> None:
    new_year(BUILTIN / "2024", "2026", tmp_path)
    folder = tmp_path / "2026"
    copied = (folder / "coverage.yaml").read_text(encoding="utf-8")
    source = (BUILTIN / "2024" / "coverage.yaml").read_text(encoding="utf-8")
    # A line per entry, nothing else changed: comments and layout stay.
    added = [line for line in copied.splitlines() if line.strip() == "- review: true"]
    old, new = load_coverage(BUILTIN / "2024"), load_coverage(folder)
    assert old is not None and new is not None
    assert len(added) == len(old.sections) + len(old.sentences)
    unflagged = copied.replace("  - review: true\n    ", "  - ")
    assert unflagged == source
    assert all(e.review for e in (*new.sections, *new.sentences))
    assert [e.model_copy(update={"review": False}) for e in new.sentences] == old.sentences
    review = (folder / "REVIEW.md").read_text(encoding="utf-8")
    assert f"alla {len(added)} poster är märkta `review: true`" in review
    assert "skrevs om" not in review
    # Removing the flag confirms an entry.
    policy = load_policy_file(folder / "policy.yaml")
    assert len(cover(policy, folder, new).to_review) == len(added)
    (folder / "coverage.yaml").write_text(unflagged, encoding="utf-8")
    confirmed = load_coverage(folder)
    assert confirmed is not None and cover(policy, folder, confirmed).to_review == ()


def test_new_through_the_fourules_command_leaves_the_map_to_review(tmp_path: Path) -> None:
    made = runner.invoke(fourules_app, ["new", "2026", "--from", "2024", "--dir", str(tmp_path)])
    assert made.exit_code == 0, made.stderr
    assert "  coverage.yaml" in made.stdout and "  transcription.txt" in made.stdout
    shown = runner.invoke(fourules_app, ["coverage", str(tmp_path / "2026"), "--format", "json"])
    assert shown.exit_code == 0, shown.stderr
    data = json.loads(shown.stdout)
    old = load_coverage(BUILTIN / "2024")
    assert old is not None
    assert len(data["to_review"]) == len(old.sections) + len(old.sentences)
    assert data["counts"]["to_review"] == data["counts"]["sentences"]  # all copied, none confirmed
    assert all(s["review"] for s in data["sentences"])
    assert data["to_review"][0]["message"]["en"].startswith("copied from last year")


def test_a_map_the_text_edit_cannot_mark_is_written_anew(tmp_path: Path) -> None:
    source = tmp_path / "2024"
    shutil.copytree(BUILTIN / "2024", source)
    path = source / "coverage.yaml"
    text = path.read_text(encoding="utf-8")
    flow = "  - {sentence: Ärendet delges samtliga stadsdelsnämnder., descriptive: Hur ärendet delges.}\n"
    path.write_text(text.replace("sentences:\n", "sentences:\n" + flow, 1), encoding="utf-8")
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    new_year(source, "2026", drafts)
    copied = load_coverage(drafts / "2026")
    original = load_coverage(source)
    assert copied is not None and original is not None
    assert all(e.review for e in (*copied.sections, *copied.sentences))
    assert [e.model_copy(update={"review": False}) for e in copied.sentences] == original.sentences
    written = (drafts / "2026" / "coverage.yaml").read_text(encoding="utf-8")
    assert written.startswith("# Täckningskarta kopierad från 2024 av `fourules new`")
    review = (drafts / "2026" / "REVIEW.md").read_text(encoding="utf-8")
    assert "Filen skrevs om utan sina kommentarer" in review


def test_a_broken_coverage_map_is_refused_and_nothing_is_left(tmp_path: Path) -> None:
    source = tmp_path / "2024"
    shutil.copytree(BUILTIN / "2024", source)
    (source / "coverage.yaml").write_text("sentences:\n  - sentence: kort\n", encoding="utf-8")
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    with pytest.raises(InputError) as refused:
        new_year(source, "2026", drafts)
    assert refused.value.where == str(source / "coverage.yaml")
    assert "kan inte kopieras" in refused.value.text(
        "sv"
    ) and "sentences.0.sentence" in refused.value.text("en")
    assert list(drafts.iterdir()) == []


def test_review_lists_what_belongs_to_the_old_call(tmp_path: Path) -> None:
    new_year(BUILTIN / "2024", "2026", tmp_path)
    review = (tmp_path / "2026" / "REVIEW.md").read_text(encoding="utf-8")
    assert "`cap.project` | 500 000 kr" in review
    assert "`call_window.opens` | **2023-05-02**" in review
    assert "`novelty` (obligatoriskt, mandatory)" in review
    assert "`early_support` (prioriterat, priority)" in review
    cases = len(load_cases(BUILTIN / "2024").cases)  # type: ignore[union-attr]
    assert "`quota.projects`" in review and f"{cases} cases" in review
    assert "ersätt `document.txt`" in review and "förväntningarna följer 2024" in review
    assert f"fourules check {tmp_path / '2026'}" in review
    assert f"fourules --policies {tmp_path} diff 2024 2026" in review


def test_round_is_not_copied_from_2018(tmp_path: Path) -> None:
    assert (BUILTIN / "2018" / "round.json").is_file()
    draft = new_year(BUILTIN / "2018", "2019", tmp_path)
    assert draft.folder == tmp_path / "2019"
    assert [p.name for p in draft.files] == [
        "policy.yaml",
        "policy.schema.json",
        "document.txt",
        "cases.yaml",
        "coverage.yaml",
        "REVIEW.md",
    ]
    assert not (draft.folder / "round.json").exists()
    assert load_policy_file(draft.folder / "policy.yaml").id == "2019"
    review = (draft.folder / "REVIEW.md").read_text(encoding="utf-8")
    assert "`cap.project` | 750 000 kr" in review and "`call_window.opens`" in review


def test_the_draft_evaluates_applications(tmp_path: Path) -> None:
    new_year(BUILTIN / "2024", "2026", tmp_path)
    ev = Evaluator(get_plugin_manager(load_entry_points=False), policy_path=[tmp_path])
    application = {
        "id": "x",
        "kind": "project",
        "title": "t",
        "applicants": ["Farsta"],
        "requested_sek": 1,
    }
    result = ev.evaluate(application, "2026")
    assert result.policy.id == "2026"
    assert result.policy.version == "0.1.0"


def test_english_output(tmp_path: Path) -> None:
    code, out, _ = run("2026", "--from", "2018", "--dir", str(tmp_path), "--lang", "en")
    assert code == 0
    assert f"Review REVIEW.md; then run: fourules check {tmp_path / '2026'}" in out
    assert "  round.json" not in out and "  REVIEW.md" in out


def test_an_existing_target_is_left_untouched(tmp_path: Path) -> None:
    existing = tmp_path / "2026"
    existing.mkdir()
    (existing / "policy.yaml").write_text("# mine\n", encoding="utf-8")
    code, out, err = run("2026", "--from", "2024", "--dir", str(tmp_path))
    assert (code, out) == (2, "")
    assert str(existing) in err and "finns redan" in err and len(err.splitlines()) == 1
    assert [p.name for p in existing.iterdir()] == ["policy.yaml"]
    assert (existing / "policy.yaml").read_text(encoding="utf-8") == "# mine\n"
    assert [p.name for p in tmp_path.iterdir()] == ["2026"]


@pytest.mark.parametrize("year", ["20 26", "../2026", "2026/x", ""])
def test_a_bad_year_is_refused(tmp_path: Path, year: str) -> None:
    code, out, err = run(year, "--from", "2024", "--dir", str(tmp_path))
    assert (code, out) == (2, "")
    assert "inget giltigt år" in err and "2026" in err
    assert list(tmp_path.iterdir()) == []


def test_a_missing_dir_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "drafts"
    code, out, err = run("2026", "--from", "2024", "--dir", str(missing), "--lang", "en")
    assert (code, out) == (2, "")
    assert f"{missing}: no such folder" in err and "mkdir" in err
    assert not missing.exists()


def test_an_unknown_from_year_names_the_available_ones(tmp_path: Path) -> None:
    code, out, err = run("2026", "--from", "2030", "--dir", str(tmp_path))
    assert (code, out) == (2, "")
    assert err.startswith("fourules: --from: ") and len(err.splitlines()) == 1
    assert "2030" in err and "2018" in err and "2024" in err
    assert list(tmp_path.iterdir()) == []


def test_the_library_refuses_with_both_languages(tmp_path: Path) -> None:
    (tmp_path / "2026").mkdir()
    with pytest.raises(InputError) as refused:
        new_year(BUILTIN / "2024", "2026", tmp_path)
    assert "finns redan" in refused.value.text("sv")
    assert "already exists" in refused.value.text("en")


def test_a_failed_copy_leaves_nothing_behind(tmp_path: Path) -> None:
    source = tmp_path / "2024"
    source.mkdir()
    (source / "policy.yaml").write_bytes((BUILTIN / "2024" / "policy.yaml").read_bytes())
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    with pytest.raises(InputError) as refused:
        new_year(source, "2026", drafts)
    assert refused.value.where == str(source / "document.txt")
    assert "document.file" in refused.value.text("en")
    assert list(drafts.iterdir()) == []


def test_an_entry_confirmed_last_year_is_to_review_again(tmp_path: Path) -> None:
    source = tmp_path / "src" / "2024"
    shutil.copytree(BUILTIN / "2024", source)
    coverage = source / "coverage.yaml"
    text = coverage.read_text(encoding="utf-8")
    first = "  - sentence: "
    assert first in text
    coverage.write_text(
        text.replace(first, "  - review: false\n    sentence: ", 1), encoding="utf-8"
    )
    new_year(source, "2026", tmp_path)
    copied = load_coverage(tmp_path / "2026")
    assert copied is not None and all(e.review for e in (*copied.sections, *copied.sentences))


def _as_an_editor_reads(path: Path) -> object:
    """A YAML file as a YAML editor hands it to its JSON Schema: dates as text."""

    def text_dates(node: object) -> object:
        if isinstance(node, dict):
            return {k: text_dates(v) for k, v in node.items()}
        if isinstance(node, list):
            return [text_dates(v) for v in node]
        return node.isoformat() if isinstance(node, date) else node

    return text_dates(yaml_data(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("year", ["2018", "2024"])
def test_the_draft_names_its_schema_for_an_editor_and_the_schema_is_beside_it(
    tmp_path: Path, year: str
) -> None:
    draft = new_year(BUILTIN / year, "2026", tmp_path)
    policy_file = draft.folder / "policy.yaml"
    first = policy_file.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=policy.schema.json"
    # The line names a file relative to the policy: the draft resolves it offline.
    named = policy_file.parent / first.split("$schema=", 1)[1]
    schema = json.loads(named.read_text(encoding="utf-8"))
    assert schema == schema_of("policy-file")
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(_as_an_editor_reads(policy_file))) == []
    # The schema refuses what check refuses for its shape: a misspelt key.
    misspelt = policy_file.read_text(encoding="utf-8").replace("\nrules:", "\nruless:", 1)
    policy_file.write_text(misspelt, encoding="utf-8")
    assert not validator.is_valid(_as_an_editor_reads(policy_file))


def test_check_takes_no_notice_of_the_schema_file(tmp_path: Path) -> None:
    new_year(BUILTIN / "2024", "2026", tmp_path)
    folder = tmp_path / "2026"
    report = check_year(folder)
    assert report.policy is not None and report.policy.id == "2026"
    with_schema = [p.as_json("en") for p in report.problems]
    (folder / "policy.schema.json").unlink()
    assert [p.as_json("en") for p in check_year(folder).problems] == with_schema
    assert not any(p["file"].endswith(".json") for p in with_schema)


def test_a_draft_of_a_draft_names_its_schema_once(tmp_path: Path) -> None:
    new_year(BUILTIN / "2024", "2026", tmp_path)
    again = tmp_path / "again"
    again.mkdir()
    draft = new_year(tmp_path / "2026", "2027", again)
    lines = (draft.folder / "policy.yaml").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if "yaml-language-server" in line] == [lines[0]]
    assert lines[1].startswith("# The 2024 call")
