"""A round's files: JSON, CSV (comma or semicolon, as Swedish Excel saves it) and XLSX, read
and written. Every problem names the file, line and column. Spreadsheet cells are written
so that no spreadsheet runs them as a formula, and read back to the same text
(`fourules.spreadsheets`).

A round is read under the vocabulary of the year it is evaluated in (`RoundFile.round`): the
fields that year's facts add are accepted, typed and given a column each; a cell is read
by its fact's type (yes/no, a whole number, a date, several of a list, text)."""

from __future__ import annotations

import csv
import difflib
import functools
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from fourules.application import ISO_DATE
from fourules.errors import InputError
from fourules.evaluation.inputs import ACCEPTED, Hint, accepted_fields, describe, read_json
from fourules.policy.facts import FactDeclaration, FactType, base_declarations, stated_fields
from fourules.policy.vocabulary import Vocabulary, base_vocabulary
from fourules.rounds.model import Round, added_fields, round_declarations, round_model
from fourules.spreadsheets import CellValue, Sheet, cell_text, csv_text, from_cell, workbook
from fourules.text import LANGS, LocalText
from fourules.texts import both, text

_ROUND_OWN: dict[str, Hint] = {
    "priority": functools.partial(both, "round_file.accepts.priority"),
    "decision": functools.partial(
        both,
        "round_file.accepts.decision",
        granted="granted_sek",
        rejected="rejected",
        not_prioritised="not_prioritised",
    ),
    "same_as": functools.partial(both, "round_file.accepts.same_as"),
    "applications": functools.partial(both, "round_file.accepts.applications"),
    "stated_totals": functools.partial(both, "round_file.accepts.stated_totals"),
}
"""What a round's own fields accept, looked up only when a message shows it."""
_ROUND_ACCEPTED = {**ACCEPTED, **_ROUND_OWN}


def round_accepted(vocabulary: Vocabulary | None) -> dict[str, Hint]:
    """What every field of a round's application accepts under the vocabulary (None: the
    base), the round's own fields included."""
    if vocabulary is None:
        return _ROUND_ACCEPTED
    return {**accepted_fields(vocabulary), **_ROUND_OWN}


def _validate(data: Any, where: str, vocabulary: Vocabulary | None = None) -> Round:
    if isinstance(data, list):  # a plain list of applications is a round without totals
        data = {"applications": data}
    if not isinstance(data, dict):
        raise InputError(both("round_file.not_round"), where)
    if not data.get("applications"):
        raise InputError(both("round_file.no_applications"), f"{where}.applications")
    model = Round if vocabulary is None else round_model(vocabulary)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        if err["type"] == "duplicate_id":
            ids = err["ctx"]["ids"]
            raise InputError(
                both("round_file.duplicate_id", ids=ids), f"{where}.applications"
            ) from None
        if err["type"] == "same_as":
            ctx = err["ctx"]
            raise InputError(
                LocalText(sv=ctx["sv"], en=ctx["en"]),
                f"{where}.applications[{ctx['index']}].same_as (id {ctx['id']})",
            ) from None
        raise describe(
            exc,
            where=where,
            accepted=round_accepted(vocabulary),
            kind_only=None if vocabulary is None else vocabulary.kind_only,
        ) from None


APPLICATION_COLUMNS = ("id", "kind", "title", "applicants")
ROUND_COLUMNS = (
    "priority",
    "same_as",
    "granted_sek",
    "rejected",
    "not_prioritised",
    "table_row",
    "applicants_as_written",
    "reason",
    "notes",
)
BASE_FACT_COLUMNS: tuple[str, ...] = tuple(
    d.json_field for d in base_declarations() if d.json_field and d.json_field != "kind"
)
CSV_COLUMNS: tuple[str, ...] = (*APPLICATION_COLUMNS, *BASE_FACT_COLUMNS, *ROUND_COLUMNS)
"""The columns of a round as a spreadsheet, in the order people's files have them: the
application's own fields and the base vocabulary's stated facts (in the order
vocabulary.yaml declares them), then the round's. Besides these (after the base facts), one
column per fact the year adds (`Vocabulary.added`), then one
`assessment.<criterion>` per criterion assessed: the year's policy declares both. What a
fact's cell holds follows its declared type (`_FACT_CELLS`)."""


ASSESSMENT = "assessment."
REQUIRED_COLUMNS = ("id", "kind", "title", "applicants", "requested_sek")
"""The columns every application needs."""


