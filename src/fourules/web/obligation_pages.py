"""A draft's obligations edited in forms, under `/calls/drafts/{year}/obligations`: a table of
what a grant obliges an applicant to do, and a form per obligation (and `…/obligations/new`)
— its id, its description in both languages and its source picked from the decision's text
sentence by sentence (`web/source_picker.py`), as the parameters' and the quotas' forms pick
theirs.

A save is one change to policy.yaml's `obligations:` (`authoring/policy_item_edits.py`: the
rest of the file stays as written); an obligation is removed after a question that names
what else names it (`web/removals.py`), such as the rule that tells applicants of it. The
table, the forms, their saves and the check beside them are every editor's
(`web/editor.Editor`); this module says what is the obligations' own.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from fourules.authoring.policy_item_edits import item_added, item_changed
from fourules.calls.files import POLICY_FILE
from fourules.evaluation.evaluator import Evaluator
from fourules.use_cases import calls as uc
from fourules.web import obligation_views as views
from fourules.web.editor import NEW, Items
from fourules.web.gate import Form
from fourules.web.obligation_views import ObligationRow, ObligationTyped
from fourules.web.policy_items import PolicyDraft, PolicyEditor
from fourules.web.removals import ListedRemoval

BEFORE = ("facts", "rules")
"""Where `obligations:` goes when policy.yaml has none: before the year's facts and rules."""


class ObligationEditor(PolicyEditor[ObligationRow, ObligationTyped]):
    """The obligations' table and forms."""

    items = Items("obligations", "pages.obligations", "id", views.rows)
    typed = ObligationTyped
    removes = True

    def concerning(self, draft: PolicyDraft[ObligationRow], row: ObligationRow) -> list[Any]:
        return views.concerning(self.check(draft), row, draft.year)

    def form(
        self, draft: PolicyDraft[ObligationRow], row: ObligationRow | None, typed: ObligationTyped
    ) -> dict[str, Any]:
        problems = self.concerning(draft, row) if row is not None else []
        return {"picker": draft.picker, "problems": problems}

    def read(self, form: Form, draft: PolicyDraft[ObligationRow], key: str) -> ObligationTyped:
        return ObligationTyped(
            id=str(form.get("id") or "").strip() if key == NEW else key,
            **ObligationTyped.fields_sent(form),
        )

    def edited(
        self, draft: PolicyDraft[ObligationRow], key: str, typed: ObligationTyped
    ) -> str | None:
        row = draft.row(key) if key != NEW else None
        if row is None:
            self.new_key(draft, typed.id, typed.errors)
        typed.described(self.items.words)
        picked = self.cited(draft, key, typed)
        if picked is None:
            return None
        sentence, quote = picked
        said = views.obligation_of(typed, row, sentence.section, quote)
        if said is None:
            return None
        if row is None:
            return item_added(draft.text, "obligations", said, before=BEFORE, where=POLICY_FILE)
        return item_changed(draft.text, "obligations", row.index, said, where=POLICY_FILE)

    def saved_as(self, draft: PolicyDraft[ObligationRow], key: str, typed: ObligationTyped) -> str:
        return typed.id


def obligation_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The obligations' pages of the calls folder's drafts: every editor's, and an obligation
    removed after a question."""
    editor = ObligationEditor(folder)
    router = editor.router()
    ListedRemoval(editor, "obligations", views.naming).add_to(router)
    return router
