"""A round's files: JSON, CSV (comma or semicolon, as Swedish Excel saves it) and XLSX, read
and written. Every problem names the file, line and column. Spreadsheet cells are written
so that no spreadsheet runs them as a formula, and read back to the same text
(`output.spreadsheets`)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fourules.errors import InputError
from fourules.evaluation.inputs import ACCEPTED, describe, read_json
from fourules.output.spreadsheets import CellValue, Sheet, cell_text, csv_text, from_cell, workbook
from fourules.rounds.model import Round
from fourules.text import LocalText as L

_ROUND_ACCEPTED = {
    **ACCEPTED,
    "priority": L(sv="ett heltal ≥ 1 (1 = högst prioriterad)", en="a whole number ≥ 1 (1 = first)"),
    "decision": L(
        sv='{"granted_sek": belopp}, eller {"rejected": skäl} och/eller {"not_prioritised": skäl}',
        en='{"granted_sek": amount}, or {"rejected": reason} and/or {"not_prioritised": reason}',
    ),
    "same_as": L(
        sv="id för raden som är samma ansökan (gruppens första rad)",
        en="the id of the row that is the same application (the group's first row)",
    ),
    "applications": L(sv="en icke-tom lista av ansökningar", en="a non-empty list of applications"),
    "stated_totals": L(sv="en lista av angivna summor", en="a list of stated totals"),
}


def _validate(data: Any, where: str) -> Round:
    if isinstance(data, list):  # a plain list of applications is a round without totals
        data = {"applications": data}
    if not isinstance(data, dict):
        raise InputError(
            L(
                sv="måste vara en omgång (objekt med applications) eller en lista av ansökningar",
                en="must be a round (an object with applications) or a list of applications",
            ),
            where,
        )
    if not data.get("applications"):
        raise InputError(
            L(sv="omgången har inga ansökningar", en="the round has no applications"),
            f"{where}.applications",
        )
    try:
        return Round.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        if err["type"] == "duplicate_id":
            ids = err["ctx"]["ids"]
            raise InputError(
                L(
                    sv=f"samma id på flera ansökningar: {ids}; ge varje ansökan ett eget id",
                    en=f"duplicate application id: {ids}; give each application its own id",
                ),
                f"{where}.applications",
            ) from None
        if err["type"] == "same_as":
            ctx = err["ctx"]
            raise InputError(
                L(sv=ctx["sv"], en=ctx["en"]),
                f"{where}.applications[{ctx['index']}].same_as (id {ctx['id']})",
            ) from None
        raise describe(exc, where=where, accepted=_ROUND_ACCEPTED) from None


CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "kind",
    "title",
    "applicants",
    "requested_sek",
    "submitted",
    "project_year",
    "travel_modes",
    "destination",
    "gender_analysis",
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
"""The columns of a round as a spreadsheet: applicants and travel modes are separated by ';',
notes (prose, which may contain ';') by line breaks within the cell. Besides these, one
column `assessment.<criterion>` per criterion assessed (after `gender_analysis`): the year's
policy declares which criteria there are."""


ASSESSMENT = "assessment."


_CRITERION_COLUMN = re.compile(r"^assessment\.[a-z][a-z0-9_]*$")


_INT_COLUMNS = {"requested_sek", "project_year", "priority", "granted_sek"}


_BOOL_COLUMNS = {"gender_analysis"}


_LIST_COLUMNS = {"applicants": ";", "travel_modes": ";", "notes": "\n"}


_TRUE = {"true", "ja", "yes", "1", "sant"}


_FALSE = {"false", "nej", "no", "0", "falskt"}


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(column: str, raw: str, where: str) -> Any:
    text = from_cell(raw)
    if text is None:
        return None
    if column in _INT_COLUMNS:
        digits = re.sub(r"[\s\u00a0]", "", text)  # "350 000" as a spreadsheet shows it
        if not re.fullmatch(r"\d+", digits):
            raise InputError(
                L(
                    sv=f"{text!r} är inte ett heltal; tillåtet: siffror, t.ex. 350000 eller 350 000",
                    en=f"{text!r} is not a whole number; accepted: digits, e.g. 350000 or 350 000",
                ),
                where,
            )
        return int(digits)
    if column in _BOOL_COLUMNS or column.startswith(ASSESSMENT):
        word = text.strip().casefold()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise InputError(
            L(
                sv=f"{text!r} är inte sant/falskt; tillåtet: true, false, ja, nej eller tomt",
                en=f"{text!r} is not true/false; accepted: true, false, ja, nej or empty",
            ),
            where,
        )
    if column in _LIST_COLUMNS:
        parts = text.split(_LIST_COLUMNS[column])
        return [part.strip() for part in parts if part.strip()]
    return text


def _row_to_application(
    row: dict[str, str], line: int, columns: list[str], where: str
) -> dict[str, Any]:
    app: dict[str, Any] = {}
    decision: dict[str, Any] = {}
    assessment: dict[str, Any] = {}
    for index, column in enumerate(columns):
        place = f"{where}:{line}:{_column_letter(index)} ({column})"
        value = _cell(column, row.get(column) or "", place)
        if not column and value is not None:
            raise InputError(
                L(
                    sv="en cell under en kolumn utan rubrik; ge kolumnen en rubrik eller töm cellen",
                    en="a cell under a column without a header; give the column one or empty it",
                ),
                f"{where}:{line}:{_column_letter(index)}",
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


def _rows_to_round(rows: list[list[str]], where: str) -> Round:
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError(L(sv="är tom", en="is empty"), where)
    header = [h.strip() for h in rows[0]]
    _check_known_columns(header, where)
    _check_required_columns(header, where)
    applications, lines = _read_applications(rows, header, where)
    try:
        return _validate({"applications": applications}, where)
    except InputError as exc:
        for error in exc.every:
            error.where = _on_spreadsheet_line(error.where, lines, where)
        raise


def _check_known_columns(header: list[str], where: str) -> None:
    """Every column of the header row is a round's column or an assessment; else InputError."""
    unknown = [h for h in header if h and h not in CSV_COLUMNS and not _CRITERION_COLUMN.match(h)]
    if unknown:
        accepted = ", ".join(CSV_COLUMNS)
        raise InputError(
            L(
                sv=f"okända kolumner {', '.join(unknown)}; tillåtna: {accepted} "
                "och assessment.<kriterium> per kriterium",
                en=f"unknown columns {', '.join(unknown)}; accepted: {accepted} "
                "and assessment.<criterion> per criterion",
            ),
            f"{where}:1",
        )


