"""The HTTP service: the same rules and the same JSON as the command line, for other systems.

    GET  /v1/policies                          listPolicies         fourules policies
    GET  /v1/policies/{year}                   getPolicy            fourules show YEAR
    POST /v1/policies/{year}/evaluate          evaluateApplication  fourules evaluate -
    POST /v1/policies/{year}/rounds/evaluate   evaluateRound        fourules round -
    POST /v1/policies/{year}/rounds/audit      auditRound           fourules audit -
    POST /v1/policies/{year}/rounds/allocate   allocateRound        fourules allocate -
    GET  /v1/diff/{a}/{b}                      diffPolicies         fourules diff A B
    GET  /healthz  /readyz  /metrics           operations
    GET  /openapi.json  /docs  /redoc          the contract, readable offline

`create_api` builds it (modules: `api` the routes, `problems` the error contract, `limits`
what a request may cost, `middleware` ids and metrics, `operations` health and metrics,
`openapi` the document). The server `fourules serve` runs (`fourules.server`) mounts the
web pages beside it: refusals on their paths are not problem documents but go to the
handler it sets as `app.state.page_errors`. The service keeps no state between requests, so
replicas run side by side.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

from fourules.decision_log.log import DecisionLog
from fourules.evaluation.evaluator import Evaluator
from fourules.service import problems
from fourules.service.api import api_router
from fourules.service.language import InLanguage
from fourules.service.limits import (
    DEFAULT_MAX_APPLICATIONS,
    DEFAULT_MAX_BODY,
    DEFAULT_REQUEST_TIMEOUT,
    Limits,
)
from fourules.service.middleware import Traced
from fourules.service.openapi import openapi_document
from fourules.service.operations import Metrics, operations_router
from fourules.version import fourules_version

GZIP_FROM = 16 * 1024
"""Answers of at least this many bytes (a policy, a list, a round) are compressed for a
client that accepts gzip; a single evaluation (11–14 kB) is not: compressing it cost 13 %
of the throughput (bench_service.py) to save about 9 kB on a local network."""


def create_api(
    evaluator: Evaluator,
    *,
    decision_log: DecisionLog | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    max_applications: int = DEFAULT_MAX_APPLICATIONS,
    request_timeout: float | None = DEFAULT_REQUEST_TIMEOUT,
    cors_origins: tuple[str, ...] = (),
) -> FastAPI:
    """The JSON API over one evaluator (shared by all requests; it is thread-safe).

    `cors_origins`: the browser origins allowed to call it (none by default)."""
    ev, log = evaluator, decision_log
    limits = Limits(max_body, max_applications, request_timeout)
    metrics = Metrics()
    app = FastAPIOffline(
        title="fourules",
        description="Stockholm's LUM and MUL calls as code: evaluate applications and rounds, "
        "audit and allocate rounds, compare years. Errors are RFC 9457 problem documents "
        "(`Problem`); integrators' guide: docs/service.md.",
        version=fourules_version(),
    )
    problems.install(app)
    app.include_router(api_router(ev, limits, metrics, log))
    app.include_router(operations_router(ev, metrics))
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_FROM, compresslevel=6)
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET", "HEAD", "POST"],
            allow_headers=["Content-Type", "Accept-Language", "X-Request-ID", "If-None-Match"],
            expose_headers=["X-Request-ID", "ETag"],
        )
    # Added last, so outermost: the request id and metrics cover CORS and compression too.
    app.add_middleware(InLanguage)
    app.add_middleware(Traced, metrics=metrics)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = openapi_document(app, ev)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
