"""A decision's text as sentences, each under its section heading: what the coverage map
accounts for, one sentence at a time.

The texts are as the policies quote them: the 2024 decision's transcription, lines broken
mid-sentence, and the 2018 decision, clean text whose two tables are rows of two
tab-separated cells in HTML paragraphs. Paragraphs are joined, a short line without a full
stop is a heading, and a list's items are sentences of their own. A sentence that states a
requirement, a priority, an obligation or a condition (ska, kan beviljas, högst,
prioriteras, efterfrågas, förutsatt att, återbetalas, …) is normative.

Tables: an HTML table (`<table>`) gives one sentence per row. A tab-separated table (a
header line with a tab, then rows that each begin with their number, "<p>5. …", a page
break continuing a row on later lines) gives, for each row, its application cell as one
sentence (the applicant's words, never normative) and its proposal cell — the decision's
own words, its grounds — as sentences of their own: one per paragraph and full stop, and a
comma followed by a capital letter starts another ground ("…de söker medel, Globenmodellen
får finansiering från Finsam 2018."). A lone "Avslag." stays with the ground after it.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from typing import Literal

from fourules.authoring.quotes import plain

NORMATIVE = re.compile(
    r"\b(ska|skall|måste|kan beviljas|kan sökas|kan endast|kan maximalt|kan prioriteras|"
    r"kan komma att prioriteras|högst|maximalt|prioriter\w*|efterfråga\w*|förutsatt att|"
    r"återbetala\w*|krav\w*|villkor\w*|får inte|inte får|ansökan om medel|utlys\w*|"
    r"obligatorisk\w*|huvudkriteri\w*|kriteri\w*)\b",
    re.IGNORECASE,
)
"""Words that make a sentence look like a rule; matched on the text with its diacritics
restored or lost alike (see `_normative`)."""


Cell = Literal["", "application", "proposal"]


@dataclass(frozen=True)
class Sentence:
    """One sentence of the decision: its number (1-based, in document order), its section
    heading, its text, and whether it looks normative; for a tab-separated table's row, the
    row's number and which cell the sentence is from."""

    number: int
    section: str
    text: str
    normative: bool
    row: int | None = None
    cell: Cell = ""

    @property
    def place(self) -> str:
        """Where it stands: "Tabell 1 rad 5" for a table row, else "mening N"."""
        if self.row is not None:
            table = re.match(r"(Tabell \d+)", self.section)
            return f"{table.group(1) if table else self.section} rad {self.row}"
        return f"mening {self.number}"


_HEADING_MAX = 90
_TAG = re.compile(r"<[^>]+>")
_ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S | re.I)
_CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S | re.I)
_END = re.compile(r"(?<=[.!?:])\s+(?=[\"”A-ZÅÄÖ0-9–-])")
_ITEM = re.compile(r"^\s*(?:[-–•]|\d{1,2}\.)\s+")  # "2022. Slutrapporterna" is no item
_BULLET = re.compile(r"^\s*[-–•]\s+")
_ROW_START = re.compile(r"^\s*(?:<p>\s*)?(\d+)\.\s")
_RULED = re.compile(r"^\s*-+\s*$")


def without_mark(text: str) -> str:
    """A bulleted item's sentence without its bullet ("• ", "– "): the decision's words a
    quote or a coverage entry holds. A numbered item keeps its number, which the decision
    cites ("punkt 1"); any other sentence is as it is."""
    return _BULLET.sub("", text, count=1)


@functools.lru_cache(maxsize=4096)
def words(text: str) -> str:
    """The text as it is compared word for word: markup, case, spacing and end-of-line
    hyphenation ("utveck-⏎lings") set aside; letters, diacritics, digits and punctuation
    kept. Both sides of a comparison are taken alike, so a hyphen before a space is dropped
    on both ("forsknings- och" matches itself).

    Remembered: the coverage map compares every sentence of the decision with every entry
    until one matches, about 1 850 calls a check for some 300 texts. A case of the 2026
    example saved and checked: 46 ms without it, 36 ms with it
    (`benchmarks/bench_calls_pages.py`, medians of 15)."""
    text = html.unescape(_TAG.sub(" ", text))
    text = re.sub(r"(?<=\w)-\s+(?=\w)", "", text)
    return " ".join(text.casefold().split())


def contains(sentence: str, part: str) -> bool:
    """Whether `part` stands in `sentence` word for word, as whole words."""
    wanted = words(part)
    if not wanted:
        return False
    said = words(sentence)
    # The substring test rules out nearly every pair the coverage map tries, at a tenth of
    # the pattern's cost; the pattern then asks for whole words.
    return wanted in said and re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", said) is not None


def _normative(text: str) -> bool:
    # The OCR text lost its diacritics: test the plain form too ("ska" survives, "högst"
    # becomes "hogst").
    folded = plain(text)
    return bool(NORMATIVE.search(text)) or bool(
        re.search(
            r"\b(ska|skall|maste|kan beviljas|hogst|maximalt|prioriter\w*|efterfraga\w*|"
            r"forutsatt att|aterbetala\w*|krav\w*|villkor\w*|huvudkriteri\w*)\b",
            folded,
        )
    )


def _tables(text: str) -> list[str]:
    """The HTML tables as paragraphs, one per row, cells separated by ' | '."""
    out = []
    for table in re.findall(r"<table.*?</table>", text, re.S | re.I):
        for row in _ROW.findall(table):
            cells = [html.unescape(_TAG.sub(" ", c)).strip() for c in _CELL.findall(row)]
            cells = [re.sub(r"\s+", " ", c) for c in cells if c.strip()]
            if cells:
                out.append(" | ".join(cells))
    return out


