"""A draft's heading edited in a form, at `/calls/drafts/{year}/heading`: the call's name in
Swedish and English and the decision it encodes — the `document:` block's title, issuer,
addressee and reference, the file of its text, and the transcription it is quoted from when
the text is a scan (`web/heading_views.py`). The id and the version are shown, not edited:
the id is the year, and the version is set when the draft is published, by the versioning
rule (`authoring/versioning.py`).

A save is one change to policy.yaml (`authoring/heading_edits.py`: only the keys that say
something new, the rest of the file as written), refused beside its field when the policy
model would refuse it. A year whose decision is clean text needs no transcription: **the
text is not a transcription** asks first, then removes the `transcription:` key and the
transcription's file in one commit, so the draft never names a file it does not hold nor
holds one nothing names. The form, its save (a stale one shows the heading as it now stands
beside what was typed) and the check beside them are every editor's (`web/editor.Editor`).
"""

from __future__ import annotations

import functools
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fourules.authoring.heading_edits import heading_edited
from fourules.calls.files import POLICY_FILE
from fourules.errors import InputError
from fourules.evaluation.evaluator import Evaluator
from fourules.texts import language, text
from fourules.use_cases import calls as uc
from fourules.web import call_views, heading_views
from fourules.web.editor import DraftFile, Editor, FormState, Items, committed
from fourules.web.gate import Form, Refused, Who, query
from fourules.web.heading_views import HEADING, TEXTS, HeadingRow, HeadingTyped
from fourules.web.policy_items import refusal
from fourules.web.source_picker import quoted_file

SEGMENT = "heading"


class HeadingDraft(DraftFile[HeadingRow]):
    """The draft's policy.yaml as one revision has it, and its heading."""

    def __init__(self, editor: HeadingEditor, year: str) -> None:
        super().__init__(editor.repository, year, POLICY_FILE, editor.items)

    @property
    def texts(self) -> list[str]:
        """The draft's files that may hold the decision's text or its transcription."""
        return [name for name in TEXTS if name in self.files]


class HeadingEditor(Editor[HeadingDraft, HeadingTyped]):
    """The heading's form: one item, at the draft's `…/heading`."""

    items = Items(SEGMENT, "pages.heading", "part", heading_views.rows)
    typed = HeadingTyped

    def draft(self, year: str) -> HeadingDraft:
        return HeadingDraft(self, year)

    def table(self, draft: HeadingDraft, removed: str | None) -> dict[str, Any]:
        return {}  # no table: the page is the form

    def address(self, year: str, key: str) -> str:
        return f"/calls/drafts/{year}/{SEGMENT}"

    def typed_of(self, draft: HeadingDraft, row: HeadingRow) -> HeadingTyped:
        return HeadingTyped.of(row, text("pages.heading.message.default"))

    def form(self, draft: HeadingDraft, row: HeadingRow, typed: HeadingTyped) -> dict[str, Any]:
        return {
            "problems": heading_views.concerning(self.check(draft)),
            "texts": draft.texts,
            "quoted": quoted_file(draft.data),
        }

    def read(self, form: Form, draft: HeadingDraft, key: str) -> HeadingTyped:
        return heading_views.read_typed(form)

    def edited(self, draft: HeadingDraft, key: str, typed: HeadingTyped) -> str | None:
        row = self.known(draft, key)
        if not typed.message.strip():
            typed.message = text("pages.heading.message.default")
        heading_views.checked(typed, row, draft.files)
        if typed.errors:
            return None
        title = typed.title.written()
        try:
            edited = heading_edited(draft.text, title, typed.document(), where=POLICY_FILE)
        except InputError as exc:
            typed.errors["document_title"] = exc.text(language())
            return None
        if edited != draft.text and refusal(draft.year, draft.text) is None:
            refused = refusal(draft.year, edited)  # it loaded: the edit must keep it so
            if refused is not None:
                place = refused.where.split(".")[-1] if refused.where else ""
                where = heading_views.FIELD_OF.get(place, "document_title")
                if refused.where.startswith("title"):
                    where = "title_sv"
                typed.errors[where] = text("pages.heading.refused", problem=refused.message)
                return None
        return edited

    def saved_as(self, draft: HeadingDraft, key: str, typed: HeadingTyped) -> str:
        return HEADING

    def saved(self, key: str) -> str:
        return text("pages.heading.saved")

    def router(self) -> APIRouter:
        """The form, its save, and the transcription removed after a question."""
        router = APIRouter(include_in_schema=False)
        page = f"/calls/drafts/{{year}}/{SEGMENT}"

        @router.get(page, response_class=HTMLResponse)
        async def edit(
            request: Request, year: str, saved: str | None = None, removed: str | None = None
        ) -> Response:
            def build(signed: Who) -> Response:
                notice = self.saved(HEADING) if saved else None
                if removed:
                    notice = text("pages.heading.transcription.removed", file=removed)
                state = FormState[HeadingTyped](notice=notice)
                return self.form_page(request, signed, self.draft(year), HEADING, state)

            return await self.gate.signed_in_page(request, build, year=year)

        @router.post(page, response_class=HTMLResponse)
        async def save(request: Request, year: str) -> Response:
            def answer(signed: Who, form: Form) -> Response:
                return self.save(request, signed, self.draft(year), HEADING, form)

            return await self.gate.signed_in_form(request, answer, year=year)

        @router.post(f"{page}/transcription", response_class=HTMLResponse)
        async def not_transcribed(request: Request, year: str) -> Response:
            """Asked from the form: the question. Confirmed (`confirm=yes`) at the revision
            asked: the key and the file removed in one commit."""

            def answer(signed: Who, form: Form) -> Response:
                return self.transcription_removed(request, signed, year, form)

            return await self.gate.signed_in_form(request, answer, year=year)

        return router

    def transcription_removed(
        self, request: Request, signed: Who, year: str, form: Form
    ) -> Response:
        draft = self.draft(year)
        row = self.known(draft, HEADING)
        if not row.transcription:
            raise Refused(422, text("pages.heading.transcription.not_named", year=year))
        revision = str(form.get("revision") or "")
        message = str(form.get("message") or "").strip()
        status, errors = 200, dict[str, str]()
        if form.get("confirm") == "yes" and revision != draft.revision:
            status = 409  # the draft changed since the question: asked again
        elif form.get("confirm") == "yes":
            edited = heading_edited(draft.text, {}, {"transcription": None}, where=POLICY_FILE)
            files: dict[str, bytes | None] = {POLICY_FILE: edited.encode("utf-8")}
            if row.transcription in draft.files and row.transcription != row.document.get("file"):
                files[row.transcription] = None
            said = message or text("pages.heading.transcription.message", file=row.transcription)
            change = functools.partial(
                uc.change_files, self.repository, signed.person, year, files, said, revision
            )
            status = committed(change, errors)
            if not status:
                done = f"{self.address(year, HEADING)}{query(removed=row.transcription)}#check"
                return RedirectResponse(done, status_code=303)
        shown = self.draft(year) if status == 409 else draft
        now = self.known(shown, HEADING)
        held = shown.files.get(now.transcription)
        lines, more = call_views.first_lines(held) if held is not None else ("", 0)
        return self.gate.page(
            "heading_transcription.html.j2",
            request,
            signed,
            status,
            year=year,
            row=now,
            revision=shown.revision,
            held=held is not None,
            lines=lines,
            more=more,
            changed=status == 409,
            message=message or text("pages.heading.transcription.message", file=now.transcription),
            errors=errors,
        )


def heading_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The heading's page of the calls folder's drafts."""
    return HeadingEditor(folder).router()
