"""What the obligations' pages show and read (`web/obligation_pages.py`): a draft's obligations
as its policy.yaml writes them (read as YAML, so a draft whose policy does not load still
shows them), the obligation a form writes (held to the policy's own `Obligation` model), the
check's problems about one, and what else in the draft names it. Their description and
source are a parameter's and a quota's too (`web/policy_items.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import ValidationError

from fourules.authoring.policy_item_edits import in_order
from fourules.policy.model import Obligation
from fourules.texts import text
from fourules.use_cases.check import CheckDocument, CheckProblem
from fourules.web.editor import ById, linked
from fourules.web.lists import by_id
from fourules.web.policy_items import Sourced, SourcedTyped
from fourules.web.removals import Naming, coverage, names_word, rules

OBLIGATION_KEYS = ("id", "description", "source")
"""An obligation's keys in the order the policies write them (docs/policies.md)."""
SOURCE_KEYS = ("section", "quote", "note", "precedent")


@dataclass(frozen=True)
class ObligationRow(ById, Sourced):
    """One obligation as policy.yaml writes it, at its place in the list."""

    index: int
    id: str
    written: dict[str, Any]


def rows(policy: Any) -> list[ObligationRow]:
    """The obligations policy.yaml lists, in its order (an entry that is no mapping shows
    what it holds as its id)."""
    return [
        ObligationRow(**named, written=entry, **Sourced.fields_of(entry))
        for entry, named in by_id(policy, "obligations")
    ]


@dataclass
class ObligationTyped(SourcedTyped):
    """The form as the person sent it (or as the obligation stands), with the problems
    beside its fields."""

    kept: ClassVar[tuple[str, ...]] = ("id", *SourcedTyped.kept)
    """What a refusal shows back of the form."""
    id: str = ""

    @classmethod
    def of(cls, row: ObligationRow | None, sentence: int | None, message: str) -> ObligationTyped:
        if row is None:
            return cls(message=message)
        return cls(id=row.id, **cls.fields_of(row, sentence, message))


def obligation_of(
    typed: ObligationTyped, row: ObligationRow | None, section: str, quote: str
) -> dict[str, Any] | None:
    """The obligation the form writes: its id, description and source as typed, and what
    else it has as written (a note, a precedent); None, with the problem beside its field,
    when the `Obligation` model refuses it."""
    written: dict[str, Any] = dict(row.written) if row is not None else {}
    found = written.get("source")
    source: dict[str, Any] = dict(found) if isinstance(found, Mapping) else {}
    source |= {"section": section, "quote": quote}
    said = written | {
        "id": typed.id,
        "description": typed.description.written(),
        "source": in_order(list(found or {}), source, SOURCE_KEYS),
    }
    try:
        Obligation.model_validate(said | {"source": {"document": "", **source}})
    except ValidationError as exc:
        for error in exc.errors():
            field = "id" if error["loc"][:1] == ("id",) else "sentences"
            if error["loc"][:1] == ("description",):
                field = "description_sv"
            typed.errors[field] = text("pages.obligations.refused", problem=error["msg"])
        return None
    return in_order(list(written), said, OBLIGATION_KEYS)


FIELD_OF = {"id": "id", "description": "description_sv", "source": "sentences"}
"""Where on the form a check's problem about a part of an obligation is shown."""


def concerning(check: CheckDocument, row: ObligationRow, year: str) -> list[dict[str, Any]]:
    """The check's problems about the obligation ROW: those about it (`obligations.0.…`, by
    its place), each linked to its field; and the coverage map's that name it
    (`obligations.<id>`), linked to that file on the draft's page."""

    def anchor(part: str) -> str:
        return FIELD_OF.get(part.split(".")[0], "description_sv")

    def elsewhere(p: CheckProblem) -> str | None:
        if p.check == "coverage" and names_word(p.message, f"obligations.{row.id}"):
            return f"/calls/drafts/{year}#file-coverage.yaml"
        return None

    return linked(check, f"obligations.{row.index}", anchor, elsewhere)


def naming(files: Mapping[str, str], policy: Any, row: ObligationRow) -> list[Naming]:
    """What else in the draft names the obligation ROW: coverage entries linking it, and the
    rule of the same id that tells applicants of it."""
    return [
        *coverage(files, {f"obligations.{row.id}"}),
        *rules(policy, lambda rule: rule.get("id") == row.id),
    ]
