"""A draft's administrations, under `/calls/drafts/{year}/administrations`: the year's
administrations as policy.yaml lists them (each applicant names one of them; the members,
the former names and those not yet formed are shown, not edited here) and the source they
rest on, with the check's problems about them; and a form (`…/administrations/source`)
that cites the decision by picking its sentence (`web/source_picker.py`), as the parameters'
and the quotas' forms do, so the quote is the decision's words by construction, with the
note that says how the list is read from it (the decision does not list them).

A save changes only the source's keys that say something new (`yaml_edits.
administrations_sourced`: a quote kept as it was stays written as it was; a new note is
folded as the policies fold theirs). The page, the form, its save (a stale one shows the
source as it now stands beside what was typed) and the check beside them are every
editor's (`web/editor.Editor`); this module says what is the administrations' own. The
parameters' table links here (`web/param_pages.py` serves these pages with its own).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from fourules.authoring.policy_item_edits import folded, unfolded
from fourules.authoring.rule_edits import LONGEST_LINE, WIDTH
from fourules.authoring.yaml_edits import administrations_sourced
from fourules.evaluation.evaluator import Evaluator
from fourules.texts import text
from fourules.use_cases import calls as uc
from fourules.use_cases.check import CheckDocument
from fourules.web.editor import NEW, FormState, Items, problem_shown, under
from fourules.web.gate import Form, Refused, Who
from fourules.web.policy_items import FIELD_OF, PolicyDraft, PolicyEditor, Sourced, SourcedTyped

SOURCE = "source"
"""The one item of the administrations' pages: their source (`…/administrations/source`)."""
COLUMN = 6
"""Where the lines of the administrations' folded quote and note start, as the policies
write them (`administrations:` at 0, `source:` at 2, its keys at 4); they end by the
column the policies fold a source's texts at (`rule_edits.WIDTH`, as the years' and the
example's administrations are folded)."""
KEY_LINE = len("    quote: ")
"""How far into its line a quote starts when it stands on its key's line."""


@dataclass(frozen=True)
class AdministrationsRow(Sourced):
    """The administrations as policy.yaml writes them: their source (the page's one item),
    the members, and the names that were or are not yet administrations."""

    members: list[dict[str, Any]] = field(default_factory=list)
    former: list[dict[str, Any]] = field(default_factory=list)
    not_yet_formed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return SOURCE


def _mappings(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def rows(policy: Any) -> list[AdministrationsRow]:
    """The administrations of policy.yaml, as the one row of their page; none when it has
    no mapping `administrations`."""
    found = policy.get("administrations") if isinstance(policy, dict) else None
    if not isinstance(found, dict):
        return []
    return [
        AdministrationsRow(
            members=_mappings(found.get("members")),
            former=_mappings(found.get("former")),
            not_yet_formed=_mappings(found.get("not_yet_formed")),
            **Sourced.fields_of(found),
        )
    ]


@dataclass
class AdministrationsTyped(SourcedTyped):
    """The form as the person sent it (or as the source stands): the sentence picked, the
    quote kept from it, the note, the save's message, and the problems beside them."""

    kept: ClassVar[tuple[str, ...]] = ("quote", "note", "message")
    """What a refusal shows back of the form."""

    @classmethod
    def of(
        cls, row: AdministrationsRow | None, sentence: int | None, message: str
    ) -> AdministrationsTyped:
        if row is None:
            return cls(message=message)
        return cls(note=row.note, **cls.fields_of(row, sentence, message))


def concerning(check: CheckDocument) -> list[dict[str, Any]]:
    """The check's problems about the administrations (`administrations.source.quote`,
    `administrations.members.3`), each linked to the part of the form it is about."""
    out = []
    for p in check.problems:
        below = under(p.field, "administrations")
        if below is not None:
            part = below.split(".")[1] if below.startswith("source.") else ""
            anchor = {"note": "note"}.get(part, FIELD_OF["source"])
            out.append(problem_shown(p) | {"anchor": anchor})
    return out


def written(said: str, old: str) -> Any:
    """SAID (a quote or a note) as policy.yaml writes it: as it was when it says what OLD
    said, else folded as the policies fold theirs when it does not fit on its key's line,
    and on that line when it does (so a short quote replacing a folded one is not folded)."""
    said = " ".join(said.split())
    if said == " ".join(old.split()):
        return old
    return folded(said, COLUMN, WIDTH) if KEY_LINE + len(said) > LONGEST_LINE else unfolded(said)


class AdministrationsEditor(PolicyEditor[AdministrationsRow, AdministrationsTyped]):
    """The administrations' page and the form of their source."""

    items = Items("administrations", "pages.administrations", "part", rows)
    typed = AdministrationsTyped

    def concerning(self, draft: PolicyDraft[AdministrationsRow], row: Any) -> list[Any]:
        return concerning(self.check(draft))

    def listed(self, draft: PolicyDraft[AdministrationsRow]) -> dict[str, Any]:
        return {"problems": concerning(self.check(draft))}

    def known(self, draft: PolicyDraft[AdministrationsRow], key: str) -> Any:
        """The source (the one item); none is added, so `…/new` is no page."""
        if key == NEW:
            raise Refused(404, self.unknown(key, draft.year))
        return super().known(draft, key)

    def form_page(
        self,
        request: Request,
        signed: Who,
        draft: PolicyDraft[AdministrationsRow],
        key: str,
        state: FormState[AdministrationsTyped],
    ) -> HTMLResponse:
        self.known(draft, key)
        return super().form_page(request, signed, draft, key, state)

    def typed_of(
        self, draft: PolicyDraft[AdministrationsRow], row: AdministrationsRow | None
    ) -> AdministrationsTyped:
        message = text("pages.administrations.message.default")
        cited = draft.picker.cited(row.section, row.quote) if row is not None else None
        return AdministrationsTyped.of(row, cited, message)

    def form(
        self,
        draft: PolicyDraft[AdministrationsRow],
        row: AdministrationsRow | None,
        typed: AdministrationsTyped,
    ) -> dict[str, Any]:
        return {"picker": draft.picker, "problems": concerning(self.check(draft))}

    def read(
        self, form: Form, draft: PolicyDraft[AdministrationsRow], key: str
    ) -> AdministrationsTyped:
        return AdministrationsTyped(**AdministrationsTyped.fields_sent(form))

    def edited(
        self, draft: PolicyDraft[AdministrationsRow], key: str, typed: AdministrationsTyped
    ) -> str | None:
        row = self.known(draft, key)
        if not typed.message.strip():
            typed.message = text("pages.administrations.message.default")
        picked = self.cited(draft, key, typed)
        if picked is None:
            return None
        sentence, quote = picked
        source: dict[str, Any] = {"section": sentence.section, "quote": written(quote, row.quote)}
        note = " ".join((typed.note or "").split())
        if typed.note is not None:
            source["note"] = written(note, row.note) if note else None
        return administrations_sourced(draft.text, source)

    def saved_as(
        self, draft: PolicyDraft[AdministrationsRow], key: str, typed: AdministrationsTyped
    ) -> str:
        return SOURCE

    def saved(self, key: str) -> str:
        return text("pages.administrations.saved")


def administration_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The administrations' pages of the calls folder's drafts."""
    return AdministrationsEditor(folder).router()
