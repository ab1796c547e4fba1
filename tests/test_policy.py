"""Policies: they load, cite their documents faithfully, and fail loudly when broken."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from fourules import Evaluator, PolicyError, get_plugin_manager, hookimpl
from fourules.authoring.quotes import found, sources
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.policy.model import load_policy_file, policy_read, policy_text
from tests.yaml_data import yaml_data, yaml_text
from tests.years import YEARS

POLICIES = builtin_policy_dir()


def test_a_changed_number_is_not_found() -> None:
    document = (POLICIES / "2024" / "transcription.txt").read_text(encoding="utf-8")
    assert found("Ett lokalt utvecklingsprojekt kan maximalt beviljas 500 000 kr per år.", document)
    assert not found(
        "Ett lokalt utvecklingsprojekt kan maximalt beviljas 750 000 kr per år.", document
    )
    assert not found("Utlysningen för 2024 års medel föreslås öppna den 3 maj 2023", document)


@pytest.mark.parametrize("year", YEARS)
def test_policy_loads_and_names_its_year(evaluator: Evaluator, year: str) -> None:
    policy = evaluator.load_policy(year)
    assert policy.id == year
    assert len(policy.sha256) == 64
    assert load_policy_file(POLICIES / year / "policy.yaml").sha256 == policy.sha256


@pytest.mark.parametrize("year", YEARS)
def test_every_quote_is_in_its_document(evaluator: Evaluator, year: str) -> None:
    policy = evaluator.load_policy(year)
    document = (POLICIES / year / (policy.document.quoted or "")).read_text(encoding="utf-8")
    cited = [source for _, source in sources(policy.model_dump(mode="json"))]
    assert len(cited) >= len(policy.rules)
    for source in cited:
        assert source["document"] == policy.document.title
        assert source["section"] and source["quote"]
        assert found(source["section"], document), source
        assert found(source["quote"], document), source["quote"]
        # "a short quote (a sentence at most)"
        assert source["quote"].rstrip(".").count(". ") == 0, source["quote"]


def test_precedents_name_their_table_rows(evaluator: Evaluator) -> None:
    policy = evaluator.load_policy("2018")
    years = policy.parameters["project_years.max"]
    assert (
        years.source.precedent
        and "rad 6" in years.source.precedent
        and "rad 14" in years.source.precedent
    )


def test_a_silent_document_is_said_to_be_silent(evaluator: Evaluator) -> None:
    cap = evaluator.load_policy("2024").parameters["cap.study_trip"]
    assert cap.value is None and cap.not_stated is not None
    assert "inget" in cap.not_stated.sv


def test_policies_are_shipped_as_folders_with_their_documents() -> None:
    for year in YEARS:
        assert (POLICIES / year / "policy.yaml").is_file()
        assert (POLICIES / year / "document.txt").is_file()
        assert (POLICIES / year / "cases.yaml").is_file()


# --- broken policies ---------------------------------------------------------------------------


def _broken(tmp_path: Path, edit: Any) -> Path:
    folder = tmp_path / "2018"
    shutil.copytree(POLICIES / "2018", folder)
    data = yaml_data((folder / "policy.yaml").read_text(encoding="utf-8"))
    edit(data)
    (folder / "policy.yaml").write_text(yaml_text(data), encoding="utf-8")
    return folder / "policy.yaml"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d.pop("rules"), "rules"),
        (lambda d: d["parameters"]["cap.project"].update(value="750000"), "parameters.cap.project"),
        (
            lambda d: d["rules"][2]["branches"][1].update(when={"field": "submited", "lt": 1}),
            "unknown fact field 'submited'",
        ),
        (
            lambda d: d["rules"][2]["branches"][1].update(
                when={"field": "submitted", "lt": "$call.opens"}
            ),
            "unknown parameter $call.opens",
        ),
        (
            lambda d: d["rules"][2]["branches"][1].update(when={"field": "kind", "lt": "project"}),
            "compares only with eq, ne, in",
        ),
        (
            lambda d: d["rules"][2]["branches"][1].update(when={"field": "requested", "eq": True}),
            "expected a whole number",
        ),
        (lambda d: d["rules"][0].update(id=d["rules"][1]["id"]), "rule ids must be unique"),
        (
            lambda d: d["rules"][0]["branches"][0].update(status="maybe"),
            "rules.0.branches.0.status",
        ),
        (
            lambda d: d["rules"][0]["branches"][0]["message"].update(sv="{nope}"),
            "unknown placeholder {nope}",
        ),
        (lambda d: d.update(id="2017"), "the folder is '2018'"),
    ],
)
def test_a_broken_policy_names_file_and_field(tmp_path: Path, edit: Any, expected: str) -> None:
    path = _broken(tmp_path, edit)
    with pytest.raises(PolicyError) as info:
        load_policy_file(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "2018" / "policy.yaml"
    path.parent.mkdir()
    path.write_text("id: '2018'\nrules: [\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"line \d+"):
        load_policy_file(path)


def test_adding_a_year_is_adding_a_folder(tmp_path: Path) -> None:
    """A new year needs no code: a folder, found through the policy-dirs hook."""
    folder = tmp_path / "2099"
    shutil.copytree(POLICIES / "2024", folder)
    text = (
        (folder / "policy.yaml").read_text(encoding="utf-8").replace('id: "2024"', 'id: "2099"', 1)
    )
    (folder / "policy.yaml").write_text(text, encoding="utf-8")

    class ExtraYears:
        @hookimpl
        def fourules_policy_dirs(self) -> list[Path]:
            return [tmp_path]

    pm = get_plugin_manager(load_entry_points=False)
    pm.register(ExtraYears())
    ev = Evaluator(pm)
    assert ev.policy_ids() == ["2018", "2024", "2099"]
    app = {
        "id": "x",
        "kind": "study_trip",
        "title": "t",
        "applicants": ["Farsta"],
        "requested_sek": 1,
    }
    assert ev.evaluate(app, "2099").policy.id == "2099"


def test_every_shared_fact_and_placeholder_is_documented() -> None:
    """docs/policies.md is where a policy owner learns the vocabulary: it must be complete."""
    from fourules.policy.vocabulary import base_facts

    docs = (Path(__file__).parents[1] / "docs" / "policies.md").read_text(encoding="utf-8")
    for fact in base_facts():
        assert f"| `{fact.name}` |" in docs, fact.name
        if fact.placeholder:
            assert f"`{fact.placeholder}`" in docs, fact.placeholder


def test_a_criterion_id_may_be_declared_once(tmp_path: Path) -> None:
    def repeat(d: Any) -> None:
        crits = [r for r in d["rules"] if "criterion" in r]
        crits[1]["criterion"]["id"] = crits[0]["criterion"]["id"]

    with pytest.raises(PolicyError, match="criterion ids must be unique"):
        load_policy_file(_broken(tmp_path, repeat))


def test_the_vocabulary_follows_the_declared_criteria(evaluator: Evaluator) -> None:
    vocabulary = evaluator.load_policy("2024").vocabulary
    assert vocabulary.assessed["project"] == (
        "novelty",
        "strategic_value",
        "early_support",
        "client_centred",
        "coordination",
    )
    assert vocabulary.assessed["study_trip"] == ()  # climate-smart travel is derived, not assessed
    assert (
        "crit_novelty" in vocabulary.fields and "crit_climate_smart_travel" not in vocabulary.fields
    )


def test_a_policy_file_is_loaded_as_it_now_stands(tmp_path: Path) -> None:
    # Loading is remembered by the file's text: the same text loads the same (frozen)
    # policy; a changed file loads anew; a broken one is refused every time it is loaded.
    folder = tmp_path / "2024"
    shutil.copytree(POLICIES / "2024", folder)
    path = folder / "policy.yaml"
    text = path.read_text(encoding="utf-8")
    policy = load_policy_file(path)
    assert load_policy_file(path) is policy
    path.write_text(text.replace("500000", "400000", 1), encoding="utf-8")
    changed = load_policy_file(path)
    assert (
        changed.parameters["cap.project"].value == 400000 != policy.parameters["cap.project"].value
    )
    path.write_text(text.replace("rules:", "rules: [", 1), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PolicyError):
            load_policy_file(path)
    path.write_text(text, encoding="utf-8")
    assert load_policy_file(path).sha256 == policy.sha256


def test_a_policy_text_is_read_once_whoever_names_its_file(tmp_path: Path) -> None:
    # A draft's check, its pages and its history each load policy.yaml under names of their
    # own: one reading serves them all, and a refusal still names the file as each caller
    # named it.
    text = (POLICIES / "2024" / "policy.yaml").read_text(encoding="utf-8")
    raw, policy = policy_read(text, str(tmp_path / "drafts" / "2024" / "policy.yaml"))
    assert policy_text(text, "2024/policy.yaml") is policy
    assert policy_read(text, "elsewhere/2024/policy.yaml")[0] is raw
    for shown in ("a/2023/policy.yaml", "b/2023/policy.yaml"):
        with pytest.raises(PolicyError) as info:
            policy_text(text, shown)
        assert info.value.file == shown and "the folder is '2023'" in info.value.message
    for shown in ("c/2024/policy.yaml", "d/2024/policy.yaml"):
        with pytest.raises(PolicyError) as info:
            policy_text(text.replace("rules:", "rules: [", 1), shown)
        assert info.value.file == shown and info.value.where.startswith("line ")
