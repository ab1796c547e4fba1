"""One page to re-cite a draft after its new decision is pasted, under
`/calls/drafts/{year}/recite`: every quote and section heading of the policy the text no
longer has word for word, with the sentences of the new text closest to it, the
differences marked word by word, and a choice — take a proposed sentence, pick another,
or leave it for the item's own form; every coverage entry whose sentence (or heading)
the text no longer has, re-pointed to the closest, removed, or left; and the entries
copied from last year, confirmed in bulk (`authoring/recite.py` says how sentences are
matched and when a proposal is taken unasked: typography alone).

One submit is one commit by the signed-in person (policy.yaml and coverage.yaml together,
the use case `change_files`, against the revision the page was shown at), its message
listing what was re-cited. A stale submit loses nothing: the page comes back, a 409, at
the draft as it now stands, each choice kept where its item (and the passage chosen) still
stands. After a submit the page shows the draft's check beside what is left to do.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fourules.calls.repository import StaleRevision
from fourules.errors import InputError
from fourules.evaluation.evaluator import Evaluator
from fourules.texts import language, text
from fourules.use_cases import calls as uc
from fourules.web import recite_views
from fourules.web.editor import DraftChecks, FormState, draft_at
from fourules.web.gate import Form, Gate, Who, query
from fourules.web.item_links import Links, mounted
from fourules.web.pages import read_posted
from fourules.web.recite_views import LEAVE, OTHER, REMOVE, Choices
from fourules.web.text_views import policy_of, quote_problems

FORM_LIMIT = 512 * 1024
"""The largest form the page accepts: a choice per item and its message."""
FORM_FIELDS = 2000
"""The most fields: up to two per item (its choice and the sentence picked from the list)
and a box per entry to review (the 2026 paste has about 100 in all)."""


def _kept(form: Form) -> str | None:
    """What a refusal shows back: the message typed."""
    return str(form.get("message") or "").strip() or None


class ReciteGate(Gate):
    """The calls pages' gate, for a form of many fields."""

    async def read(self, request: Request) -> Form:
        return await read_posted(request, self.limit, FORM_FIELDS)


def recite_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The page that re-cites a draft of the calls folder after its text is pasted."""
    router = APIRouter(include_in_schema=False)
    gate = ReciteGate(folder, FORM_LIMIT, _kept)
    checks = DraftChecks(folder.repository)
    address = "/calls/drafts/{year}/recite"

    def page(request: Request, signed: Who, year: str, state: FormState[Choices]) -> HTMLResponse:
        """The page at the draft as it now stands: the choices as sent (`state.typed`), a
        notice, the problem the submit met, or that it was stale."""
        revision, files = draft_at(folder.repository, year)
        links = Links(year, mounted(request.app))
        review = recite_views.review_of(revision, files, links)
        check = checks.of(year)
        status = state.status()
        shown = state.typed or Choices({}, "")
        if state.stale:  # the errors were of the page shown before; the choices stand as sent
            shown.errors = {}
        return gate.page(
            "recite.html.j2",
            request,
            signed,
            status,
            year=year,
            revision=revision,
            review=review,
            check=check,
            quote_problems=quote_problems(check, policy_of(files), links),
            choices=shown,
            message=shown.message or text("pages.recite.message.default", year=year),
            notice=state.notice,
            problem=state.problem,
            stale=state.stale,
            LEAVE=LEAVE,
            OTHER=OTHER,
            REMOVE=REMOVE,
        )

    @router.get(address, response_class=HTMLResponse)
    async def show(request: Request, year: str, saved: str | None = None) -> Response:
        def build(signed: Who) -> Response:
            notice = None
            if saved is not None and saved.isdigit():
                notice = text("pages.recite.saved", count=int(saved))
            return page(request, signed, year, FormState(notice=notice))

        return await gate.signed_in_page(request, build, year=year)

    @router.post(address, response_class=HTMLResponse)
    async def save(request: Request, year: str) -> Response:
        def answer(signed: Who, form: Form) -> Response:
            choices = recite_views.read_choices(form)
            revision, files = draft_at(folder.repository, year)
            if str(form.get("revision") or "") != revision:
                return _stale(request, signed, year, choices)
            review = recite_views.review_of(revision, files, Links(year, mounted(request.app)))
            edits = recite_views.edits_of(choices, review)
            if choices.errors:
                return page(request, signed, year, FormState(choices, problem=_errors()))
            if edits.empty:
                said = text("pages.recite.nothing")
                return page(request, signed, year, FormState(choices, problem=said))
            try:
                changed = recite_views.edited_files(review, edits)
                message = recite_views.commit_message(year, choices, edits)
                if changed:
                    uc.change_files(
                        folder.repository, signed.person, year, changed, message, revision
                    )
            except StaleRevision:
                return _stale(request, signed, year, choices)
            except InputError as exc:
                said = exc.text(language())
                return page(request, signed, year, FormState(choices, problem=said))
            count = len(edits.lines)
            done = f"/calls/drafts/{year}/recite{query(saved=str(count))}#check"
            return RedirectResponse(done, status_code=303)

        return await gate.signed_in_form(request, answer, year=year)

    def _stale(request: Request, signed: Who, year: str, choices: Choices) -> HTMLResponse:
        said = text("pages.recite.stale")
        return page(request, signed, year, FormState(choices, problem=said, stale=True))

    return router


def _errors() -> str:
    return text("pages.recite.errors")
