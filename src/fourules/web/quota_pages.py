"""A draft's quotas edited in forms, under `/calls/drafts/{year}/quotas`: a table of the
quotas (how many applications an administration may be granted in a round), and a form per
quota (and `…/quotas/new`) whose source is picked from the decision's text, sentence by
sentence (`web/source_picker.py`, as the parameters' forms pick theirs).

A save is one change to policy.yaml's `quotas:` made by `authoring/yaml_edits.py` (the rest
of the file stays as written) and saved by the use case (`use_cases.calls.save_file`)
against the revision the form was shown at: a stale one loses nothing. A quota is removed
after a confirmation. The draft's check follows each save, its problems about the quota
beside the form. Who is asking, the pages and refusals are the calls pages'
(`web/call_pages.Gate`): a signed-in person, and every form its CSRF token.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote as url_quote
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from fourules.authoring.yaml_edits import quota_edited, quota_removed, read
from fourules.calls.files import POLICY_FILE
from fourules.calls.repository import StaleRevision
from fourules.errors import InputError, NotAllowed
from fourules.evaluation.evaluator import Evaluator
from fourules.text import Lang
from fourules.texts import language, text
from fourules.use_cases import calls as uc
from fourules.use_cases.check import CheckDocument
from fourules.web import call_views, quota_views, source_picker
from fourules.web.call_pages import Gate, Refused, Who, known, read_form
from fourules.web.pages import in_page
from fourules.web.quota_views import QuotaRow, QuotaTyped
from fourules.web.source_picker import Picker

NEW = "new"
CHECKS_KEPT = 16
FORM_LIMIT = 256 * 1024
"""The largest quota form accepted: its texts are a few sentences."""
FIELD_OF = {
    "limit": "limit",
    "counts": "counts",
    "administrations": "administrations",
    "description": "description_sv",
    "source": "sentences",
}
"""Where on the form a check's problem about a quota's part is shown."""


def _lang(value: str | None) -> Lang:
    return "en" if value == "en" else "sv"


def _query(**values: str) -> str:
    chosen = values | ({"lang": "en"} if language() == "en" else {})
    return f"?{urlencode(chosen)}" if chosen else ""


class Draft:
    """The draft as one revision has it: its policy.yaml (text, and read as YAML), its
    quotas, and the sentences of the decision's text their quotes are held to."""

    def __init__(self, repository: Any, year: str) -> None:
        try:
            self.revision, files = call_views.draft_files(repository, year)
        except InputError as exc:
            raise Refused(404, exc.message.get(language())) from None
        self.year = year
        self.policy_text = files[POLICY_FILE]
        try:
            self.policy = read(self.policy_text)
        except InputError as exc:
            said = text("pages.quotas.unreadable", problem=exc.text(language()))
            raise Refused(422, said) from None
        self.rows = quota_views.rows(self.policy)
        self.picker = Picker(self.policy, files)

    def row(self, id: str) -> QuotaRow | None:
        return next((r for r in self.rows if r.id == id), None)

    def known(self, id: str) -> QuotaRow:
        found = self.row(id)
        if found is None:
            raise Refused(404, text("pages.quotas.unknown", id=id, year=self.year))
        return found


