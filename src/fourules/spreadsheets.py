"""Cells a spreadsheet cannot turn against its user, in every CSV and XLSX fourules writes,
and read back to the same text.

A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (and, after a tab or a
carriage return, what follows) as a formula: a title like `=HYPERLINK("http://…")` would
become a live link (CSV injection, OWASP). Such text is written with a leading `'`, the
mark spreadsheets themselves use for "this is text"; a number (`-5`) is a number, not a
formula, and stays as it is. Reading strips exactly the mark that was added, so a text
that itself begins with `'` is written with a second one.

Round files (`exact`) mark two more cases, because their reader trims a cell and reads an
empty one as "not stated": an empty text, and a text with space around it. A cell that
begins with `'` holds exactly the text after it.

XLSX cells are typed as text, which no spreadsheet runs, so a formula-like text needs no
mark there and is shown exactly as written (a visible `'` would be the mark's own text in
a text cell); the mark stays only where the reader needs it (a text beginning with `'`,
and a round's empty or padded text). The characters XML cannot hold are written as
`_xHHHH_`, the escape the format defines (ECMA-376 ST_Xstring), so any text survives the
trip.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

MARK = "'"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")  # as a spreadsheet reads one

CellValue = str | int | float | bool | date | None
"""A typed cell: text, a number, a truth value, a date, or empty."""


def to_cell(text: str, *, exact: bool = False) -> str:
    """`text` as a cell no spreadsheet runs: marked with `'` when it would start a formula
    (or itself begins with the mark); with `exact`, also when empty or with space around it."""
    formula = text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text)
    blank_or_padded = exact and (not text or text != text.strip())
    if formula or text.startswith(MARK) or blank_or_padded:
        return MARK + text
    return text


def from_cell(cell: str) -> str | None:
    """The text a cell holds: after a leading `'` exactly, else trimmed; None when empty."""
    if cell.startswith(MARK):
        return cell[1:]
    return cell.strip() or None


def _csv_cell(value: CellValue, exact: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return to_cell(value, exact=exact)
    return str(value)


def csv_text(
    rows: Iterable[Sequence[CellValue]], *, exact: bool = False, delimiter: str = ","
) -> str:
    """Rows as CSV, every text cell through `to_cell`, numbers as numbers, lines ending in
    "\\n"; a cell holding a line break or a carriage return is quoted."""
    lines = []
    for row in rows:
        # Before Python 3.13 the writer quotes only the characters of its line ending, so a
        # lone "\r" in a cell would break the row: each row ends in "\r\n", then in "\n".
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n", delimiter=delimiter)
        writer.writerow([_csv_cell(v, exact) for v in row])
        lines.append(out.getvalue()[:-2] + "\n")
    return "".join(lines)


# --- XLSX --------------------------------------------------------------------------------

_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_XML_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _xlsx_escape(text: str) -> str:
    """Characters XML cannot hold as `_xHHHH_`, and a literal `_xHHHH_` with its `_` escaped."""
    return _XML_UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _xlsx_unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = int(match.group(1), 16)
        # A surrogate is no character: left as written rather than made into broken text.
        return match.group() if 0xD800 <= code <= 0xDFFF else chr(code)

    return _XML_ESCAPED.sub(one, text) if "_x" in text else text


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its name, a header row, and rows of typed cells; optionally a note per
    heading (a declared fact's Swedish label and help), shown on the heading in a workbook."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[CellValue]]
    notes: Sequence[str | None] = ()


def workbook(sheets: Sequence[Sheet], *, exact: bool = False) -> bytes:
    """An XLSX file: per sheet a bold, frozen header row (a heading's note as its comment),
    then the rows — text as text (never a formula, through `to_cell`), numbers as numbers,
    dates as dates."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    book = Workbook(write_only=True)  # rows streamed out, not held as a grid
    bold = Font(bold=True)
    for sheet in sheets:
        page = book.create_sheet(sheet.name)
        page.freeze_panes = "A2"
        header = [_cell(page, name, exact) for name in sheet.header]
        for cell, note in zip(header, sheet.notes, strict=False):
            if note:
                # A comment is no cell value: the heading stays the field name a reader reads.
                cell.comment = Comment(_xlsx_escape(note), "fourules", height=120, width=240)
        for cell in header:
            cell.font = bold
        page.append(header)
        for row in sheet.rows:
            page.append([_cell(page, value, exact) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(page: WriteOnlyWorksheet, value: CellValue, exact: bool) -> Cell:
    """One typed cell; text is typed as text, which openpyxl would otherwise take for a
    formula when it begins with "="."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(page)
    if isinstance(value, str):
        cell.value = _xlsx_escape(_xlsx_text(value, exact))
        cell.data_type = "s"
    else:
        cell.value = value
        if isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
    return cell


def _xlsx_text(text: str, exact: bool) -> str:
    """A cell typed as text, marked only where its reader needs the mark (a text that
    begins with it; with `exact`, an empty or padded text): never for a formula's start,
    which a text cell does not run."""
    needs_mark = text.startswith(MARK) or (exact and (not text or text != text.strip()))
    return MARK + text if needs_mark else text


def cell_text(value: object) -> str:
    """A value openpyxl read from a cell as the text a CSV cell would hold (then `from_cell`):
    a whole number without ".0", a date as YYYY-MM-DD, a truth value as true/false."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _xlsx_unescape(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
