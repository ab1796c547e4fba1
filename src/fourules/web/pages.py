"""The web pages' routes: `/`, `/check`, `/rounds`, `/policies/{year}`, `/diff/{a}/{b}`.

Every page is rendered on the server from the same functions the CLI and the JSON API
use, so a decision is the same bytes wherever it is asked for. Bad input re-shows the form
with the message beside its field; a refusal is a page with a 4xx status, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException

from fourules.errors import InputError, UnknownPolicyError
from fourules.evaluation.evaluator import Evaluator
from fourules.text import Lang
from fourules.texts import in_language
from fourules.use_cases.evaluate import DecisionRecorder, EvaluateRequest
from fourules.use_cases.evaluate import evaluate as evaluated
from fourules.web import check_pages, reading_pages, round_pages, rule_pages, views
from fourules.web.forms import read_check_form
from fourules.web.texts import t

STATIC = Path(__file__).parent / "static"
ROUND_SUFFIXES = (".json", ".csv", ".xlsx")
T = TypeVar("T")


@dataclass(frozen=True)
class Uploaded:
    """A file sent with a form, read whole."""

    name: str
    content: bytes


class PageError(Exception):
    """A request a page refuses: shown as a page with this status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _lang(value: str | None) -> Lang:
    return "en" if value == "en" else "sv"


def in_page(lang: Lang, build: Callable[[], T]) -> T:
    """What `build` makes, in the page's language. A page's language is its `?lang`, or its
    posted form's `lang` field — not always the request's (`?lang`, else Accept-Language) —
    so every route builds its content through here: the views and words it looks up
    (`fourules.output`, `fourules.texts`) are then in the language the page is shown in."""
    with in_language(lang):
        return build()


