"""The HTTP service: the same rules and the same JSON as the command line, for other systems.

Routes (all JSON; messages in `?lang=sv` (default) or `en`):

    GET  /v1/policies                         fourules policies --format json
    GET  /v1/policies/{year}                  fourules show YEAR --format json
    POST /v1/policies/{year}/evaluate         fourules evaluate - --year YEAR --format json
    POST /v1/policies/{year}/rounds/evaluate  fourules round - --year YEAR --format json
    GET  /v1/diff/{a}/{b}                     fourules diff A B --format json
    GET  /healthz
    GET  /openapi.json

A response is byte-for-byte what the command prints for the same input. Bad requests get
a 4xx problem document (RFC 9457: type, title, status, detail, field). The service keeps
no state between requests, so replicas can run side by side behind a load balancer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from pydantic import TypeAdapter
from starlette.exceptions import HTTPException as StarletteHTTPException

from fourules.application import Application
from fourules.errors import InputError, PolicyError, UnknownPolicyError
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.inputs import read_json
from fourules.evaluation.results import Evaluation
from fourules.evaluation.scoring import ScorerError
from fourules.output.canonical import to_json
from fourules.output.documents import (
    diff_document,
    evaluate_document,
    explained_document,
    policies_document,
    policy_document,
)
from fourules.rounds.evaluation import RoundEvaluation, evaluate_round, read_round
from fourules.rounds.model import Round
from fourules.service.decision_log import DecisionLog
from fourules.text import Lang

DEFAULT_MAX_BODY = 2 * 1024 * 1024
"""Largest request body accepted (bytes): a round of about 5 000 applications."""

PROBLEM = "application/problem+json"
LangQuery = Query("sv", description="Language of messages: sv or en.")


class Problem(Exception):
    """A request that cannot be answered, as an RFC 9457 problem document."""

    def __init__(self, status: int, title: str, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.field = status, title, detail, field


def _problem_response(status: int, title: str, detail: str, field: str | None = None) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if field:
        body["field"] = field
    return Response(content=to_json(body), status_code=status, media_type=PROBLEM)


def _json(value: Any) -> Response:
    return Response(content=to_json(value), media_type="application/json")


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refusing a wrong content type or a body over the limit early."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json" and not ctype.endswith("+json"):
        raise Problem(
            415,
            "Unsupported Media Type",
            f"send JSON (Content-Type: application/json), not {ctype or 'nothing'}",
        )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Problem(
            413, "Content Too Large", f"the body is {declared} bytes; at most {limit} are accepted"
        )
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Problem(413, "Content Too Large", f"the body is over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _components() -> dict[str, Any]:
    """JSON Schemas of the contracts, for the OpenAPI document's components."""
    schemas: dict[str, Any] = {}
    contracts: dict[str, Any] = {
        "Application": Application,
        "Evaluation": Evaluation,
        "Round": Round,
        "RoundEvaluation": RoundEvaluation,
    }
    for name, contract in contracts.items():
        schema = TypeAdapter(contract).json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[name] = schema
    return schemas


