"""Spreadsheets fourules writes: no cell runs as a formula, every text reads back exactly,
amounts stay numbers; rounds, allocations and audits as typed workbooks."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fourules.cli.main import app
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.rounds.files import load_round, read_csv, read_xlsx, to_csv, to_xlsx
from fourules.rounds.model import Round
from fourules.spreadsheets import (
    FORMULA_START,
    Sheet,
    cell_text,
    csv_text,
    from_cell,
    to_cell,
    workbook,
)

ROUND_2018 = builtin_policy_dir() / "2018" / "round.json"
FORMULA = '=HYPERLINK("http://x","klicka")'
runner = CliRunner()

# Any text a round can hold: every code point but the surrogates, which are no text.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)))


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


# --- cells --------------------------------------------------------------------------------


@given(st.text(st.characters(blacklist_categories=())))
def test_a_round_files_cell_reads_back_exactly(text: str) -> None:
    assert from_cell(to_cell(text, exact=True)) == text


@given(st.text(st.characters(blacklist_categories=())))
def test_no_cell_starts_a_formula(text: str) -> None:
    for exact in (False, True):
        cell = to_cell(text, exact=exact)
        assert not cell.startswith(FORMULA_START) or (cell == text and _ascii_number(text))


def _ascii_number(text: str) -> bool:
    return text.isascii() and float(text) == float(text)


@given(st.integers() | st.floats(allow_nan=False, allow_infinity=False))
def test_a_number_written_as_text_stays_a_number(number: float) -> None:
    assert to_cell(str(number)) == str(number)


def test_formula_like_text_is_marked_and_a_quote_is_doubled() -> None:
    assert to_cell(FORMULA) == "'" + FORMULA
    assert to_cell("@SUM(A1)") == "'@SUM(A1)" and to_cell("\t=1") == "'\t=1"
    assert to_cell("'citat'") == "''citat'" and from_cell("''citat'") == "'citat'"
    assert to_cell("-5") == "-5" and to_cell("-5 kr") == "'-5 kr"
    assert to_cell("") == "" and to_cell("", exact=True) == "'"


@given(st.lists(st.lists(TEXT | st.integers(), max_size=4), max_size=4))
def test_csv_text_reads_back_cell_by_cell(rows: list[list[str | int]]) -> None:
    back = list(csv.reader(io.StringIO(csv_text(rows, exact=True)), strict=True))
    assert [[from_cell(c) for c in row] for row in back] == [
        [str(c) if isinstance(c, int) else c for c in row] for row in rows
    ]


@settings(max_examples=40)
@given(st.lists(TEXT, min_size=1, max_size=8))
def test_workbook_text_reads_back_exactly(texts: list[str]) -> None:
    written = workbook([Sheet("s", ["t"], [[t] for t in texts])], exact=True)
    cells = [
        row[0] for row in openpyxl.load_workbook(io.BytesIO(written)).active.iter_rows(min_row=2)
    ]
    assert all(c.data_type == "s" for c in cells)
    assert [from_cell(cell_text(c.value)) for c in cells] == texts


# --- rounds: every free text survives the trip -------------------------------------------------


def _round(texts: dict[str, str]) -> Round:
    return Round.model_validate(
        {
            "applications": [
                {
                    "id": "A",
                    "kind": "study_trip",
                    "title": texts["title"],
                    "applicants": ["Farsta"],
                    "requested_sek": 25000,
                    "submitted": "2017-10-02",
                    "destination": texts["destination"],
                    "table_row": texts["table_row"],
                    "applicants_as_written": texts["applicants_as_written"],
                    "reason": texts["reason"],
                    "decision": {"rejected": texts["rejected"]},
                }
            ]
        }
    )


AWKWARD = dict.fromkeys(
    ("title", "destination", "table_row", "applicants_as_written", "reason", "rejected"), ""
) | {
    "title": "'" + FORMULA,
    "destination": " \r\n=1 ",
    "table_row": "_x0001_\x01\ufffe",
    "reason": "a;b\nc",
}
ROUND_TEXTS = st.fixed_dictionaries(
    {
        name: TEXT
        for name in (
            "title",
            "destination",
            "table_row",
            "applicants_as_written",
            "reason",
            "rejected",
        )
    }
)


@given(ROUND_TEXTS)
@example(AWKWARD)
def test_any_text_survives_a_csv_round_trip(texts: dict[str, str]) -> None:
    round_ = _round(texts)
    assert read_csv(to_csv(round_), "r.csv") == round_


@settings(max_examples=30)
@given(ROUND_TEXTS)
@example(AWKWARD)
def test_any_text_survives_an_xlsx_round_trip(texts: dict[str, str]) -> None:
    round_ = _round(texts)
    assert read_xlsx(to_xlsx(round_), "r.xlsx") == round_


# --- the shipped 2018 round with a formula for a title ---------------------------------------


@pytest.fixture
def formula_round(tmp_path: Path) -> Path:
    data = json.loads(ROUND_2018.read_text(encoding="utf-8"))
    data["applications"][0]["title"] = FORMULA
    data["applications"][0]["submitted"] = "2017-10-02"
    path = tmp_path / "round.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _applications(path: Path) -> Any:
    return load_round(path.read_bytes(), str(path)).applications


def test_csv_round_trip_of_the_2018_round_with_a_formula(
    formula_round: Path, tmp_path: Path
) -> None:
    written, back = tmp_path / "r.csv", tmp_path / "back.json"
    assert run("convert", str(formula_round), str(written))[0] == 0
    rows = list(csv.DictReader(io.StringIO(written.read_text(encoding="utf-8"))))
    assert rows[0]["title"].startswith("'=") and rows[0]["title"] == "'" + FORMULA
    assert not any(c.startswith(FORMULA_START) for row in rows for c in row.values())
    assert run("convert", str(written), str(back))[0] == 0
    assert _applications(back) == _applications(formula_round)


def test_xlsx_round_trip_of_the_2018_round_with_a_formula(
    formula_round: Path, tmp_path: Path
) -> None:
    written, back = tmp_path / "r.xlsx", tmp_path / "back.json"
    assert run("convert", str(formula_round), str(written))[0] == 0
    sheet = openpyxl.load_workbook(written).worksheets[0]
    header = [c.value for c in sheet[1]]
    title = sheet.cell(2, header.index("title") + 1)
    # Text, not a formula, shown as written: no mark a person would see in the cell.
    assert title.data_type == "s" and title.value == FORMULA
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    amount = sheet.cell(2, header.index("requested_sek") + 1)
    assert (amount.data_type, amount.value) == ("n", 350000)
    assert sheet.cell(2, header.index("submitted") + 1).value == datetime(2017, 10, 2)
    assert run("convert", str(written), str(back))[0] == 0
    assert _applications(back) == _applications(formula_round)


def test_report_csv_neutralises_the_formula(tmp_path: Path) -> None:
    """A report's cell begins with the row as written: a formula there is marked too."""
    data = json.loads(ROUND_2018.read_text(encoding="utf-8"))
    data["applications"][0]["table_row"] = "=1+2"
    path = tmp_path / "round.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run("round", str(path), "--format", "csv")
    assert code == 0
    cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
    assert any(c.startswith("'=1+2: ") for c in cells)
    assert not any(c.startswith(FORMULA_START) for c in cells)