def quota_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The quotas' pages of the calls folder's drafts."""
    router = APIRouter(include_in_schema=False)
    repository = folder.repository
    gate = Gate(folder)
    who, to_sign_in, page, refusal = gate.who, gate.to_sign_in, gate.page, gate.refusal
    checks: OrderedDict[str, CheckDocument] = OrderedDict()
    remembering = threading.Lock()  # the pages answer from the thread pool

    def checked(year: str, revision: str) -> CheckDocument:
        """The draft's check at REVISION, remembered (a revision names its files)."""
        with remembering:
            found = checks.get(f"{language()}:{revision}")
        if found is None:
            found = uc.check_draft(repository, year)
            remember(revision, found)
        return found

    def remember(revision: str, check: CheckDocument) -> None:
        with remembering:
            key = f"{language()}:{revision}"
            checks[key] = check
            checks.move_to_end(key)
            while len(checks) > CHECKS_KEPT:
                checks.popitem(last=False)

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
        request: Request, year: str, answer: Callable[[Who, Mapping[str, str]], Response]
    ) -> Response:
        chosen = _lang(request.query_params.get("lang"))
        try:
            form = await read_form(request, FORM_LIMIT)
        except Refused as exc:
            return in_page(chosen, functools.partial(refusal, request, exc))
        chosen = _lang(form.get("lang") or chosen)

        def checked_form() -> Response:
            signed = who(request)
            typed = _typed_text(form)
            if signed is None:
                raise Refused(401, text("pages.calls.not_signed_in"), typed)
            if not gate.csrf_holds(signed, form.get("csrf", "")):
                raise Refused(403, text("pages.calls.csrf"), typed)
            known(year)
            return answer(signed, form)

        return await run_in_threadpool(in_page, chosen, lambda: guarded(request, checked_form))

    # --- The table ---------------------------------------------------------------------------

    @router.get("/calls/drafts/{year}/quotas", response_class=HTMLResponse)
    async def listing(
        request: Request, year: str, lang: str | None = None, removed: str | None = None
    ) -> Response:
        def build(signed: Who) -> Response:
            draft = Draft(repository, year)
            check = checked(year, draft.revision)
            return page(
                "quotas_list.html.j2",
                request,
                signed,
                year=year,
                revision=draft.revision,
                rows=draft.rows,
                counts=quota_views.counts(check, draft.rows),
                check=check,
                quoted=draft.picker.quoted,
                notice=text("pages.quotas.removed", id=removed) if removed else None,
            )

        return await signed_in_page(request, year, lang, build)

    # --- A quota's form ----------------------------------------------------------------------

    def edit_page(
        request: Request,
        signed: Who,
        draft: Draft,
        id: str,
        status: int = 200,
        *,
        typed: QuotaTyped | None = None,
        notice: str | None = None,
        stale: QuotaRow | None = None,
        stale_gone: bool = False,
        problem: str | None = None,
    ) -> HTMLResponse:
        row = draft.known(id) if id != NEW else None
        if typed is None:
            if row is None:
                typed = QuotaTyped(message=text("pages.quotas.message.new"))
            else:
                number = draft.picker.cited(row.section, row.quote)
                typed = QuotaTyped.of(row, number, text("pages.quotas.message.default", id=id))
        check = checked(draft.year, draft.revision)
        problems = quota_views.concerning(check, row) if row is not None else []
        for p in problems:
            parts = p["field"].split(".")
            p["anchor"] = next((FIELD_OF[x] for x in parts if x in FIELD_OF), "limit")
        return page(
            "quotas_edit.html.j2",
            request,
            signed,
            status,
            year=draft.year,
            revision=draft.revision,
            id=id,
            new=row is None,
            row=row,
            typed=typed,
            quota_kinds=quota_views.KINDS,
            quota_administrations=quota_views.ADMINISTRATIONS,
            sections=draft.picker.sections,
            quoted=draft.picker.quoted,
            check=check,
            problems=problems,
            notice=notice,
            stale=stale,
            stale_gone=stale_gone,
            problem=problem,
        )

    @router.get("/calls/drafts/{year}/quotas/{id}", response_class=HTMLResponse)
    async def edit(
        request: Request, year: str, id: str, lang: str | None = None, saved: str | None = None
    ) -> Response:
        def build(signed: Who) -> Response:
            draft = Draft(repository, year)
            notice = text("pages.quotas.saved", id=id) if saved else None
            return edit_page(request, signed, draft, id, notice=notice)

        return await signed_in_page(request, year, lang, build)

    @router.post("/calls/drafts/{year}/quotas/{id}", response_class=HTMLResponse)
    async def save(request: Request, year: str, id: str) -> Response:
        def answer(signed: Who, form: Mapping[str, str]) -> Response:
            draft = Draft(repository, year)
            typed = _read_typed(form, id)
            revision = form.get("revision", "")
            if id != NEW:
                draft.known(id)
            if revision != draft.revision:  # saved since the form was shown: nothing lost
                return stale_page(request, signed, draft, id, typed)
            edited = _edited(draft, id, typed)
            if typed.errors or edited is None:
                return edit_page(request, signed, draft, id, 422, typed=typed)
            try:
                saved = uc.save_file(
                    repository,
                    signed.person,
                    year,
                    POLICY_FILE,
                    edited.encode("utf-8"),
                    typed.message.strip(),
                    revision,
                )
            except StaleRevision:
                return stale_page(request, signed, Draft(repository, year), id, typed)
            except NotAllowed as exc:
                raise Refused(403, exc.message.get(language()), _typed_text(form)) from None
            except InputError as exc:
                if exc.where == "message":
                    typed.errors["message"] = exc.message.get(language())
                    return edit_page(request, signed, draft, id, 422, typed=typed)
                said = exc.text(language())
                return edit_page(request, signed, draft, id, 422, typed=typed, problem=said)
            remember(saved.revision, saved.check)
            address = f"/calls/drafts/{year}/quotas/{url_quote(typed.id)}"
            return RedirectResponse(f"{address}{_query(saved='1')}#check", status_code=303)

        return await signed_in_form(request, year, answer)

    def stale_page(
        request: Request, signed: Who, draft: Draft, id: str, typed: QuotaTyped
    ) -> HTMLResponse:
        """Another save came first: the form again with what was typed, and the quota as it
        now is beside it, to save against the draft as it now stands."""
        current = draft.row(typed.id if id == NEW else id)
        shown = id if id == NEW or current is not None else NEW
        gone = current is None and id != NEW
        return edit_page(
            request, signed, draft, shown, 409, typed=typed, stale=current, stale_gone=gone
        )

    # --- Removing a quota --------------------------------------------------------------------

    @router.post("/calls/drafts/{year}/quotas/{id}/remove", response_class=HTMLResponse)
    async def remove(request: Request, year: str, id: str) -> Response:
        """Asked from the quota's form: the question. Confirmed (`confirm=yes`): removed."""

        def answer(signed: Who, form: Mapping[str, str]) -> Response:
            draft = Draft(repository, year)
            row = draft.known(id)
            revision = form.get("revision", "")
            message = form.get("message", "").strip()
            errors: dict[str, str] = {}
            status = 200
            if form.get("confirm") == "yes" and revision == draft.revision:
                edited = quota_removed(draft.policy_text, id)
                said = message or text("pages.quotas.remove.message", id=id)
                try:
                    uc.save_file(
                        repository,
                        signed.person,
                        year,
                        POLICY_FILE,
                        edited.encode("utf-8"),
                        said,
                        revision,
                    )
                except StaleRevision:
                    status = 409
                except InputError as exc:
                    if exc.where != "message":
                        raise
                    errors["message"] = exc.message.get(language())
                    status = 422
                else:
                    address = f"/calls/drafts/{year}/quotas{_query(removed=id)}"
                    return RedirectResponse(address, status_code=303)
            elif form.get("confirm") == "yes":
                status = 409  # the draft changed since the question: ask again
            return page(
                "quotas_remove.html.j2",
                request,
                signed,
                status,
                year=year,
                id=id,
                row=Draft(repository, year).row(id) or row,
                revision=Draft(repository, year).revision if status == 409 else draft.revision,
                changed=status == 409,
                message=message or text("pages.quotas.remove.message", id=id),
                errors=errors,
            )

        return await signed_in_form(request, year, answer)

    return router


