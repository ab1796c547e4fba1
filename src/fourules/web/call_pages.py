"""The pages that write next year's call in a browser, over the calls folder
(`fourules serve --calls DIR`): `/calls/sign-in` and `/calls/sign-out`, `/calls` (the
published years and the drafts, and a draft started), `/calls/drafts/{year}` (each file of
a draft in a text box, saved and checked at once, a file removed after a confirmation, and
published by a second person) and `/calls/{year}/history` (each change, and what it changed
in the rules in the diff page's words).

The rules are the use case's (`use_cases/calls.py`); these pages only ask and show. Every
page but the sign-in needs a signed-in person (a session cookie, or the person a trusted
proxy names), and every form posted carries the session's CSRF token. A refusal is a page
with a 4xx status, and what a person typed comes back with it, never lost.
"""

from __future__ import annotations

import asyncio
import functools
import math
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from fourules.accounts.proxy import proxied_user
from fourules.accounts.roles import may_publish
from fourules.accounts.sessions import Session
from fourules.calls.files import FILES, POLICY_FILE, checked_name, checked_year
from fourules.calls.repository import NoFile, StaleRevision
from fourules.errors import InputError, NotAllowed
from fourules.evaluation.evaluator import Evaluator
from fourules.text import Lang
from fourules.texts import in_language, language, text
from fourules.use_cases import calls as uc
from fourules.use_cases.check import CheckDocument
from fourules.web import call_views, views
from fourules.web.call_views import Kept
from fourules.web.changes import shown
from fourules.web.pages import PageError, in_page

COOKIE = "fourules_session"
HOME = "/calls"
SIGN_IN = "/calls/sign-in"
FORM_FIELDS = 20
"""The most fields a calls form holds (the save form has five)."""
CHECKS_KEPT = 32
"""The checks remembered, by the draft revision they checked (a revision is its files')."""


@dataclass(frozen=True)
class Who:
    """The signed-in person, their session, and the cookie to set when one was issued now
    (the person a trusted proxy names gets a session for their forms' CSRF tokens)."""

    person: uc.Person
    session: Session
    cookie: str | None = None


class Refused(PageError):
    """A request a calls page refuses: a page with this status and message, and what was
    typed."""

    def __init__(self, status: int, message: str, kept: str | None = None) -> None:
        super().__init__(status, message)
        self.kept = kept


class Gate:
    """Who is asking on the calls pages and the draft's trial pages, and what every such
    page shares: a page for the signed-in person (with their CSRF token and, when one was
    issued now, their session cookie), a refusal page, and the way to the sign-in. One
    home for it: it decides who may write the call."""

    def __init__(self, folder: uc.CallsFolder) -> None:
        self.folder = folder

    def who(self, request: Request) -> Who | None:
        """The person signed in: the one a trusted proxy names (a name the proxy passes
        decides, whatever cookie comes with it), else the session's."""
        folder = self.folder
        value = request.cookies.get(COOKIE)
        session = folder.sessions.verify(value) if value else None
        peer = request.client.host if request.client else None
        header = request.headers.get(folder.user_header) if folder.user_header else None
        named = header_text(header) if header is not None else None
        if proxied_user(peer, folder.trusted, named) is not None:
            proxied = folder.proxied(peer, named)
            if proxied is None:  # the proxy's person has no account here
                return None
            if session is not None and session.user == proxied.name:
                return Who(proxied, session)
            session, cookie = folder.sessions.issue(proxied.name)
            return Who(proxied, session, cookie)
        account = folder.accounts.user(session.user) if session is not None else None
        if session is None or account is None:
            return None
        return Who(folder.person(account), session)

    def csrf_holds(self, signed: Who, token: str) -> bool:
        return self.folder.sessions.check_csrf(signed.session, token)

    def set_session(self, response: Response, request: Request, value: str) -> None:
        response.set_cookie(
            COOKIE,
            value,
            max_age=self.folder.sessions.lifetime,
            path=HOME,
            secure=request.url.scheme == "https",
            httponly=True,
            samesite="strict",
        )

    def to_sign_in(self, request: Request) -> Response:
        """A 303 to the sign-in page, coming back here (a path of this site) after it."""
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        query = {"next": here} | ({"lang": "en"} if language() == "en" else {})
        return RedirectResponse(f"{SIGN_IN}?{urlencode(query)}", status_code=303)

    def page(
        self,
        template: str,
        request: Request,
        signed: Who | None,
        status: int = 200,
        keep: dict[str, str] | None = None,
        **values: Any,
    ) -> HTMLResponse:
        """The page for `signed` (None: nobody signed in)."""
        csrf = self.folder.sessions.csrf_token(signed.session) if signed is not None else ""
        person = signed.person if signed is not None else None
        body = views.render(template, request, keep, person=person, csrf=csrf, **values)
        response = HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
        if signed is not None and signed.cookie is not None:
            self.set_session(response, request, signed.cookie)
        return response

    def refusal(self, request: Request, exc: Refused, signed: Who | None = None) -> HTMLResponse:
        return self.page(
            "calls_problem.html.j2",
            request,
            signed,
            exc.status,
            message=exc.message,
            kept=exc.kept,
            sign_in=exc.status == 401,
            back=back_to(request.url.path),
        )


