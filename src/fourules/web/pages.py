"""The web pages' routes: `/`, `/check`, `/rounds`, `/policies/{year}`, `/diff/{a}/{b}`.

Every page is rendered on the server from the same functions the CLI and the JSON API
use, so a decision is the same bytes wherever it is asked for. Bad input re-shows the form
with the message beside its field; a refusal is a page with a 4xx status, never a 500.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote as url_quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException

from fourules.errors import InputError, PolicyError, UnknownPolicyError
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.scoring import ScorerError
from fourules.text import Lang
from fourules.texts import in_language, language, text
from fourules.use_cases.evaluate import DecisionRecorder, EvaluateRequest
from fourules.use_cases.evaluate import evaluate as evaluated
from fourules.web import (
    check_pages,
    reading_pages,
    round_pages,
    rule_pages,
    through_years,
    views,
)
from fourules.web.decision_text import quote_anchors
from fourules.web.forms import (
    CheckForm,
    LinkProblem,
    as_posted,
    decode_application,
    linked_form,
    read_check_form,
)

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


def attachment(filename: str) -> str:
    """A download's Content-Disposition (RFC 6266): the name in ASCII for every client, and
    as written (`omgång-2024.xlsx`) for those that read `filename*`."""
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{url_quote(filename)}"


async def read_posted(request: Request, limit: int, max_fields: int = 200) -> FormData:
    """A posted form (URL-encoded, or multipart with one file) within `limit` bytes and
    `max_fields` fields, else PageError (415, 413, 400); an uploaded file is read whole and
    closed at once."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise PageError(415, text("problem.type"))
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise PageError(413, text("problem.size", limit=views.size(limit)))
    try:
        form = await request.form(max_files=1, max_fields=max_fields, max_part_size=limit)
    except HTTPException:  # too many fields, a part too large, a body that does not parse
        raise PageError(400, text("problem.form_unreadable")) from None
    try:
        items: list[tuple[str, Any]] = []
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                items.append((key, Uploaded(Path(value.filename or "").name, await value.read())))
            else:
                items.append((key, value))
    finally:
        await form.close()
    return FormData(items)


def page_lang(value: str | None) -> Lang:
    """A page's language as its `?lang` or form field names it: English, else Swedish."""
    return "en" if value == "en" else "sv"


def in_page(lang: Lang, build: Callable[[], T]) -> T:
    """What `build` makes, in the page's language. A page's language is its `?lang`, or its
    posted form's `lang` field — not always the request's (`?lang`, else Accept-Language) —
    so every route makes its page through here: the views and words it looks up
    (`fourules.output`, `fourules.texts`) are in the language the page is shown in."""
    with in_language(lang):
        return build()


