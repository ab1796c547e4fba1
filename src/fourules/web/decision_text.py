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
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from fourules.authoring.quotes import locate, plain, sources
from fourules.evaluation.evaluator import Evaluator
from fourules.texts import language, text

_TAG = re.compile(r"<[^>]+>")
_NAMED = re.compile(r"\(([a-z][a-z0-9_]*)\)")
"""An id in brackets, as the readings' notes name their alternatives: "(trips_too)"."""


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


@dataclass(frozen=True)
class Citing:
    """How a year's pages cite its decision: called with a quote, the quote's anchor in the
    text (None: no text, or not found); `note`, a source's note as a page shows it."""

    year: str
    marked: MarkedText | None
    alternatives: frozenset[str]
    """The ids of the year's alternative readings."""

    def __call__(self, quote: str | None) -> str | None:
        return self.marked.anchor(quote) if self.marked is not None else None

    def note(self, words: str) -> Markup:
        """WORDS with each alternative they name by its id ("(trips_too)", as the policies'
        notes do) shown as words that link to it on the year's readings page, where it is
        described and replayed: a reader is shown no id where a word belongs."""
        query = "?lang=en" if language() == "en" else ""
        shown, at = [], 0
        for named in _NAMED.finditer(words):
            if named[1] not in self.alternatives:
                continue
            link = f"/policies/{self.year}/readings{query}#alternative-{named[1]}"
            shown.append(escape(words[at : named.start()]))
            shown.append(
                Markup('(<a href="{}">{}</a>)').format(link, text("readings.see_alternative"))
            )
            at = named.end()
        shown.append(escape(words[at:]))
        return Markup("").join(shown)


UNCITED = Citing("", None, frozenset())
"""For a text that is no page of the years served (a draft's): its quotes link nowhere, and
its notes are shown as written."""


def quote_anchors(evaluator: Evaluator, year: str) -> Citing:
    """How the year's pages cite its decision (`Citing`)."""
    policy = evaluator.load_policy(year)
    ids = frozenset(a.id for rule in policy.rules for a in rule.alternatives)
    return Citing(year, marked_text(evaluator, year), ids)


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
