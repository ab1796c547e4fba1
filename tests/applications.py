"""Applications the tests share."""

from __future__ import annotations

from typing import Any

A_PROJECT_2018: dict[str, Any] = {
    "id": "a",
    "kind": "project",
    "title": "t",
    "applicants": ["Farsta"],
    "requested_sek": 800000,
    "submitted": "2017-10-02",
}
"""A project of Farsta's within the 2018 call window, asking for more than the cap."""
