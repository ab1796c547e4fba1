"""A decision's text as sentences, each under its section heading: what the coverage map
accounts for, one sentence at a time.

The texts are as the policies keep them: the 2024 decision an OCR scan with lines broken
mid-sentence, the 2018 decision clean text with its tables in HTML. Paragraphs are joined, tables become one sentence per row, a short line
without a full stop is a heading, and a list's items are sentences of their own. A
sentence that states a requirement, a priority, an obligation or a condition (ska, kan
beviljas, högst, prioriteras, efterfrågas, förutsatt att, återbetalas, …) is normative.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Sentence:
    """One sentence of the decision: its number (1-based, in document order), its section
    heading, its text, and whether it looks normative."""

    number: int
    section: str
    text: str
    normative: bool


_HEADING_MAX = 90
_TAG = re.compile(r"<[^>]+>")
_ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S | re.I)
_CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S | re.I)
_END = re.compile(r"(?<=[.!?:])\s+(?=[\"”A-ZÅÄÖ0-9–-])")
_ITEM = re.compile(r"^\s*(?:[-–•]|\d+\.)\s+")


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


def split(document: str) -> list[Sentence]:
    """The decision's sentences, in order, each with its section."""
    pieces: list[tuple[str, bool]] = []  # (text, is_table_row)
    position = 0
    for match in re.finditer(r"<table.*?</table>", document, re.S | re.I):
        pieces += [(p, False) for p in _paragraphs(document[position : match.start()])]
        pieces += [(row, True) for row in _tables(match.group(0))]
        position = match.end()
    pieces += [(p, False) for p in _paragraphs(document[position:])]

    sentences: list[Sentence] = []
    section = ""
    for paragraph, is_row in pieces:
        if not is_row and _is_heading(paragraph):
            section = paragraph
            continue
        parts = [paragraph] if is_row else _sentences(paragraph)
        for part in parts:
            sentences.append(Sentence(len(sentences) + 1, section, part, _normative(part)))
    return sentences
