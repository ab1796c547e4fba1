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
