"""A draft tried at once, with no restart, under `/calls/drafts/{year}/try`: the check form
under the draft's year (`…/try/check`), a round replayed under it against a year served
(`…/try/replay?from=2018`: the round that year ships, or one uploaded) and the plain-words
diff against a year served, with witnesses (`…/try/diff?against=2024`).

The answers are the served pages' (`check_pages`, `rule_pages.diff_context`), made with
the draft's evaluator (`draft_views.Trials`: one per revision, so a save is tried at once).
A trial is not a decision: the check form's answer is written to no decision log. As on
the calls pages, every page needs a signed-in person and every form posted its CSRF token;
a draft that does not load says why, with its check's problems, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from fourules.errors import InputError, UnknownPolicyError
from fourules.evaluation.evaluator import Evaluator
from fourules.text import Lang
from fourules.texts import language, text
from fourules.use_cases import calls as uc
from fourules.use_cases.evaluate import EvaluateRequest
from fourules.use_cases.evaluate import evaluate as evaluated
from fourules.web import call_views, check_pages, views
from fourules.web.call_pages import Gate, Refused, Who, known
from fourules.web.draft_views import NotLoading, Trial, Trials
from fourules.web.forms import CheckForm, read_check_form
from fourules.web.pages import ROUND_SUFFIXES, PageError, Uploaded, in_page, read_posted
from fourules.web.rule_pages import diff_context

FORM_FIELDS = 200
"""The most fields a trial's form holds (the check form has one per fact and criterion)."""


def _lang(value: str | None) -> Lang:
    return "en" if value == "en" else "sv"


def _no_anchor(quote: str | None) -> str | None:
    """The draft's quotes link nowhere: its text is not a page of the years served."""
    return None


