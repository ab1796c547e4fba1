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

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fourules.authoring.yaml_edits import quota_edited, quota_removed
from fourules.calls.repository import StaleRevision
from fourules.errors import InputError
from fourules.evaluation.evaluator import Evaluator
from fourules.texts import language, text
from fourules.use_cases import calls as uc
from fourules.web import policy_items, quota_views
from fourules.web.editor import NEW, Items
from fourules.web.gate import Form, Who, query
from fourules.web.policy_items import KEY, RESERVED, PolicyDraft, PolicyEditor, read_sourced
from fourules.web.quota_views import QuotaRow, QuotaTyped

FIELD_OF = policy_items.FIELD_OF | {part: part for part in ("limit", "counts", "administrations")}
"""Where on the form a check's problem about a quota's part is shown."""


class QuotaEditor(PolicyEditor[QuotaRow, QuotaTyped]):
    """The quotas' table and forms."""

    items = Items("quotas", "pages.quotas", "id", quota_views.rows)
    typed = QuotaTyped

    def table(self, draft: PolicyDraft[QuotaRow], removed: str | None) -> dict[str, Any]:
        return {
            "rows": draft.rows,
            "counts": quota_views.counts(self.check(draft), draft.rows),
            "quoted": draft.picker.quoted,
            "notice": text("pages.quotas.removed", id=removed) if removed else None,
        }

    def form(
        self, draft: PolicyDraft[QuotaRow], row: QuotaRow | None, typed: QuotaTyped
    ) -> dict[str, Any]:
        problems = quota_views.concerning(self.check(draft), row) if row is not None else []
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
            **read_sourced(form),
        )

    def edited(self, draft: PolicyDraft[QuotaRow], key: str, typed: QuotaTyped) -> str | None:
        if key == NEW:
            _check_id(draft, typed)
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
        picked = self.picked(draft, key, typed)
        if not typed.message.strip():
            typed.message = text("pages.quotas.message.default", id=typed.id)
        if typed.errors or picked is None or isinstance(limit, str):
            return None
        sentence, quote = picked
        typed.quote = quote
        return quota_edited(
            draft.text,
            typed.id,
            limit=limit,
            counts=typed.counts,
            administrations=typed.administrations,
            description={"sv": typed.description_sv, "en": typed.description_en},
            source={"section": sentence.section, "quote": quote},
        )

    def saved_as(self, draft: PolicyDraft[QuotaRow], key: str, typed: QuotaTyped) -> str:
        return typed.id


def quota_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The quotas' pages of the calls folder's drafts: every editor's, and a quota removed
    after a confirmation."""
    editor = QuotaEditor(folder)
    router = editor.router()

    @router.post("/calls/drafts/{year}/quotas/{id}/remove", response_class=HTMLResponse)
    async def remove(request: Request, year: str, id: str) -> Response:
        """Asked from the quota's form: the question. Confirmed (`confirm=yes`): removed."""

        def answer(signed: Who, form: Form) -> Response:
            draft = editor.draft(year)
            editor.known(draft, id)
            revision = form.get("revision", "")
            message = form.get("message", "").strip()
            errors: dict[str, str] = {}
            status = 200
            if form.get("confirm") == "yes" and revision == draft.revision:
                edited = quota_removed(draft.text, id)
                said = message or text("pages.quotas.remove.message", id=id)
                try:
                    editor.write(signed, draft, edited, said, revision)
                except StaleRevision:
                    status = 409
                except InputError as exc:
                    if exc.where != "message":
                        raise
                    errors["message"] = exc.message.get(language())
                    status = 422
                else:
                    address = f"/calls/drafts/{year}/quotas{query(removed=id)}"
                    return RedirectResponse(address, status_code=303)
            elif form.get("confirm") == "yes":
                status = 409  # the draft changed since the question: ask again
            return question(request, signed, draft, id, status, message, errors)

        return await editor.gate.signed_in_form(request, answer, year=year)

    def question(
        request: Request,
        signed: Who,
        draft: PolicyDraft[QuotaRow],
        id: str,
        status: int,
        message: str,
        errors: dict[str, str],
    ) -> HTMLResponse:
        """Whether to remove the quota, as it now stands (a 409: the draft changed since the
        question was asked, asked again at its new revision)."""
        shown = editor.draft(draft.year) if status == 409 else draft
        return editor.gate.page(
            "quotas_remove.html.j2",
            request,
            signed,
            status,
            year=shown.year,
            id=id,
            row=shown.row(id) or draft.row(id),
            revision=shown.revision,
            changed=status == 409,
            message=message or text("pages.quotas.remove.message", id=id),
            errors=errors,
        )

    return router


def _check_id(draft: PolicyDraft[QuotaRow], typed: QuotaTyped) -> None:
    """A new quota's id: of the policy's form, not yet taken."""
    if not KEY.match(typed.id) or typed.id in RESERVED:
        typed.errors["id"] = text("pages.quotas.id.invalid", id=typed.id or "–")
    elif draft.row(typed.id) is not None:
        typed.errors["id"] = text("pages.quotas.id.taken", id=typed.id)
