"""The words of the views — column headings, outcomes, statuses, bases — from the catalogue
(`fourules.texts`): one word for one thing, the same in a table, a page and a sheet."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from fourules.policy.source import Source
from fourules.text import LocalText, format_sek
from fourules.texts import both, text


class Words(Mapping[str, LocalText]):
    """The catalogue's words of one kind (`outcome`, `basis` …), by the id they name."""

    def __init__(self, kind: str, ids: tuple[str, ...]) -> None:
        self.kind, self.ids = kind, ids

    def __getitem__(self, id: str) -> LocalText:
        if id not in self.ids:
            raise KeyError(id)
        return both(f"{self.kind}.{id}")

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


OUTCOMES = Words("outcome", ("eligible", "undetermined", "ineligible"))
STATUSES = Words("status", ("pass", "fail", "warn", "unknown", "info"))
BASES = Words("basis", ("text", "precedent", "reading", "software"))
"""What a finding rests on, in words (the `basis` of its rule branch)."""
ASPECTS = Words("aspect", ("outcome", "max_grant_sek", "score", "quota", "allocation"))
"""What a reading's alternative changes for an application or an administration."""


def label(key: str) -> str:
    """A column's heading (`column.<key>`)."""
    return text(f"column.{key}")


def kinds_text(kinds: Iterable[str]) -> str:
    """The kinds a rule or a fact applies to, in words; none named is all of them."""
    named = [text(f"kind.short.{kind}") for kind in kinds]
    return ", ".join(named) if named else label("all_kinds")


def source_text(source: Source) -> str:
    """A source as one line: section, quote, precedent, and whether the quote is from a
    transcription of a scanned text."""
    line = f"{source.section}: ”{source.quote}”"
    if source.transcribed:
        line += f" ({label('transcribed')})"
    if source.precedent:
        line += f" [{source.precedent}]"
    return line


def changed_value(aspect: str, value: str, sek: int | None) -> str:
    """One side of what an alternative reading changes, in words."""
    if aspect == "outcome":
        return text(f"outcome.{value}")
    if aspect == "max_grant_sek":
        return label("not_stated") if value == "null" else format_sek(int(value))
    if aspect == "quota":
        return text(f"quota.{value}")
    if aspect == "allocation":
        if value in OUTCOMES:
            return text(f"outcome.{value}")
        words = text(f"allocation.{value}")
        return f"{words} {format_sek(sek)}" if value == "funded" and sek is not None else words
    return value


def outcome_text(outcome: str) -> str:
    shown = text(f"outcome.{outcome}")
    return outcome if shown == outcome else f"{outcome} ({shown})"