def draft_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The trial pages of the calls folder's drafts, beside the years `evaluator` serves."""
    router = APIRouter(include_in_schema=False)
    repository = folder.repository
    trials = Trials(evaluator, repository)
    limit = repository.max_bytes + 64 * 1024  # an uploaded round: a file the folder holds

    gate = Gate(folder)  # who is asking, as the calls pages ask
    who, to_sign_in, refusal = gate.who, gate.to_sign_in, gate.refusal

    page = gate.page

    def guarded(request: Request, year: str, answer: Callable[[], Response]) -> Response:
        """ANSWER; a refusal, an unknown year or a draft that does not load as a page."""
        try:
            return answer()
        except Refused as exc:
            return refusal(request, exc)
        except NotLoading as exc:
            return broken(request, exc)
        except UnknownPolicyError as exc:
            return refusal(request, Refused(404, exc.text(language())))
        except InputError as exc:  # no such draft, a round that does not read
            status = 404 if exc.where and str(exc.where).startswith("drafts/") else 422
            return refusal(request, Refused(status, exc.text(language())))

    def broken(request: Request, exc: NotLoading) -> HTMLResponse:
        """The draft does not load: why, and its check's problems, each with its file."""
        signed = who(request)
        check = uc.check_draft(repository, exc.year)
        _, files = call_views.draft_files(repository, exc.year)
        return page(
            "try_broken.html.j2",
            request,
            signed,
            422,
            year=exc.year,
            revision=exc.revision,
            error=exc.error,
            problems=call_views.problems(check, files),
        )

    async def signed_in_page(
        request: Request, year: str, lang: str | None, build: Callable[[Who, Trial], Response]
    ) -> Response:
        """A trial page for a signed-in person (else a 303 to sign in), in the thread pool:
        the draft may be compiled."""

        def answer() -> Response:
            signed = who(request)
            if signed is None:
                return to_sign_in(request)
            known(year)
            return build(signed, trials.of(year))

        chosen = _lang(lang)
        return await run_in_threadpool(in_page, chosen, lambda: guarded(request, year, answer))

    async def signed_in_form(
        request: Request, year: str, answer: Callable[[Who, Trial, FormData], Response]
    ) -> Response:
        """A trial's form posted by a signed-in person with their session's CSRF token."""
        chosen = _lang(request.query_params.get("lang"))
        try:
            form = await read_posted(request, limit, FORM_FIELDS)
        except PageError as exc:
            refused = Refused(exc.status, exc.message)
            return in_page(chosen, lambda: refusal(request, refused))
        chosen = _lang(str(form.get("lang") or chosen))

        def checked() -> Response:
            signed = who(request)
            if signed is None:
                raise Refused(401, text("pages.calls.not_signed_in"))
            if not gate.csrf_holds(signed, str(form.get("csrf") or "")):
                raise Refused(403, text("pages.calls.csrf"))
            known(year)
            return answer(signed, trials.of(year), form)

        return await run_in_threadpool(in_page, chosen, lambda: guarded(request, year, checked))

    # --- The trials ------------------------------------------------------------------------

    @router.get("/calls/drafts/{year}/try", response_class=HTMLResponse)
    async def tried(request: Request, year: str, lang: str | None = None) -> Response:
        def build(signed: Who, trial: Trial) -> Response:
            return page(
                "try_index.html.j2",
                request,
                signed,
                trial=trial,
                rounds=sorted(trial.rounds(), reverse=True),
            )

        return await signed_in_page(request, year, lang, build)

    def check_page(
        request: Request, signed: Who, trial: Trial, typed: CheckForm | None, status: int = 200
    ) -> HTMLResponse:
        context = check_pages.check_context(trial.evaluator, trial.year, typed, [trial.year])
        return page(
            "try_check.html.j2",
            request,
            signed,
            status,
            trial=trial,
            trial_action=f"/calls/drafts/{trial.year}/try/check",
            **context,
        )

    @router.get("/calls/drafts/{year}/try/check", response_class=HTMLResponse)
    async def check_form(request: Request, year: str, lang: str | None = None) -> Response:
        return await signed_in_page(
            request, year, lang, lambda signed, trial: check_page(request, signed, trial, None)
        )

    @router.post("/calls/drafts/{year}/try/check", response_class=HTMLResponse)
    async def check(request: Request, year: str) -> Response:
        def answer(signed: Who, trial: Trial, form: FormData) -> Response:
            ev = trial.evaluator
            typed, application = read_check_form(form, ev.load_policy(year))
            if not typed.errors:
                try:
                    asked = EvaluateRequest(application, year, "form", language(), identify=True)
                    done = evaluated(ev, asked, log=None)  # a trial is not a decision
                except InputError as exc:
                    for each in exc.every:
                        typed.errors[typed.place(each.where)] = each.message.get(language())
            if typed.errors:
                return check_page(request, signed, trial, typed, 422)
            (_, evaluation), decision_id = done.decisions[0], done.decision_ids[0]
            context = check_pages.result_context(
                ev, year, application, evaluation, decision_id, typed, [year]
            )
            return page(
                "try_result.html.j2",
                request,
                signed,
                trial=trial,
                trial_action=f"/calls/drafts/{year}/try/check",
                **(context | {"anchor": _no_anchor}),
            )

        return await signed_in_form(request, year, answer)

    def compared(
        request: Request,
        signed: Who,
        trial: Trial,
        other: str | None,
        template: str,
        **asked: Any,
    ) -> HTMLResponse:
        """The diff page's context between the served year OTHER and the draft."""
        if other not in trial.others:
            years = ", ".join(trial.others) or "-"
            raise Refused(404, text("problem.year", year=other or "-", years=years))
        context = diff_context(trial.evaluator, other, trial.year, **asked)
        return page(
            template,
            request,
            signed,
            trial=trial,
            rounds=sorted(trial.rounds(), reverse=True),
            **(context | {"anchor_b": _no_anchor, "years": list(trial.others)}),
        )

    @router.get("/calls/drafts/{year}/try/diff", response_class=HTMLResponse)
    async def diff(
        request: Request,
        year: str,
        lang: str | None = None,
        against: str | None = None,
        witnesses: str = "",
    ) -> Response:
        wanted = witnesses.casefold() in ("true", "1", "yes", "ja")

        def build(signed: Who, trial: Trial) -> Response:
            other = against or next(iter(trial.others), None)
            return compared(request, signed, trial, other, "try_diff.html.j2", witnesses=wanted)

        return await signed_in_page(request, year, lang, build)

    @router.get("/calls/drafts/{year}/try/replay", response_class=HTMLResponse)
    async def replay(
        request: Request,
        year: str,
        lang: str | None = None,
        chosen: str | None = Query(None, alias="from"),
    ) -> Response:
        def build(signed: Who, trial: Trial) -> Response:
            shipped = trial.rounds()
            other = chosen or next(iter(sorted(shipped, reverse=True)), None)
            if other is None or other not in shipped:
                return compared(request, signed, trial, other, "try_replay.html.j2")
            raw = shipped[other].read_bytes()
            return compared(
                request, signed, trial, other, "try_replay.html.j2", replay=(raw, "round.json")
            )

        return await signed_in_page(request, year, lang, build)

    @router.post("/calls/drafts/{year}/try/replay", response_class=HTMLResponse)
    async def replay_uploaded(request: Request, year: str) -> Response:
        def answer(signed: Who, trial: Trial, form: FormData) -> Response:
            other = str(form.get("from") or "") or None
            upload = form.get("file")
            if not isinstance(upload, Uploaded) or not upload.name:
                raise Refused(422, text("problem.no_file"))
            if Path(upload.name).suffix.casefold() not in ROUND_SUFFIXES:
                raise Refused(415, text("problem.suffix", name=upload.name))
            if len(upload.content) > limit:
                raise Refused(413, text("problem.size", limit=views.size(limit)))
            return compared(
                request,
                signed,
                trial,
                other,
                "try_replay.html.j2",
                replay=(upload.content, upload.name),
            )

        return await signed_in_form(request, year, answer)

    return router