def page_router(evaluator: Evaluator, *, log: DecisionRecorder | None, max_body: int) -> APIRouter:
    """The pages, over the service's evaluator, decision log and body limit."""
    ev = evaluator
    router = APIRouter(include_in_schema=False)

    def html(
        template: str,
        request: Request,
        lang: Lang,
        status: int = 200,
        keep: dict[str, str] | None = None,
        **values: Any,
    ) -> HTMLResponse:
        body = views.render(template, request, lang, keep, **values)
        return HTMLResponse(body, status_code=status)

    def refused(request: Request, lang: Lang, exc: PageError) -> HTMLResponse:
        return html("problem.html.j2", request, lang, exc.status, message=exc.message)

    def of_year(
        request: Request,
        lang: Lang,
        template: str,
        context_of: Callable[[], dict[str, Any] | None],
        absent: str = "",
    ) -> HTMLResponse:
        """A page of one year: its context rendered, else a 404 page, naming the years served
        when the year is not one of them, or saying ABSENT when the year has nothing to show."""
        try:
            context = in_page(lang, context_of)
        except UnknownPolicyError as exc:
            return refused(request, lang, PageError(404, exc.text(lang)))
        if context is None:
            return refused(request, lang, PageError(404, absent))
        return html(template, request, lang, **context)

    async def form_of(request: Request, lang: Lang) -> tuple[FormData, Lang]:
        """The posted form and its language (its `lang` field, else LANG), refusing a wrong
        type or a body over the limit (as the API) in LANG; an uploaded file is read whole
        (within the limit) and closed at once."""
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            raise PageError(415, t("problem.type", lang))
        declared = request.headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > max_body:
            raise PageError(413, t("problem.size", lang, limit=views.size(max_body, lang)))
        form = await request.form(max_files=1, max_fields=200, max_part_size=max_body)
        try:
            items: list[tuple[str, Any]] = []
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    name = Path(value.filename or "").name
                    items.append((key, Uploaded(name, await value.read())))
                else:
                    items.append((key, value))
        finally:
            await form.close()
        read = FormData(items)
        return read, _lang(str(read.get("lang") or lang))

    @router.get("/", response_class=HTMLResponse)
    def index(request: Request, lang: str | None = None) -> HTMLResponse:
        chosen = _lang(lang)
        return html(
            "index.html.j2", request, chosen, years=in_page(chosen, lambda: views.years(ev, chosen))
        )

    @router.get("/static/{name}")
    def static(name: str) -> Response:
        path = STATIC / name
        if name not in {p.name for p in STATIC.iterdir()}:
            return Response(status_code=404)
        media = "text/css" if name.endswith(".css") else "application/octet-stream"
        return Response(
            path.read_bytes(), media_type=media, headers={"Cache-Control": "max-age=3600"}
        )

    @router.get("/check", response_class=HTMLResponse)
    def check_form(
        request: Request, lang: str | None = None, year: str | None = None
    ) -> HTMLResponse:
        chosen = _lang(lang)
        policy_year = year if year in ev.policy_ids() else ev.policy_ids()[-1]
        return html(
            "check.html.j2",
            request,
            chosen,
            **in_page(chosen, lambda: check_pages.check_context(ev, policy_year, None, chosen)),
        )

    @router.post("/check", response_class=HTMLResponse)
    async def check(request: Request) -> HTMLResponse:
        lang = _lang(request.query_params.get("lang"))
        try:
            form, lang = await form_of(request, lang)
        except PageError as exc:
            return refused(request, lang, exc)
        return in_page(lang, lambda: checked(request, form, lang))

    def checked(request: Request, form: FormData, lang: Lang) -> HTMLResponse:
        """The check form's answer, or the form again with its problems."""
        try:
            year = str(form.get("year") or "")
            if year not in ev.policy_ids():
                raise PageError(
                    404, t("problem.year", lang, year=year, years=", ".join(ev.policy_ids()))
                )
            policy = ev.load_policy(year)
            typed, application = read_check_form(form, policy, lang)
            if str(form.get("shown_year") or year) != year:
                # Another year was chosen: show its criteria, keep what was typed.
                context = check_pages.check_context(ev, year, typed.without_errors(), lang)
                notice = t("year.changed", lang, year=year)
                keep = {"year": year}
                return html("check.html.j2", request, lang, keep=keep, notice=notice, **context)
            if not typed.errors:
                try:
                    asked = EvaluateRequest(application, year, "form", lang, identify=True)
                    done = evaluated(ev, asked, log=log)
                except InputError as exc:
                    for each in exc.every:
                        typed.errors[typed.place(each.where)] = each.message.get(lang)
            if typed.errors:
                context = check_pages.check_context(ev, year, typed, lang)
                return html("check.html.j2", request, lang, 422, {"year": year}, **context)
        except PageError as exc:
            return refused(request, lang, exc)
        (_, evaluation), decision_id = done.decisions[0], done.decision_ids[0]
        # The language switch keeps the year the application was checked against.
        return html(
            "result.html.j2", request, lang, keep={"year": year},
            **check_pages.result_context(
                ev, year, application, evaluation, decision_id, typed, lang
            ),
        )  # fmt: skip

    @router.get("/rounds", response_class=HTMLResponse)
    def rounds_form(request: Request, lang: str | None = None) -> HTMLResponse:
        chosen = _lang(lang)
        return html(
            "rounds.html.j2",
            request,
            chosen,
            **in_page(chosen, lambda: round_pages.upload_context(ev, chosen, max_body)),
        )

    @router.post("/rounds", response_class=HTMLResponse)
    async def round_page(request: Request) -> Response:
        """An uploaded round (or the round a page carries, to come back to it)."""
        lang = _lang(request.query_params.get("lang"))
        try:
            form, lang = await form_of(request, lang)
        except PageError as exc:
            return refused(request, lang, exc)
        return in_page(lang, lambda: evaluated_round(request, form, lang))

    def evaluated_round(request: Request, form: FormData, lang: Lang) -> Response:
        """The round page, or the upload form again with the problem."""
        year = str(form.get("year") or "") or None
        try:
            raw, name = _upload(form, lang)
            context = round_pages.round_context(ev, raw, name, year, lang, log)
        except (PageError, InputError) as exc:
            # Back to the upload form, with the message and the year chosen.
            status = exc.status if isinstance(exc, PageError) else 422
            error = (
                exc.message if isinstance(exc, PageError) else round_pages.upload_problem(exc, lang)
            )
            context = round_pages.upload_context(ev, lang, max_body, error=error, year=year)
            return html("rounds.html.j2", request, lang, status, **context)
        return html("round.html.j2", request, lang, **context)

    @router.post("/rounds/allocate", response_class=HTMLResponse)
    async def allocate_page(request: Request) -> Response:
        """A draft for the budget typed on the page; a problem comes back beside its field,
        with the round still there."""
        lang = _lang(request.query_params.get("lang"))
        try:
            form, lang = await form_of(request, lang)
        except PageError as exc:
            return refused(request, lang, exc)
        return in_page(lang, lambda: allocated(request, form, lang))

    def allocated(request: Request, form: FormData, lang: Lang) -> Response:
        """The draft allocation, or the form again with the problem beside its field."""
        try:
            context = round_pages.allocation_context(ev, form, lang)
        except InputError as exc:
            try:
                context = round_pages.allocation_problem(ev, form, exc, lang)
            except InputError as unreadable:  # the carried round itself: start again
                return refused(request, lang, PageError(422, unreadable.text(lang)))
            return html("allocation.html.j2", request, lang, 422, **context)
        return html("allocation.html.j2", request, lang, **context)

    @router.post("/rounds/download")
    async def download(request: Request) -> Response:
        lang = _lang(request.query_params.get("lang"))
        try:
            form, lang = await form_of(request, lang)
            try:
                body, media, filename = in_page(
                    lang, lambda: round_pages.round_download(ev, form, lang)
                )
            except InputError as exc:
                raise PageError(422, exc.text(lang)) from None
        except PageError as exc:
            return refused(request, lang, exc)
        disposition = f'attachment; filename="{filename}"'
        return Response(body, media_type=media, headers={"Content-Disposition": disposition})

    @router.get("/policies", response_class=HTMLResponse)
    def policies(lang: str | None = None) -> Response:
        suffix = "?lang=en" if lang == "en" else ""
        return RedirectResponse(f"/{suffix}", status_code=303)

    @router.get("/policies/{year}", response_class=HTMLResponse)
    def policy_page(request: Request, year: str, lang: str | None = None) -> HTMLResponse:
        chosen = _lang(lang)
        return of_year(
            request, chosen, "policy.html.j2", lambda: rule_pages.policy_context(ev, year, chosen)
        )

    @router.get("/policies/{year}/text", response_class=HTMLResponse)
    def decision_text(
        request: Request, year: str, lang: str | None = None, quote: str | None = None
    ) -> HTMLResponse:
        chosen = _lang(lang)
        return of_year(
            request,
            chosen,
            "text.html.j2",
            lambda: rule_pages.text_context(ev, year, quote, chosen),
        )

    @router.get("/policies/{year}/readings", response_class=HTMLResponse)
    def readings_page(request: Request, year: str, lang: str | None = None) -> HTMLResponse:
        chosen = _lang(lang)
        return of_year(
            request,
            chosen,
            "readings.html.j2",
            lambda: reading_pages.readings_context(ev, year, chosen),
        )

    @router.get("/policies/{year}/scan", response_class=HTMLResponse)
    def scanned_text(request: Request, year: str, lang: str | None = None) -> HTMLResponse:
        chosen = _lang(lang)
        absent = t("scan.none", chosen, year=year)
        return of_year(
            request,
            chosen,
            "scan.html.j2",
            lambda: rule_pages.scan_context(ev, year, chosen),
            absent=absent,
        )

    @router.get("/diff", response_class=HTMLResponse)
    def diff_form(
        request: Request, lang: str | None = None, a: str | None = None, b: str | None = None
    ) -> Response:
        chosen = _lang(lang)
        if a and b:
            suffix = "?lang=en" if chosen == "en" else ""
            return RedirectResponse(f"/diff/{a}/{b}{suffix}", status_code=303)
        return html(
            "index.html.j2", request, chosen, years=in_page(chosen, lambda: views.years(ev, chosen))
        )

    @router.get("/diff/{a}/{b}", response_class=HTMLResponse)
    def diff_page(
        request: Request, a: str, b: str, lang: str | None = None, witnesses: str = ""
    ) -> HTMLResponse:
        chosen = _lang(lang)
        try:
            asked = witnesses.casefold() in ("true", "1", "yes", "ja")
            context = in_page(
                chosen, lambda: rule_pages.diff_context(ev, a, b, chosen, witnesses=asked)
            )
        except InputError as exc:
            status = 404 if isinstance(exc, UnknownPolicyError) else 422
            return refused(request, chosen, PageError(status, exc.text(chosen)))
        return html("diff.html.j2", request, chosen, **context)

    @router.post("/diff/{a}/{b}", response_class=HTMLResponse)
    async def replay_page(request: Request, a: str, b: str) -> HTMLResponse:
        lang = _lang(request.query_params.get("lang"))
        try:
            form, lang = await form_of(request, lang)
            raw, name = _upload(form, lang)
            try:
                context = in_page(
                    lang, lambda: rule_pages.diff_context(ev, a, b, lang, replay=(raw, name))
                )
            except InputError as exc:
                status = 404 if isinstance(exc, UnknownPolicyError) else 422
                raise PageError(status, exc.text(lang)) from None
        except PageError as exc:
            return refused(request, lang, exc)
        return html("diff.html.j2", request, lang, **context)

    def _upload(form: FormData, lang: Lang) -> tuple[bytes, str]:
        """The uploaded round's bytes and name; a missing file or a wrong type is refused."""
        upload = form.get("file")
        carried = str(form.get("round") or "")
        if (not isinstance(upload, Uploaded) or not upload.name) and carried:
            return carried.encode(), round_pages.CARRIED
        if not isinstance(upload, Uploaded) or not upload.name:
            raise PageError(422, t("problem.no_file", lang))
        name, raw = upload.name, upload.content
        if Path(name).suffix.casefold() not in ROUND_SUFFIXES:
            raise PageError(415, t("problem.suffix", lang, name=name))
        if len(raw) > max_body:
            raise PageError(413, t("problem.size", lang, limit=views.size(max_body, lang)))
        return raw, name

    return router


async def page_error(request: Request, exc: HTTPException) -> HTMLResponse:
    """A refusal outside the JSON routes (an unknown page, a wrong method) as a page."""
    lang = _lang(request.query_params.get("lang"))
    key = {404: "problem.not_found", 405: "problem.method"}.get(exc.status_code, "problem")
    body = views.render("problem.html.j2", request, lang, message=t(key, lang))
    return HTMLResponse(body, status_code=exc.status_code)
