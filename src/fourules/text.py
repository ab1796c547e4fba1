"""Bilingual text: Swedish is the language of the decisions and the default for messages."""

from __future__ import annotations

from datetime import date

# The languages and a text in both live with the catalogue of words; here for the many
# modules that import them from this one.
from fourules.texts import LANGS as LANGS
from fourules.texts import Lang as Lang
from fourules.texts import LocalText as LocalText
from fourules.texts import text


class CatalogueText:
    """A text of the catalogue of words (`fourules.texts`) named by its key, looked up when
    shown: a module may hold one from import on without reading the catalogue."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key

    def get(self, lang: Lang) -> str:
        return text(self.key, lang)


NOT_STATED = CatalogueText("column.not_stated")


def format_sek(amount: int) -> str:
    """750000 -> '750 000 kr', the way the decisions write amounts."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,}".replace(",", " ") + " kr"


def month_name(month: int, lang: Lang) -> str:
    """A month's name (1-12), as the decisions (sv) and the English messages write dates."""
    return text(f"month.{month}", lang)


def day_text(day: date, lang: Lang) -> str:
    """A day as people write it: '2 oktober 2017', '2 October 2017'."""
    return f"{day.day} {month_name(day.month, lang)} {day.year}"


DURATION_UNITS = ("days", "months")
"""Units of a duration ("inom två månader"): a whole number of days or months, each in words
in the catalogue (`fact.unit.<unit>`, and `fact.unit.<unit>.one` for one). `years` is not one of them: it counts project
years (a limit such as "1-3 år"), not a length of time."""


def duration_text(value: int, unit: str, lang: Lang) -> str:
    """A duration in words of the language: '1 månad', '2 månader', '14 days'."""
    return f"{value} {text(f'fact.unit.{unit}.one' if value == 1 else f'fact.unit.{unit}', lang)}"