def create_app(
    evaluator: Evaluator | None = None,
    *,
    decision_log: Path | DecisionLog | None = None,
    max_body: int = DEFAULT_MAX_BODY,
) -> FastAPI:
    """The service, with its own evaluator (shared by all requests; it is thread-safe)."""
    ev = evaluator or Evaluator()
    log = DecisionLog(decision_log) if isinstance(decision_log, Path) else decision_log
    app = FastAPI(
        title="fourules",
        description="Stockholm's LUM and MUL calls as code: evaluate applications and rounds, compare years.",
        version=__import__("fourules").__version__,
    )

    @app.exception_handler(Problem)
    async def _problem(_: Request, exc: Problem) -> Response:
        return _problem_response(exc.status, exc.title, exc.detail, exc.field)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> Response:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err.get("loc", ()))
        return _problem_response(422, "Unprocessable Content", f"{field}: {err.get('msg')}", field)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> Response:
        return _problem_response(exc.status_code, str(exc.detail), str(exc.detail))

    def answer(lang: Lang, work: Any) -> Response:
        """Run the work; map fourules' errors to problem documents."""
        try:
            return _json(work())
        except UnknownPolicyError as exc:
            raise Problem(404, "Not Found", exc.text(lang), exc.where) from None
        except InputError as exc:
            raise Problem(422, "Unprocessable Content", exc.text(lang), exc.where) from None
        except (PolicyError, ScorerError) as exc:
            raise Problem(500, "Internal Server Error", str(exc)) from None

    def parse(raw: bytes, lang: Lang) -> Any:
        try:
            return read_json(raw, where="body")
        except InputError as exc:
            raise Problem(400, "Bad Request", exc.text(lang), exc.where) from None

    @app.get("/healthz", summary="Liveness: the policies load.")
    def healthz() -> Response:
        return _json({"status": "ok", "policies": ev.policy_ids()})

    @app.get("/v1/policies", summary="The policy years available.")
    def policies(lang: Lang = LangQuery) -> Response:
        return answer(lang, lambda: policies_document(ev))

    @app.get("/v1/policies/{year}", summary="One year's policy, every rule with its source.")
    def policy(year: str, lang: Lang = LangQuery) -> Response:
        return answer(lang, lambda: policy_document(ev.load_policy(year)))

    @app.post(
        "/v1/policies/{year}/evaluate",
        summary="Evaluate one application (or a list) against a year.",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "oneOf": [
                                {"$ref": "#/components/schemas/Application"},
                                {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Application"},
                                },
                            ]
                        }
                    }
                },
            },
            "responses": {
                "200": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "oneOf": [
                                    {"$ref": "#/components/schemas/Evaluation"},
                                    {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Evaluation"},
                                    },
                                ]
                            }
                        }
                    }
                }
            },
        },
    )
    async def evaluate(
        year: str,
        request: Request,
        lang: Lang = LangQuery,
        explain: bool = Query(
            False,
            description="Add what would change the outcome, as `fourules evaluate --explain`.",
        ),
    ) -> Response:
        raw = await _body(request, max_body)
        data = parse(raw, lang)

        def work() -> Any:
            result, decisions = evaluate_document(ev, data, year, where="body", lang=lang)
            if log is not None:
                log.append(decisions)
            if explain:
                single = not isinstance(result, list)
                return explained_document(ev, decisions, year, single=single, lang=lang)
            return result

        return await _in_thread(lambda: answer(lang, work))

    @app.post(
        "/v1/policies/{year}/rounds/evaluate",
        summary="Evaluate a whole round against a year.",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Round"}}},
            },
            "responses": {
                "200": {
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/RoundEvaluation"}
                        }
                    }
                }
            },
        },
    )
    async def evaluate_round_route(year: str, request: Request, lang: Lang = LangQuery) -> Response:
        raw = await _body(request, max_body)
        parse(raw, lang)  # malformed JSON is a 400, as for single evaluations

        def work() -> Any:
            round_, _ = read_round(raw, "body", ev, year)
            result = evaluate_round(round_, year, ev, lang=lang)
            if log is not None:
                log.append_round(round_, result)
            return result

        return await _in_thread(lambda: answer(lang, work))

    @app.get("/v1/diff/{a}/{b}", summary="Every difference between two years' policies.")
    def diff(a: str, b: str, lang: Lang = LangQuery) -> Response:
        return answer(lang, lambda: diff_document(ev, a, b, lang=lang))

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            schema.setdefault("components", {}).setdefault("schemas", {}).update(_components())
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    # The web pages, beside the API: same evaluator, decision log and body limit.
    from fourules.web.pages import page_router

    app.include_router(page_router(ev, log=log, max_body=max_body))
    return app


async def _in_thread(work: Any) -> Response:
    """Evaluations run in the thread pool, so a long round never blocks other requests."""
    from starlette.concurrency import run_in_threadpool

    result: Response = await run_in_threadpool(work)
    return result
