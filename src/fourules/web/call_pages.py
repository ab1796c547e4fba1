"""The pages that write next year's call in a browser, over the calls folder
(`fourules serve --calls DIR`): `/calls/sign-in` and `/calls/sign-out`, `/calls` (the
published years and the drafts, and a draft started), `/calls/drafts/{year}` (each file of
a draft in a text box, saved and checked at once, a file removed after a confirmation, and
published by a second person) and `/calls/{year}/history` (each change, and what it changed
in the rules in the diff page's words).

The rules are the use case's (`use_cases/calls.py`); these pages only ask and show. Every
page but the sign-in needs a signed-in person (a session cookie, or the person a trusted
proxy names), and every form posted carries the session's CSRF token. A refusal is a page
with a 4xx status, and what a person typed comes back with it, never lost. Who is asking,
and the pages and forms of the signed-in person, are the gate's (`web/gate.py`); the draft
at a revision and its remembered check, every draft editor's (`web/editor.py`).
"""

from __future__ import annotations

import asyncio
import functools
import math
import unicodedata
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from fourules.accounts.roles import may_publish
from fourules.calls.files import FILES, POLICY_FILE
from fourules.calls.repository import NoFile, StaleRevision
from fourules.errors import InputError
from fourules.evaluation.evaluator import Evaluator
from fourules.texts import in_language, language, text
from fourules.use_cases import calls as uc
from fourules.web import call_views, recite_views
from fourules.web.call_views import Kept
from fourules.web.changes import shown
from fourules.web.editor import DraftChecks, FormState, committed
from fourules.web.gate import COOKIE, HOME, SIGN_IN, Form, Gate, Refused, Who, known, query
from fourules.web.pages import in_page, page_lang


