"""The language of a request's messages: `?lang=sv|en`, else the Accept-Language header's
preference between Swedish and English, else Swedish (the language of the decisions);
`InLanguage` sets it as the context's language (`fourules.texts`) for the whole request."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from fourules.text import LANGS, Lang
from fourules.texts import in_language


class InLanguage:
    """Answers each request in its language: every word looked up while it is answered (in
    the thread pool too, which copies the context) is in the request's language. A page
    whose form names another language builds in that one (`web.pages.posted`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with in_language(request_lang(Request(scope))):
            await self.app(scope, receive, send)


def request_lang(request: Request) -> Lang:
    """The request's language; an invalid `?lang` falls back to the header (its own error
    is reported in the language the header asks for)."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    return accepted_lang(request.headers.get("accept-language", ""))


def accepted_lang(header: str) -> Lang:
    """Swedish or English, whichever the Accept-Language header ranks higher (RFC 9110);
    Swedish when it names neither."""
    best: tuple[float, int, Lang] | None = None
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().split("-")[0].casefold()
        if primary not in LANGS:
            continue
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and (best is None or (quality, -position) > (best[0], best[1])):
            best = (quality, -position, primary)
    return best[2] if best else "sv"
