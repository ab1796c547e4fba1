"""The JSON routes under /v1: each answers as its command does (`fourules policies`, `show`,
`evaluate`, `round`, `audit`, `allocate`, `diff` with `--format json`), byte for byte,
except that an evaluation the service gives carries its `decision_id`.

Every body is read by `read_json` (so a duplicate key or a lone surrogate is a 400 naming
its place), counted against the application limit, and worked on in the thread pool under
the request's deadline. Bad input is a 422 listing every failed field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.types import DecoratedCallable
from pydantic import BaseModel, Field
from starlette.responses import Response

from fourules.application import MAX_EXACT
from fourules.comparison.structure import PolicyDiff
from fourules.decision_log.log import DecisionLog
from fourules.errors import InputError, PolicyError, UnknownPolicyError
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.inputs import read_json
from fourules.evaluation.scoring import ScorerError
from fourules.policy.model import Policy
from fourules.rounds.audit import AuditReport
from fourules.rounds.evaluation import Progress, RoundEntry
from fourules.service.limits import Deadline, Limits, check_count, read_body, run_bounded
from fourules.service.openapi import body, one_or_a_list
from fourules.service.operations import Metrics
from fourules.service.problems import OF_A_YEAR, READ_ONLY, WITH_A_BODY, ProblemError
from fourules.service.responses import cached, json_response
from fourules.text import Lang, LocalText
from fourules.texts import language as request_language
from fourules.use_cases import allocation as allocating
from fourules.use_cases import audit as auditing
from fourules.use_cases import diff as diffs
from fourules.use_cases import policies as listed
from fourules.use_cases import rounds
from fourules.use_cases.evaluate import EvaluateRequest
from fourules.use_cases.evaluate import evaluate as evaluated


async def language(  # async: FastAPI would run a plain function in the thread pool
    lang: Annotated[
        Lang | None,
        Query(description="Language of messages: sv or en; default: Accept-Language, else sv."),
    ] = None,
) -> Lang:
    """Declares and checks `?lang`; the request's language is the one `InLanguage` chose."""
    return request_language()


Language = Annotated[Lang, Depends(language)]
Amount = Annotated[int | None, Field(ge=0, le=MAX_EXACT)]


class AllocationQuery(BaseModel):
    """What `allocateRound` is asked for, as query parameters (`use_cases.allocation.Terms.asked`)."""

    budget: Amount = Field(
        default=None,
        description="Total budget in kronor (or both budgets for projects and study trips).",
        examples=[3_500_000],
    )
    budget_project: Amount = Field(default=None, description="Budget for projects (LUM) in kronor.")
    budget_study_trip: Amount = Field(
        default=None, description="Budget for study trips (MUL) in kronor."
    )
    method: Literal["ranked", "optimal"] = Field(
        default="ranked",
        description="ranked (in order while budget and quotas allow) or optimal.",
    )
    min_share: float | None = Field(
        default=None, gt=0, le=1, description="Allow partial grants of at least this share."
    )
    compare: bool = Field(
        default=False, description="Set the draft beside the decision the round records."
    )


def require(evaluator: Evaluator, **years: str) -> None:
    """Every year the path names is served, else a 404 naming the path parameter; a year
    whose policy does not load is the server's `policy-error` (the other years serve)."""
    for name, year in years.items():
        try:
            evaluator.require(year)
        except UnknownPolicyError as exc:
            raise ProblemError(404, "unknown-year", [(f"path.{name}", exc.message)]) from None
        except (PolicyError, ScorerError) as exc:
            raise _broken(exc) from None


def _broken(exc: PolicyError | ScorerError) -> ProblemError:
    return ProblemError(500, "policy-error", [(None, LocalText(sv=str(exc), en=str(exc)))])


def parse(raw: bytes, limits: Limits) -> Any:
    """The body as JSON (400 if it is not), within the application limit (413)."""
    try:
        data = read_json(raw, where="body")
    except InputError as exc:
        raise ProblemError.of_input(exc, 400, "malformed-json") from None
    check_count(data, limits.max_applications)
    return data


def answered(work: Callable[[Deadline], Any]) -> Callable[[Deadline], Any]:
    """The work, with fourules' errors as problem documents: bad input a 422 naming every
    field (a round's unknown `year` too), a broken policy or plugin a 500."""

    def run(deadline: Deadline) -> Any:
        try:
            return work(deadline)
        except UnknownPolicyError as exc:  # the paths' years are checked: this is the body's
            raise ProblemError(422, "invalid-input", [("body.year", exc.message)]) from None
        except InputError as exc:
            raise ProblemError.of_input(exc) from None
        except (PolicyError, ScorerError) as exc:
            raise _broken(exc) from None

    return run


def checked(deadline: Deadline) -> Callable[[int], Progress]:
    """A round's progress hook that stops the round when its time is up."""

    def each(apps: Iterable[RoundEntry]) -> Iterable[RoundEntry]:
        for app in apps:
            deadline.check()
            yield app

    return lambda size: each


