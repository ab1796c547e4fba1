"""A round reads the facts of the year it is evaluated in: a field a temporary year declares
(`research_partner`) is accepted and typed in a round's JSON, gets a column of its own in
CSV and XLSX, decides through that year's rule, and shows in the round's own outputs; under
a year that does not declare it, the same round is refused naming the field."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fourules import Evaluator, get_plugin_manager
from fourules.cli.main import app as cli
from fourules.errors import InputError
from fourules.policy.facts import base_declarations
from fourules.rounds.evaluation import read_round
from fourules.rounds.files import (
    CSV_COLUMNS,
    cell_types,
    csv_columns,
    load_round,
    read_csv,
    read_xlsx,
    to_csv,
    to_xlsx,
)
from fourules.rounds.model import Round, RoundProject, application_part, round_model
from fourules.server import create_app
from fourules.use_cases.sources_once import expanded
from tests.declared import RESEARCH_PARTNER, year_folder

# Facts of every other type a cell is read as, with no rule on them.
PARTNERS = {
    **RESEARCH_PARTNER,
    "id": "partners",
    "type": "whole_number",
    "label": {"sv": "Antal partner", "en": "Partners"},
}
PARTNER_SINCE = {
    **RESEARCH_PARTNER,
    "id": "partner_since",
    "type": "date",
    "label": {"sv": "Partner sedan", "en": "Partner since"},
}
LANGUAGES = {
    **RESEARCH_PARTNER,
    "id": "languages",
    "type": "several_of",
    "kinds": ["project", "study_trip"],
    "values": [
        {"id": "sv", "label": {"sv": "svenska", "en": "Swedish"}},
        {"id": "en", "label": {"sv": "engelska", "en": "English"}},
    ],
    "label": {"sv": "Språk", "en": "Languages"},
}


def _project(ident: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": ident,
        "kind": "project",
        "title": f"Projekt {ident}",
        "applicants": ["Farsta"],
        "requested_sek": 100000,
        "submitted": "2023-06-15",
        "project_year": 3,
        "assessment": {"novelty": True, "strategic_value": True},
        **fields,
    }


# A year-3 project with a research partner, one with none, one that does not say, and a
# year-2 project, which needs none.
ROUND = {
    "year": "2099",
    "applications": [
        _project("P1", research_partner=True),
        _project("P2", research_partner=False),
        _project("P3"),
        _project("P4", project_year=2),
    ],
}
DECIDED = {"P1": "eligible", "P2": "ineligible", "P3": "ineligible", "P4": "eligible"}
HEADER = [
    "id",
    "kind",
    "title",
    "applicants",
    "requested_sek",
    "submitted",
    "project_year",
    "research_partner",
    "assessment.novelty",
    "assessment.strategic_value",
]
CELLS = {"P1": "ja", "P2": "nej", "P3": "", "P4": ""}


def _rows(partner: dict[str, Any]) -> list[list[Any]]:
    return [
        HEADER,
        *(
            [
                a["id"],
                "project",
                a["title"],
                "Farsta",
                100000,
                "2023-06-15",
                a["project_year"],
                partner[a["id"]],
                "ja",
                "ja",
            ]
            for a in ROUND["applications"]
        ),
    ]


def _csv(partner: dict[str, Any] = CELLS) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(_rows(partner))
    return out.getvalue()


def _xlsx(partner: dict[str, Any]) -> bytes:
    """A workbook as a person makes it: truth values, text and numbers as typed."""
    book = openpyxl.Workbook()
    for row in _rows(partner):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


runner = CliRunner()


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    return year_folder(
        tmp_path / "policies", RESEARCH_PARTNER, PARTNERS, PARTNER_SINCE, LANGUAGES
    ).parent


@pytest.fixture
def evaluator(policies: Path) -> Evaluator:
    return Evaluator(get_plugin_manager(load_entry_points=False), policy_path=[policies])


def run(policies: Path, *args: str) -> tuple[int, str, str]:
    done = runner.invoke(cli, ["--policies", str(policies), *args])
    return done.exit_code, done.stdout, done.stderr


def _outcomes(output: str) -> dict[str, str]:
    return {e["application_id"]: e["outcome"] for e in json.loads(output)["evaluations"]}


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


# --- read and evaluated under the year, through the command line ---------------------------


def test_a_round_in_every_format_is_read_and_decided_under_theyear_folder(
    policies: Path, tmp_path: Path
) -> None:
    files = [
        _write(tmp_path, "r.json", json.dumps(ROUND)),
        _write(tmp_path, "r.csv", _csv()),
        _write(tmp_path, "r.xlsx", _xlsx({"P1": True, "P2": "nej", "P3": None, "P4": None})),
    ]
    for path in files:
        code, out, err = run(policies, "round", str(path), "--year", "2099", "--format", "json")
        assert code == 0, err
        assert _outcomes(out) == DECIDED, path.name
        p2 = next(e for e in expanded(json.loads(out)) if e["application_id"] == "P2")
        finding = next(f for f in p2["findings"] if f["rule"] == "research_partner")
        assert finding["status"] == "fail" and "forskningspartner" in finding["message"]
    # A JSON round names its own year: no --year needed.
    code, out, _ = run(policies, "round", str(files[0]), "--format", "json")
    assert code == 0 and _outcomes(out) == DECIDED


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_bad_cell_is_named_by_file_line_and_column(
    policies: Path, tmp_path: Path, suffix: str
) -> None:
    cells = {**CELLS, "P2": "kanske"}
    content = _csv(cells) if suffix == ".csv" else _xlsx(cells)
    path = _write(tmp_path, f"r{suffix}", content)
    code, out, err = run(policies, "round", str(path), "--year", "2099", "--lang", "en")
    assert code == 2 and out == "" and err.count("\n") == 1
    # P2 is on line 3; research_partner is the eighth column, H.
    assert f"r{suffix}:3:H (research_partner)" in err
    assert "'kanske' is not true/false; accepted: true, false, ja, nej or empty" in err


def test_under_a_year_that_does_not_declare_it_the_round_is_refused_naming_the_field(
    policies: Path, tmp_path: Path
) -> None:
    as_json = _write(tmp_path, "r.json", json.dumps(ROUND))
    code, _, err = run(policies, "round", str(as_json), "--year", "2024", "--lang", "en")
    assert code == 2 and err.count("\n") == 1
    assert "r.json.applications[0].research_partner: is not a field of an application" in err
    for path in (_write(tmp_path, "r.csv", _csv()), _write(tmp_path, "r.xlsx", _xlsx(CELLS))):
        code, _, err = run(policies, "round", str(path), "--year", "2024", "--lang", "en")
        assert code == 2 and f"{path.name}:1: unknown columns research_partner;" in err


def test_a_field_no_year_declares_is_refused_with_a_did_you_mean(
    policies: Path, tmp_path: Path
) -> None:
    misspelt = {**ROUND, "applications": [_project("P1", research_partnr=True)]}
    path = _write(tmp_path, "r.json", json.dumps(misspelt))
    code, _, err = run(policies, "round", str(path), "--lang", "en")
    assert code == 2
    assert "r.json.applications[0].research_partnr: is not a field of an application; " in err
    assert "did you mean research_partner?; accepted: true, false or null (projects only)" in err
    text = _csv().replace("research_partner", "research_partnr")
    code, _, err = run(policies, "round", str(_write(tmp_path, "r.csv", text)), "--year", "2099")
    assert code == 2 and "okända kolumner research_partnr (menade du research_partner?)" in err


def test_a_bad_value_gets_the_years_hint(evaluator: Evaluator) -> None:
    bad = {**ROUND, "applications": [_project("P1", research_partner="ja")]}
    with pytest.raises(InputError) as caught:
        read_round(json.dumps(bad).encode(), "r.json", evaluator, None)
    assert caught.value.where == "r.json.applications[0].research_partner"
    assert caught.value.message.sv == (
        'är inte true, false eller null (fick "ja"); '
        "tillåtet: true, false eller null (bara för projekt)"
    )
    trip = {
        "id": "T1",
        "kind": "study_trip",
        "title": "Resa",
        "applicants": ["Farsta"],
        "requested_sek": 1000,
        "research_partner": True,
    }
    with pytest.raises(InputError) as caught:
        read_round(json.dumps({"applications": [trip]}).encode(), "r.json", evaluator, "2099")
    assert caught.value.where == "r.json.applications[0].research_partner"
    assert "gäller bara projekt" in caught.value.message.sv


def _typed(partners: str, since: str, languages: str) -> str:
    return (
        "id,kind,title,applicants,requested_sek,partners,partner_since,languages\n"
        f"P1,project,T,Farsta,1,{partners},{since},{languages}\n"
        "T1,study_trip,T,Farsta,1,,,en\n"
    )


def test_cells_are_read_by_the_type_of_their_fact(evaluator: Evaluator) -> None:
    vocabulary = evaluator.load_policy("2099").vocabulary
    round_ = read_csv(_typed('"2 000"', "2023-01-15", "sv; en"), "r.csv", vocabulary)
    project, trip = round_.applications
    read = (project.partners, project.partner_since, project.languages)
    assert read == (2000, date(2023, 1, 15), ["sv", "en"])
    assert trip.languages == ["en"] and not hasattr(trip, "partners")
    for text, where, says in [
        (_typed("två", "", ""), "r.csv:2:F (partners)", "'två' är inte ett heltal"),
        (
            _typed("", "2023-02-30", ""),
            "r.csv:2:G (partner_since)",
            "'2023-02-30' är inget datum; tillåtet: ÅÅÅÅ-MM-DD",
        ),
        (_typed("", "15/1/2023", ""), "r.csv:2:G (partner_since)", "är inget datum"),
    ]:
        with pytest.raises(InputError) as caught:
            read_csv(text, "r.csv", vocabulary)
        assert caught.value.where == where and says in caught.value.message.sv
    # A value the fact does not list is refused by the contract, on its line and column.
    with pytest.raises(InputError) as caught:
        read_csv(_typed("", "", "sv; fi"), "r.csv", vocabulary)
    assert caught.value.where == "r.csv:2:H (languages[1])"
    assert "tillåtet: en lista av sv, en" in caught.value.message.sv


# --- written and shown ----------------------------------------------------------------------


def test_the_years_columns_come_after_gender_analysis_and_round_trip(evaluator: Evaluator) -> None:
    vocabulary = evaluator.load_policy("2099").vocabulary
    round_ = load_round(json.dumps(ROUND).encode(), "r.json", vocabulary)
    criteria = [c.id for c in vocabulary.criteria]
    columns = csv_columns(criteria, vocabulary)
    at = CSV_COLUMNS.index("gender_analysis") + 1
    assert columns[:at] == CSV_COLUMNS[:at]
    assert columns[at : at + 4] == ("research_partner", "partners", "partner_since", "languages")
    assert columns[at + 4].startswith("assessment.") and columns[-9:] == CSV_COLUMNS[at:]
    text = to_csv(round_, criteria, vocabulary)
    assert tuple(next(csv.reader(io.StringIO(text)))) == columns
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["research_partner"] for r in rows] == ["true", "false", "", ""]
    # A spreadsheet has no place for the round's year: the applications come back as they were.
    assert read_csv(text, "r.csv", vocabulary).applications == round_.applications
    written = to_xlsx(round_, criteria, vocabulary)
    assert read_xlsx(written, "r.xlsx", vocabulary).applications == round_.applications
    sheet = openpyxl.load_workbook(io.BytesIO(written)).worksheets[0]
    heading = sheet.cell(1, columns.index("research_partner") + 1)
    assert heading.value == "research_partner"  # the name the reader reads
    assert heading.comment.text == (
        "Forskningspartner: om projektet har en forskningspartner, t.ex. ett lärosäte"
    )
    assert sheet.cell(2, columns.index("research_partner") + 1).value is True
    # The round knows its year's fields: written without the vocabulary, the columns are there.
    assert to_csv(round_, criteria) == text


def test_the_rounds_workbook_shows_the_years_fields(policies: Path, tmp_path: Path) -> None:
    path, out = _write(tmp_path, "r.json", json.dumps(ROUND)), tmp_path / "out.xlsx"
    code, stdout, err = run(policies, "round", str(path), "-o", str(out))
    assert code == 0 and stdout == "", err
    sheet = openpyxl.load_workbook(out)["evaluations"]
    header = [c.value for c in sheet[1]]
    at = header.index("submitted") + 1
    assert header[at : at + 5] == [
        "research_partner",
        "partners",
        "partner_since",
        "languages",
        "outcome",
    ]
    assert sheet.cell(1, at + 1).comment.text.startswith("Forskningspartner: ")
    assert sheet.cell(1, header.index("requested_sek") + 1).comment.text.startswith("Sökt belopp")
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)}
    assert {i: (r["research_partner"], r["outcome"]) for i, r in rows.items()} == {
        "P1": (True, "eligible"),
        "P2": (False, "ineligible"),
        "P3": (None, "ineligible"),
        "P4": (None, "eligible"),
    }


def test_a_logged_round_keeps_the_years_fields_and_reproduces(
    policies: Path, tmp_path: Path
) -> None:
    path, log = _write(tmp_path, "r.json", json.dumps(ROUND)), tmp_path / "decisions.jsonl"
    code, _, err = run(policies, "round", str(path), "--decision-log", str(log), "--format", "json")
    assert code == 0, err
    inputs = [json.loads(line)["input"] for line in log.read_text(encoding="utf-8").splitlines()]
    assert {i["id"]: i.get("research_partner") for i in inputs} == {
        "P1": True,
        "P2": False,
        "P3": None,
        "P4": None,
    }
    code, out, err = run(policies, "verify", str(log), "--format", "json")
    assert code == 0, out + err
    assert {r["verdict"] for r in json.loads(out)} == {"reproduces"}


def test_application_part_is_the_years_application(evaluator: Evaluator) -> None:
    vocabulary = evaluator.load_policy("2099").vocabulary
    round_ = load_round(json.dumps(ROUND).encode(), "r.json", vocabulary)
    part = application_part(round_.applications[0])
    assert part["research_partner"] is True and "priority" not in part
    assert evaluator.evaluate(part, "2099").outcome == "eligible"


def test_the_service_reads_the_years_round(evaluator: Evaluator) -> None:
    client = TestClient(create_app(evaluator))
    body = json.dumps(ROUND).encode()
    headers = {"content-type": "application/json"}
    done = client.post("/v1/policies/2099/rounds/evaluate", content=body, headers=headers)
    assert done.status_code == 200, done.text
    assert {e["application_id"]: e["outcome"] for e in done.json()["evaluations"]} == DECIDED
    refused = client.post("/v1/policies/2024/rounds/evaluate", content=body, headers=headers)
    assert refused.status_code == 422
    assert "body.applications[0].research_partner" in refused.text


def test_the_base_columns_are_the_base_vocabularys_facts_read_as_before() -> None:
    """The columns' published order names the base facts: it and the base vocabulary agree,
    and each column reads as its declared type says, as it was read before."""
    at = CSV_COLUMNS.index("gender_analysis") + 1
    stated = {d.json_field for d in base_declarations() if d.json_field}
    assert set(CSV_COLUMNS[:at]) == stated | {"id", "title", "applicants"}
    assert csv_columns(["novelty"]) == (*CSV_COLUMNS[:at], "assessment.novelty", *CSV_COLUMNS[at:])
    types = cell_types()
    assert {c: types.get(c, "text") for c in CSV_COLUMNS if types.get(c, "text") != "text"} == {
        "applicants": "list",
        "requested_sek": "whole_number",
        "submitted": "date",
        "project_year": "whole_number",
        "travel_modes": "list",
        "gender_analysis": "yes_no",
        "priority": "whole_number",
        "granted_sek": "whole_number",
        "notes": "lines",
    }


# --- the model ------------------------------------------------------------------------------


def test_the_years_round_model_is_built_once_and_a_year_without_facts_keeps_the_base(
    evaluator: Evaluator,
) -> None:
    vocabulary = evaluator.load_policy("2099").vocabulary
    model = round_model(vocabulary)
    assert model is round_model(vocabulary) and issubclass(model, Round)
    row = model.model_fields["applications"]
    assert "research_partner" in json.dumps(model.model_json_schema()) and row.is_required()
    assert round_model(evaluator.load_policy("2024").vocabulary) is Round
    project = load_round(json.dumps(ROUND).encode(), "r.json", vocabulary).applications[0]
    assert isinstance(project, RoundProject)


@pytest.mark.parametrize("name", ["notes", "granted_sek"])
def test_a_fact_named_as_a_rounds_own_field_is_refused(tmp_path: Path, name: str) -> None:
    folder = year_folder(tmp_path, {**RESEARCH_PARTNER, "id": name}, rule=None)
    path = _write(tmp_path, "r.json", json.dumps({"applications": [_project("P1")]}))
    code, _, err = run(folder.parent, "round", str(path), "--year", "2099")
    assert code == 2 and f"policy.yaml: facts: {name} is a round's own field" in err


def test_convert_writes_the_years_columns_and_the_report_shows_the_fields(
    policies: Path, tmp_path: Path
) -> None:
    source = _write(tmp_path, "r.json", json.dumps(ROUND))
    target = tmp_path / "out.csv"
    code, _, err = run(policies, "convert", str(source), str(target), "--year", "2099")
    assert code == 0, err
    header = target.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header.index("research_partner") == header.index("gender_analysis") + 1
    # Converted back, it decides as the JSON did.
    code, out, err = run(policies, "round", str(target), "--year", "2099", "--format", "json")
    assert code == 0 and _outcomes(out) == DECIDED, err
    # The round's report names the field by its label, with the applicant's answer.
    code, out, _ = run(policies, "round", str(source), "--format", "csv")
    assert code == 0 and "Forskningspartner: ja" in out and "Forskningspartner: nej" in out
