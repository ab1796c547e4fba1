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

from fourules.errors import InputError, UnknownPolicyError
from fourules.evaluation.evaluator import Evaluator
from fourules.texts import language, text
from fourules.use_cases import calls as uc
from fourules.use_cases.evaluate import EvaluateRequest
from fourules.use_cases.evaluate import evaluate as evaluated
from fourules.web import call_views, check_pages, views
from fourules.web.decision_text import UNCITED
from fourules.web.draft_views import NotLoading, Trial, Trials
from fourules.web.forms import CheckForm, read_check_form
from fourules.web.gate import Form, Gate, Refused, Who
from fourules.web.pages import ROUND_SUFFIXES, Uploaded, read_posted
from fourules.web.rule_pages import diff_context

FORM_FIELDS = 200
"""The most fields a trial's form holds (the check form has one per fact and criterion)."""


class TrialGate(Gate):
    """The calls pages' gate (`web/gate.py`), for the trials: a form may carry a round
    uploaded (multipart, FORM_FIELDS fields), and a draft that does not load is a page
    saying why, with its check's problems, never a 500; a year not served is a 404."""

    async def read(self, request: Request) -> Form:
        return await read_posted(request, self.limit, FORM_FIELDS)

    def guarded(self, request: Request, answer: Callable[[], Response]) -> Response:
        def tried() -> Response:
            try:
                return answer()
            except NotLoading as exc:
                return self.broken(request, exc)
            except UnknownPolicyError as exc:
                raise Refused(404, exc.text(language())) from None
            except InputError as exc:  # no such draft (a 404), a round that does not read
                if exc.where and str(exc.where).startswith("drafts/"):
                    raise Refused(404, exc.text(language())) from None
                raise

        return super().guarded(request, tried)

    def broken(self, request: Request, exc: NotLoading) -> HTMLResponse:
        """The draft does not load: why, and its check's problems, each with its file."""
        repository = self.folder.repository
        check = uc.check_draft(repository, exc.year)
        _, files = call_views.draft_files(repository, exc.year)
        return self.page(
            "try_broken.html.j2",
            request,
            self.who(request),
            422,
            year=exc.year,
            revision=exc.revision,
            error=exc.error,
            problems=call_views.problems(check, files),
        )


def draft_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The trial pages of the calls folder's drafts, beside the years `evaluator` serves."""
    router = APIRouter(include_in_schema=False)
    repository = folder.repository
    trials = Trials(evaluator, repository)
    limit = repository.max_bytes + 64 * 1024  # an uploaded round: a file the folder holds
    gate = TrialGate(folder, limit)
    page = gate.page

    async def signed_in_page(
        request: Request, year: str, build: Callable[[Who, Trial], Response]
    ) -> Response:
        """A trial page for a signed-in person: the draft may be compiled."""

        def tried(signed: Who) -> Response:
            return build(signed, trials.of(year))

        return await gate.signed_in_page(request, tried, year=year)

    async def signed_in_form(
        request: Request, year: str, answer: Callable[[Who, Trial, Form], Response]
    ) -> Response:
        """A trial's form posted by a signed-in person with their session's CSRF token."""

        def tried(signed: Who, form: Form) -> Response:
            return answer(signed, trials.of(year), form)

        return await gate.signed_in_form(request, tried, year=year)

    # --- The trials ------------------------------------------------------------------------

    @router.get("/calls/drafts/{year}/try", response_class=HTMLResponse)
    async def tried(request: Request, year: str) -> Response:
        def build(signed: Who, trial: Trial) -> Response:
            return page(
                "try_index.html.j2",
                request,
                signed,
                trial=trial,
                rounds=sorted(trial.rounds(), reverse=True),
                proofs=trial.proofs(),
            )

        return await signed_in_page(request, year, build)

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
    async def check_form(request: Request, year: str) -> Response:
        return await signed_in_page(
            request, year, lambda signed, trial: check_page(request, signed, trial, None)
        )

    @router.post("/calls/drafts/{year}/try/check", response_class=HTMLResponse)
    async def check(request: Request, year: str) -> Response:
        def answer(signed: Who, trial: Trial, form: Form) -> Response:
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
                **(context | {"anchor": UNCITED}),
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
            **(context | {"anchor_b": UNCITED, "years": list(trial.others)}),
        )

    @router.get("/calls/drafts/{year}/try/diff", response_class=HTMLResponse)
    async def diff(
        request: Request, year: str, against: str | None = None, witnesses: str = ""
    ) -> Response:
        wanted = witnesses.casefold() in ("true", "1", "yes", "ja")

        def build(signed: Who, trial: Trial) -> Response:
            other = against or next(iter(trial.others), None)
            return compared(request, signed, trial, other, "try_diff.html.j2", witnesses=wanted)

        return await signed_in_page(request, year, build)

    @router.get("/calls/drafts/{year}/try/replay", response_class=HTMLResponse)
    async def replay(
        request: Request, year: str, chosen: str | None = Query(None, alias="from")
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

        return await signed_in_page(request, year, build)

    @router.post("/calls/drafts/{year}/try/replay", response_class=HTMLResponse)
    async def replay_uploaded(request: Request, year: str) -> Response:
        def answer(signed: Who, trial: Trial, form: Form) -> Response:
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
