"""The pages' words: the catalogue's (`fourules.texts`), looked up in the page's language."""

from __future__ import annotations

from fourules.text import Lang
from fourules.texts import text


def t(key: str, lang: Lang, **values: object) -> str:
    """The text `key` in `lang`, with its `{placeholders}` filled from `values`."""
    return text(key, lang, **values)