def _read_typed(form: Mapping[str, str], id: str) -> QuotaTyped:
    """The form as sent; each checkbox is a field of its own (`counts.project`)."""
    return QuotaTyped(
        id=form.get("id", "").strip() if id == NEW else id,
        limit=form.get("limit", ""),
        counts=[k for k in quota_views.KINDS if form.get(f"counts.{k}")],
        administrations=[
            a for a in quota_views.ADMINISTRATIONS if form.get(f"administrations.{a}")
        ],
        description_sv=form.get("description_sv", "").strip(),
        description_en=form.get("description_en", "").strip(),
        sentence=source_picker.number(form.get("sentence", "")),
        quote=form.get("quote", ""),
        message=form.get("message", ""),
    )


def _typed_text(form: Mapping[str, str]) -> str | None:
    """What was typed, to show back on a refusal page (nothing is lost)."""
    parts = [
        form.get(key, "").strip()
        for key in ("id", "limit", "description_sv", "description_en", "quote", "message")
    ]
    kept = "\n".join(p for p in parts if p)
    return kept or None


def _edited(draft: Draft, id: str, typed: QuotaTyped) -> str | None:
    """Policy.yaml with the quota as typed; None (and `typed.errors`) when the form does not
    say a quota that can be written."""
    if id == NEW:
        _check_id(draft, typed)
    limit = quota_views.read_limit(typed.limit)
    if isinstance(limit, str):
        typed.errors["limit"] = limit
    typed.counts = [k for k in quota_views.KINDS if k in typed.counts]
    if not typed.counts:
        typed.errors["counts"] = text("pages.quotas.counts.needed")
    typed.administrations = [a for a in quota_views.ADMINISTRATIONS if a in typed.administrations]
    if not typed.administrations:
        typed.errors["administrations"] = text("pages.quotas.administrations.needed")
    for lang in ("sv", "en"):
        if not getattr(typed, f"description_{lang}"):
            typed.errors[f"description_{lang}"] = text("pages.quotas.description.needed")
    row = draft.row(id) if id != NEW else None
    before = row.quote if row is not None else None
    picked = draft.picker.picked(typed.sentence, typed.quote, before, typed.errors, "pages.quotas")
    if not typed.message.strip():
        typed.message = text("pages.quotas.message.default", id=typed.id)
    if typed.errors or picked is None or isinstance(limit, str):
        return None
    sentence, quote = picked
    typed.quote = quote
    return quota_edited(
        draft.policy_text,
        typed.id,
        limit=limit,
        counts=typed.counts,
        administrations=typed.administrations,
        description={"sv": typed.description_sv, "en": typed.description_en},
        source={"section": sentence.section, "quote": quote},
    )


def _check_id(draft: Draft, typed: QuotaTyped) -> None:
    """A new quota's id: of the policy's form, not yet taken."""
    if not quota_views.ID.match(typed.id) or typed.id in quota_views.RESERVED:
        typed.errors["id"] = text("pages.quotas.id.invalid", id=typed.id or "–")
    elif draft.row(typed.id) is not None:
        typed.errors["id"] = text("pages.quotas.id.taken", id=typed.id)
