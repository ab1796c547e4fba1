"""What operators watch: liveness (`/healthz`), readiness (`/readyz`) and Prometheus
metrics (`/metrics`), each process with its own registry.

`/healthz` answers as long as the process serves; `/readyz` once every policy has loaded
and the engine's self-check (durable-rules against its oracle, `fourules doctor`) has
passed — checked once, on the first call, since policies never change while the
process runs. Both name the fourules version and each policy's sha256.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from fastapi import APIRouter
from fastapi.types import DecoratedCallable
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.responses import PlainTextResponse, Response

from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.results import Evaluation
from fourules.service.problems import refusals
from fourules.service.responses import json_response
from fourules.use_cases.health import Check, Health, alive, checks
from fourules.use_cases.health import readiness as readiness_of

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    """The service's Prometheus metrics: requests by route, method and status, their
    latencies, and evaluations by year and outcome."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "fourules_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "fourules_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer, by route template.",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.in_progress = Gauge(
            "fourules_http_requests_in_progress",
            "Requests being answered now.",
            registry=self.registry,
        )
        self.evaluations = Counter(
            "fourules_evaluations",
            "Applications evaluated (alone, in a list or in a round), by year and outcome.",
            ["year", "outcome"],
            registry=self.registry,
        )

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route, method).observe(seconds)

    def count(self, evaluations: list[Evaluation]) -> None:
        for e in evaluations:
            self.evaluations.labels(e.policy.id, e.outcome).inc()


class Readiness:
    """The policies loaded and the engine's self-check, done once."""

    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator
        self._lock = threading.Lock()
        self._checks: list[Check] | None = None

    def checks(self) -> list[Check]:
        with self._lock:
            if self._checks is None:
                self._checks = checks(self.evaluator)
            return self._checks


NO_STORE = {"Cache-Control": "no-store"}
"""A probe's answer is the moment's: no cache may keep it."""


def operations_router(evaluator: Evaluator, metrics: Metrics) -> APIRouter:
    router = APIRouter(tags=["operations"])
    readiness = Readiness(evaluator)

    def probe(
        path: str, *, operation_id: str, summary: str, not_ready: str | None = None
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """A probe for the orchestrator: the health document, never cached; `not_ready`
        describes its 503."""
        responses = refusals(405)
        if not_ready is not None:
            responses[503] = {"model": Health, "description": not_ready}
        return router.get(
            path,
            operation_id=operation_id,
            summary=summary,
            response_model=Health,
            responses=responses,
        )

    @probe(
        "/healthz",
        operation_id="getHealth",
        summary="Liveness: the process answers; its version and policies.",
    )
    def healthz() -> Response:
        return json_response(alive(evaluator), headers=NO_STORE)

    @probe(
        "/readyz",
        operation_id="getReadiness",
        summary="Readiness: every policy loaded and the engine's self-check passed (else 503).",
        not_ready="Not ready: a policy did not load or the self-check failed.",
    )
    async def readyz() -> Response:
        body = readiness_of(evaluator, await run_in_threadpool(readiness.checks))
        return json_response(body, status=200 if body.status == "ready" else 503, headers=NO_STORE)

    @router.get(
        "/metrics",
        operation_id="getMetrics",
        summary="Prometheus metrics of this process.",
        response_class=PlainTextResponse,
        responses=refusals(405),
    )
    def prometheus() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return router
