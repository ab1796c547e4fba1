"""The lists of a draft's file as the editors read them: as written, whatever they hold, so a
draft whose policy does not load still shows its items (and an entry that is no mapping shows
what it holds); and an item named in its address by its place in its list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _empty(entry: Any) -> dict[str, Any]:
    return {}


def entries(
    data: Any, key: str, other: Callable[[Any], dict[str, Any]] = _empty
) -> list[dict[str, Any]]:
    """The entries of DATA's list KEY, in its order: a mapping as written, anything else as
    OTHER shows it (empty unless told); none when DATA is no mapping or KEY names no list."""
    found = data.get(key) if isinstance(data, dict) else None
    if not isinstance(found, list):
        return []
    return [entry if isinstance(entry, dict) else other(entry) for entry in found]


def by_id(data: Any, key: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The entries of DATA's list KEY (`entries`), each with what names it as an item by
    its id: its place (`index`) and its id as text (`id`); an entry that is no mapping
    shows what it holds as its id."""
    return [
        (entry, {"index": index, "id": str(entry.get("id") or "")})
        for index, entry in enumerate(entries(data, key, lambda held: {"id": held}))
    ]


class ByPlace:
    """An item named in its address by its place in its list (`…/cases/3`)."""

    index: int

    @property
    def key(self) -> str:
        return str(self.index)
