"""One renderer per format, behind one registry: every command takes the same `--format`
and writes its result through `emit`.

JSON is the machine document each command defines (the same the HTTP service answers);
the other formats render the command's `View` for people: a terminal table, markdown,
HTML (through a Jinja2 template, escaped by the template engine) or CSV.
"""

from __future__ import annotations

import functools
import io
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from fourules.output.canonical import to_json
from fourules.output.view import Table, View, lines
from fourules.spreadsheets import csv_text
from fourules.texts import language


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"
    csv = "csv"


Renderer = Callable[[View], str]

# Colours a terminal gives a row's mark; HTML gives it a class of the same name.
_COLOURS = {
    "pass": "green",
    "fail": "red",
    "warn": "yellow",
    "unknown": "magenta",
    "info": "cyan",
    "eligible": "green",
    "undetermined": "magenta",
    "ineligible": "red",
}


def to_table(view: View) -> str:
    """Rich tables for a terminal; colours only when stdout is one."""
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    buffer = io.StringIO()
    colour = sys.stdout.isatty()
    console = Console(
        file=buffer, width=120, force_terminal=colour, color_system="standard" if colour else None
    )
    items: list[Any] = [view.title] if view.title else []
    for block in view.blocks:
        if isinstance(block, str):
            items.append(block)
            continue
        table = RichTable(
            title=block.title or None,
            title_justify="left",
            show_lines=block.ruled,
            show_header=bool(block.header),
        )
        for name in block.header or ("",) * len(block.rows[0] if block.rows else ()):
            table.add_column(name, overflow="fold")
        for i, row in enumerate(block.rows):
            mark = block.marks[i] if block.marks else None
            # Text is shown as written: "[warning]" or "[Tabell 1 rad 8]" is not rich markup.
            table.add_row(*(Text("\n".join(lines(c))) for c in row), style=_COLOURS.get(mark or ""))
        items.append(table)
    if view.notes:
        items.append(view.notes_title)
        items.extend(f"• {note}" for note in view.notes)
    for item in items:
        # A line of text stays one line (a linter's `file:line: message` must not break).
        console.print(item, markup=False, soft_wrap=isinstance(item, str))
    return buffer.getvalue()


def _md_cell(cell: object) -> str:
    text = "<br>".join(lines(cell)) if isinstance(cell, str | tuple) else str(cell)
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(table: Table) -> str:
    header = table.header or ("",) * (len(table.rows[0]) if table.rows else 1)
    out = ["| " + " | ".join(_md_cell(h) for h in header) + " |"]
    out.append("|" + "|".join("---" for _ in header) + "|")
    out.extend("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows)
    return "\n".join(out) + "\n"


def to_markdown(view: View) -> str:
    parts = [f"# {view.title}\n\n"] if view.title else []
    for block in view.blocks:
        if isinstance(block, str):
            parts.append(f"{block}  \n")
            continue
        # A table needs a blank line before it, or markdown reads it as the paragraph's text.
        parts.append(f"\n## {block.title}\n\n" if block.title else "\n")
        parts.append(markdown_table(block) + "\n")
    if view.notes:
        parts.append(f"## {view.notes_title}\n\n")
        parts.extend(f"- {note}\n" for note in view.notes)
    return "".join(parts)


def is_table(block: object) -> bool:
    return isinstance(block, Table)


def report_css() -> str:
    """The reports' stylesheet, print rules included (shared with the web pages)."""
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


TEMPLATES = Path(__file__).parent / "templates"
"""Templates shared by `--format html` and the web pages."""


@functools.cache
def _template() -> Any:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment.get_template("view.html.j2")


def to_html(view: View) -> str:
    """A standalone page (its own CSS with print rules, no script), from the template the
    web pages share (`view_body.html.j2`)."""
    return str(
        _template().render(
            view=view, lang=language(), lines=lines, is_table=is_table, css=report_css()
        )
    )


def to_csv(view: View) -> str:
    """Paragraphs as one-cell rows; each table with a row for its title and one for its
    header, a blank row between tables; then the notes one per row. A cell of several lines
    keeps them on separate lines within the cell; no cell is a formula (`spreadsheets`)."""
    rows: list[Sequence[str]] = []
    after_table = False
    for block in view.blocks:
        if isinstance(block, str):
            rows.append([block])
            continue
        if after_table:
            rows.append([])
        after_table = True
        if block.title:
            rows.append([block.title])
        if block.header:
            rows.append(block.header)
        rows.extend(["\n".join(lines(c)) for c in row] for row in block.rows)
    if view.notes:
        rows += [[], [view.notes_title], *([note] for note in view.notes)]
    return csv_text(rows)


RENDERERS: dict[Format, Renderer] = {
    Format.table: to_table,
    Format.markdown: to_markdown,
    Format.html: to_html,
    Format.csv: to_csv,
}


def emit(format: Format, json_value: object, view: Callable[[], View]) -> str:
    """The command's result in `format`: the JSON document, or its view rendered (built only
    when a person asked for one)."""
    if format is Format.json:
        return to_json(json_value)
    return RENDERERS[format](view())