def api_router(
    evaluator: Evaluator, limits: Limits, metrics: Metrics, log: DecisionLog | None
) -> APIRouter:
    """The /v1 routes over one evaluator (thread-safe, shared by every request)."""
    router = APIRouter(prefix="/v1")

    async def round_body(request: Request, year: str) -> bytes:
        """A round's body, checked as JSON and counted (the round reader parses it again)."""
        require(evaluator, year=year)
        raw = await read_body(request, limits.max_body)
        parse(raw, limits)
        return raw

    async def answer_round(
        request: Request,
        year: str,
        lang: Lang,
        work: Callable[[rounds.RoundRequest, Deadline], Any],
        *,
        identify: bool = False,
    ) -> Response:
        """A round's route: its body read, checked and counted, and the work on it done in
        the thread pool within the request's time."""
        raw = await round_body(request, year)
        asked_for = rounds.RoundRequest(raw, "body", year, lang, identify=identify)
        return await answer(lambda deadline: work(asked_for, deadline))

    async def answer(work: Callable[[Deadline], Any], *, small: bool = False) -> Response:
        """The document the work returns, done in the thread pool within the request's time.

        `small` work (one application, no explanation, no decision log to write) is done
        where the request is: its ~70 µs cost less than the hop to a thread and back, and
        the hop's GIL hand-offs made the slowest answers slow (bench_service.py, 8 clients:
        2 300 requests/s with p99 8 ms, where the hop gave 1 520 with p99 74 ms)."""
        if small and log is None:
            return json_response(answered(work)(Deadline(None)))
        return json_response(await run_bounded(answered(work), limits.request_timeout))

    def round_route(
        path: str, *, operation_id: str, summary: str, response_model: type[Any]
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """A route whose body is a round, as `fourules round` reads it."""
        return router.post(
            f"/policies/{{year}}/rounds/{path}",
            tags=["rounds"],
            operation_id=operation_id,
            summary=summary,
            response_model=response_model,
            responses=WITH_A_BODY,
            openapi_extra=body("round"),
        )

    def policy_route(
        path: str, *, operation_id: str, summary: str, response_model: type[Any]
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """A read of the policies served, cached by its ETag; a year the path names that
        is not served is a 404."""
        return router.get(
            path,
            tags=["policies"],
            operation_id=operation_id,
            summary=summary,
            response_model=response_model,
            responses=OF_A_YEAR if "{" in path else READ_ONLY,
        )

    @policy_route(
        "/policies",
        operation_id="listPolicies",
        summary="The policy years served, each with its version and sha256.",
        response_model=listed.PolicyList,
    )
    def policies(request: Request, lang: Language) -> Response:
        return cached(request, listed.policies(evaluator, broken="skip"))

    @policy_route(
        "/policies/{year}",
        operation_id="getPolicy",
        summary="One year's policy, every rule with its source (`fourules show YEAR`).",
        response_model=Policy,
    )
    def policy(request: Request, year: str, lang: Language) -> Response:
        require(evaluator, year=year)
        return cached(request, listed.policy_document(evaluator.load_policy(year)))

    @router.post(
        "/policies/{year}/evaluate",
        tags=["evaluation"],
        operation_id="evaluateApplication",
        summary="Evaluate one application, or a list of them, against a year.",
        response_model=None,  # one or a list's, as the body: declared as `oneOf` below
        responses={200: one_or_a_list("Evaluation", "EvaluationList"), **WITH_A_BODY},
        openapi_extra=body("applications"),
    )
    async def evaluate(
        request: Request,
        year: str,
        lang: Language,
        explain: Annotated[
            bool,
            Query(description="Add what would change the outcome (`fourules evaluate --explain`)."),
        ] = False,
    ) -> Response:
        require(evaluator, year=year)
        data = parse(await read_body(request, limits.max_body), limits)

        def work(deadline: Deadline) -> Any:
            asked_for = EvaluateRequest(data, year, "body", lang, explain=explain, identify=True)
            done = evaluated(evaluator, asked_for, log=log, between=deadline.check)
            metrics.count([e for _, e in done.decisions])
            return done.document

        return await answer(work, small=isinstance(data, dict) and not explain)

    @round_route(
        "evaluate",
        operation_id="evaluateRound",
        summary="Evaluate a whole round: quotas, duplicates, totals (`fourules round`).",
        response_model=rounds.RoundEvaluation,
    )
    async def round_evaluate(request: Request, year: str, lang: Language) -> Response:
        def work(asked_for: rounds.RoundRequest, deadline: Deadline) -> Any:
            done = rounds.evaluate_round(
                evaluator,
                asked_for,
                log=log,
                progress=checked(deadline),
                before_logging=deadline.check,
            )
            metrics.count(done.result.evaluations)
            return done.document

        return await answer_round(request, year, lang, work, identify=True)

    @round_route(
        "audit",
        operation_id="auditRound",
        summary="Audit a decided round against the year's rules (`fourules audit`).",
        response_model=AuditReport,
    )
    async def round_audit(request: Request, year: str, lang: Language) -> Response:
        def work(asked_for: rounds.RoundRequest, deadline: Deadline) -> Any:
            return auditing.audit(evaluator, asked_for, progress=checked(deadline)).document

        return await answer_round(request, year, lang, work)

    @round_route(
        "allocate",
        operation_id="allocateRound",
        summary="Draft an allocation of a round within a budget (`fourules allocate`).",
        response_model=allocating.Allocation,
    )
    async def round_allocate(
        request: Request,
        year: str,
        lang: Language,
        asked_for: Annotated[AllocationQuery, Query()],
    ) -> Response:
        try:
            terms = allocating.Terms.asked(**asked_for.model_dump())
        except InputError as exc:
            raise ProblemError.of_input(exc) from None

        def work(asked_for: rounds.RoundRequest, deadline: Deadline) -> Any:
            return allocating.allocate(
                evaluator, asked_for, terms, progress=checked(deadline)
            ).document

        return await answer_round(request, year, lang, work)

    @policy_route(
        "/diff/{a}/{b}",
        operation_id="diffPolicies",
        summary="Every difference between two years' policies (`fourules diff A B`).",
        response_model=PolicyDiff,
    )
    def diff(request: Request, a: str, b: str, lang: Language) -> Response:
        require(evaluator, a=a, b=b)
        return cached(request, diffs.diff(evaluator, diffs.DiffRequest(a, b, lang=lang)))

    return router
