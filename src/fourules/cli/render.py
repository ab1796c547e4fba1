"""Human output: rich tables for a terminal, markdown for documents."""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fourules.policy.source import Source
from fourules.text import Lang, LocalText

L = LocalText
LABELS: dict[str, LocalText] = {
    "year": L(sv="År", en="Year"),
    "version": L(sv="Version", en="Version"),
    "title": L(sv="Titel", en="Title"),
    "sha256": L(sv="sha256", en="sha256"),
    "rules": L(sv="Regler", en="Rules"),
    "parameter": L(sv="Parameter", en="Parameter"),
    "value": L(sv="Värde", en="Value"),
    "description": L(sv="Beskrivning", en="Description"),
    "source": L(sv="Källa", en="Source"),
    "rule": L(sv="Regel", en="Rule"),
    "applies_to": L(sv="Gäller", en="Applies to"),
    "criterion": L(sv="Kriterium", en="Criterion"),
    "status": L(sv="Status", en="Status"),
    "message": L(sv="Meddelande", en="Message"),
    "outcome": L(sv="Utfall", en="Outcome"),
    "max_grant": L(sv="Högst att bevilja", en="Maximum grant"),
    "score": L(sv="Poäng", en="Score"),
    "points": L(sv="Poäng", en="Points"),
    "reason": L(sv="Skäl", en="Reason"),
    "policy": L(sv="Policy", en="Policy"),
    "application": L(sv="Ansökan", en="Application"),
    "administrations": L(sv="Förvaltningar", en="Administrations"),
    "type": L(sv="Typ", en="Type"),
    "quotas": L(sv="Kvoter", en="Quotas"),
    "limit": L(sv="Högst", en="At most"),
    "obligations": L(sv="Villkor", en="Obligations"),
    "document": L(sv="Beslut", en="Decision"),
    "all_kinds": L(sv="alla", en="all"),
    "not_stated": L(sv="inte angivet", en="not stated"),
    "scorers": L(sv="Poängsättare", en="Scorers"),
}
OUTCOMES = {
    "eligible": L(sv="berättigad", en="eligible"),
    "undetermined": L(sv="kan inte avgöras", en="undetermined"),
    "ineligible": L(sv="ej berättigad", en="ineligible"),
}
STATUSES = {
    "pass": L(sv="uppfyllt", en="pass"),
    "fail": L(sv="ej uppfyllt", en="fail"),
    "warn": L(sv="varning", en="warning"),
    "unknown": L(sv="okänt", en="unknown"),
    "info": L(sv="information", en="info"),
}
_STYLE = {"pass": "green", "fail": "red", "warn": "yellow", "unknown": "magenta", "info": "cyan"}
_OUTCOME_STYLE = {"eligible": "green", "undetermined": "magenta", "ineligible": "red"}


def _t(key: str, lang: Lang) -> str:
    return LABELS[key].get(lang)


def source_text(source: Source) -> str:
    text = f"{source.section}: ”{source.quote}”"
    if source.precedent:
        text += f" [{source.precedent}]"
    return text


def render_tables(tables: Sequence[Table | str]) -> str:
    buffer = io.StringIO()
    colour = sys.stdout.isatty()  # colours on a terminal, plain text in a pipe or a file
    console = Console(
        file=buffer, width=120, force_terminal=colour, color_system="standard" if colour else None
    )
    for table in tables:
        # Text is printed as written: "[warning]" or "[Tabell 1 rad 8]" is not rich markup.
        console.print(table, markup=False)
    return buffer.getvalue()


def cells(row: Sequence[str]) -> list[Text]:
    """Table cells as plain text, never read as rich markup."""
    return [Text(cell) for cell in row]


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [_md_row(header), "|" + "|".join("---" for _ in header) + "|"]
    lines.extend(_md_row(r) for r in rows)
    return "\n".join(lines) + "\n"


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    for h in header:
        table.add_column(h, overflow="fold")
    for row in rows:
        table.add_row(*cells(row))
    return table
