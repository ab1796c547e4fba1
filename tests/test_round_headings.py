"""A round's spreadsheet as people save it: Swedish or English headings, semicolons and
quoted fields (LibreOffice's and Swedish Excel's CSV), a workbook whose round is not on
its first sheet; and a file that does not read as CSV refused in words, at its line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from fourules import load_policy
from fourules.errors import InputError
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.policy.model import load_policy_file
from fourules.rounds.files import (
    heading_words,
    load_round,
    open_round,
    to_csv,
    to_xlsx,
    value_words,
)
from fourules.rounds.template import template_sheets
from fourules.spreadsheets import Sheet, workbook
from fourules.texts import in_language, text

ROUND_2018 = load_round((builtin_policy_dir() / "2018" / "round.json").read_bytes(), "round.json")
EXAMPLE_2026 = Path(__file__).parents[1] / "examples" / "calls" / "2026" / "policy.yaml"


def _rows(csv_text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(csv_text)))


def _csv(rows: list[list[str]], *, delimiter: str = ",", quoting: int = csv.QUOTE_MINIMAL) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


EVERY_YEAR = pytest.mark.parametrize(
    "vocabulary",
    [
        load_policy("2018").vocabulary,
        load_policy("2024").vocabulary,
        load_policy_file(EXAMPLE_2026).vocabulary,
    ],
    ids=["2018", "2024", "2026"],
)
"""Each year's vocabulary, the 2026 example's too: the years whose headings are read."""


@EVERY_YEAR
def test_no_two_columns_share_a_heading(vocabulary: object) -> None:
    """A heading that named two columns would be read as one of them without a word."""
    owners: dict[str, set[str]] = {}
    for column, words in heading_words(vocabulary).items():  # type: ignore[arg-type]
        for word in words:
            owners.setdefault(" ".join(word.split()).casefold(), set()).add(column)
    shared = {word: columns for word, columns in owners.items() if len(columns) > 1}
    assert not shared, shared


def test_swedish_headings_are_read_as_the_columns_they_name() -> None:
    rows = _rows(to_csv(ROUND_2018))
    swedish = [
        [
            text(f"heading.{h}", "sv") if h in ("id", "title", "applicants", "reason") else h
            for h in rows[0]
        ],
        *rows[1:],
    ]
    swedish[0][swedish[0].index("requested_sek")] = "  sökt   BELOPP "
    read = load_round(_csv(swedish), "omgång.csv")
    assert read == load_round(_csv(rows), "round.csv")


def test_a_semicolon_csv_with_every_field_quoted_reads_as_the_comma_csv() -> None:
    rows = _rows(to_csv(ROUND_2018))
    as_libreoffice = _csv(rows, delimiter=";", quoting=csv.QUOTE_ALL)
    assert b'"id";"kind"' in as_libreoffice
    assert load_round(as_libreoffice, "round.csv") == load_round(_csv(rows), "round.csv")
    in_windows_1252 = as_libreoffice.decode("utf-8").encode("cp1252")
    assert load_round(in_windows_1252, "round.csv") == load_round(_csv(rows), "round.csv")


def test_a_line_that_does_not_read_as_csv_is_named_in_words() -> None:
    broken = b'id;kind;title\n"A1;project;"unclosed" quote\n'
    with pytest.raises(InputError) as refused:
        load_round(broken, "omgång.csv")
    assert refused.value.where == "omgång.csv:2"
    assert "semi" not in refused.value.message.sv and "expected" not in refused.value.message.en
    assert "citattecken" in refused.value.message.sv


def test_a_workbook_is_read_from_the_sheet_with_the_rounds_columns() -> None:
    book = to_xlsx(ROUND_2018)
    rows = _rows(to_csv(ROUND_2018))
    cover = Sheet("Försättsblad", ["Utlysning 2018"], [["Underlag till beslut"]])
    with_cover = workbook([cover, Sheet("Ansökningar", rows[0], rows[1:])])
    opened = open_round(with_cover, "omgång.xlsx")
    assert opened.sheet == "Ansökningar"
    assert opened.round() == open_round(book, "round.xlsx").round()
    # No sheet has the columns: the first is read, and its header is what the refusal names.
    with pytest.raises(InputError) as refused:
        load_round(workbook([cover]), "omgång.xlsx")
    assert refused.value.message.sv.startswith(
        "okända kolumner Utlysning 2018; tillåtna rubriker: Id,"
    )
    assert (
        "Sökt belopp" in refused.value.message.sv and "Amount requested" in refused.value.message.en
    )


@EVERY_YEAR
def test_no_word_names_two_values_of_a_column(vocabulary: object) -> None:
    """A word that named two values would be read as one of them without a word."""
    for column, words in value_words(vocabulary).items():  # type: ignore[arg-type]
        named: dict[str, set[str]] = {}
        for choice in vocabulary.stated[column].values:  # type: ignore[attr-defined]
            for word in (choice.id, choice.label.sv, choice.label.en):
                named.setdefault(" ".join(word.split()).casefold(), set()).add(choice.id)
        assert all(len(ids) == 1 for ids in named.values()), (column, named)
        assert {words[w] for w in named} == {i for ids in named.values() for i in ids}


def test_a_template_filled_in_swedish_words_is_read_as_the_values_they_name() -> None:
    """The 2024 template as a Swedish person fills it in: the kind as "projekt" and
    "Studieresa (MUL)", travel modes as "tåg; Buss", yes and no as "ja" and "nej", each
    criterion assessed under its heading "Bedömning: <title>" — read as the values they
    name, as the template's explanation says."""
    vocabulary = load_policy("2024").vocabulary
    with in_language("sv"):
        heading_row, explanation = template_sheets(vocabulary, "2024")
    headings = list(heading_row.header)
    novelty = "Bedömning: Nytt arbetssätt, ny metod eller modell"
    assert novelty in headings and not any(h.startswith("assessment.") for h in headings)
    said = {row[1]: row[3] for row in explanation.rows}
    assert "tåg, buss, båt, bil, flyg" in str(said["travel_modes"])
    assert "projekt (LUM) eller studieresa (MUL)" in str(said["kind"])

    def row(**cells: str) -> list[str]:
        return [cells.get(h, "") for h in headings]

    project = row(
        Id="P-1", Stödform="projekt", Titel="Tidigt stöd", Sökande="Farsta",
        **{"Sökt belopp": "300 000", "Jämställdhetsanalys": "ja", novelty: "Ja"},
    )  # fmt: skip
    trip = row(
        Id="S-1", Stödform="Studieresa (MUL)", Titel="Resa till Malmö", Sökande="Farsta",
        **{"Sökt belopp": "20 000", "Färdsätt": "tåg; Buss", "Jämställdhetsanalys": "nej"},
    )  # fmt: skip
    read = load_round(_csv([headings, project, trip], delimiter=";"), "omgång.csv", vocabulary)
    first, second = read.applications
    assert (first.kind, first.gender_analysis, first.assessment) == (
        "project", True, {"novelty": True}
    )  # fmt: skip
    assert (second.kind, second.travel_modes, second.gender_analysis) == (
        "study_trip", ["train", "bus"], False
    )  # fmt: skip
    # A word that names no value is refused as before, with what the column accepts.
    misspelt = [
        ("projket" if h == "Stödform" else cell) for h, cell in zip(headings, project, strict=True)
    ]
    with pytest.raises(InputError, match="projket"):
        load_round(_csv([headings, misspelt], delimiter=";"), "omgång.csv", vocabulary)


def test_an_unknown_heading_is_named_with_the_headings_of_its_language_and_a_guess() -> None:
    """A misspelt Swedish heading is refused naming the Swedish heading it likely means and
    every heading accepted in Swedish, the year's criteria's included; in English, the
    English ones; a misspelt column name is guessed as the column name."""
    vocabulary = load_policy("2024").vocabulary
    rows = [["Id", "Stödform", "Titel", "Sökande", "Sökt belop", "requested_sk"]]
    with pytest.raises(InputError) as refused:
        load_round(_csv(rows, delimiter=";"), "omgång.csv", vocabulary)
    sv, en = refused.value.message.sv, refused.value.message.en
    assert sv.startswith("okända kolumner Sökt belop (menade du Sökt belopp?), requested_sk ")
    assert "(menade du requested_sek?)" in sv
    assert "Bedömning: Klientcentrering" in sv and "Assessment: Client-centredness" in en
    assert "Amount requested" in en and "Sökt belopp, " not in en