def _paragraphs(text: str) -> list[str]:
    """Blocks of text: blank lines separate them; a list item starts its own."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        current: list[str] = []
        for line in block.splitlines():
            if _ITEM.match(line) and current:
                out.append(" ".join(current))
                current = []
            current.append(line.strip())
        if current:
            out.append(" ".join(current))
    return [re.sub(r"\s+", " ", p).strip() for p in out if p.strip()]


def _is_heading(paragraph: str) -> bool:
    return (
        len(paragraph) <= _HEADING_MAX
        and not paragraph.rstrip().endswith((".", ":", ",", ";", "!", "?"))
        and not _ITEM.match(paragraph)
        and not re.match(r"^[a-zåäö]", paragraph)
    )


def _sentences(paragraph: str) -> list[str]:
    """A paragraph cut at its full stops; a list number ("1.") stays with what it numbers."""
    out: list[str] = []
    for part in (p.strip() for p in _END.split(paragraph)):
        if not part:
            continue
        if out and re.fullmatch(r"\d+\.", out[-1]):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


def _clean(cell: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", cell))).strip()


def _grounds(lines: list[str]) -> list[str]:
    """A proposal cell's grounds: its paragraphs (a page break joins the parts of one),
    cut at full stops and at a comma before a capital letter."""
    paragraphs: list[str] = []
    for line in lines:
        parts = [_clean(p) for p in re.split(r"</p>\s*<p>", line)]
        parts = [p for p in parts if p]
        if parts and paragraphs and not re.search(r"[.!?:]$", paragraphs[-1]):
            paragraphs[-1] = f"{paragraphs[-1]} {parts.pop(0)}"  # the page broke a sentence
        paragraphs += parts
    out: list[str] = []
    for paragraph in paragraphs:
        for sentence in _sentences(paragraph):
            out += [p.strip() for p in re.split(r",\s+(?=[A-ZÅÄÖ])", sentence) if p.strip()]
    merged: list[str] = []
    for ground in out:
        if merged and re.fullmatch(r"Avslag\.?", merged[-1]):
            merged[-1] = f"{merged[-1]} {ground}"
        else:
            merged.append(ground)
    return merged


def _tab_table(lines: list[str]) -> list[tuple[int, str, list[str]]]:
    """A tab-separated table's rows: (number, application cell, proposal grounds)."""
    rows: list[tuple[int, list[str], list[str]]] = []
    for line in lines[1:]:  # the first is the header
        if not line.strip() or "\t" not in line:
            continue
        application, proposal = line.split("\t", 1)
        if _RULED.match(application) and _RULED.match(proposal):
            continue  # a ruled line between pages
        start = _ROW_START.match(application)
        if start:
            rows.append((int(start.group(1)), [application], [proposal]))
        elif rows:
            rows[-1][1].append(application)
            rows[-1][2].append(proposal)
    return [(n, _clean(" ".join(a)), _grounds(p)) for n, a, p in rows]


Piece = tuple[str, Cell, int | None]
"""A paragraph, table row or table cell's ground: its text, its cell, its row number."""


def _pieces(text: str) -> list[Piece]:
    """Paragraphs and tab-separated tables, in order."""
    out: list[Piece] = []
    lines = text.split("\n")
    plain: list[str] = []
    i = 0
    while i < len(lines):
        if "\t" in lines[i] and not _ITEM.match(lines[i]):
            out += [(p, "", None) for p in _paragraphs("\n".join(plain))]
            plain = []
            end = i + 1
            while end < len(lines) and ("\t" in lines[end] or not lines[end].strip()):
                end += 1
            for number, application, grounds in _tab_table(lines[i:end]):
                out.append((application, "application", number))
                out += [(g, "proposal", number) for g in grounds]
            i = end
            continue
        plain.append(lines[i])
        i += 1
    out += [(p, "", None) for p in _paragraphs("\n".join(plain))]
    return out


def _flow(document: str) -> list[tuple[str, Cell, int | None, bool]]:
    """The document's paragraphs, table rows and cells: (text, cell, row, is an HTML row)."""
    pieces: list[tuple[str, Cell, int | None, bool]] = []
    position = 0
    for match in re.finditer(r"<table.*?</table>", document, re.S | re.I):
        pieces += [(*p, False) for p in _pieces(document[position : match.start()])]
        pieces += [(row, "", None, True) for row in _tables(match.group(0))]
        position = match.end()
    pieces += [(*p, False) for p in _pieces(document[position:])]
    return pieces


def headings(document: str) -> list[str]:
    """The decision's headings, in order, each once (a heading no sentence follows too)."""
    found = [
        paragraph
        for paragraph, _, row, html_row in _flow(document)
        if row is None and not html_row and _is_heading(paragraph)
    ]
    return list(dict.fromkeys(found))


def split(document: str) -> list[Sentence]:
    """The decision's sentences, in order, each with its section."""
    sentences: list[Sentence] = []
    section = ""
    for paragraph, cell, row, html_row in _flow(document):
        if row is None and not html_row and _is_heading(paragraph):
            section = paragraph
            continue
        parts = [paragraph] if html_row or row is not None else _sentences(paragraph)
        for part in parts:
            normative = cell != "application" and _normative(part)
            sentences.append(Sentence(len(sentences) + 1, section, part, normative, row, cell))
    return sentences
