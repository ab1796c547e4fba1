"""The application each kind's cases are merged onto, edited in a form per kind under
`/calls/drafts/{year}/cases/defaults/{kind}` (`project`, `study_trip`): cases.yaml's
`defaults:` of that kind, its facts typed by the year's vocabulary as a case's application
is (`web/case_views.py`), and the answer to each criterion an assessor answers for the kind
(yes, no, not given). The fields the form does not ask (an id, a title, the applicants)
stay as written.

A save is one change to cases.yaml (`authoring/policy_item_edits.mapping_changed`: what did
not change keeps how it was written, the assessment on one line), against the revision the
form was shown at; the check stands beside the form with the cases that do not hold. The
table, the form, its save and a stale save are every editor's (`web/editor.Editor`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from fourules.authoring.cases import CASES_FILE
from fourules.authoring.policy_item_edits import mapping_changed
from fourules.calls.repository import CallsRepository
from fourules.texts import text
from fourules.use_cases import calls as uc
from fourules.web import case_views
from fourules.web.case_views import DefaultsRow, DefaultsTyped
from fourules.web.editor import DraftFile, Editor, Items
from fourules.web.gate import Form


class DefaultsDraft(DraftFile[DefaultsRow]):
    """The draft's cases.yaml as one revision has it, each kind's defaults, and the year's
    facts and assessed criteria to type them by."""

    def __init__(self, repository: CallsRepository, year: str, items: Items) -> None:
        super().__init__(repository, year, CASES_FILE, items)
        policy = case_views.draft_policy(self.files, year)
        self.facts = case_views.inputs(policy)
        self.criteria = case_views.assessed(policy)
        self.cases = case_views.rows(self.data)

    def of(self, kind: str) -> dict[str, Any]:
        """The facts and the criteria of KIND, as its form asks them."""
        return {
            "facts": case_views.of_kind(self.facts, kind),
            "criteria": self.criteria.get(kind, ()),
        }


class DefaultsEditor(Editor[DefaultsDraft, DefaultsTyped]):
    """Each kind's defaults in a form; a kind's key is its name."""

    items = Items("cases/defaults", "pages.case_defaults", "kind", case_views.defaults_rows)
    typed = DefaultsTyped
    drafts = DefaultsDraft

    def saved(self, key: str) -> str:
        return text("pages.case_defaults.saved", kind=_kind(key))

    def table(self, draft: DefaultsDraft, removed: str | None) -> dict[str, Any]:
        return {"rows": draft.rows, "shown": case_views.shown}

    def typed_of(self, draft: DefaultsDraft, row: DefaultsRow) -> DefaultsTyped:
        said = draft.of(row.kind)
        message = text("pages.case_defaults.message.default", kind=_kind(row.kind))
        return DefaultsTyped.of(row, said["facts"], said["criteria"], message)

    def form(self, draft: DefaultsDraft, row: DefaultsRow, typed: DefaultsTyped) -> dict[str, Any]:
        failing = case_views.failing(self.check(draft))
        own = [c for c in draft.cases if c.kind == row.kind and c.index in failing]
        return draft.of(row.kind) | {
            "failing": [(c, failing[c.index]) for c in own],
            "answers": case_views.ANSWERS,
            "unstated": case_views.UNSTATED,
            "shown": case_views.shown,
        }

    def read(self, form: Form, draft: DefaultsDraft, key: str) -> DefaultsTyped:
        said = draft.of(key)
        return case_views.read_defaults(form, key, said["facts"], said["criteria"])

    def edited(self, draft: DefaultsDraft, key: str, typed: DefaultsTyped) -> str | None:
        row = self.known(draft, key)
        said = draft.of(key)
        if not typed.message.strip():
            typed.message = text("pages.case_defaults.message.default", kind=_kind(key))
        application = case_views.defaults_of(typed, said["facts"], said["criteria"], row)
        if application is None:
            return None
        path = ("defaults", key)
        return mapping_changed(draft.text, path, application, before=("cases",), where=CASES_FILE)

    def saved_as(self, draft: DefaultsDraft, key: str, typed: DefaultsTyped) -> str:
        return key


def _kind(kind: str) -> str:
    """KIND in the page's words (`Lokalt utvecklingsprojekt`)."""
    return text(f"pages.cases.kind.{kind}") if kind in case_views.KINDS else kind


def case_defaults_pages(folder: uc.CallsFolder) -> APIRouter:
    """The defaults' pages of the calls folder's drafts: every editor's."""
    return DefaultsEditor(folder).router()
