"""A draft's criteria edited in forms, under `/calls/drafts/{year}/criteria`: a table of the
criteria (mandatory and priority), and a form per criterion (and `…/criteria/new`, with
`?type=priority` for a priority one) — its id, type, the kinds it applies to, its title, its
source picked from the decision's text sentence by sentence (`web/source_picker.py`), the
note that reads it, and the messages of its branches, a new one's prefilled with the house's
wording for its type.

A save writes one rule of policy.yaml as the policies write a criterion's
(`authoring/criterion_rules.py`): a new one beside the criteria of its type, an edited one
changed only in what the form shows (`authoring/policy_item_edits.py`; the rest of the file
stays as written). A criterion is removed after a question that names what else in the draft
names it (`web/removals.py`). The table, the forms, their saves and the check beside them are
every editor's (`web/editor.Editor`); this module says what is the criteria's own.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from fourules.authoring import criterion_rules as cr
from fourules.authoring.policy_item_edits import item_added, item_changed
from fourules.calls.files import POLICY_FILE
from fourules.evaluation.evaluator import Evaluator
from fourules.texts import text
from fourules.use_cases import calls as uc
from fourules.web import criterion_views as views
from fourules.web.criterion_views import CriterionRow, CriterionTyped
from fourules.web.editor import NEW, FormState, Items
from fourules.web.gate import Form, Who
from fourules.web.policy_items import PolicyDraft, PolicyEditor
from fourules.web.removals import ListedRemoval


class CriterionEditor(PolicyEditor[CriterionRow, CriterionTyped]):
    """The criteria's table and forms."""

    items = Items("criteria", "pages.criteria", "id", views.rows)
    typed = CriterionTyped
    removes = True

    def concerning(self, draft: PolicyDraft[CriterionRow], row: CriterionRow) -> list[Any]:
        return views.concerning(self.check(draft), row, draft.year)

    def listed(self, draft: PolicyDraft[CriterionRow]) -> dict[str, Any]:
        return {"types": cr.TYPES}

    def form(
        self, draft: PolicyDraft[CriterionRow], row: CriterionRow | None, typed: CriterionTyped
    ) -> dict[str, Any]:
        problems = self.concerning(draft, row) if row is not None else []
        parts = [b.part for b in row.branches] if row is not None else list(views.ROLES)
        return {
            "picker": draft.picker,
            "problems": problems,
            "types": cr.TYPES,
            "criterion_kinds": views.KINDS,
            "parts": parts,
            "branches": {b.part: b for b in row.branches} if row is not None else {},
            "groups": sorted({r.group for r in draft.rows if r.group}),
        }

    def read(self, form: Form, draft: PolicyDraft[CriterionRow], key: str) -> CriterionTyped:
        return views.read_typed(form, key, draft.row(key) if key != NEW else None)

    def edited(
        self, draft: PolicyDraft[CriterionRow], key: str, typed: CriterionTyped
    ) -> str | None:
        row = draft.row(key) if key != NEW else None
        weight = views.checked(typed, row, draft.data)
        picked = self.cited(draft, key, typed)
        if picked is None:
            return None
        sentence, quote = picked
        rule = views.rule_of(typed, row, weight, sentence.section, quote)
        if rule is None:
            return None
        if row is None:
            at = views.place(draft.data, typed.type)
            said = draft.text
            if typed.type == "priority" and typed.group:  # its group's other reading too
                for index, other in cr.ungrouping(draft.data, typed.group, typed.id):
                    said = item_changed(said, "rules", index, other, where=POLICY_FILE)
            return item_added(said, "rules", rule, at, where=POLICY_FILE)
        return item_changed(draft.text, "rules", row.index, rule, where=POLICY_FILE)

    def saved_as(self, draft: PolicyDraft[CriterionRow], key: str, typed: CriterionTyped) -> str:
        return typed.id


def criteria_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The criteria's pages of the calls folder's drafts: every editor's, a new criterion's
    form for either type, and a criterion removed after a question."""
    editor = CriterionEditor(folder)
    router = APIRouter(include_in_schema=False)

    @router.get("/calls/drafts/{year}/criteria/new", response_class=HTMLResponse)
    async def new(request: Request, year: str, type: str = "mandatory") -> Response:
        """A new criterion's form, its messages the house's wording for TYPE."""

        def build(signed: Who) -> Response:
            typed = CriterionTyped.new(type, text("pages.criteria.message.new"))
            state = FormState[CriterionTyped](typed=typed)
            return editor.form_page(request, signed, editor.draft(year), NEW, state)

        return await editor.gate.signed_in_page(request, build, year=year)

    router.include_router(editor.router())
    ListedRemoval(editor, "rules", views.naming).add_to(router)
    return router
