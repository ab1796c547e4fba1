"""The one JSON form of every result, shared by the CLI and the service: same input, same bytes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel


def plain(value: BaseModel | Sequence[BaseModel] | Any) -> Any:
    """Models (or lists of them) as plain JSON data."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def to_json(value: BaseModel | Sequence[BaseModel] | Any) -> str:
    """Deterministic JSON text: keys in model order, UTF-8 characters kept, two-space indent."""
    return json.dumps(plain(value), ensure_ascii=False, indent=2) + "\n"
