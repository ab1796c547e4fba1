"""Finding a policy's quotes in its decision's text, word for word.

A quote is found only where the text has its words, letters and punctuation exactly; set
aside are case, whitespace and line breaks, a word hyphenated at a line's end
("utvecklings-" + "projekt"), and the 2018 tables' layout (HTML tags such as `<p>` and
`<u>`, tabs, the tables' separator lines). A quote may start or stop mid-sentence: it is a
passage of the text, not a whole sentence. The 2024 decision is quoted from its proofread
transcription (`Document.quoted`), which `authoring/transcription.py` holds to the scan.

`nearest` shows the passage most like a quote that is not found, to help correct it; it
never makes a quote found.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

_TAG_NAMES = "p|u|b|i|em|strong|span|br|table|thead|tbody|tr|td|th|div"
_TAG = re.compile(rf"</?(?:{_TAG_NAMES})\b[^>]*>", re.IGNORECASE)
"""The markup of the 2018 tables (not a bracketed web address such as `<http://…>`)."""
_INLINE_TAG = r"</?(?:u|b|i|em|strong|span)\b[^>]*>"
"""Markup inside a line of text: it may stand between two letters of a word."""
_SEPARATOR = r"(?m:^[ \t]*-{2,}(?:[ \t]+-{2,})*[ \t]*$)"
"""A table's separator line (`---` under each column)."""

_SPACE = rf"(?:\s|{_TAG.pattern}|{_SEPARATOR})+"
"""What a quote's whitespace stands for in the text: whitespace, markup, separator lines."""
_AFTER_HYPHEN = r"(?:[ \t]*\n\s*)?"
"""After a quote's hyphen, the text may break the line (`FoU-` + `arbetet`)."""


def plain(text: str) -> str:
    """Letters and digits only, lower case, no diacritics, no markup: a key for a quote
    (its anchor on the pages), never a way to find one."""
    text = re.sub(r"<[^>]+>", " ", text)  # the 2018 tables are HTML
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


_HYPHEN_BREAK = re.compile(r"-[ \t]*\n")
"""A word hyphenated at a line's end."""
_INLINE = re.compile(_INLINE_TAG, re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def _pattern(quote: str, inline_tags: bool, hyphen_breaks: bool) -> re.Pattern[str] | None:
    """The quote as a pattern: its characters exactly, its whitespace as `_SPACE`; between
    two letters, inline markup when the text has any (INLINE_TAGS) and a line-end hyphen
    when the text has one (HYPHEN_BREAKS). Left out where the text has none, they could
    match nothing there, and compiling them for every letter is what costs: the 2024
    policy's quotes against the 2026 text took 3.1 s to compile with them, ~0.1 s without."""
    words = quote.split()
    if not words:
        return None
    join = rf"(?:{_INLINE_TAG})*" if inline_tags else ""
    if hyphen_breaks:
        join = rf"{join}(?:-[ \t]*\n\s*)?{join}"
    after_hyphen = _AFTER_HYPHEN if hyphen_breaks else ""
    parts: list[str] = []
    for n, word in enumerate(words):
        if n:
            parts.append(_SPACE)
        for i, char in enumerate(word):
            if i:
                parts.append(after_hyphen if word[i - 1] == "-" else join)
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE)


def locate(quote: str, document: str) -> tuple[int, int] | None:
    """Where the quote stands in the document word for word (start and end offsets in the
    text as given, for marking it); None when it is not there."""
    inline_tags = _INLINE.search(document) is not None
    hyphen_breaks = _HYPHEN_BREAK.search(document) is not None
    pattern = _pattern(quote, inline_tags, hyphen_breaks)
    found = pattern.search(document) if pattern is not None else None
    return (found.start(), found.end()) if found else None


def found(quote: str, document: str) -> bool:
    """Whether the document has the quote word for word (see `locate`)."""
    return locate(quote, document) is not None


@functools.lru_cache(maxsize=1024)
def nearest(quote: str, document: str) -> str:
    """The passage of the document most like the quote (about as many words long), to show
    beside a quote that is not found. Remembered: while a draft's policy is rewritten for a
    new decision, most of its quotes stay unfound from save to save, and each check shows
    them all. policy.yaml of a 2027 draft started from 2024 saved and checked against the
    2026 text: 482 ms without it, 197 ms with it (`benchmarks/bench_calls_pages.py`,
    medians of 15)."""
    words = _TAG.sub(" ", re.sub(r"-[ \t]*\n\s*(?=\w)", "", document)).split()
    wanted = quote.split()
    if not words or not wanted:
        return ""
    key = [w.casefold() for w in words]
    target = " ".join(wanted).casefold()
    matcher = difflib.SequenceMatcher(None, key, [w.casefold() for w in wanted], autojunk=False)
    # The longest runs of shared words suggest where the passage is; the closest one wins.
    blocks = sorted(matcher.get_matching_blocks(), key=lambda b: -b.size)[:8]
    best, best_score = (0, len(wanted)), -1.0
    for anchor in {max(0, b.a - b.b) for b in blocks if b.size}:
        for start in range(max(0, anchor - 3), min(len(words), anchor + 4)):
            for length in range(max(1, len(wanted) - 2), len(wanted) + 3):
                window = " ".join(key[start : start + length])
                score = difflib.SequenceMatcher(None, window, target).ratio()
                if score > best_score:
                    best, best_score = (start, length), score
    start, length = best
    return " ".join(words[start : start + length])


def sources(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every source in a policy's JSON form, with its path (`rules.3.source`)."""
    if isinstance(node, dict):
        if "quote" in node and "section" in node:
            yield path, node
        for key, value in node.items():
            yield from sources(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from sources(value, f"{path}.{i}")
