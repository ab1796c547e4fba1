"""The service's one error contract: every refusal is an RFC 9457 problem document.

    {"type": "urn:fourules:problem:invalid-input", "title": "Unprocessable Content",
     "status": 422, "detail": "body.requested_sek: är för litet …",
     "field": "body.requested_sek",
     "errors": [{"field": "body.requested_sek", "message": "är för litet …"}, …],
     "request_id": "…"}

`type` names the kind of problem (the list is in docs/service.md); `errors` lists every
field that failed, not only the first; messages are in the request's language. Problem
documents are for the JSON routes (`/v1/…` and the operational ones); a refusal on any
other path (the web pages) goes to the handler in `app.state.page_errors`, if one is set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from fourules.errors import InputError, NotAllowed, Place, refused_value
from fourules.service.language import request_lang
from fourules.service.responses import json_response
from fourules.text import LocalText
from fourules.texts import Lang, both, text
from fourules.use_cases.problem import FieldProblem, Problem

L = LocalText
PROBLEM = "application/problem+json"
TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    412: "Precondition Failed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    428: "Precondition Required",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
"""The statuses the service answers with a problem document, and their reason phrases."""

REFUSALS = {
    400: "The body is not JSON (malformed, empty, not UTF-8, a duplicate key, text that is "
    "not Unicode, nested too deep).",
    401: "No identity, or a token that is not one of the server's: send `Authorization: "
    "Bearer <token>` (`fourules token create`); `WWW-Authenticate` says so.",
    403: "The identity's role or part does not allow it: an editor publishing, a publisher "
    "publishing their own last change.",
    404: "No such year, draft or file (or route).",
    405: "The route does not take this method; `Allow` lists those it takes.",
    412: "The draft has changed since the revision in `If-Match`: nothing was written; "
    "`revision` and `ETag` give the current one.",
    413: "The body is over the size limit, or holds more applications than the limit.",
    415: "The body is not sent as JSON.",
    422: "A field or parameter is invalid: `errors` lists every one.",
    428: "`If-Match` is missing: send the revision the change was made against.",
    503: "The answer took longer than the time limit; retry with fewer applications.",
}
"""What each refusal a route declares means (its problem document says which field)."""

PROBLEM_SCHEMA = {"$ref": "#/components/schemas/Problem"}
STALE_SCHEMA = {
    "allOf": [
        PROBLEM_SCHEMA,
        {
            "type": "object",
            "properties": {
                "revision": {
                    "type": "string",
                    "description": "The draft's current revision, to save against again.",
                }
            },
            "required": ["revision"],
        },
    ]
}
"""A 412 is a problem document that also names the draft's current revision."""


def refusal(status: int) -> dict[str, Any]:
    """The OpenAPI response of one refusal: a problem document, with its headers."""
    response: dict[str, Any] = {
        "description": f"{TITLES[status]}: {REFUSALS[status]}",
        "content": {PROBLEM: {"schema": STALE_SCHEMA if status == 412 else PROBLEM_SCHEMA}},
    }
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {
                "description": '`Bearer`, with `error="invalid_token"` for a token refused.',
                "schema": {"type": "string"},
            }
        }
    if status == 412:
        response["headers"] = {
            "ETag": {"description": "The draft's current revision.", "schema": {"type": "string"}}
        }
    if status == 405:
        response["headers"] = {
            "Allow": {"description": "The methods the route takes.", "schema": {"type": "string"}}
        }
    if status == 503:
        response["headers"] = {
            "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
        }
    return response


def refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The refusals a route declares (`responses=`), each its problem document."""
    return {status: refusal(status) for status in statuses}


READ_ONLY = refusals(405, 422)
"""What a GET route with parameters may refuse."""
OF_A_YEAR = refusals(404, 405, 422)
"""… with a year in its path."""
WITH_A_BODY = refusals(400, 404, 405, 413, 415, 422, 503)
"""What a POST route under a year, reading a JSON body, may refuse."""

OPERATIONAL = frozenset({"/healthz", "/readyz", "/metrics", "/openapi.json"})


def is_api(path: str) -> bool:
    """Whether a path is one of the JSON routes, whose refusals are problem documents."""
    return path == "/v1" or path.startswith("/v1/") or path in OPERATIONAL


class ProblemError(Exception):
    """A request that cannot be answered: the status, the kind of problem and every field
    that failed, each message in both languages."""

    def __init__(
        self,
        status: int,
        kind: str,
        errors: Sequence[tuple[str | None, LocalText]],
        *,
        headers: dict[str, str] | None = None,
        members: dict[str, Any] | None = None,
    ) -> None:
        """`members`: the problem document's extension members (RFC 9457 §3.2), such as a
        412's `revision`."""
        super().__init__(errors[0][1].en)
        self.status, self.kind, self.errors = status, kind, list(errors)
        self.headers = headers or {}
        self.members = members or {}

    @classmethod
    def of_input(
        cls,
        exc: InputError,
        status: int = 422,
        kind: str = "invalid-input",
        fields: Mapping[str, str] | None = None,
    ) -> ProblemError:
        """Every problem an InputError found; command-line names become the request's, and
        a route's own names for the places its use case names (`fields`: `name` →
        `path.name`) too."""
        named = fields or {}
        return cls(
            status,
            kind,
            [(named.get(e.where or "", _request_field(e.where)), e.message) for e in exc.every],
        )


PARAMETERS = {
    "year": "path.year",
    "round.year": "path.year",
    "budget": "query.budget",
    "budget.project": "query.budget_project",
    "budget.study_trip": "query.budget_study_trip",
    "method": "query.method",
    "min_share": "query.min_share",
    "compare": "query.compare",
}
"""What the API's client fixes for each place a use case names (`use_cases.places`): the
request's parameter. Any other place is a field of the body (`body.applications[3]…`)."""


def refused(exc: Exception, fields: Mapping[str, str] | None = None) -> ProblemError:
    """The one mapping of a use case's refusals to the service's statuses: a stale revision
    a 412 naming the current one (nothing was written; the client keeps its version), a
    role or part that does not allow the request a 403, any other bad input a 422, its
    places named as the route's `fields` name them."""
    from fourules.calls.repository import StaleRevision

    if isinstance(exc, StaleRevision):
        kept = both("api.calls.stale_kept")
        return ProblemError(
            412,
            "stale-revision",
            [("header.if-match", _joined(exc.message, kept))],
            headers={"ETag": f'"{exc.revision}"'},
            members={"revision": exc.revision},
        )
    if isinstance(exc, NotAllowed):
        return ProblemError(403, "not-allowed", [(None, exc.message)])
    if isinstance(exc, InputError):
        return ProblemError.of_input(exc, fields=fields)
    raise TypeError(f"not a refusal: {type(exc).__name__}")


def _joined(first: LocalText, then: LocalText) -> LocalText:
    return LocalText(sv=f"{first.sv}. {then.sv}", en=f"{first.en}. {then.en}")


def _request_field(where: str | None) -> str | None:
    """The request's parameter for a place; none for an operator's setting (`SETTINGS`):
    the client cannot fix the server's configuration."""
    return PARAMETERS.get(where) if isinstance(where, Place) else where


def problem_response(request: Request, problem: ProblemError) -> Response:
    """The problem document in the request's language (with its extension members)."""
    lang = request_lang(request)
    status, errors, members = problem.status, problem.errors, problem.members
    field, first = errors[0]
    body = Problem(
        type=f"urn:fourules:problem:{problem.kind}",
        title=TITLES[status],
        status=status,
        detail=f"{field}: {first.get(lang)}" if field else first.get(lang),
        field=field,
        errors=[FieldProblem(field=f, message=m.get(lang)) for f, m in errors if f is not None],
        request_id=request.scope.get("state", {}).get("request_id"),
    )
    document: Any = {**body.model_dump(), **members} if members else body
    return json_response(document, status=status, media_type=PROBLEM, headers=problem.headers)