# --- rounds, allocations and audits as workbooks ----------------------------------------------


def _sheets(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(path)
    return {s.title: list(s.iter_rows(values_only=True)) for s in book.worksheets}


@pytest.mark.parametrize(
    ("args", "sheets"),
    [
        (["round"], ["evaluations", "quotas", "findings"]),
        (["audit"], ["decisions", "discrepancies"]),
        (
            [
                "allocate",
                "--budget-project",
                "2705000",
                "--budget-study-trip",
                "231200",
                "--compare",
            ],
            ["allocation", "comparison"],
        ),
    ],
)
def test_reports_as_typed_workbooks(
    formula_round: Path, tmp_path: Path, args: list[str], sheets: list[str]
) -> None:
    out = tmp_path / "report.xlsx"
    code, stdout, _ = run(args[0], str(formula_round), *args[1:], "--output", str(out))
    assert code == 0 and stdout == ""
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == sheets
    first = book.worksheets[0]
    header = [c.value for c in first[1]]
    assert header[:6] == [
        "application_id",
        "table_row",
        "kind",
        "title",
        "applicants",
        "requested_sek",
    ]
    row = {name: cell for name, cell in zip(header, first[2], strict=True)}
    assert row["application_id"].value == "T1-1" and row["title"].value == FORMULA
    assert row["title"].data_type == "s" and row["requested_sek"].value == 350000
    if "submitted" in row:
        assert row["submitted"].is_date and row["submitted"].value == datetime(2017, 10, 2)
    assert not any(c.data_type == "f" for s in book.worksheets for r in s.iter_rows() for c in r)


def test_audit_workbook_keeps_differences_as_numbers(tmp_path: Path) -> None:
    out = tmp_path / "audit.xlsx"
    assert run("audit", str(ROUND_2018), "-o", str(out))[0] == 0
    rows = _sheets(out)["discrepancies"]
    trips = next(r for r in rows if r[0] == "total.granted.study_trip")
    assert trips[5:] == (231200, 206200)


def test_workbooks_say_which_rows_are_one_application_and_what_was_not_put_forward(
    tmp_path: Path,
) -> None:
    audit, draft = tmp_path / "audit.xlsx", tmp_path / "draft.xlsx"
    assert run("audit", str(ROUND_2018), "-o", str(audit))[0] == 0
    decisions = _sheets(audit)["decisions"]
    column = {name: i for i, name in enumerate(decisions[0])}
    rows = {r[0]: r for r in decisions[1:]}
    assert rows["T2-21"][column["same_as"]] == "T2-16" and rows["T2-16"][column["same_as"]] is None
    assert rows["T1-9"][column["rejected"]] == "Avslag, det är en kompetensutvecklingsinsats."
    assert rows["T1-9"][column["not_prioritised"]].startswith("Farsta Stadsdelsförvaltning")
    joint = next(r for r in _sheets(audit)["discrepancies"] if r[0] == "same_application.above_cap")
    assert joint[3:] == ("T2-16, T2-21", "Tabell 2 rad 16, Tabell 2 rad 21", 25000, 30000)
    budgets = ("--budget-project", "2705000", "--budget-study-trip", "231200")
    assert run("allocate", str(ROUND_2018), *budgets, "-o", str(draft))[0] == 0
    lines = _sheets(draft)["allocation"]
    column = {name: i for i, name in enumerate(lines[0])}
    status = {r[0]: r[column["status"]] for r in lines[1:]}
    assert status["T2-21"] == "same_application" and status["T2-2"] == "not_put_forward"
    assert next(r for r in lines[1:] if r[0] == "T2-21")[column["same_as"]] == "T2-16"


@pytest.mark.parametrize(("name", "start"), [("r.json", "{"), ("r.md", "# "), ("r.csv", "Bedömd")])
def test_output_takes_the_format_of_its_suffix(tmp_path: Path, name: str, start: str) -> None:
    out = tmp_path / name
    code, stdout, _ = run("round", str(ROUND_2018), "-o", str(out))
    assert code == 0 and stdout == ""
    assert out.read_text(encoding="utf-8").startswith(start)


def test_a_workbook_takes_no_other_format(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    code, stdout, err = run("round", str(ROUND_2018), "--format", "json", "-o", str(out))
    assert code == 2 and stdout == "" and "--format" in err and not out.exists()


def test_a_workbook_with_another_format_is_refused_before_any_decision_is_logged(
    tmp_path: Path,
) -> None:
    """The refusal comes before the work: no decision is recorded for a round whose result
    could not be written."""
    log = tmp_path / "decisions.jsonl"
    out = tmp_path / "r.xlsx"
    code, _, err = run(
        "round", str(ROUND_2018), "--format", "json", "-o", str(out), "--decision-log", str(log)
    )
    assert code == 2 and "--format" in err and not out.exists() and not log.exists()


def test_a_refused_round_leaves_the_output_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"before")
    bad = tmp_path / "bad.json"
    bad.write_text('{"applications": []}', encoding="utf-8")
    for command in ("round", "audit"):
        code, _, err = run(command, str(bad), "--year", "2018", "-o", str(out))
        assert code == 2 and err.count("\n") == 1
    assert out.read_bytes() == b"before" and sorted(tmp_path.iterdir()) == [bad, out]


def test_an_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "r.xlsx"
    code, stdout, err = run("convert", str(ROUND_2018), str(out))
    assert code == 2 and stdout == "" and str(out) in err and err.count("\n") == 1
    folder = tmp_path / "r.csv"
    folder.mkdir()
    code, _, err = run("convert", str(ROUND_2018), str(folder))
    assert code == 2 and str(folder) in err and list(tmp_path.iterdir()) == [folder]


def test_an_xlsx_date_and_number_read_as_text() -> None:
    assert cell_text(datetime(2017, 10, 2)) == "2017-10-02"
    assert cell_text(date(2017, 10, 2)) == "2017-10-02"
    assert cell_text(350000.0) == "350000" and cell_text(True) == "true"
    assert cell_text("_x0001_ och _x005F_x0001_") == "\x01 och _x0001_"