def _text_typed(form: Form) -> str | None:
    """The text box's text as typed, its lines ending in LF as the files end theirs (a
    browser sends a text box's lines ending in CRLF): saved, or shown back on a refusal."""
    return str(form.get("text") or "").replace("\r\n", "\n") or None


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path of the calls pages only (never another site,
    never `//host` or a scheme, never the sign-in itself), else the calls page."""
    if not value or any(ord(c) < 32 or c == "\\" for c in value):
        return HOME
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith("//"):
        return HOME
    rest = value[len(HOME) :] if value.startswith(HOME) else None
    if rest is None or (rest and rest[0] not in "/?#") or value.startswith("/calls/sign-"):
        return HOME
    return value


def call_pages(
    evaluator: Evaluator, folder: uc.CallsFolder, *, max_body: int | None = None
) -> APIRouter:
    """The calls pages over the evaluator (the years it serves) and the calls folder.
    `max_body`: the largest form accepted, by default room for the largest file the folder
    saves, percent-encoded."""
    router = APIRouter(include_in_schema=False)
    repository = folder.repository
    limit = max_body or 3 * repository.max_bytes + 64 * 1024
    checks = DraftChecks(repository)
    gate = Gate(folder, limit, kept=_text_typed)
    page, refusal, set_session = gate.page, gate.refusal, gate.set_session
    signed_in_page, signed_in_form = gate.signed_in_page, gate.signed_in_form

    # --- Signing in and out --------------------------------------------------------------

    def sign_in_page(
        request: Request,
        status: int = 200,
        *,
        name: str = "",
        target: str = HOME,
        errors: dict[str, str] | None = None,
    ) -> HTMLResponse:
        return page(
            "calls_sign_in.html.j2",
            request,
            None,
            status,
            name=name,
            target=target,
            errors=errors or {},
        )

    @router.get(SIGN_IN, response_class=HTMLResponse)
    async def sign_in_form(
        request: Request, lang: str | None = None, next: str | None = None
    ) -> Response:
        target = safe_next(next)

        def answer() -> Response:
            signed = gate.who(request)
            if signed is None:
                return sign_in_page(request, target=target)
            response = RedirectResponse(target, status_code=303)
            if signed.cookie is not None:
                set_session(response, request, signed.cookie)
            return response

        chosen = page_lang(lang)
        return await run_in_threadpool(in_page, chosen, lambda: gate.guarded(request, answer))

    @router.post(SIGN_IN, response_class=HTMLResponse)
    async def sign_in(request: Request) -> Response:
        read = await gate.posted(request)
        if isinstance(read, Response):
            return read
        chosen, form = read
        with in_language(chosen):
            return await signed_in_with_password(request, form)

    async def signed_in_with_password(request: Request, form: Form) -> Response:
        """A name and password checked within the sign-in limits: a session and a 303 to
        where the person was going, or the form again saying only that they do not match."""
        name = unicodedata.normalize("NFC", form.get("name", "").strip())
        password = form.get("password", "")
        target = safe_next(form.get("next"))
        if not same_origin(request):
            return refusal(request, Refused(403, text("pages.calls.csrf")))
        errors = {
            field: text(f"pages.calls.sign_in.{field}_empty")
            for field, value in (("name", name), ("password", password))
            if not value
        }
        if errors:
            return sign_in_page(request, 422, name=name, target=target, errors=errors)
        address = request.client.host if request.client else ""
        wait = folder.limiter.refused_for(name, address)
        if wait > 0:
            return too_many(request, wait)
        try:
            account = await run_in_threadpool(folder.accounts.verify_password, name, password)
        except InputError as exc:  # the accounts file itself: the operator's to mend
            return refusal(request, Refused(503, exc.text(language())))
        if account is None:
            await asyncio.sleep(folder.limiter.failed(name, address))
            failed = {"form": text("pages.calls.sign_in.failed")}
            return sign_in_page(request, 401, name=name, target=target, errors=failed)
        folder.limiter.succeeded(name, address)
        _, value = folder.sessions.issue(account.name)
        response = RedirectResponse(target, status_code=303)
        set_session(response, request, value)
        return response

    def too_many(request: Request, wait: float) -> Response:
        seconds = max(1, math.ceil(wait))
        response = refusal(request, Refused(429, text("pages.calls.sign_in.wait", seconds=seconds)))
        response.headers["Retry-After"] = str(seconds)
        return response

    @router.post("/calls/sign-out", response_class=HTMLResponse)
    async def sign_out(request: Request) -> Response:
        def answer(signed: Who, form: Form) -> Response:
            response = RedirectResponse(f"{SIGN_IN}{query()}", status_code=303)
            response.delete_cookie(COOKIE, path=HOME)
            return response

        return await signed_in_form(request, answer)

    # --- The calls --------------------------------------------------------------------------

    def sources() -> list[str]:
        """The years a draft may start from: the folder's published ones and those served."""
        published = {p.year for p in uc.calls(repository).published}
        return sorted(published | set(evaluator.policy_ids()), reverse=True)

    def listing_page(
        request: Request,
        signed: Who,
        status: int = 200,
        *,
        typed: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        published: str | None = None,
    ) -> HTMLResponse:
        listed = uc.calls(repository)
        served = set(evaluator.policy_ids())
        notice = next(
            (
                text("pages.calls.published_notice", year=p.year, version=p.version or "-")
                for p in listed.published
                if p.year == published
            ),
            None,
        )
        return page(
            "calls_list.html.j2",
            request,
            signed,
            status,
            published=listed.published,
            drafts=listed.drafts,
            served=served,
            sources=sources(),
            typed=typed or {"year": "", "from": ""},
            errors=errors or {},
            notice=notice,
            notice_year=published,
        )

    @router.get(HOME, response_class=HTMLResponse)
    async def calls_page(request: Request, published: str | None = None) -> Response:
        return await signed_in_page(
            request, lambda signed: listing_page(request, signed, published=published)
        )

    @router.post("/calls/drafts", response_class=HTMLResponse)
    async def start(request: Request) -> Response:
        def answer(signed: Who, form: Form) -> Response:
            typed = {"year": form.get("year", "").strip(), "from": form.get("from", "").strip()}
            try:
                uc.start_draft(repository, evaluator, signed.person, typed["year"], typed["from"])
            except InputError as exc:
                place = "from" if exc.where == "from" else "year"
                errors = {place: exc.message.get(language())}
                return listing_page(request, signed, 422, typed=typed, errors=errors)
            return to_draft(typed["year"])

        return await signed_in_form(request, answer)

    # --- A draft ---------------------------------------------------------------------------

    def draft_page(
        request: Request, signed: Who, year: str, state: FormState[Kept]
    ) -> HTMLResponse:
        """The draft's page: a file's box as typed (`state.typed`), a notice, or why the
        draft was not published (`state.problem`)."""
        kept = state.typed
        revision, files, check = checks.draft(year, kept)
        return page(
            "calls_draft.html.j2",
            request,
            signed,
            state.status(),
            year=year,
            revision=revision,
            sections=call_views.sections(files, check, kept),
            check=check,
            problems=call_views.problems(check, files),
            unfound=recite_views.unfound_count(files),
            may_publish=may_publish(signed.person.role),
            notice=state.notice,
            publish_error=state.problem,
        )

    @router.get("/calls/drafts/{year}", response_class=HTMLResponse)
    async def draft(
        request: Request, year: str, saved: str | None = None, removed: str | None = None
    ) -> Response:
        def build(signed: Who) -> Response:
            notice = None
            if saved in FILES:
                notice = text("pages.calls.draft.saved", name=saved)
            elif removed in FILES:
                notice = text("calls.remove.done", name=removed)
            return draft_page(request, signed, year, FormState(notice=notice))

        return await signed_in_page(request, build, year=year)

    @router.post("/calls/drafts/{year}/files/{name}", response_class=HTMLResponse)
    async def save(request: Request, year: str, name: str) -> Response:
        def answer(signed: Who, form: Form) -> Response:
            known(year, name)
            typed = _text_typed(form) or ""
            message = form.get("message", "").strip()
            kept = Kept(name, typed, message)
            state = checks.kept_saved(signed.person, year, kept, form.get("revision", ""))
            if state is not None:
                return draft_page(request, signed, year, state)
            return to_draft(year, f"#file-{name}", saved=name)

        return await signed_in_form(request, answer)

    def remove_page(
        request: Request,
        signed: Who,
        year: str,
        name: str,
        status: int = 200,
        *,
        seen: str,
        message: str | None = None,
        errors: dict[str, str] | None = None,
    ) -> HTMLResponse:
        """The question before a file is removed, with the file's first lines as it is now;
        `seen` is the revision the person asked at: another one is said to have come."""
        try:
            found = uc.read_file(repository, year, name)
        except InputError:  # gone meanwhile, or no draft: nothing to remove
            said = text("calls.remove.no_file", name=name, year=year)
            raise Refused(404, said) from None
        lines, more = call_views.first_lines(call_views.shown(found.data))
        return page(
            "calls_remove.html.j2",
            request,
            signed,
            status,
            year=year,
            name=name,
            revision=found.revision,
            changed=seen != found.revision,
            lines=lines,
            more=more,
            message=text("calls.remove.message", name=name) if message is None else message,
            errors=errors or {},
        )

    @router.post("/calls/drafts/{year}/files/{name}/remove", response_class=HTMLResponse)
    async def remove(request: Request, year: str, name: str) -> Response:
        """Asked from the draft's page: the question. Confirmed (`confirm=yes`): removed."""

        def answer(signed: Who, form: Form) -> Response:
            known(year, name)
            if name == POLICY_FILE:
                raise Refused(422, text("calls.remove.policy", year=year))
            revision = form.get("revision", "")
            if form.get("confirm") != "yes":
                return remove_page(request, signed, year, name, seen=revision)
            message = form.get("message", "").strip()
            remove = functools.partial(
                uc.remove_file, repository, signed.person, year, name, message, revision
            )
            errors: dict[str, str] = {}
            try:
                status = committed(remove, errors)
            except NoFile as exc:
                raise Refused(404, exc.message.get(language())) from None
            if status:
                return remove_page(
                    request,
                    signed,
                    year,
                    name,
                    status,
                    seen=revision,
                    message=message,
                    errors=errors,
                )
            return to_draft(year, "#check", removed=name)

        return await signed_in_form(request, answer)

    @router.post("/calls/drafts/{year}/publish", response_class=HTMLResponse)
    async def publish(request: Request, year: str) -> Response:
        def answer(signed: Who, form: Form) -> Response:
            revision = form.get("revision", "")
            try:
                uc.publish(repository, evaluator, signed.person, year, revision)
            except InputError as exc:  # a stale revision, a check not clean
                stale = isinstance(exc, StaleRevision)
                state = FormState[Kept](problem=exc.message.get(language()), stale=stale)
                return draft_page(request, signed, year, state)
            return RedirectResponse(f"{HOME}{query(published=year)}", status_code=303)

        return await signed_in_form(request, answer, year=year)

    # --- A year's history ----------------------------------------------------------------

    @router.get("/calls/{year}/history", response_class=HTMLResponse)
    async def history(request: Request, year: str) -> Response:
        def build(signed: Who) -> Response:
            found = uc.history(repository, year)
            if not found.changes:
                raise Refused(404, text("pages.calls.history.none", year=year))
            rows = [call_views.history_entry(c) for c in found.changes]
            return page(
                "calls_history.html.j2",
                request,
                signed,
                year=year,
                changes=rows,
                show=shown,
            )

        return await signed_in_page(request, build, year=year)

    return router


def to_draft(year: str, anchor: str = "", **done: str) -> Response:
    """A 303 to the draft's page (at ANCHOR), saying what was DONE (`saved=policy.yaml`)."""
    return RedirectResponse(f"/calls/drafts/{year}{query(**done)}{anchor}", status_code=303)


def same_origin(request: Request) -> bool:
    """Whether a sign-in comes from this site's own page (its Origin, when the browser sends
    one, names this host): no other site signs a person in under a name of its choosing."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")