_CRITERION_COLUMN = re.compile(r"^assessment\.[a-z][a-z0-9_]*$")


CellType = Literal["text", "whole_number", "yes_no", "date", "list", "lines"]
"""How a cell is read: as it stands, a whole number, true/false, an ISO date, a list
separated by ';', or one item a line."""


_FACT_CELLS: Mapping[FactType, CellType] = {
    "yes_no": "yes_no",
    "amount": "whole_number",
    "whole_number": "whole_number",
    "duration": "whole_number",
    "date": "date",
    "one_of": "text",
    "several_of": "list",
    "text": "text",
}


_ROUND_CELLS: Mapping[str, CellType] = {
    "applicants": "list",
    "priority": "whole_number",
    "granted_sek": "whole_number",
    "notes": "lines",
}
"""The cells of the application's own fields and the round's that are not text."""


_SEPARATOR = {"list": ";", "lines": "\n"}


_TRUE = {"true", "ja", "yes", "1", "sant"}


_FALSE = {"false", "nej", "no", "0", "falskt"}


def cell_types(vocabulary: Vocabulary | None = None) -> dict[str, CellType]:
    """How each column (but the assessments, all yes/no) is read under the vocabulary."""
    declared = (vocabulary or base_vocabulary()).stated
    return {**{f: _FACT_CELLS[d.type] for f, d in declared.items()}, **_ROUND_CELLS}


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(cell_type: CellType, raw: str, where: str) -> Any:
    text = from_cell(raw)
    if text is None:
        return None
    if cell_type == "whole_number":
        digits = re.sub(r"[\s\u00a0]", "", text)  # "350 000" as a spreadsheet shows it
        if not re.fullmatch(r"\d+", digits):
            raise InputError(both("round_file.not_whole_number", value=repr(text)), where)
        return int(digits)
    if cell_type == "yes_no":
        word = text.strip().casefold()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise InputError(both("round_file.not_yes_no", value=repr(text)), where)
    if cell_type == "date":
        return _date_cell(text, where)
    if cell_type in _SEPARATOR:
        parts = text.split(_SEPARATOR[cell_type])
        return [part.strip() for part in parts if part.strip()]
    return text


def _date_cell(text: str, where: str) -> str:
    """An ISO date's text (the contract reads it), or InputError naming the cell."""
    day = text.strip()
    try:
        if ISO_DATE.match(day):
            date.fromisoformat(day)
            return day
    except ValueError:
        pass
    raise InputError(both("round_file.not_date", value=repr(text)), where)


def _row_to_application(
    row: dict[str, str],
    line: int,
    columns: list[str],
    where: str,
    types: Mapping[str, CellType],
    named: Mapping[str, Mapping[str, str]],
) -> dict[str, Any]:
    app: dict[str, Any] = {}
    decision: dict[str, Any] = {}
    assessment: dict[str, Any] = {}
    for index, column in enumerate(columns):
        place = f"{where}:{line}:{_column_letter(index)} ({column})"
        cell_type = "yes_no" if column.startswith(ASSESSMENT) else types.get(column, "text")
        value = _named(_cell(cell_type, row.get(column) or "", place), named.get(column))
        if not column and value is not None:
            raise InputError(
                both("round_file.cell_without_header"), f"{where}:{line}:{_column_letter(index)}"
            )
        if column.startswith(ASSESSMENT):
            if value is not None:
                assessment[column.removeprefix(ASSESSMENT)] = value
        elif column in ("granted_sek", "rejected", "not_prioritised"):
            if value is not None:
                decision[column] = value
        elif value is not None or column == "requested_sek":
            app[column] = value
    if assessment:
        app["assessment"] = assessment
    if decision:
        app["decision"] = decision
    return app


def _rows_to_round(rows: list[list[str]], where: str, vocabulary: Vocabulary | None) -> Round:
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError(both("round_file.empty"), where)
    named = headings(vocabulary)
    header = [named.get(_heading_key(h), h.strip()) for h in rows[0]]
    _check_known_columns(header, where, vocabulary)
    _check_required_columns(header, where)
    applications, lines = _read_applications(
        rows, header, where, cell_types(vocabulary), value_words(vocabulary)
    )
    try:
        return _validate({"applications": applications}, where, vocabulary)
    except InputError as exc:
        for error in exc.every:
            error.where = _on_spreadsheet_line(error.where, lines, header, where)
        raise


