"""What the quotas' pages show and read (`web/quota_pages.py`): a draft's quotas as its
policy.yaml has them (read as YAML, so a draft whose policy does not load still shows
them), a limit typed as people type it, and the check's problems that concern one quota."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fourules.texts import text
from fourules.use_cases.check import CheckDocument

KINDS = ("project", "study_trip")
"""What a quota counts (policy/model.py's `Kind`), in the order the form offers them."""
ADMINISTRATIONS = ("district", "central")
"""The administrations a quota holds for (policy/administrations.py's `AdministrationType`)."""
ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
"""A new quota's id: lower-case words joined by dots (`quota.projects`)."""
RESERVED = {"new"}
"""Ids the pages' addresses use (`…/quotas/new`)."""


@dataclass(frozen=True)
class QuotaRow:
    """One quota as policy.yaml writes it, at its place in the list."""

    index: int
    id: str
    limit: Any
    counts: list[str]
    administrations: list[str]
    description: dict[str, str]
    section: str
    quote: str
    note: str


def _texts(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items() if v is not None}
    return {}


def _listed(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [] if value is None else [str(value)]


def rows(policy: Any) -> list[QuotaRow]:
    """The quotas policy.yaml lists, in its order (an entry that is no mapping shows what it
    holds as its id)."""
    found = policy.get("quotas") if isinstance(policy, dict) else None
    if not isinstance(found, list):
        return []
    out = []
    for index, entry in enumerate(found):
        entry = entry if isinstance(entry, dict) else {"id": entry}
        found_source = entry.get("source")
        source: dict[str, Any] = found_source if isinstance(found_source, dict) else {}
        out.append(
            QuotaRow(
                index=index,
                id=str(entry.get("id") or ""),
                limit=entry.get("limit"),
                counts=_listed(entry.get("counts")),
                administrations=_listed(entry.get("administrations")),
                description=_texts(entry.get("description")),
                section=str(source.get("section") or ""),
                quote=str(source.get("quote") or ""),
                note=str(source.get("note") or ""),
            )
        )
    return out


def read_limit(typed: str) -> int | str:
    """The limit typed: a whole number of at least 1, else the words that say so."""
    typed = typed.strip().replace(" ", "")
    if typed.isascii() and typed.isdigit() and int(typed) >= 1:
        return int(typed)
    return text("pages.quotas.limit.not_whole", typed=typed or "–")


@dataclass
class QuotaTyped:
    """The form as the person sent it (or as the quota stands), with the problems beside
    its fields."""

    id: str = ""
    limit: str = ""
    counts: list[str] = field(default_factory=list)
    administrations: list[str] = field(default_factory=list)
    description_sv: str = ""
    description_en: str = ""
    sentence: int | None = None
    quote: str = ""
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, row: QuotaRow, sentence: int | None, message: str) -> QuotaTyped:
        return cls(
            id=row.id,
            limit="" if row.limit is None else str(row.limit),
            counts=list(row.counts),
            administrations=list(row.administrations),
            description_sv=row.description.get("sv", ""),
            description_en=row.description.get("en", ""),
            sentence=sentence,
            quote=row.quote,
            message=message,
        )


def concerning(check: CheckDocument, row: QuotaRow) -> list[dict[str, Any]]:
    """The check's problems about the quota ROW: by its place in the list (`quotas.0.limit`,
    as the policy's loading and the quotes name it) or by its id (`quotas.quota.projects`,
    as the coverage map names it)."""
    prefixes = (f"quotas.{row.index}", f"quotas.{row.id}")
    out = []
    for p in check.problems:
        if any(p.field == x or p.field.startswith(x + ".") for x in prefixes):
            out.append({"check": p.check, "field": p.field, "line": p.line, "message": p.message})
    return out


def counts(check: CheckDocument, quotas: list[QuotaRow]) -> dict[str, int]:
    """How many of the check's problems concern each quota."""
    return {row.id: len(concerning(check, row)) for row in quotas}