def _lang(value: str | None) -> Lang:
    return "en" if value == "en" else "sv"


def _suffix(first: str = "?") -> str:
    """The page's language as a query suffix (`?lang=en`), nothing for Swedish."""
    return f"{first}lang=en" if language() == "en" else ""


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
    checks: OrderedDict[str, CheckDocument] = OrderedDict()
    remembering = threading.Lock()  # the pages answer from the thread pool

    gate = Gate(folder)
    who, to_sign_in, page, refusal = gate.who, gate.to_sign_in, gate.page, gate.refusal
    set_session = gate.set_session

    def guarded(request: Request, answer: Callable[[], Response]) -> Response:
        """ANSWER, with a refusal the use case or the calls folder makes shown as a page."""
        try:
            return answer()
        except Refused as exc:
            return refusal(request, exc)
        except NotAllowed as exc:
            return refusal(request, Refused(403, exc.message.get(language())))
        except InputError as exc:
            return refusal(request, Refused(422, exc.text(language())))

    async def signed_in_page(
        request: Request, lang: str | None, build: Callable[[Who], Response]
    ) -> Response:
        """A page for a signed-in person, else a 303 to the sign-in page; built in the
        thread pool (it reads the repository, and may check a draft)."""

        def answer() -> Response:
            signed = who(request)
            return to_sign_in(request) if signed is None else build(signed)

        return await run_in_threadpool(in_page, _lang(lang), lambda: guarded(request, answer))

    async def posted(request: Request) -> tuple[Lang, dict[str, str]] | Response:
        """A posted form and the language it is in (its `lang` field, else `?lang`), or the
        refusal page of a form that cannot be read."""
        chosen = _lang(request.query_params.get("lang"))
        try:
            form = await read_form(request, limit)
        except Refused as exc:
            return in_page(chosen, functools.partial(refusal, request, exc))
        return _lang(form.get("lang") or chosen), form

    async def signed_in_form(
        request: Request, answer: Callable[[Who, Mapping[str, str]], Response]
    ) -> Response:
        """A posted form of a signed-in person carrying their session's CSRF token: read
        within the limit, then ANSWERed in its language in the thread pool. Without a
        session or with a wrong token nothing is done, and what was typed is shown."""
        read = await posted(request)
        if isinstance(read, Response):
            return read
        chosen, form = read

        def checked() -> Response:
            signed = who(request)
            typed = form.get("text") or None
            if signed is None:
                raise Refused(401, text("pages.calls.not_signed_in"), typed)
            if not gate.csrf_holds(signed, form.get("csrf", "")):
                raise Refused(403, text("pages.calls.csrf"), typed)
            return answer(signed, form)

        return await run_in_threadpool(in_page, chosen, lambda: guarded(request, checked))

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
            signed = who(request)
            if signed is None:
                return sign_in_page(request, target=target)
            response = RedirectResponse(target, status_code=303)
            if signed.cookie is not None:
                set_session(response, request, signed.cookie)
            return response

        return await run_in_threadpool(in_page, _lang(lang), lambda: guarded(request, answer))

    @router.post(SIGN_IN, response_class=HTMLResponse)
    async def sign_in(request: Request) -> Response:
        read = await posted(request)
        if isinstance(read, Response):
            return read
        chosen, form = read
        with in_language(chosen):
            return await signed_in_with_password(request, form)

    async def signed_in_with_password(request: Request, form: Mapping[str, str]) -> Response:
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
        def answer(signed: Who, form: Mapping[str, str]) -> Response:
            response = RedirectResponse(f"{SIGN_IN}{_suffix()}", status_code=303)
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
    async def calls_page(
        request: Request, lang: str | None = None, published: str | None = None
    ) -> Response:
        return await signed_in_page(
            request, lang, lambda signed: listing_page(request, signed, published=published)
        )

    @router.post("/calls/drafts", response_class=HTMLResponse)
    async def start(request: Request) -> Response:
        def answer(signed: Who, form: Mapping[str, str]) -> Response:
            typed = {"year": form.get("year", "").strip(), "from": form.get("from", "").strip()}
            try:
                uc.start_draft(repository, evaluator, signed.person, typed["year"], typed["from"])
            except InputError as exc:
                place = "from" if exc.where == "from" else "year"
                errors = {place: exc.message.get(language())}
                return listing_page(request, signed, 422, typed=typed, errors=errors)
            target = f"/calls/drafts/{typed['year']}{_suffix()}"
            return RedirectResponse(target, status_code=303)

        return await signed_in_form(request, answer)

    # --- A draft ---------------------------------------------------------------------------

    def checked(year: str, revision: str) -> CheckDocument:
        """The draft's check at `revision`: remembered, since a revision names its files."""
        with remembering:
            found = checks.get(revision)
        if found is None:
            found = uc.check_draft(repository, year)
            remember(revision, found)
        return found

    def remember(revision: str, check: CheckDocument) -> None:
        with remembering:
            checks[revision] = check
            checks.move_to_end(revision)
            while len(checks) > CHECKS_KEPT:
                checks.popitem(last=False)

    def draft_page(
        request: Request,
        signed: Who,
        year: str,
        status: int = 200,
        *,
        kept: Kept | None = None,
        notice: str | None = None,
        publish_error: str | None = None,
    ) -> HTMLResponse:
        try:
            revision, files = call_views.draft_files(repository, year)
        except InputError as exc:
            typed = kept.text if kept is not None else None
            raise Refused(404, exc.message.get(language()), typed) from None
        check = checked(year, revision)
        return page(
            "calls_draft.html.j2",
            request,
            signed,
            status,
            year=year,
            revision=revision,
            sections=call_views.sections(files, check, kept),
            check=check,
            problems=call_views.problems(check, files),
            may_publish=may_publish(signed.person.role),
            notice=notice,
            publish_error=publish_error,
        )

    @router.get("/calls/drafts/{year}", response_class=HTMLResponse)
    async def draft(
        request: Request,
        year: str,
        lang: str | None = None,
        saved: str | None = None,
        removed: str | None = None,
    ) -> Response:
        def build(signed: Who) -> Response:
            known(year)
            notice = None
            if saved in FILES:
                notice = text("pages.calls.draft.saved", name=saved)
            elif removed in FILES:
                notice = text("calls.remove.done", name=removed)
            return draft_page(request, signed, year, notice=notice)

        return await signed_in_page(request, lang, build)

    @router.post("/calls/drafts/{year}/files/{name}", response_class=HTMLResponse)
    async def save(request: Request, year: str, name: str) -> Response:
        def answer(signed: Who, form: Mapping[str, str]) -> Response:
            known(year, name)
            # A browser sends a text box's lines ending in CRLF; the files end theirs in LF.
            typed = form.get("text", "").replace("\r\n", "\n")
            message = form.get("message", "").strip()
            kept = Kept(name, typed, message)
            try:
                saved = uc.save_file(
                    repository,
                    signed.person,
                    year,
                    name,
                    typed.encode("utf-8"),
                    message,
                    form.get("revision", ""),
                )
            except StaleRevision as exc:
                kept.stale = True
                kept.current = None if exc.current is None else call_views.shown(exc.current)
                return draft_page(request, signed, year, 409, kept=kept)
            except NotAllowed as exc:
                raise Refused(403, exc.message.get(language()), typed) from None
            except InputError as exc:
                place = "message" if exc.where == "message" else "text"
                kept.errors[place] = exc.message.get(language())
                return draft_page(request, signed, year, 422, kept=kept)
            remember(saved.revision, saved.check)
            query = urlencode({"saved": name} | ({"lang": "en"} if language() == "en" else {}))
            target = f"/calls/drafts/{year}?{query}#file-{name}"
            return RedirectResponse(target, status_code=303)

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

        def answer(signed: Who, form: Mapping[str, str]) -> Response:
            known(year, name)
            if name == POLICY_FILE:
                raise Refused(422, text("calls.remove.policy", year=year))
            revision = form.get("revision", "")
            if form.get("confirm") != "yes":
                return remove_page(request, signed, year, name, seen=revision)
            message = form.get("message", "").strip()
            try:
                uc.remove_file(repository, signed.person, year, name, message, revision)
            except StaleRevision:
                return remove_page(request, signed, year, name, 409, seen=revision, message=message)
            except NoFile as exc:
                raise Refused(404, exc.message.get(language())) from None
            except NotAllowed as exc:
                raise Refused(403, exc.message.get(language())) from None
            except InputError as exc:
                if exc.where != "message":
                    raise
                errors = {"message": exc.message.get(language())}
                return remove_page(
                    request, signed, year, name, 422, seen=revision, message=message, errors=errors
                )
            query = urlencode({"removed": name} | ({"lang": "en"} if language() == "en" else {}))
            return RedirectResponse(f"/calls/drafts/{year}?{query}#check", status_code=303)

        return await signed_in_form(request, answer)

    @router.post("/calls/drafts/{year}/publish", response_class=HTMLResponse)
    async def publish(request: Request, year: str) -> Response:
        def answer(signed: Who, form: Mapping[str, str]) -> Response:
            known(year)
            revision = form.get("revision", "")
            try:
                uc.publish(repository, evaluator, signed.person, year, revision)
            except NotAllowed as exc:
                raise Refused(403, exc.message.get(language())) from None
            except InputError as exc:  # a stale revision, a check not clean
                status = 409 if isinstance(exc, StaleRevision) else 422
                said = exc.message.get(language())
                return draft_page(request, signed, year, status, publish_error=said)
            return RedirectResponse(f"{HOME}?published={year}{_suffix('&')}", status_code=303)

        return await signed_in_form(request, answer)

    # --- A year's history ----------------------------------------------------------------

    @router.get("/calls/{year}/history", response_class=HTMLResponse)
    async def history(request: Request, year: str, lang: str | None = None) -> Response:
        def build(signed: Who) -> Response:
            known(year)
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

        return await signed_in_page(request, lang, build)

    return router


