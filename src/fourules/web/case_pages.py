"""A draft's cases edited in forms, under `/calls/drafts/{year}/cases`: a table of the cases
(name, kind, the application's fields, the expected outcome, whether it holds now), a form
per case (and `…/cases/new`) whose application is typed by the year's facts as the check
form types them, and a case removed after a confirmation.

A save is one change to cases.yaml made by `authoring/yaml_edits.py` (the other cases, their
heading comments and styles stay as written) and saved by the use case
(`use_cases.calls.save_file`) against the revision the form was shown at: a stale one loses
nothing. The draft's check follows each save, the case's own problems beside the form. Who
is asking, the pages and refusals are the calls pages' (`web/call_pages.Gate`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from fourules.authoring.cases import CASES_FILE
from fourules.authoring.yaml_edits import item_appended, item_removed, item_set, read
from fourules.calls.repository import StaleRevision
from fourules.errors import InputError, NotAllowed
from fourules.evaluation.evaluator import Evaluator
from fourules.text import Lang
from fourules.texts import language, text
from fourules.use_cases import calls as uc
from fourules.web import call_views, case_views
from fourules.web.call_pages import Gate, Refused, Who, known, read_form
from fourules.web.case_views import Row, Typed
from fourules.web.pages import in_page

NEW = "new"
FORM_LIMIT = 256 * 1024
"""The largest case form accepted: a name and a few facts."""


def _lang(value: str | None) -> Lang:
    return "en" if value == "en" else "sv"


def _query(**values: str) -> str:
    chosen = values | ({"lang": "en"} if language() == "en" else {})
    return f"?{urlencode(chosen)}" if chosen else ""


class Draft:
    """The draft's cases as one revision has them, and the year's facts to type them by."""

    def __init__(self, repository: Any, year: str) -> None:
        try:
            self.revision, files = call_views.draft_files(repository, year)
        except InputError as exc:
            raise Refused(404, exc.message.get(language())) from None
        self.year = year
        self.text = files.get(CASES_FILE, "")
        try:
            self.cases = read(self.text, CASES_FILE) if self.text.strip() else {}
        except InputError as exc:
            said = text("pages.cases.unreadable", problem=exc.text(language()))
            raise Refused(422, said) from None
        self.rows = case_views.rows(self.cases)
        self.defaults = case_views.defaults(self.cases)
        self.facts = case_views.inputs(case_views.draft_policy(files, year))

    def row(self, index: str) -> Row | None:
        if not index.isascii() or not index.isdigit():
            return None
        return next((r for r in self.rows if r.index == int(index)), None)


def case_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The cases' pages of the calls folder's drafts."""
    router = APIRouter(include_in_schema=False)
    repository = folder.repository
    gate = Gate(folder)
    who, to_sign_in, page, refusal = gate.who, gate.to_sign_in, gate.page, gate.refusal

    def guarded(request: Request, answer: Callable[[], Response]) -> Response:
        try:
            return answer()
        except Refused as exc:
            return refusal(request, exc)
        except NotAllowed as exc:
            return refusal(request, Refused(403, exc.message.get(language())))
        except InputError as exc:
            return refusal(request, Refused(422, exc.text(language())))

    async def signed_in_page(
        request: Request, year: str, lang: str | None, build: Callable[[Who], Response]
    ) -> Response:
        def answer() -> Response:
            signed = who(request)
            if signed is None:
                return to_sign_in(request)
            known(year)
            return build(signed)

        return await run_in_threadpool(in_page, _lang(lang), lambda: guarded(request, answer))

    async def signed_in_form(
        request: Request, year: str, answer: Callable[[Who, Any], Response]
    ) -> Response:
        chosen = _lang(request.query_params.get("lang"))
        try:
            form = await read_form(request, FORM_LIMIT)
        except Refused as exc:
            return in_page(chosen, functools.partial(refusal, request, exc))
        chosen = _lang(form.get("lang") or chosen)

        def checked_form() -> Response:
            signed = who(request)
            typed = (form.get("name") or "").strip() or None
            if signed is None:
                raise Refused(401, text("pages.calls.not_signed_in"), typed)
            if not gate.csrf_holds(signed, form.get("csrf", "")):
                raise Refused(403, text("pages.calls.csrf"), typed)
            known(year)
            return answer(signed, form)

        return await run_in_threadpool(in_page, chosen, lambda: guarded(request, checked_form))

    # --- The table ---------------------------------------------------------------------------

    @router.get("/calls/drafts/{year}/cases", response_class=HTMLResponse)
    async def listing(
        request: Request, year: str, lang: str | None = None, removed: str | None = None
    ) -> Response:
        def build(signed: Who) -> Response:
            draft = Draft(repository, year)
            check = uc.check_draft(repository, year)
            return page(
                "cases_list.html.j2",
                request,
                signed,
                year=year,
                revision=draft.revision,
                rows=draft.rows,
                failing=case_views.failing(check),
                check=check,
                shown=case_views.shown,
                notice=text("pages.cases.removed", name=removed) if removed else None,
            )

        return await signed_in_page(request, year, lang, build)

    # --- A case's form -----------------------------------------------------------------------

    def edit_page(
        request: Request,
        signed: Who,
        draft: Draft,
        index: str,
        status: int = 200,
        *,
        typed: Typed | None = None,
        notice: str | None = None,
        stale: bool = False,
        problem: str | None = None,
    ) -> HTMLResponse:
        row = draft.row(index) if index != NEW else None
        if index != NEW and row is None:
            raise Refused(404, text("pages.cases.unknown", index=index, year=draft.year))
        if typed is None:
            typed = (
                Typed(message=text("pages.cases.message.new"))
                if row is None
                else Typed.of(row, draft.facts, text("pages.cases.message.default", name=row.name))
            )
        check = uc.check_draft(repository, draft.year)
        problems = case_views.failing(check).get(row.index, []) if row is not None else []
        return page(
            "cases_edit.html.j2",
            request,
            signed,
            status,
            year=draft.year,
            revision=draft.revision,
            index=index,
            new=row is None,
            row=row,
            typed=typed,
            facts=draft.facts,
            defaults=draft.defaults,
            outcomes=case_views.OUTCOMES,
            case_kinds=case_views.KINDS,
            unstated=case_views.UNSTATED,
            shown=case_views.shown,
            check=check,
            problems=problems,
            notice=notice,
            stale=stale,
            problem=problem,
        )

    @router.get("/calls/drafts/{year}/cases/{index}", response_class=HTMLResponse)
    async def edit(
        request: Request, year: str, index: str, lang: str | None = None, saved: str | None = None
    ) -> Response:
        def build(signed: Who) -> Response:
            draft = Draft(repository, year)
            notice = text("pages.cases.saved") if saved else None
            return edit_page(request, signed, draft, index, notice=notice)

        return await signed_in_page(request, year, lang, build)

    def saving(signed: Who, year: str, edited: str, message: str, revision: str) -> uc.Saved:
        return uc.save_file(
            repository, signed.person, year, CASES_FILE, edited.encode("utf-8"), message, revision
        )

    @router.post("/calls/drafts/{year}/cases/{index}", response_class=HTMLResponse)
    async def save(request: Request, year: str, index: str) -> Response:
        def answer(signed: Who, form: Any) -> Response:
            draft = Draft(repository, year)
            typed = case_views.read_typed(form, draft.facts)
            revision = form.get("revision", "")
            row = draft.row(index) if index != NEW else None
            if index != NEW and row is None:
                raise Refused(404, text("pages.cases.unknown", index=index, year=year))
            if revision != draft.revision:  # saved since the form was shown: nothing lost
                return edit_page(request, signed, draft, index, 409, typed=typed, stale=True)
            case = case_views.case_of(typed, draft.facts, row)
            if not typed.message:
                typed.message = text("pages.cases.message.default", name=typed.name)
            if case is None:
                return edit_page(request, signed, draft, index, 422, typed=typed)
            if row is None:
                edited = item_appended(draft.text, "cases", case, CASES_FILE)
                target = str(len(draft.rows))
            else:
                edited = item_set(draft.text, "cases", row.index, case, CASES_FILE)
                target = index
            try:
                saving(signed, year, edited, typed.message, revision)
            except StaleRevision:
                fresh = Draft(repository, year)
                return edit_page(request, signed, fresh, index, 409, typed=typed, stale=True)
            except InputError as exc:
                if exc.where == "message":
                    typed.errors["message"] = exc.message.get(language())
                    return edit_page(request, signed, draft, index, 422, typed=typed)
                said = exc.text(language())
                return edit_page(request, signed, draft, index, 422, typed=typed, problem=said)
            address = f"/calls/drafts/{year}/cases/{target}"
            return RedirectResponse(f"{address}{_query(saved='1')}#check", status_code=303)

        return await signed_in_form(request, year, answer)

    @router.post("/calls/drafts/{year}/cases/{index}/remove", response_class=HTMLResponse)
    async def remove(request: Request, year: str, index: str) -> Response:
        def answer(signed: Who, form: Mapping[str, str]) -> Response:
            draft = Draft(repository, year)
            row = draft.row(index)
            if row is None:
                raise Refused(404, text("pages.cases.unknown", index=index, year=year))
            revision = form.get("revision", "")
            if revision != draft.revision:
                return edit_page(request, signed, draft, index, 409, stale=True)
            if form.get("confirm") != "yes":
                said = text("pages.cases.remove.unconfirmed")
                return edit_page(request, signed, draft, index, 422, problem=said)
            edited = item_removed(draft.text, "cases", row.index, CASES_FILE)
            message = text("pages.cases.message.removed", name=row.name)
            try:
                saving(signed, year, edited, message, revision)
            except StaleRevision:
                return edit_page(request, signed, Draft(repository, year), index, 409, stale=True)
            address = f"/calls/drafts/{year}/cases"
            return RedirectResponse(f"{address}{_query(removed=row.name)}#check", status_code=303)

        return await signed_in_form(request, year, answer)

    return router
