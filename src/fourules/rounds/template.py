"""A round's spreadsheet template for a year: the round's columns headed in the page's
language, with a second sheet that explains each column.

The headings are the words `rounds/files.heading_words` reads a round by (a fact's label,
the round's own columns' `heading.*`, an assessment's criterion title), and the explanation
names the words a cell with named values is read by (`rounds/files.value_words`), so a
template filled in and uploaded is read as it was written. The CSV template is the heading
row alone, separated by semicolons and marked as UTF-8, as Swedish Excel opens and saves it.
"""

from __future__ import annotations

from fourules.policy.vocabulary import Vocabulary
from fourules.rounds.files import ASSESSMENT, REQUIRED_COLUMNS, csv_columns, heading_words
from fourules.spreadsheets import Sheet, csv_text, workbook
from fourules.text import Lang
from fourules.texts import language, text


def template_columns(vocabulary: Vocabulary) -> tuple[str, ...]:
    """Every column of the year's round: the application's, the facts', an assessment per
    criterion, the round's own."""
    return csv_columns([c.id for c in vocabulary.criteria], vocabulary)


def _headings(vocabulary: Vocabulary, lang: Lang) -> dict[str, str]:
    words = heading_words(vocabulary)
    at = 1 if lang == "sv" else 2
    return {c: words[c][at] if c in words else c for c in template_columns(vocabulary)}


def _explained(column: str, vocabulary: Vocabulary, lang: Lang) -> str:
    """What a column's cell holds, in words."""
    if column.startswith(ASSESSMENT):
        cid = column.removeprefix(ASSESSMENT)
        title = next(c.title for c in vocabulary.criteria if c.id == cid)
        return text("round_template.assessment", criterion=title.get(lang))
    declared = vocabulary.stated.get(column)
    if declared is None:
        return text(f"round_template.column.{column}")
    said = declared.help.get(lang)
    # A kind's help names the words it is written with ("projekt (LUM) eller studieresa").
    if declared.type in ("one_of", "several_of") and column != "kind":
        values = ", ".join(choice.label.get(lang) for choice in declared.values)
        said += " " + text(f"round_template.values.{declared.type}", values=values)
    elif declared.type in ("yes_no", "date"):
        said += " " + text(f"round_template.values.{declared.type}")
    return said


def template_sheets(vocabulary: Vocabulary, year: str) -> list[Sheet]:
    """The round sheet (the headings, no rows) and the explanation sheet, in the context's
    language."""
    lang = language()
    headings = _headings(vocabulary, lang)
    yes = text("round_template.required.yes")
    explanation = [
        [
            heading,
            column,
            yes if column in REQUIRED_COLUMNS else "",
            _explained(column, vocabulary, lang),
        ]
        for column, heading in headings.items()
    ]
    words = [
        text(f"round_template.explanation.{k}") for k in ("heading", "column", "required", "holds")
    ]
    return [
        Sheet(text("round_template.sheet", year=year), list(headings.values()), []),
        Sheet(text("round_template.explanation"), words, explanation),
    ]


def template_xlsx(vocabulary: Vocabulary, year: str) -> bytes:
    """The template as a workbook: the round sheet first, the explanation second."""
    return workbook(template_sheets(vocabulary, year))


def template_csv(vocabulary: Vocabulary) -> bytes:
    """The template as CSV: the heading row, semicolon-separated, UTF-8 with its mark."""
    headings = list(_headings(vocabulary, language()).values())
    return ("\ufeff" + csv_text([headings], delimiter=";")).encode("utf-8")
