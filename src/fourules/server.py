"""The server `fourules serve` runs: the composition root that builds the JSON API
(`fourules.service`) and mounts the web pages (`fourules.web`) beside it, over one
evaluator, one decision log and one body limit, each front end with its own error handling
(problem documents on the API's paths, pages on the pages'). Nothing imports this module
but the command that serves it, and the tests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI

from fourules.decision_log.log import DecisionLog
from fourules.evaluation.evaluator import Evaluator
from fourules.service.app import create_api
from fourules.service.limits import (
    DEFAULT_MAX_APPLICATIONS,
    DEFAULT_MAX_BODY,
    DEFAULT_REQUEST_TIMEOUT,
)
from fourules.web.pages import page_error, page_router

if TYPE_CHECKING:
    from fourules.use_cases.calls import CallsFolder


def create_app(
    evaluator: Evaluator | None = None,
    *,
    decision_log: Path | DecisionLog | None = None,
    trial_log: Path | DecisionLog | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    max_applications: int = DEFAULT_MAX_APPLICATIONS,
    request_timeout: float | None = DEFAULT_REQUEST_TIMEOUT,
    cors_origins: tuple[str, ...] = (),
    calls: CallsFolder | None = None,
) -> FastAPI:
    """The API and the pages over one evaluator (shared by all requests; it is thread-safe).

    `decision_log`: a path or a log that records every decision the API makes, and a round
    the pages record as decided; `trial_log`: where the pages record what is tried on them
    (a check, a round uploaded), each record marked a trial, none when not given; `cors_origins`: the
    browser origins allowed to call the API (none by default); `calls`: the calls folder
    whose drafts the API (`/v1/calls`, `service/calls.py`) and the pages (`/calls`,
    `web/call_pages.py`) write. With `calls`, the
    evaluator must already have the folder on its policy path
    (`Evaluator(policy_path=[folder, …])`, as `fourules serve --calls` builds it): that is
    where a published year is served from, at once."""
    ev = evaluator or Evaluator()
    log = DecisionLog(decision_log) if isinstance(decision_log, Path) else decision_log
    trials = DecisionLog(trial_log, trials=True) if isinstance(trial_log, Path) else trial_log
    if trials is not None and not trials.trials:
        # Its records would read as decisions: the pages' trials must be marked as such.
        raise ValueError("the trial log must be a DecisionLog(path, trials=True)")
    app = create_api(
        ev,
        decision_log=log,
        max_body=max_body,
        max_applications=max_applications,
        request_timeout=request_timeout,
        cors_origins=cors_origins,
    )
    if calls is not None:
        _include_calls(app, ev, calls)
        from fourules.web.calls_routers import calls_routers

        for router in calls_routers(ev, calls):
            app.include_router(router, include_in_schema=False)
        app.state.writes_calls = True  # the pages' menu offers the calls
    pages = page_router(ev, trials=trials, decisions=log, max_body=max_body)
    app.include_router(pages, include_in_schema=False)
    app.state.page_errors = page_error
    return app


def _include_calls(app: FastAPI, evaluator: Evaluator, calls: CallsFolder) -> None:
    """The `/v1/calls` routes, and the OpenAPI document telling their years apart."""
    from fourules.service.calls import calls_document, calls_router

    served = {p.resolve() for p in evaluator.policy_path}
    if calls.repository.folder.resolve() not in served:
        raise ValueError(
            f"the evaluator does not serve the calls folder {calls.repository.folder}: "
            "give it on the policy path, Evaluator(policy_path=[folder, ...])"
        )
    app.include_router(calls_router(evaluator, calls))
    generated = app.openapi

    def openapi() -> dict[str, Any]:
        return calls_document(generated())

    app.openapi = openapi  # type: ignore[method-assign]
