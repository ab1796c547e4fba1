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
from fourules.rounds.files import heading_words, load_round, open_round, to_csv, to_xlsx
from fourules.spreadsheets import Sheet, workbook
from fourules.texts import text

ROUND_2018 = load_round((builtin_policy_dir() / "2018" / "round.json").read_bytes(), "round.json")
EXAMPLE_2026 = Path(__file__).parents[1] / "examples" / "calls" / "2026" / "policy.yaml"


def _rows(csv_text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(csv_text)))


def _csv(rows: list[list[str]], *, delimiter: str = ",", quoting: int = csv.QUOTE_MINIMAL) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize(
    "vocabulary",
    [
        load_policy("2018").vocabulary,
        load_policy("2024").vocabulary,
        load_policy_file(EXAMPLE_2026).vocabulary,
    ],
    ids=["2018", "2024", "2026"],
)
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
    with pytest.raises(InputError, match="id"):
        load_round(workbook([cover]), "omgång.xlsx")