def heading_words(vocabulary: Vocabulary | None = None) -> dict[str, tuple[str, ...]]:
    """Each column and what people head it with: its own name and its Swedish and English
    words (a fact's label; the round's own columns' `heading.*`; an assessment's
    `round_file.assessment_heading`, with its criterion's title, for the criteria the
    vocabulary has)."""
    declared = {d.json_field: d for d in (vocabulary or base_vocabulary()).declarations}
    words = {}
    for column in csv_columns((), vocabulary):
        fact = declared.get(column)
        said = (
            (fact.label.sv, fact.label.en)
            if fact is not None
            else tuple(text(f"heading.{column}", lang) for lang in LANGS)
        )
        words[column] = (column, *said)
    for criterion in vocabulary.criteria if vocabulary is not None else ():
        column = ASSESSMENT + criterion.id
        words[column] = (
            column,
            *(
                text("round_file.assessment_heading", lang, criterion=criterion.title.get(lang))
                for lang in LANGS
            ),
        )
    return words


def headings(vocabulary: Vocabulary | None = None) -> dict[str, str]:
    """Each column by any of its headings (`heading_words`), compared without case or
    surrounding spaces: what a spreadsheet saved with Swedish headings is read by."""
    return {
        _heading_key(word): column
        for column, words in heading_words(vocabulary).items()
        for word in words
    }


def _heading_key(heading: str) -> str:
    return " ".join(heading.split()).casefold()


def value_words(vocabulary: Vocabulary | None = None) -> dict[str, dict[str, str]]:
    """For each column of a fact with named values (one of, several of), each value by any
    of its words, compared without case or surrounding spaces: its id and its Swedish and
    English labels; a kind also by the words people write for it (its names on the check
    form and `round_file.kind_words.*`, separated by ";"). What a spreadsheet filled in
    Swedish ("projekt", "tåg; buss") is read by."""
    found: dict[str, dict[str, str]] = {}
    for column, declared in (vocabulary or base_vocabulary()).stated.items():
        if not declared.values:
            continue
        words: dict[str, str] = {}
        for choice in declared.values:
            said = [choice.id, choice.label.sv, choice.label.en]
            if column == "kind":
                for lang in LANGS:
                    said += [text(f"kind.{choice.id}", lang), text(f"kind.short.{choice.id}", lang)]
                    said += text(f"round_file.kind_words.{choice.id}", lang).split(";")
            words.update({_heading_key(word): choice.id for word in said if word.strip()})
        found[column] = words
    return found


def _named(value: Any, words: Mapping[str, str] | None) -> Any:
    """A cell's value (or each of a list) as the value id its word names; a word that names
    none is left as written, for the contract to refuse with what it accepts."""
    if words is None or value is None:
        return value
    if isinstance(value, list):
        return [words.get(_heading_key(v), v) for v in value]
    return words.get(_heading_key(value), value) if isinstance(value, str) else value


def _check_known_columns(header: list[str], where: str, vocabulary: Vocabulary | None) -> None:
    """Every column of the header row is a round's column or an assessment; else InputError,
    naming in each language the headings accepted (the year's criteria's too) and the one
    each unknown column is likely a misspelling of."""
    known = csv_columns((), vocabulary)
    unknown = [h for h in header if h and h not in known and not _CRITERION_COLUMN.match(h)]
    if not unknown:
        return
    words = heading_words(vocabulary)
    said = {}
    for at, lang in enumerate(LANGS, start=1):
        headings = [words[column][at] for column in words]
        # A guess among the language's headings and the columns' own names, as written.
        candidates = [*headings, *words]
        named = []
        for column in unknown:
            guess = difflib.get_close_matches(column, candidates, n=1, cutoff=0.75)
            named.append(
                text("round_file.column_guess", lang, column=column, guess=guess[0])
                if guess
                else column
            )
        said[lang] = text(
            "round_file.column_unknown",
            lang,
            columns=", ".join(named),
            accepted=", ".join(headings),
        )
    raise InputError(LocalText(**said), f"{where}:1")


def _check_required_columns(header: list[str], where: str) -> None:
    """The header row has the columns every application needs; else InputError."""
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputError(
            both("round_file.columns_missing", columns=", ".join(missing)), f"{where}:1"
        )


