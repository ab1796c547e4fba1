"""What a command shows a person, before it is a format: a titled page of paragraphs and
tables. Every command builds one; `renderers` writes it as a terminal table, markdown,
HTML or CSV (JSON is the machine document, not a view)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

Cell = str | tuple[str, ...]
"""A table cell: one line, or several (the decision tables' cells hold a few lines each)."""


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    ruled: bool = False
    """Lines between the rows (for cells of several lines)."""
    marks: tuple[str | None, ...] = ()
    """Per row, what it says (a status or an outcome: `pass`, `fail`, `eligible`, …), which a
    format may show by colour; empty: no marks."""

    @classmethod
    def of(
        cls,
        title: str,
        header: Sequence[str],
        rows: Sequence[Sequence[Cell]],
        *,
        ruled: bool = False,
        marks: Sequence[str | None] = (),
    ) -> Table:
        return cls(title, tuple(header), tuple(tuple(r) for r in rows), ruled, tuple(marks))


Block = Table | str
"""A table, or a paragraph of text."""


@dataclass(frozen=True)
class View:
    """A page: its title (none for a plain listing), then paragraphs and tables in order."""

    title: str = ""
    blocks: tuple[Block, ...] = ()
    notes_title: str = ""
    notes: tuple[str, ...] = field(default=())


def lines(cell: Cell) -> tuple[str, ...]:
    return (cell,) if isinstance(cell, str) else cell
