"""The figures a quote states, read as Swedish writes them, held against the policy's values.

A parameter's or a quota's value is the decision's figure only if the quote it cites says
so; `disagreements` names every one that the quote contradicts. The figures are read by kind:

- **amount**: digits, their thousands grouped by spaces or dots, then `kr`, `kronor` or `:-`
  ("750 000 kronor", "500 000 kr", "2.705.000 kr", "730.000:-", "25000 kr");
- **date**: a day, a Swedish month name and a year ("den 2 maj 2023"), or an ISO date
  (2023-05-02). A date without its year takes the year of the next date of the quote that
  has one, else of the previous ("4 september till 1 december 2017"); a quote naming no
  year at all states no date that can be read;
- **span**: two numbers of at most three digits joined by a hyphen or dash before a word
  ("1-3 år", "1–3 år");
- **count**: a number of at most three digits, or a number word (två … tolv, tretton …
  nittio, their compounds such as tjugotre, hundra), before a word ("högst tre
  ansökningar", "två studieresor"). `en`/`ett` are also the indefinite article, so they are
  counts only after a quantifier (högst, minst, maximalt, endast, bara, totalt, inom:
  "inom en månad"). Ordinals
  ("fjärde projektår") are not counts: what a limit makes of them is a reading.

Which figures a value must equal (it must equal one of them):

- a parameter in SEK: the quote's amounts;
- a date parameter: the quote's dates; a window's `…opens` the first, `…closes` the last;
- a parameter in years: the upper end of a span, and counts of a word ending in "år"
  (år, projektår);
- a duration in days or months: counts of a day or a month ("inom två månader", "30 dagar",
  "inom en månad"): dag, dagar, månad, månader and their definite forms;
- a quota's `limit`: the quote's counts; of a quota counting only projects or only study
  trips, the counts of that kind ("två lokala utvecklingsprojekt och två studieresor") when
  the quote names it.

A quote stating no figure of that kind does not disagree (a precedent's quote, "Avslag då
det är för ett fjärde projektår"); a quote stating some, none of them the value, does. A
parameter the decision does not state (`value: null`) disagrees with a quote that states a
figure of its kind. Amounts in millions ("1,5 miljoner kronor") and `tkr` are not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from fourules.policy.model import Parameter, Policy, Quota
from fourules.text import DURATION_UNITS, LocalText, duration_text, format_sek, month_name
from fourules.texts import LANGS, Lang, both, text

FigureKind = Literal["amount", "date", "span", "count"]

MONTHS = tuple(month_name(month, "sv") for month in range(1, 13))
"""The months as the decisions write them, to read their dates."""
UNITS = {
    "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7,
    "åtta": 8, "nio": 9, "tio": 10, "elva": 11, "tolv": 12, "tretton": 13, "fjorton": 14,
    "femton": 15, "sexton": 16, "sjutton": 17, "arton": 18, "nitton": 19,
}  # fmt: skip
TENS = {
    "tjugo": 20, "trettio": 30, "fyrtio": 40, "femtio": 50, "sextio": 60, "sjuttio": 70,
    "åttio": 80, "nittio": 90,
}  # fmt: skip
QUANTIFIERS = ("högst", "minst", "maximalt", "endast", "bara", "totalt", "inom")

_SPACE = "[ \u00a0\u202f]"
AMOUNT = re.compile(  # digits, thousands grouped by spaces or dots, then kr, kronor or :-
    rf"(?<![\d.,])(\d{{1,3}}(?:{_SPACE}\d{{3}})+|\d{{1,3}}(?:\.\d{{3}})+|\d+)"
    rf"(?:{_SPACE}*(?:kronor|kr)\b|{_SPACE}*:-)",
    re.IGNORECASE,
)
_MONTH = "|".join(MONTHS)
DATE = re.compile(
    rf"(?<![\d.])(\d{{1,2}})\.?\s+({_MONTH})\b(?:\s+(\d{{4}})\b)?|(?<!\d)(\d{{4}})-(\d{{2}})-(\d{{2}})(?!\d)",
    re.IGNORECASE,
)
_SPAN = re.compile(r"(?<![\d.,\-–])(\d{1,3})\s*[-–]\s*(\d{1,3})(?=\s+[^\W\d_])")
_WORD_NUMBER = (
    "(?:" + "|".join(TENS) + ")(?:" + "|".join(u for u in UNITS if UNITS[u] < 10) + ")?"
    "|hundra|" + "|".join(sorted(UNITS, key=len, reverse=True))
)
_COUNT = re.compile(
    rf"(?<![\w.,\-–])(?:(\d{{1,3}})|({_WORD_NUMBER}))(?=\s+([^\W\d_][\w-]*))",
    re.IGNORECASE,
)
_KIND_WORDS = {"project": r"projekt", "study_trip": r"studie(?:resa|resor|besök)"}
_DURATION_WORDS = {
    "days": re.compile(r"dag(?:ar)?(?:en|na)?", re.IGNORECASE),
    "months": re.compile(r"månad(?:er)?(?:en|na)?", re.IGNORECASE),
}


@dataclass(frozen=True)
class Figure:
    """A figure a quote states: its kind, the words as written and what they are read as
    (a span's `value` is its upper end, `low` its lower)."""

    kind: FigureKind
    text: str
    value: int | date
    low: int | None = None
    noun: str = ""
    """For a count or a span: the words after it, up to the next "och", "eller" or
    punctuation mark, at most three (what it counts)."""


@dataclass(frozen=True)
class Disagreement:
    """A value of the policy that none of its quote's figures of its kind equals."""

    path: str
    """Where the value stands in the policy: `parameters.cap.study_trip.value`, `quotas.0.limit`."""
    value: int | date | None
    figures: tuple[Figure, ...]
    """The quote's figures the value was held against."""
    quote: str
    message: LocalText


def _word_value(word: str) -> int:
    word = word.casefold()
    if word == "hundra":
        return 100
    if word in UNITS:
        return UNITS[word]
    for tens, n in TENS.items():
        if word.startswith(tens):
            return n + UNITS.get(word[len(tens) :], 0)
    raise ValueError(f"not a number word: {word}")


def _noun(rest: str) -> str:
    """The words a number counts: those after it, up to och/eller or punctuation, at most three."""
    words: list[str] = []
    for word in re.split(r"[^\s\w-]", rest, maxsplit=1)[0].split():
        if word.casefold() in ("och", "eller") or len(words) == 3:
            break
        words.append(word)
    return " ".join(words)


def read(quote: str) -> tuple[Figure, ...]:
    """Every figure the quote states, in the order it states them."""
    text = re.sub(r"\s+", " ", quote)
    found: list[tuple[int, int, Figure]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in found)

    for m in AMOUNT.finditer(text):
        digits = re.sub(r"\D", "", m.group(1))
        found.append((m.start(), m.end(), Figure("amount", m.group(0).strip(), int(digits))))
    found += [(s, e, f) for s, e, f in _dates(text) if free(s, e)]
    for m in _SPAN.finditer(text):
        if free(m.start(), m.end()):
            span = Figure(
                "span",
                m.group(0),
                int(m.group(2)),
                low=int(m.group(1)),
                noun=_noun(text[m.end() :]),
            )
            found.append((m.start(), m.end(), span))
    for m in _COUNT.finditer(text):
        if not free(m.start(), m.end()):
            continue
        digits, word, following = m.group(1), m.group(2), m.group(3)
        if following.casefold() in MONTHS or re.fullmatch(r"(?i)kr|kronor", following):
            continue
        if word is not None and word.casefold() in ("en", "ett"):
            before = text[: m.start()].split()
            if not before or before[-1].casefold() not in QUANTIFIERS:
                continue
        value = int(digits) if digits is not None else _word_value(word)
        noun = _noun(text[m.end() :])
        found.append((m.start(), m.end(), Figure("count", m.group(0), value, noun=noun)))
    return tuple(f for _, _, f in sorted(found, key=lambda item: item[0]))


def _dates(text: str) -> list[tuple[int, int, Figure]]:
    """The quote's dates, a missing year carried from the next (else the previous) date."""
    raw: list[tuple[int, int, str, int, int, int | None]] = []
    for m in DATE.finditer(text):
        if m.group(4):
            raw.append(
                (m.start(), m.end(), m.group(0), int(m.group(6)), int(m.group(5)), int(m.group(4)))
            )
        else:
            month = MONTHS.index(m.group(2).casefold()) + 1
            year = int(m.group(3)) if m.group(3) else None
            raw.append((m.start(), m.end(), m.group(0), int(m.group(1)), month, year))
    out = []
    for i, (start, end, written, day, month, year) in enumerate(raw):
        if year is None:
            later = [r[5] for r in raw[i + 1 :] if r[5] is not None]
            earlier = [r[5] for r in raw[:i] if r[5] is not None]
            year = later[0] if later else earlier[-1] if earlier else None
        if year is None:
            continue
        try:
            out.append((start, end, Figure("date", written, date(year, month, day))))
        except ValueError:  # "31 februari": no such date, so nothing the quote can be read as
            continue
    return out


def _for_parameter(
    name: str, parameter: Parameter, figures: tuple[Figure, ...]
) -> tuple[Figure, ...]:
    """The figures of the quote a parameter of this unit must be one of."""
    if parameter.unit == "SEK":
        return tuple(f for f in figures if f.kind == "amount")
    if parameter.unit == "date":
        return _window_dates(name, tuple(f for f in figures if f.kind == "date"))
    if parameter.unit in _DURATION_WORDS:
        word = _DURATION_WORDS[parameter.unit]
        return tuple(f for f in figures if f.kind == "count" and word.fullmatch(_head(f)))
    return tuple(
        f
        for f in figures
        if f.kind == "span" or (f.kind == "count" and _head(f).casefold().endswith("år"))
    )


def _window_dates(name: str, dates: tuple[Figure, ...]) -> tuple[Figure, ...]:
    """A window's opening is its quote's first date, its closing the last."""
    if dates and name.endswith(".opens"):
        return dates[:1]
    if dates and name.endswith(".closes"):
        return dates[-1:]
    return dates


def _head(figure: Figure) -> str:
    """The first word a count counts ('' when none: "två och tre år")."""
    words = figure.noun.split()
    return words[0] if words else ""


def _for_quota(quota: Quota, figures: tuple[Figure, ...]) -> tuple[Figure, ...]:
    counts = tuple(f for f in figures if f.kind == "count")
    if len(quota.counts) == 1:
        words = _KIND_WORDS[quota.counts[0]]
        named = tuple(f for f in counts if re.search(words, f.noun, re.IGNORECASE))
        if named:
            return named
    return counts


def _shown(value: int | date | None, unit: str) -> LocalText:
    if value is None:
        return both("column.not_stated")
    if isinstance(value, date):
        return LocalText(sv=value.isoformat(), en=value.isoformat())
    if unit == "SEK":
        return LocalText(sv=format_sek(value), en=format_sek(value))
    if unit == "years":
        return LocalText(**{lang: f"{value} {text('fact.unit.years', lang)}" for lang in LANGS})
    if unit in DURATION_UNITS:
        return LocalText(sv=duration_text(value, unit, "sv"), en=duration_text(value, unit, "en"))
    return LocalText(sv=str(value), en=str(value))


def _message(path: str, shown: LocalText, figures: tuple[Figure, ...], quote: str) -> LocalText:
    place = path.rsplit(".", 1)[0]

    def said(lang: Lang) -> str:
        stated = f" {text('numbers.and', lang)} ".join(f.text for f in figures)
        return text(
            "numbers.disagrees",
            lang,
            place=place,
            value=shown.get(lang),
            stated=stated,
            quote=quote,
        )

    return LocalText(sv=said("sv"), en=said("en"))


def _against(
    path: str, value: int | date | None, unit: str, figures: tuple[Figure, ...], quote: str
) -> list[Disagreement]:
    if not figures or any(f.value == value for f in figures):
        return []
    return [
        Disagreement(
            path, value, figures, quote, _message(path, _shown(value, unit), figures, quote)
        )
    ]


def disagreements(policy: Policy) -> list[Disagreement]:
    """Every parameter and quota whose value none of its quote's figures of its kind equals."""
    out: list[Disagreement] = []
    for name, parameter in policy.parameters.items():
        quote = _one_line(parameter.source.quote)
        chosen = _for_parameter(name, parameter, read(quote))
        out += _against(f"parameters.{name}.value", parameter.value, parameter.unit, chosen, quote)
    for i, quota in enumerate(policy.quotas):
        quote = _one_line(quota.source.quote)
        out += _against(
            f"quotas.{i}.limit", quota.limit, "count", _for_quota(quota, read(quote)), quote
        )
    return out


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