def _read_applications(
    rows: list[list[str]],
    header: list[str],
    where: str,
    types: Mapping[str, CellType],
    named: Mapping[str, Mapping[str, str]],
) -> tuple[list[dict[str, Any]], list[int]]:
    """The applications below the header row and the line of each; blank rows are skipped."""
    applications = []
    lines = []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise InputError(
                both("round_file.too_many_cells", cells=len(cells), header=len(header)),
                f"{where}:{line}",
            )
        row = dict(zip(header, cells, strict=False))
        applications.append(_row_to_application(row, line, header, where, types, named))
        lines.append(line)
    if not applications:
        raise InputError(both("round_file.none"), where)
    return applications, lines


def _on_spreadsheet_line(
    error_where: str | None, lines: list[int], header: list[str], where: str
) -> str | None:
    """An error's place with the spreadsheet line for the application's index, if it names
    one, and the column of its field when the field is a column."""
    # Name the spreadsheet line, not the list index: "applications[3]" is line 5.
    match = re.match(re.escape(where) + r"\.applications\[(\d+)\](.*)", error_where or "")
    if not match:
        return error_where
    line = lines[int(match.group(1))]
    field = match.group(2).lstrip(".")
    name = re.split(r"[\s\[]", field, maxsplit=1)[0]  # "languages[1]" is in languages
    column = name if name in header else name.removeprefix("decision.")
    letter = f":{_column_letter(header.index(column))}" if column and column in header else ""
    return f"{where}:{line}{letter}" + (f" ({field})" if field else "")


def read_csv(text: str, where: str, vocabulary: Vocabulary | None = None) -> Round:
    """A round from CSV text, under the vocabulary (None: the base)."""
    return _rows_to_round(_csv_rows(text, where), where, vocabulary)


def _csv_rows(text: str, where: str) -> list[list[str]]:
    """The rows, separated by commas or, as Swedish Excel and LibreOffice save them, by
    semicolons: whichever the header row has more of, quoted fields included."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        return list(reader)
    except csv.Error:
        line = reader.line_num
        raise InputError(
            both("round_file.not_csv", delimiter=delimiter), f"{where}:{line}"
        ) from None


def read_xlsx(source: bytes, where: str, vocabulary: Vocabulary | None = None) -> Round:
    """A round from a workbook: the sheet with a round's columns, read as its CSV would be."""
    return _rows_to_round(_xlsx_rows(source, where)[0], where, vocabulary)


def _xlsx_rows(source: bytes, where: str) -> tuple[list[list[str]], str, tuple[str, ...]]:
    """The rows of the workbook's first sheet whose header row has the columns every
    application needs (a cover sheet before it is passed over), else of its first sheet
    (whose header the reading then names); that sheet's name; every sheet's name."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(source), read_only=True, data_only=True)
        try:
            sheets = [
                (
                    sheet.title,
                    [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)],
                )
                for sheet in book.worksheets
            ]
        finally:
            book.close()
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputError(both("round_file.not_xlsx", error=exc), where) from None
    if not sheets:
        raise InputError(both("round_file.empty"), where)
    named = headings()
    titles = tuple(title for title, _ in sheets)
    for title, rows in sheets:
        header = {named.get(_heading_key(h), h.strip()) for h in (rows[0] if rows else [])}
        if header >= set(REQUIRED_COLUMNS):
            return rows, title, titles
    return sheets[0][1], sheets[0][0], titles


@dataclass(frozen=True)
class RoundFile:
    """A round file as it stands — its JSON, or its spreadsheet's rows — before it is
    validated under the vocabulary of the year it is evaluated in."""

    name: str
    data: Any = None
    rows: list[list[str]] | None = None
    sheet: str | None = None
    """A workbook's: the name of the sheet read."""
    sheets: tuple[str, ...] = ()
    """A workbook's: every sheet's name, in the workbook's order."""

    @property
    def sheets_not_read(self) -> tuple[str, ...]:
        """A workbook's sheets other than the one read (none of their rows are read)."""
        return tuple(title for title in self.sheets if title != self.sheet)

    @property
    def year(self) -> str | None:
        """The year the file names: a JSON round's `year` (a spreadsheet names none)."""
        if isinstance(self.data, dict) and isinstance(self.data.get("year"), str):
            return str(self.data["year"])
        return None

    def round(self, vocabulary: Vocabulary | None = None) -> Round:
        """The round under the vocabulary (None: the base contract), or InputError."""
        if self.rows is not None:
            return _rows_to_round(self.rows, self.name, vocabulary)
        return _validate(self.data, self.name, vocabulary)


