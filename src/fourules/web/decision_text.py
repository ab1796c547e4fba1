"""A year's decision text with the policy's quotes marked, for the quote links.

The text is the one the policy quotes (`Document.quoted`: for 2024 the proofread
transcription of the scan, which the pages say, with a link to the scan as it is). Each
quote is located word for word, as `fourules check` finds it; quotes of the same passage
share one mark. A mark's anchor is made from the quote itself, so a link stays right when
other quotes are added.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fourules.authoring.quotes import locate, plain, sources
from fourules.evaluation.evaluator import Evaluator

_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Segment:
    text: str
    anchor: str | None = None
    """The mark's anchor when this stretch is quoted by the policy."""


@dataclass(frozen=True)
class MarkedText:
    segments: tuple[Segment, ...]
    anchors: dict[str, str]
    """The anchor of every quote found, by the quote's plain letters."""

    def anchor(self, quote: str | None) -> str | None:
        return self.anchors.get(plain(quote)) if quote else None


def anchor_of(quote: str) -> str:
    return "q-" + hashlib.sha1(plain(quote).encode()).hexdigest()[:10]


def document_file(evaluator: Evaluator, year: str) -> Path | None:
    """The text the year's policy quotes (its transcription, else its text); None when the
    folder does not have it."""
    return _in_folder(evaluator, year, evaluator.load_policy(year).document.quoted)


def scan_file(evaluator: Evaluator, year: str) -> Path | None:
    """The scanned text a transcription transcribes; None when the year quotes no
    transcription (or the folder does not have the scan)."""
    document = evaluator.load_policy(year).document
    return _in_folder(evaluator, year, document.file) if document.transcription else None


def _in_folder(evaluator: Evaluator, year: str, name: str | None) -> Path | None:
    if not name:
        return None
    path = evaluator.policy_paths()[year].parent / name
    return path if path.is_file() else None


def marked_text(evaluator: Evaluator, year: str) -> MarkedText | None:
    """The year's decision with its quotes marked; None when the folder has no text."""
    path = document_file(evaluator, year)
    if path is None:
        return None
    return _marked(path, evaluator.loaded(year).ref.sha256, year, evaluator)


def quote_anchors(evaluator: Evaluator, year: str) -> Callable[[str | None], str | None]:
    """The anchor in the year's decision text of a quote (None: no text, or not found)."""
    marked = marked_text(evaluator, year)
    return marked.anchor if marked is not None else (lambda quote: None)


@functools.lru_cache(maxsize=16)
def _marked(path: Path, sha256: str, year: str, evaluator: Evaluator) -> MarkedText:
    """Read and marked once per policy version (`sha256`), not on every page."""
    text = path.read_text(encoding="utf-8")
    policy = evaluator.load_policy(year).model_dump(mode="json")
    spans: dict[tuple[int, int], str] = {}
    anchors: dict[str, str] = {}
    for _, source in sources(policy):
        quote = source.get("quote") or ""
        if plain(quote) in anchors:
            continue
        where = locate(quote, text)
        if where is None:
            continue
        # A quote inside (or over) a passage already marked links to that mark.
        same = next((a for (s, e), a in spans.items() if s < where[1] and where[0] < e), None)
        anchors[plain(quote)] = same or spans.setdefault(where, anchor_of(quote))
    segments, at = [], 0
    for (start, end), anchor in sorted(spans.items()):
        segments.append(Segment(_shown(text[at:start])))
        segments.append(Segment(_shown(text[start:end]), anchor))
        at = end
    segments.append(Segment(_shown(text[at:])))
    return MarkedText(tuple(segments), anchors)


def _shown(text: str) -> str:
    """The text as read: the 2018 tables' markup becomes line breaks."""
    return _TAG.sub("\n", text)
