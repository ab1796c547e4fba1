"""A draft's quotas edited in forms, under `/calls/drafts/{year}/quotas`: a table of the
quotas (how many applications an administration may be granted in a round), and a form per
quota (and `…/quotas/new`) whose source is picked from the decision's text, sentence by
sentence (`web/source_picker.py`, as the parameters' forms pick theirs).

A save is one change to policy.yaml's `quotas:` made by `authoring/yaml_edits.py` (the rest
of the file stays as written); a quota is removed after a confirmation. The table, the
forms, their saves and the check beside them are every editor's (`web/editor.Editor`);
this module says what is the quotas' own.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from fourules.authoring.yaml_edits import quota_edited, quota_removed
from fourules.evaluation.evaluator import Evaluator
from fourules.texts import text
from fourules.use_cases import calls as uc
from fourules.web import policy_items, quota_views
from fourules.web.editor import NEW, Items
from fourules.web.gate import Form, query
from fourules.web.policy_items import PolicyDraft, PolicyEditor
from fourules.web.quota_views import QuotaRow, QuotaTyped
from fourules.web.removals import Removal

FIELD_OF = policy_items.FIELD_OF | {part: part for part in ("limit", "counts", "administrations")}
"""Where on the form a check's problem about a quota's part is shown."""


class QuotaEditor(PolicyEditor[QuotaRow, QuotaTyped]):
    """The quotas' table and forms."""

    items = Items("quotas", "pages.quotas", "id", quota_views.rows)
    typed = QuotaTyped
    removes = True

    def concerning(self, draft: PolicyDraft[QuotaRow], row: QuotaRow) -> list[Any]:
        return quota_views.concerning(self.check(draft), row)

    def form(
        self, draft: PolicyDraft[QuotaRow], row: QuotaRow | None, typed: QuotaTyped
    ) -> dict[str, Any]:
        problems = self.concerning(draft, row) if row is not None else []
        for p in problems:  # each beside the part of the form it is about
            parts = p["field"].split(".")
            p["anchor"] = next((FIELD_OF[x] for x in parts if x in FIELD_OF), "limit")
        return {
            "quota_kinds": quota_views.KINDS,
            "quota_administrations": quota_views.ADMINISTRATIONS,
            "picker": draft.picker,
            "problems": problems,
        }

    def read(self, form: Form, draft: PolicyDraft[QuotaRow], key: str) -> QuotaTyped:
        """The form as sent; each checkbox is a field of its own (`counts.project`)."""
        return QuotaTyped(
            id=form.get("id", "").strip() if key == NEW else key,
            limit=form.get("limit", ""),
            counts=[k for k in quota_views.KINDS if form.get(f"counts.{k}")],
            administrations=[
                a for a in quota_views.ADMINISTRATIONS if form.get(f"administrations.{a}")
            ],
            **QuotaTyped.fields_sent(form),
        )

    def edited(self, draft: PolicyDraft[QuotaRow], key: str, typed: QuotaTyped) -> str | None:
        if key == NEW:
            self.new_key(draft, typed.id, typed.errors)
        limit = quota_views.read_limit(typed.limit)
        if isinstance(limit, str):
            typed.errors["limit"] = limit
        typed.counts = [k for k in quota_views.KINDS if k in typed.counts]
        if not typed.counts:
            typed.errors["counts"] = text("pages.quotas.counts.needed")
        typed.administrations = [
            a for a in quota_views.ADMINISTRATIONS if a in typed.administrations
        ]
        if not typed.administrations:
            typed.errors["administrations"] = text("pages.quotas.administrations.needed")
        typed.described(self.items.words)
        picked = self.cited(draft, key, typed)
        if picked is None or isinstance(limit, str):
            return None
        sentence, quote = picked
        row = draft.row(key) if key != NEW else None
        return quota_edited(
            draft.text,
            typed.id,
            limit=limit,
            counts=typed.counts,
            administrations=typed.administrations,
            **typed.written(sentence.section, quote, row.note if row is not None else ""),
        )

    def saved_as(self, draft: PolicyDraft[QuotaRow], key: str, typed: QuotaTyped) -> str:
        return typed.id


class QuotaRemoval(Removal):
    """A quota removed after a question that shows it as it now stands."""

    template = "quotas_remove.html.j2"

    def dropped(self, draft: PolicyDraft[QuotaRow], row: QuotaRow) -> str:
        return quota_removed(draft.text, row.id)

    def message(self, key: str) -> str:
        return text("pages.quotas.remove.message", id=key)

    def done(self, year: str, key: str) -> str:
        return f"/calls/drafts/{year}/quotas{query(removed=key)}"

    def asked(self, shown: Any, row: Any, key: str) -> dict[str, Any]:
        return {"id": key}


def quota_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The quotas' pages of the calls folder's drafts: every editor's, and a quota removed
    after a confirmation."""
    editor = QuotaEditor(folder)
    router = editor.router()

    QuotaRemoval(editor).add_to(router)
    return router