def open_round(source: bytes, name: str) -> RoundFile:
    """A round file from its bytes; the format follows the name (.csv, .xlsx, else JSON)."""
    suffix = Path(name).suffix.casefold()
    if suffix == ".xlsx":
        rows, sheet, sheets = _xlsx_rows(source, name)
        return RoundFile(name, rows=rows, sheet=sheet, sheets=sheets)
    if suffix == ".csv":
        return RoundFile(name, rows=_csv_rows(_csv_text(source, name), name))
    return RoundFile(name, data=read_json(source, where=name))


def load_round(source: bytes, name: str, vocabulary: Vocabulary | None = None) -> Round:
    """Read a round from a file's bytes under the vocabulary (None: the base contract); the
    format follows the name (.csv, .xlsx, else JSON)."""
    return open_round(source, name).round(vocabulary)


def _csv_text(source: bytes, name: str) -> str:
    """A CSV file's text: UTF-8, or Windows-1252 as Swedish Excel saves "CSV
    (semikolonavgränsad)" — bytes that are not UTF-8 are read as Windows-1252, whose å, ä
    and ö are never valid UTF-8, so a UTF-8 file is never misread."""
    try:
        return source.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            return source.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(both("round_file.not_text", byte=exc.start), name) from None


def csv_columns(criteria: Iterable[str], vocabulary: Vocabulary | None = None) -> tuple[str, ...]:
    """Every column: after the base facts one for each fact the vocabulary adds, then one
    `assessment.<id>` column per criterion."""
    added = [] if vocabulary is None else [d.json_field for d in vocabulary.added]
    return _columns(criteria, [f for f in added if f is not None])


def _columns(criteria: Iterable[str], added: Iterable[str]) -> tuple[str, ...]:
    at = len(APPLICATION_COLUMNS) + len(BASE_FACT_COLUMNS)
    return (
        *CSV_COLUMNS[:at],
        *added,
        *(ASSESSMENT + c for c in criteria),
        *CSV_COLUMNS[at:],
    )


def _round_rows(
    round_: Round, criteria: Iterable[str], vocabulary: Vocabulary | None
) -> tuple[tuple[str, ...], list[list[CellValue]]]:
    """The round as a spreadsheet's columns and typed rows, with an assessment column for
    each of `criteria` and each criterion the round assesses, and a column for each fact
    the vocabulary or the round's own year adds (stated totals are not kept)."""
    assessed = dict.fromkeys(criteria)
    for app in round_.applications:
        assessed.update(dict.fromkeys(app.assessment))
    year = vocabulary.added if vocabulary is not None else ()
    added = dict.fromkeys(d.json_field for d in (*year, *added_fields(round_)) if d.json_field)
    columns = _columns(assessed, added)
    types = cell_types(vocabulary)
    rows = []
    for app in round_.applications:
        data = app.model_dump()
        row: list[CellValue] = []
        for column in columns:
            if column.startswith(ASSESSMENT):
                value = data["assessment"].get(column.removeprefix(ASSESSMENT))
            elif column in ("granted_sek", "rejected", "not_prioritised"):
                value = (data.get("decision") or {}).get(column)
            else:
                value = data.get(column)
            if isinstance(value, list):
                separator = _SEPARATOR["lines" if types.get(column) == "lines" else "list"]
                value = separator.join(value) or None
            row.append(value)
        rows.append(row)
    return columns, rows


def to_csv(
    round_: Round, criteria: Iterable[str] = (), vocabulary: Vocabulary | None = None
) -> str:
    """The round as CSV with every column of CSV_COLUMNS, a column for each fact the
    vocabulary (or the round's year) adds and an assessment column for each of `criteria`
    and each criterion the round assesses (stated totals are not kept)."""
    columns, rows = _round_rows(round_, criteria, vocabulary)
    return csv_text([columns, *rows], exact=True)


def to_xlsx(
    round_: Round, criteria: Iterable[str] = (), vocabulary: Vocabulary | None = None
) -> bytes:
    """The round as a workbook of one sheet with the columns of `to_csv`: amounts as
    numbers, dates as dates, true/false as truth values; each fact's heading carries its
    Swedish label and help as a note."""
    columns, rows = _round_rows(round_, criteria, vocabulary)
    declared = vocabulary.stated if vocabulary else stated_fields(round_declarations(round_))
    notes = [fact_note(declared[c]) if c in declared else None for c in columns]
    return workbook([Sheet("round", columns, rows, notes)], exact=True)


def fact_note(declaration: FactDeclaration) -> str:
    """A fact's heading note: its Swedish label and help."""
    return f"{declaration.label.sv}: {declaration.help.sv}"
