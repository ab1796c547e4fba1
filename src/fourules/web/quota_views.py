"""What the quotas' pages show and read (`web/quota_pages.py`): a draft's quotas as its
policy.yaml has them (read as YAML, so a draft whose policy does not load still shows
them), a limit typed as people type it, and the check's problems that concern one quota.
Their description and source are a parameter's too (`web/policy_items.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from fourules.texts import text
from fourules.use_cases.check import CheckDocument
from fourules.web.editor import ById, problem_shown, under
from fourules.web.lists import by_id
from fourules.web.policy_items import Sourced, SourcedTyped

KINDS = ("project", "study_trip")
"""What a quota counts (policy/model.py's `Kind`), in the order the form offers them."""
ADMINISTRATIONS = ("district", "central")
"""The administrations a quota holds for (policy/administrations.py's `AdministrationType`)."""


@dataclass(frozen=True)
class QuotaRow(ById, Sourced):
    """One quota as policy.yaml writes it, at its place in the list."""

    index: int
    id: str
    limit: Any
    counts: list[str]
    administrations: list[str]


def _listed(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [] if value is None else [str(value)]


def rows(policy: Any) -> list[QuotaRow]:
    """The quotas policy.yaml lists, in its order (an entry that is no mapping shows what it
    holds as its id)."""
    return [
        QuotaRow(
            **named,
            limit=entry.get("limit"),
            counts=_listed(entry.get("counts")),
            administrations=_listed(entry.get("administrations")),
            **Sourced.fields_of(entry),
        )
        for entry, named in by_id(policy, "quotas")
    ]


def read_limit(typed: str) -> int | str:
    """The limit typed: a whole number of at least 1, else the words that say so."""
    typed = typed.strip().replace(" ", "")
    if typed.isascii() and typed.isdigit() and int(typed) >= 1:
        return int(typed)
    return text("pages.quotas.limit.not_whole", typed=typed or "–")


@dataclass
class QuotaTyped(SourcedTyped):
    """The form as the person sent it (or as the quota stands), with the problems beside
    its fields."""

    kept: ClassVar[tuple[str, ...]] = ("id", "limit", *SourcedTyped.kept, "note")
    """What a refusal shows back of the form."""
    id: str = ""
    limit: str = ""
    counts: list[str] = field(default_factory=list)
    administrations: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, row: QuotaRow | None, sentence: int | None, message: str) -> QuotaTyped:
        if row is None:
            return cls(message=message)
        return cls(
            id=row.id,
            limit="" if row.limit is None else str(row.limit),
            counts=list(row.counts),
            administrations=list(row.administrations),
            note=row.note,
            **cls.fields_of(row, sentence, message),
        )


def concerning(check: CheckDocument, row: QuotaRow) -> list[dict[str, Any]]:
    """The check's problems about the quota ROW: by its place in the list (`quotas.0.limit`,
    as the policy's loading and the quotes name it) or by its id (`quotas.quota.projects`,
    as the coverage map names it)."""
    prefixes = (f"quotas.{row.index}", f"quotas.{row.id}")
    return [
        problem_shown(p)
        for p in check.problems
        if any(under(p.field, x) is not None for x in prefixes)
    ]
