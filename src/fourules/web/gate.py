"""Who is asking on the pages that write the call (`/calls…`: the calls pages, the draft's
trials and its editors), and what every such page shares: a page for the signed-in person
(with their CSRF token and, when one was issued now, their session cookie), a refusal page
with what was typed kept, the way to the sign-in, and a posted form read within its limit
and answered only with the session's CSRF token. One home for it: it decides who may
write the call."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import ImmutableMultiDict

from fourules.accounts.proxy import proxied_user
from fourules.accounts.sessions import Session
from fourules.calls.files import checked_name, checked_year
from fourules.errors import InputError, NotAllowed
from fourules.text import Lang
from fourules.texts import language, text
from fourules.use_cases import calls as uc
from fourules.web import views
from fourules.web.forms import field_text as field_text  # the forms' reading, one home
from fourules.web.forms import field_values as field_values
from fourules.web.pages import PageError, in_page, page_lang

COOKIE = "fourules_session"
HOME = "/calls"
SIGN_IN = "/calls/sign-in"
FORM_FIELDS = 200
"""The most fields a calls form may post: a case's form has a field per fact of the year
and a box per member of a set and per fact left unstated (2026: about 26)."""

Form = Mapping[str, Any]
"""A posted form: its fields' values (a trial's form may carry an uploaded file)."""


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


def nothing_kept(form: Form) -> str | None:
    return None


class Gate:
    """Who is asking, and the pages of the signed-in person. `limit`: the largest form
    read; `kept`: what a refusal of a form shows back of what was typed."""

    def __init__(
        self,
        folder: uc.CallsFolder,
        limit: int,
        kept: Callable[[Form], str | None] = nothing_kept,
    ) -> None:
        self.folder = folder
        self.limit = limit
        self.kept = kept

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
        return RedirectResponse(f"{SIGN_IN}{query(next=here)}", status_code=303)

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

    def guarded(self, request: Request, answer: Callable[[], Response]) -> Response:
        """ANSWER, with a refusal the use case or the calls folder makes shown as a page."""
        try:
            return answer()
        except Refused as exc:
            return self.refusal(request, exc)
        except NotAllowed as exc:
            return self.refusal(request, Refused(403, exc.message.get(language())))
        except InputError as exc:
            return self.refusal(request, Refused(422, exc.text(language())))

    async def signed_in_page(
        self, request: Request, build: Callable[[Who], Response], *, year: str | None = None
    ) -> Response:
        """A page for a signed-in person (of the draft of YEAR, a year the folder can hold),
        else a 303 to the sign-in page; built in its language (`?lang`) in the thread pool
        (it reads the repository, and may check a draft)."""

        def answer() -> Response:
            signed = self.who(request)
            if signed is None:
                return self.to_sign_in(request)
            if year is not None:
                known(year)
            return build(signed)

        chosen = page_lang(request.query_params.get("lang"))
        return await run_in_threadpool(in_page, chosen, lambda: self.guarded(request, answer))

    async def read(self, request: Request) -> Form:
        """A posted form within the limit (`read_form`)."""
        return await read_form(request, self.limit)

    async def posted(self, request: Request) -> tuple[Lang, Form] | Response:
        """A posted form and the language it is in (its `lang` field, else `?lang`), or the
        refusal page of a form that cannot be read."""
        chosen = page_lang(request.query_params.get("lang"))
        try:
            form = await self.read(request)
        except PageError as exc:
            refused = exc if isinstance(exc, Refused) else Refused(exc.status, exc.message)
            return in_page(chosen, functools.partial(self.refusal, request, refused))
        return page_lang(str(form.get("lang") or chosen)), form

    async def signed_in_form(
        self,
        request: Request,
        answer: Callable[[Who, Form], Response],
        *,
        year: str | None = None,
    ) -> Response:
        """A posted form of a signed-in person carrying their session's CSRF token (about
        the draft of YEAR, a year the folder can hold): read within the limit, then
        ANSWERed in its language in the thread pool. Without a session, with a wrong token
        or refused, nothing is done, and what was typed is shown."""
        read = await self.posted(request)
        if isinstance(read, Response):
            return read
        chosen, form = read

        def checked() -> Response:
            signed = self.who(request)
            typed = self.kept(form)
            if signed is None:
                raise Refused(401, text("pages.calls.not_signed_in"), typed)
            if not self.csrf_holds(signed, str(form.get("csrf") or "")):
                raise Refused(403, text("pages.calls.csrf"), typed)
            if year is not None:
                known(year)
            try:
                return answer(signed, form)
            except NotAllowed as exc:
                raise Refused(403, exc.message.get(language()), typed) from None

        return await run_in_threadpool(in_page, chosen, lambda: self.guarded(request, checked))


def query(**values: str) -> str:
    """VALUES as a link's query, with the page's language when it is not Swedish
    (`?saved=1&lang=en`); nothing when there is nothing to say."""
    chosen = values | ({"lang": "en"} if language() == "en" else {})
    return f"?{urlencode(chosen)}" if chosen else ""


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


async def read_form(request: Request, limit: int) -> ImmutableMultiDict[str, str]:
    """A posted form (URL-encoded, as the calls pages send it), read within `limit` bytes
    and FORM_FIELDS fields, every value of a field kept (`getlist`: a case's ticked boxes);
    a wrong type, a body too large or unreadable is refused."""
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
    return ImmutableMultiDict(pairs)