def install(app: FastAPI) -> None:
    """Answer every refusal on a JSON route with a problem document."""

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> Response:
        return problem_response(request, exc)

    async def _refused(request: Request, exc: Exception) -> Response:
        """A use case's refusal (`refused`): a problem document on a JSON route, the
        pages' own answer with the same status elsewhere."""
        problem = refused(exc)
        if not is_api(request.url.path):
            page_errors: Callable[[Request, HTTPException], Any] | None = getattr(
                app.state, "page_errors", None
            )
            detail = problem.errors[0][1].get(request_lang(request))
            unanswered = HTTPException(problem.status, detail=detail, headers=problem.headers)
            return await (page_errors or http_exception_handler)(request, unanswered)
        return problem_response(request, problem)

    for refusal_type in (InputError, NotAllowed):  # StaleRevision is an InputError
        app.add_exception_handler(refusal_type, _refused)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        invalid = ProblemError(422, "invalid-input", validation_errors(exc.errors()))
        return problem_response(request, invalid)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        """A bug: the client is told so, with the id to report; the server logs the trace."""
        if not is_api(request.url.path):
            return PlainTextResponse("Internal Server Error", status_code=500)
        crashed = ProblemError(500, "internal-error", [(None, both("api.crashed"))])
        return problem_response(request, crashed)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if not is_api(request.url.path):
            page_errors: Callable[[Request, HTTPException], Any] | None = getattr(
                app.state, "page_errors", None
            )
            handler = page_errors or http_exception_handler
            return await handler(request, exc)
        if exc.status_code == 405:
            allowed = _allowed(exc)
            not_allowed = ProblemError(
                405,
                "method-not-allowed",
                [(None, _not_allowed(request.method, allowed))],
                headers={"Allow": ", ".join(allowed)},
            )
            return problem_response(request, not_allowed)
        if exc.status_code == 404:
            no_route = ProblemError(404, "not-found", [(None, _no_route(request))])
            return problem_response(request, no_route)
        status = exc.status_code if exc.status_code in TITLES else 400
        detail = L(sv=str(exc.detail), en=str(exc.detail))
        return problem_response(request, ProblemError(status, "bad-request", [(None, detail)]))


def _allowed(exc: HTTPException) -> list[str]:
    """The methods the route takes (the router names them), HEAD wherever GET is."""
    methods = {m.strip() for m in (exc.headers or {}).get("Allow", "").split(",") if m.strip()}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def _not_allowed(method: str, allowed: list[str]) -> LocalText:
    return both("api.method_not_allowed", method=method, allowed=", ".join(allowed))


def _no_route(request: Request) -> LocalText:
    return both("api.no_route", path=request.url.path)


def validation_errors(errors: Sequence[Any]) -> list[tuple[str | None, LocalText]]:
    """Every value pydantic refused (`loc` the field's path), in both languages."""
    return [_validation_error(err) for err in errors]


def _validation_error(err: dict[str, Any]) -> tuple[str, LocalText]:
    """A query or path parameter FastAPI refused, in both languages."""
    field = ".".join(str(p) for p in err.get("loc", ()))
    problem = refused_value(err.get("type", ""), err["msg"])
    ctx = err.get("ctx") or {}
    got = err.get("input")
    words: dict[Lang, str] = {"sv": problem.sv, "en": problem.en}
    if got is not None and err.get("type") != "missing":
        words = {k: text("input.got", k, problem=v, shown=repr(got)) for k, v in words.items()}
    accepted = ctx.get("expected") or next(
        (f"{sign} {ctx[key]}" for key, sign in _BOUNDS.items() if key in ctx), None
    )
    if accepted:
        hint = str(accepted).replace(" or ", ", ")
        words = {k: text("input.accepted", k, problem=v, hint=hint) for k, v in words.items()}
    return field, LocalText(sv=words["sv"], en=words["en"])


_BOUNDS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<"}