def header_text(value: str) -> str:
    """A header's value as the proxy wrote it: HTTP carries bytes, which the server reads as
    Latin-1; a name such as `Åsa` arrives as UTF-8 and is read as UTF-8 again."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def back_to(path: str) -> str:
    """The page a form was posted from, to come back to after signing in again."""
    parts = path.split("/")
    if path.startswith("/calls/drafts/") and len(parts) > 3:
        return "/".join(parts[:4])
    return HOME


def known(year: str, name: str | None = None) -> None:
    """Refuse a year or a file name the calls folder cannot hold with a 404 page."""
    try:
        checked_year(year)
        if name is not None:
            checked_name(name)
    except InputError as exc:
        raise Refused(404, exc.message.get(language())) from None


def same_origin(request: Request) -> bool:
    """Whether a sign-in comes from this site's own page (its Origin, when the browser sends
    one, names this host): no other site signs a person in under a name of its choosing."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def read_form(request: Request, limit: int) -> dict[str, str]:
    """A posted form (URL-encoded, as the calls pages send it), read within `limit` bytes
    and a few fields; a wrong type, a body too large or unreadable is refused."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    declared = request.headers.get("content-length", "")
    if not ctype and declared in ("", "0"):  # a form with no field: nothing to read
        ctype = "application/x-www-form-urlencoded"
    if ctype != "application/x-www-form-urlencoded":
        raise Refused(415, text("problem.type"))
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise Refused(413, text("problem.size", limit=views.size(limit)))
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Refused(413, text("problem.size", limit=views.size(limit)))
    try:
        pairs = parse_qsl(
            body.decode("latin-1"),
            keep_blank_values=True,
            max_num_fields=FORM_FIELDS,
            encoding="utf-8",
            errors="strict",
        )
    except (UnicodeDecodeError, ValueError):
        raise Refused(400, text("problem.form_unreadable")) from None
    return dict(pairs)