def page_router(
    evaluator: Evaluator,
    *,
    trials: DecisionRecorder | None,
    decisions: DecisionRecorder | None,
    max_body: int,
) -> APIRouter:
    """The pages, over the service's evaluator and body limit. What is tried on them (a
    check, a round uploaded) is recorded in `trials`; a round goes into `decisions`, the
    decision log, only when a person records it as decided on its page."""
    ev = evaluator
    router = APIRouter(include_in_schema=False)

    def html(
        template: str,
        request: Request,
        status: int = 200,
        keep: dict[str, str] | None = None,
        switch_to: str | None = None,
        **values: Any,
    ) -> HTMLResponse:
        body = views.render(template, request, keep, switch_to, **values)
        return HTMLResponse(body, status_code=status)

    def refused(request: Request, exc: PageError) -> HTMLResponse:
        return html("problem.html.j2", request, exc.status, message=exc.message)

    def of_year(
        request: Request,
        template: str,
        context_of: Callable[[], dict[str, Any] | None],
        absent: str = "",
    ) -> HTMLResponse:
        """A page of one year: its context rendered, else a 404 page, naming the years served
        when the year is not one of them, or saying ABSENT when the year has nothing to show;
        a year whose policy does not load is said to be so (a 500: the server's to mend)."""
        try:
            context = context_of()
        except UnknownPolicyError as exc:
            return refused(request, PageError(404, exc.text(language())))
        except (PolicyError, ScorerError) as exc:  # the year is broken; the others serve
            return refused(request, PageError(500, text("problem.policy", error=str(exc))))
        if context is None:
            return refused(request, PageError(404, absent))
        return html(template, request, **context)

    async def posted(request: Request, answer: Callable[[FormData], Response]) -> Response:
        """A posted page: its form read, refusing a wrong type or a body over the limit (as
        the API) in the language of its `?lang`; then ANSWER to the form, made in the form's
        language (its `lang` field, else `?lang`), in the thread pool. An uploaded file is
        read whole (within the limit) and closed at once."""
        lang = page_lang(request.query_params.get("lang"))
        with in_language(lang):  # the coroutine runs here, not where in_page would make it
            try:
                form = await read_posted(request, max_body)
            except PageError as exc:
                return refused(request, exc)
        # A round evaluated or allocated can take seconds: in the thread pool, so the API
        # and other pages go on answering meanwhile.
        chosen = page_lang(str(form.get("lang") or lang))
        return await run_in_threadpool(in_page, chosen, lambda: answer(form))

    @router.get("/", response_class=HTMLResponse)
    def index(request: Request, lang: str | None = None) -> HTMLResponse:
        return in_page(
            page_lang(lang), lambda: html("index.html.j2", request, years=views.years(ev))
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
    @router.get(check_pages.ANSWER, response_class=HTMLResponse)
    def check_form(
        request: Request,
        lang: str | None = None,
        year: str | None = None,
        application: str | None = None,
    ) -> HTMLResponse:
        """The form, filled with the application its address carries (nothing stored); at
        `ANSWER`, the answer to it, as the form it fills would answer it (what a shared
        answer and the answer's language switch open). Opening a link records nothing (it
        is no try); a link that does not read gives the form, filled as far as it can be,
        with its problems."""
        answering = request.url.path == check_pages.ANSWER

        def page() -> HTMLResponse:
            if answering and year in views.served(ev) and application:
                shown = linked_answer(request, year, application)
                if shown is not None:
                    return shown
            context = check_pages.linked_context(ev, year, application)
            unread = context.get("link_problem") or (answering and application)
            return html("check.html.j2", request, 422 if unread else 200, **context)

        return in_page(page_lang(lang), page)

    @router.post("/check", response_class=HTMLResponse)
    async def check(request: Request) -> Response:
        return await posted(request, lambda form: checked(request, form))

    def checked(request: Request, form: FormData) -> HTMLResponse:
        """The check form's answer, or the form again with its problems."""
        try:
            year = str(form.get("year") or "")
            if year not in (served := views.served(ev)):
                raise PageError(404, text("problem.year", year=year, years=", ".join(served)))
            policy = ev.load_policy(year)
            typed, application = read_check_form(form, policy)
            if str(form.get("shown_year") or year) != year:
                # Another year was chosen: show its criteria, keep what was typed.
                context = check_pages.check_context(ev, year, typed.without_errors())
                notice = text("year.changed", year=year)
                return html("check.html.j2", request, keep={"year": year}, notice=notice, **context)
        except PageError as exc:
            return refused(request, exc)
        return answer(request, year, typed, application, trials)

    def answer(
        request: Request,
        year: str,
        typed: CheckForm,
        application: dict[str, Any],
        log: DecisionRecorder | None,
        notice: str | None = None,
    ) -> HTMLResponse:
        """The answer to the application read from the form TYPED (recorded in LOG), or the
        form again with its problems (and NOTICE). Its language switch is the answer's own
        address in the other language, so switching keeps the answer."""
        if not typed.errors:
            try:
                # A decision id only where a record holds it (a trial log): one given out
                # with no record would name nothing.
                identify = log is not None
                asked = EvaluateRequest(application, year, "form", language(), identify=identify)
                done = evaluated(ev, asked, log=log)
            except InputError as exc:
                for each in exc.every:
                    typed.errors[typed.place(each.where)] = each.message.get(language())
        if typed.errors:
            context = check_pages.check_context(ev, year, typed) | {"notice": notice}
            return html("check.html.j2", request, 422, {"year": year}, **context)
        (_, evaluation) = done.decisions[0]
        decision_id = done.decision_ids[0] if log is not None else None
        other = "sv" if language() == "en" else "en"
        return html(
            "result.html.j2", request,
            switch_to=check_pages.check_link(year, application, check_pages.ANSWER, other),
            **check_pages.result_context(ev, year, application, evaluation, decision_id, typed),
        )  # fmt: skip

    def linked_answer(request: Request, year: str, application: str) -> HTMLResponse | None:
        """The answer to the application a link carries, read as its form would be; None
        when the link does not fill the year's form whole (the form shows why)."""
        policy = ev.load_policy(year)
        try:
            linked, left_out = linked_form(decode_application(application), policy)
        except LinkProblem:
            return None
        if left_out:
            return None
        typed, asked = read_check_form(as_posted(linked), policy)
        return answer(request, year, typed, asked, None, text("receipt.answer.unreadable"))

    @router.get("/rounds", response_class=HTMLResponse)
    def rounds_form(request: Request, lang: str | None = None) -> HTMLResponse:
        return in_page(
            page_lang(lang),
            lambda: html("rounds.html.j2", request, **round_pages.upload_context(ev, max_body)),
        )

    @router.get("/rounds/template/{year}.{fmt}")
    def round_template(request: Request, year: str, fmt: str, lang: str | None = None) -> Response:
        """A year's round as a spreadsheet to fill in: headed in the page's language, with
        a sheet explaining each column."""

        def answer() -> Response:
            try:
                body, media, filename = round_pages.round_template(ev, year, fmt)
            except InputError as exc:
                return refused(request, PageError(404, exc.text(language())))
            return Response(
                body, media_type=media, headers={"Content-Disposition": attachment(filename)}
            )

        return in_page(page_lang(lang), answer)

    @router.post("/rounds", response_class=HTMLResponse)
    async def round_page(request: Request) -> Response:
        """An uploaded round (or the round a page carries, to come back to it)."""
        return await posted(request, lambda form: evaluated_round(request, form))

    def evaluated_round(request: Request, form: FormData) -> Response:
        """The round page, or the upload form again with the problem."""
        year = str(form.get("year") or "") or None
        try:
            raw, name = _upload(form)
            context = round_pages.round_context(ev, raw, name, year, trials)
            context["can_record"] = decisions is not None
        except (PageError, InputError) as exc:
            # Back to the upload form, with the message and the year chosen.
            status = exc.status if isinstance(exc, PageError) else 422
            error = exc.message if isinstance(exc, PageError) else round_pages.upload_problem(exc)
            context = round_pages.upload_context(ev, max_body, error=error, year=year)
            return html("rounds.html.j2", request, status, **context)
        return html("round.html.j2", request, **context)

    @router.post("/rounds/record", response_class=HTMLResponse)
    async def record_page(request: Request) -> Response:
        """The carried round recorded as decided in the decision log, when the person says so."""
        return await posted(request, lambda form: recorded(request, form))

    def recorded(request: Request, form: FormData) -> Response:
        if decisions is None:
            return refused(request, PageError(404, text("rounds.record.no_log")))
        if str(form.get("confirm") or "") != "yes":
            return refused(request, PageError(422, text("rounds.record.unconfirmed")))
        try:
            done = round_pages.record_round(ev, form, decisions)
        except InputError as exc:
            return refused(request, PageError(422, exc.text(language())))
        return html("recorded.html.j2", request, **done)

    @router.post("/rounds/allocate", response_class=HTMLResponse)
    async def allocate_page(request: Request) -> Response:
        """A draft for the budget typed on the page; a problem comes back beside its field,
        with the round still there."""
        return await posted(request, lambda form: allocated(request, form))

    def allocated(request: Request, form: FormData) -> Response:
        """The draft allocation, or the form again with the problem beside its field."""
        try:
            context = round_pages.allocation_context(ev, form)
        except InputError as exc:
            try:
                context = round_pages.allocation_problem(ev, form, exc)
            except InputError as unreadable:  # the carried round itself: start again
                return refused(request, PageError(422, unreadable.text(language())))
            return html("allocation.html.j2", request, 422, **context)
        return html("allocation.html.j2", request, **context)

    @router.post("/rounds/download")
    async def download(request: Request) -> Response:
        return await posted(request, lambda form: downloaded(request, form))

    def downloaded(request: Request, form: FormData) -> Response:
        """The carried round (or its draft) as the CLI writes it, as a file to save."""
        try:
            body, media, filename = round_pages.round_download(ev, form)
        except InputError as exc:
            return refused(request, PageError(422, exc.text(language())))
        disposition = f'attachment; filename="{filename}"'
        return Response(body, media_type=media, headers={"Content-Disposition": disposition})

    @router.get("/parameters", response_class=HTMLResponse)
    def through_years_index(request: Request, lang: str | None = None) -> HTMLResponse:
        """Every parameter and quota, its value in each year served."""
        return in_page(
            page_lang(lang),
            lambda: html("through_years_index.html.j2", request, **through_years.index(ev)),
        )

    @router.get("/parameters/{name}", response_class=HTMLResponse)
    def parameter_page(request: Request, name: str, lang: str | None = None) -> HTMLResponse:
        """One parameter in every year served, with its sources."""
        return in_page(
            page_lang(lang),
            lambda: through(request, lambda: through_years.parameter_through_years(ev, name)),
        )

    @router.get("/quotas/{quota_id}", response_class=HTMLResponse)
    def quota_page(request: Request, quota_id: str, lang: str | None = None) -> HTMLResponse:
        """One quota in every year served, with its sources."""
        return in_page(
            page_lang(lang),
            lambda: through(request, lambda: through_years.quota_through_years(ev, quota_id)),
        )

    def through(
        request: Request, item_of: Callable[[], through_years.ThroughYears]
    ) -> HTMLResponse:
        """The page of a parameter or a quota through the years; a 404 page for an unknown one."""
        try:
            item = item_of()
        except InputError as exc:
            return refused(request, PageError(404, exc.message.get(language())))
        anchors = {y.year: quote_anchors(ev, y.year) for y in item.years}
        return html("through_years.html.j2", request, item=item, anchors=anchors)

    @router.get("/policies", response_class=HTMLResponse)
    def policies(lang: str | None = None) -> Response:
        suffix = "?lang=en" if lang == "en" else ""
        return RedirectResponse(f"/{suffix}", status_code=303)

    @router.get("/policies/{year}", response_class=HTMLResponse)
    def policy_page(request: Request, year: str, lang: str | None = None) -> HTMLResponse:
        return in_page(
            page_lang(lang),
            lambda: of_year(request, "policy.html.j2", lambda: rule_pages.policy_context(ev, year)),
        )

    @router.get("/policies/{year}/text", response_class=HTMLResponse)
    def decision_text(
        request: Request, year: str, lang: str | None = None, quote: str | None = None
    ) -> HTMLResponse:
        return in_page(
            page_lang(lang),
            lambda: of_year(
                request, "text.html.j2", lambda: rule_pages.text_context(ev, year, quote)
            ),
        )

    @router.get("/policies/{year}/readings", response_class=HTMLResponse)
    def readings_page(request: Request, year: str, lang: str | None = None) -> HTMLResponse:
        return in_page(
            page_lang(lang),
            lambda: of_year(
                request, "readings.html.j2", lambda: reading_pages.readings_context(ev, year)
            ),
        )

    @router.get("/policies/{year}/scan", response_class=HTMLResponse)
    def scanned_text(request: Request, year: str, lang: str | None = None) -> HTMLResponse:
        return in_page(
            page_lang(lang),
            lambda: of_year(
                request,
                "scan.html.j2",
                lambda: rule_pages.scan_context(ev, year),
                absent=text("scan.none", year=year),
            ),
        )

    @router.get("/diff", response_class=HTMLResponse)
    def diff_form(
        request: Request, lang: str | None = None, a: str | None = None, b: str | None = None
    ) -> Response:
        chosen = page_lang(lang)
        if a and b:
            suffix = "?lang=en" if chosen == "en" else ""
            return RedirectResponse(f"/diff/{a}/{b}{suffix}", status_code=303)
        return in_page(chosen, lambda: html("index.html.j2", request, years=views.years(ev)))

    @router.get("/diff/{a}/{b}", response_class=HTMLResponse)
    def diff_page(
        request: Request, a: str, b: str, lang: str | None = None, witnesses: str = ""
    ) -> HTMLResponse:
        asked = witnesses.casefold() in ("true", "1", "yes", "ja")
        return in_page(
            page_lang(lang),
            lambda: compared(request, lambda: rule_pages.diff_context(ev, a, b, witnesses=asked)),
        )

    @router.post("/diff/{a}/{b}", response_class=HTMLResponse)
    async def replay_page(request: Request, a: str, b: str) -> Response:
        def replayed(form: FormData) -> HTMLResponse:
            try:
                raw, name = _upload(form)
            except PageError as exc:
                return refused(request, exc)
            left_out = str(form.get("without_dates") or "") == "true"
            return compared(
                request,
                lambda: rule_pages.diff_context(
                    ev, a, b, replay=(raw, name), without_dates=left_out
                ),
            )

        return await posted(request, replayed)

    def compared(request: Request, context_of: Callable[[], dict[str, Any]]) -> HTMLResponse:
        """The diff page, or a 404 (a year not served) or 422 page (a round not read)."""
        try:
            context = context_of()
        except InputError as exc:
            status = 404 if isinstance(exc, UnknownPolicyError) else 422
            return refused(request, PageError(status, exc.text(language())))
        return html("diff.html.j2", request, **context)

    def _upload(form: FormData) -> tuple[bytes, str]:
        """The uploaded round's bytes and name; a missing file or a wrong type is refused."""
        upload = form.get("file")
        carried = str(form.get("round") or "")
        if (not isinstance(upload, Uploaded) or not upload.name) and carried:
            return carried.encode(), round_pages.CARRIED
        if not isinstance(upload, Uploaded) or not upload.name:
            raise PageError(422, text("problem.no_file"))
        name, raw = upload.name, upload.content
        if Path(name).suffix.casefold() not in ROUND_SUFFIXES:
            raise PageError(415, text("problem.suffix", name=name))
        if len(raw) > max_body:
            raise PageError(413, text("problem.size", limit=views.size(max_body)))
        return raw, name

    return router


async def page_error(request: Request, exc: HTTPException) -> HTMLResponse:
    """A refusal outside the JSON routes (an unknown page, a wrong method) as a page."""
    key = {404: "problem.not_found", 405: "problem.method"}.get(exc.status_code, "problem")

    def page() -> HTMLResponse:
        body = views.render("problem.html.j2", request, message=text(key))
        return HTMLResponse(body, status_code=exc.status_code)

    return in_page(page_lang(request.query_params.get("lang")), page)