def _check_required_columns(header: list[str], where: str) -> None:
    """The header row has the columns every application needs; else InputError."""
    missing = [c for c in ("id", "kind", "title", "applicants", "requested_sek") if c not in header]
    if missing:
        raise InputError(
            L(
                sv=f"kolumner saknas: {', '.join(missing)}",
                en=f"missing columns: {', '.join(missing)}",
            ),
            f"{where}:1",
        )


def _read_applications(
    rows: list[list[str]], header: list[str], where: str
) -> tuple[list[dict[str, Any]], list[int]]:
    """The applications below the header row and the line of each; blank rows are skipped."""
    applications = []
    lines = []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise InputError(
                L(
                    sv=f"har {len(cells)} celler men rubrikraden {len(header)}",
                    en=f"has {len(cells)} cells but the header {len(header)}",
                ),
                f"{where}:{line}",
            )
        row = dict(zip(header, cells, strict=False))
        applications.append(_row_to_application(row, line, header, where))
        lines.append(line)
    if not applications:
        raise InputError(L(sv="har inga ansökningar", en="has no applications"), where)
    return applications, lines


def _on_spreadsheet_line(error_where: str | None, lines: list[int], where: str) -> str | None:
    """An error's place with the spreadsheet line for the application's index, if it names one."""
    # Name the spreadsheet line, not the list index: "applications[3]" is line 5.
    match = re.match(re.escape(where) + r"\.applications\[(\d+)\](.*)", error_where or "")
    if not match:
        return error_where
    line = lines[int(match.group(1))]
    field = match.group(2).lstrip(".")
    return f"{where}:{line}" + (f" ({field})" if field else "")


def read_csv(text: str, where: str) -> Round:
    try:
        rows = list(csv.reader(io.StringIO(text), strict=True))
    except csv.Error as exc:
        raise InputError(
            L(sv=f"är ingen giltig CSV: {exc}", en=f"is not valid CSV: {exc}"), where
        ) from None
    # A semicolon-separated export (Swedish Excel) has one column per row here.
    if rows and len(rows[0]) == 1 and ";" in rows[0][0]:
        rows = list(csv.reader(io.StringIO(text), delimiter=";", strict=True))
    return _rows_to_round(rows, where)


def read_xlsx(source: bytes, where: str) -> Round:
    """A round from the first sheet of a workbook, read as its CSV would be."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(source), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputError(
            L(sv=f"är ingen läsbar XLSX-fil: {exc}", en=f"is not a readable XLSX file: {exc}"),
            where,
        ) from None
    return _rows_to_round(rows, where)


def load_round(source: bytes, name: str) -> Round:
    """Read a round from a file's bytes; the format follows the name (.csv, .xlsx, else JSON)."""
    suffix = Path(name).suffix.casefold()
    if suffix == ".xlsx":
        return read_xlsx(source, name)
    if suffix == ".csv":
        return read_csv(_csv_text(source, name), name)
    return _validate(read_json(source, where=name), name)


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
            raise InputError(
                L(
                    sv=f"är varken UTF-8- eller Windows-1252-text (byte {exc.start}); "
                    "spara som CSV UTF-8",
                    en=f"is neither UTF-8 nor Windows-1252 text (byte {exc.start}); "
                    "save as CSV UTF-8",
                ),
                name,
            ) from None


def csv_columns(criteria: Iterable[str]) -> tuple[str, ...]:
    """Every column, with one `assessment.<id>` column per criterion after gender_analysis."""
    at = CSV_COLUMNS.index("gender_analysis") + 1
    return (*CSV_COLUMNS[:at], *(ASSESSMENT + c for c in criteria), *CSV_COLUMNS[at:])


def _round_rows(
    round_: Round, criteria: Iterable[str]
) -> tuple[tuple[str, ...], list[list[CellValue]]]:
    """The round as a spreadsheet's columns and typed rows, with an assessment column for
    each of `criteria` and each criterion the round assesses (stated totals are not kept)."""
    assessed = dict.fromkeys(criteria)
    for app in round_.applications:
        assessed.update(dict.fromkeys(app.assessment))
    columns = csv_columns(assessed)
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
                value = _LIST_COLUMNS[column].join(value) or None
            row.append(value)
        rows.append(row)
    return columns, rows


def to_csv(round_: Round, criteria: Iterable[str] = ()) -> str:
    """The round as CSV with every column of CSV_COLUMNS, and an assessment column for each
    of `criteria` and each criterion the round assesses (stated totals are not kept)."""
    columns, rows = _round_rows(round_, criteria)
    return csv_text([columns, *rows], exact=True)


def to_xlsx(round_: Round, criteria: Iterable[str] = ()) -> bytes:
    """The round as a workbook of one sheet with the columns of `to_csv`: amounts as
    numbers, dates as dates, true/false as truth values."""
    columns, rows = _round_rows(round_, criteria)
    return workbook([Sheet("round", columns, rows)], exact=True)
