"""`fourules new`: a new year's folder started from an existing one, and what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from fourules import Evaluator, get_plugin_manager
from fourules.authoring.cases import load_cases
from fourules.authoring.drafting import new_year
from fourules.cli.new import new_command
from fourules.errors import InputError
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.policy.model import load_policy_file

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
        "policy.yaml",
    ]
    policy = load_policy_file(folder / "policy.yaml")
    assert (policy.id, policy.version) == ("2026", "0.1.0")
    old = load_policy_file(BUILTIN / "2024" / "policy.yaml")
    assert policy.parameters == old.parameters and policy.rules == old.rules
    copied = (folder / "policy.yaml").read_text(encoding="utf-8").splitlines()
    source = (BUILTIN / "2024" / "policy.yaml").read_text(encoding="utf-8").splitlines()
    assert copied[0] == source[0] and copied[0].startswith("#")
    assert [a for a, b in zip(copied, source, strict=True) if a != b] == [
        'id: "2026"',
        'version: "0.1.0"',
    ]
    cases = load_cases(folder)
    assert cases is not None and cases.year == "2026"
    assert (folder / "document.txt").read_bytes() == (
        BUILTIN / "2024" / "document.txt"
    ).read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name != "2026"]  # no staging left behind


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
