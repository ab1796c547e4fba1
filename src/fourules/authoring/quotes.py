"""Finding a policy's quotes in its decision's text, tolerant of what a scan loses.

The 2024 decision is an OCR scan without diacritics and with broken lines, while the
policies quote it written properly (å ä ö). A quote is therefore compared letter by letter
with diacritics, case and punctuation set aside, and found when it matches closely enough
where it matches best — but never when a number differs: numbers are the rules' substance.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

FOUND = 0.85
"""A quote matching at least this well (1.0 = exactly, as plain letters) is found."""


def plain(text: str) -> str:
    """Letters and digits only, lower case, no diacritics, no markup."""
    text = re.sub(r"<[^>]+>", " ", text)  # the 2018 tables are HTML
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def match(quote: str, document: str) -> float:
    """How well the quote matches the document where it matches best (1.0 = exactly);
    0.0 when a number of the quote is not there."""
    q, d = plain(quote), plain(document)
    if q in d:
        return 1.0
    matcher = difflib.SequenceMatcher(None, d, q, autojunk=False)
    block = matcher.find_longest_match(0, len(d), 0, len(q))
    start = max(0, block.a - block.b)
    window = d[start : start + len(q) + 10]
    if not set(re.findall(r"\d+", q)) <= set(re.findall(r"\d+", window)):
        return 0.0
    return difflib.SequenceMatcher(None, window, q, autojunk=False).ratio()


def found(quote: str, document: str) -> bool:
    return match(quote, document) >= FOUND


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


_TAG = re.compile(r"<[^>]+>")


def _plain_with_offsets(text: str) -> tuple[str, list[int]]:
    """`plain(text)`, with the offset in `text` of every character it keeps."""
    masked = _TAG.sub(lambda m: " " * len(m.group()), text)
    out: list[str] = []
    offsets: list[int] = []
    for i, c in enumerate(masked):
        for d in unicodedata.normalize("NFKD", c.casefold()):
            if unicodedata.combining(d):
                continue
            if "a" <= d <= "z" or "0" <= d <= "9":
                out.append(d)
                offsets.append(i)
            elif out and out[-1] != " ":
                out.append(" ")
                offsets.append(i)
    return "".join(out), offsets


def locate(quote: str, document: str) -> tuple[int, int] | None:
    """Where the quote stands in the document (start and end offsets), found as `found`
    finds it; None when it is not there."""
    q = plain(quote)
    d, offsets = _plain_with_offsets(document)
    if not q or not found(quote, document):
        return None
    start = d.find(q)
    if start < 0:  # found closely enough, not exactly: where it matches best
        matcher = difflib.SequenceMatcher(None, d, q, autojunk=False)
        block = matcher.find_longest_match(0, len(d), 0, len(q))
        start = max(0, block.a - block.b)
    end = min(start + len(q), len(d)) - 1
    return offsets[start], offsets[end] + 1
