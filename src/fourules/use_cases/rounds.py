"""A round at a time: evaluate it (`fourules round`), audit a decided one (`audit`), draft
an allocation within a budget and set it beside the decision (`allocate [--compare]`) —
the same functions for the command line, the JSON API and the pages."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pydantic import Field

from fourules.errors import InputError
from fourules.evaluation.evaluator import Evaluator
from fourules.rounds import allocation as drafted
from fourules.rounds import evaluation as evaluated
from fourules.rounds.audit import AuditReport, audit_round
from fourules.rounds.compare import Comparison
from fourules.rounds.evaluation import Progress, read_round
from fourules.rounds.model import Round
from fourules.text import Lang, LocalText
from fourules.use_cases.evaluate import DecisionRecorder, Evaluation

METHOD = "method"
"""The domain key of the allocation's method (`places`)."""
ProgressFor = Callable[[int], Progress | None]
"""The progress hook for a round of the given size (a bar for a long one, a deadline)."""


class RoundEvaluation(evaluated.RoundEvaluation):
    """A round evaluated: every application, and the round's own findings."""

    evaluations: list[Evaluation]  # type: ignore[assignment]


class Allocation(drafted.Allocation):
    """A draft allocation within a budget; with `comparison` when compared with the decision."""

    comparison: Comparison | None = Field(default=None, exclude_if=lambda v: v is None)


@dataclass(frozen=True)
class RoundRequest:
    """A round's file (JSON, CSV or XLSX, by `name`), to evaluate under `year` (else the
    round's own). With `strict`, an applicant that is not an administration of the round's
    year is refused rather than evaluated as ineligible."""

    source: bytes
    name: str
    year: str | None = None
    lang: Lang = "sv"
    strict: bool = False
    scorers: Sequence[str] | None = None
    identify: bool = False
    """Give each evaluation its decision id (the service)."""


@dataclass(frozen=True)
class Terms:
    """What an allocation is asked for: the budget, the method, the least share of a
    partial grant, and whether to set the draft beside the decision. Built by `terms`,
    which checks every value once, naming it by its domain key (`places`)."""

    budget: drafted.Budget
    method: drafted.Method = "ranked"
    min_share: float | None = None
    compare: bool = False


def terms(
    *,
    budget: int | None,
    budget_project: int | None = None,
    budget_study_trip: int | None = None,
    method: str = "ranked",
    min_share: float | None = None,
    compare: bool = False,
) -> Terms:
    """The terms of an allocation from what a person gave; bad values are InputErrors."""
    if method not in drafted.METHODS:
        raise InputError(
            LocalText(
                sv=f"{method!r} är ingen metod; ange ranked eller optimal",
                en=f"{method!r} is not a method; use ranked or optimal",
            ),
            METHOD,
        )
    money = drafted.make_budget(budget, budget_project, budget_study_trip)
    return Terms(
        budget=money,
        method="optimal" if method == "optimal" else "ranked",
        min_share=drafted.check_min_share(min_share),
        compare=compare,
    )


@dataclass(frozen=True)
class Read:
    """A round, read once, and the year it is evaluated under."""

    round: Round
    year: str


@dataclass(frozen=True)
class EvaluatedRound:
    """A round and its evaluation: the domain's result and the document."""

    round: Round
    year: str
    result: evaluated.RoundEvaluation
    document: RoundEvaluation
    decision_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Audited:
    round: Round
    year: str
    result: evaluated.RoundEvaluation
    document: AuditReport


@dataclass(frozen=True)
class Allocated:
    round: Round
    year: str
    result: evaluated.RoundEvaluation
    allocation: drafted.Allocation
    comparison: Comparison | None
    document: Allocation


def read(evaluator: Evaluator, request: RoundRequest) -> Read:
    """The round as the year reads it (`rounds.evaluation.read_round`)."""
    round_, year = read_round(
        request.source, request.name, evaluator, request.year, strict=request.strict
    )
    return Read(round_, year)


def _evaluated(
    evaluator: Evaluator, request: RoundRequest, progress: ProgressFor | None
) -> tuple[Read, evaluated.RoundEvaluation]:
    given = read(evaluator, request)
    result = evaluated.evaluate_round(
        given.round,
        given.year,
        evaluator,
        lang=request.lang,
        scorers=request.scorers,
        progress=progress(len(given.round.applications)) if progress is not None else None,
    )
    return given, result


def evaluate_round(
    evaluator: Evaluator,
    request: RoundRequest,
    *,
    log: DecisionRecorder | None = None,
    progress: ProgressFor | None = None,
    before_logging: Callable[[], None] | None = None,
) -> EvaluatedRound:
    """Every application of the round evaluated, with its quotas, duplicates and totals;
    each decision appended to `log`. `before_logging` is called before the log is written
    (the service refuses there a request past its time limit: it logs nothing)."""
    given, result = _evaluated(evaluator, request, progress)
    ids = [str(uuid.uuid4()) for _ in result.evaluations]
    documents = [
        Evaluation.of(e, decision_id=i if request.identify else None)
        for e, i in zip(result.evaluations, ids, strict=True)
    ]
    document = RoundEvaluation.model_construct(**{**dict(result), "evaluations": documents})
    if before_logging is not None:
        before_logging()
    if log is not None:
        log.append_round(given.round, result, ids)
    return EvaluatedRound(given.round, given.year, result, document, ids)


def audit(
    evaluator: Evaluator, request: RoundRequest, *, progress: ProgressFor | None = None
) -> Audited:
    """A decided round against its year's rules: every discrepancy with its row."""
    given, result = _evaluated(evaluator, request, progress)
    return audited(evaluator, given.round, given.year, result, request.lang)


def audited(
    evaluator: Evaluator, round_: Round, year: str, result: evaluated.RoundEvaluation, lang: Lang
) -> Audited:
    """The audit of a round already evaluated (the round page shows both)."""
    report = audit_round(round_, result, evaluator.load_policy(year), lang=lang)
    return Audited(round_, year, result, report)


def allocate(
    evaluator: Evaluator,
    request: RoundRequest,
    asked: Terms,
    *,
    progress: ProgressFor | None = None,
) -> Allocated:
    """A draft allocation of the round within the budget (method: docs/rounds.md), with
    the draft beside the round's decision when `asked.compare`."""
    from fourules.rounds.compare import compare

    given, result = _evaluated(evaluator, request, progress)
    policy = evaluator.load_policy(given.year)
    allocation = drafted.allocate(
        given.round,
        result,
        policy,
        asked.budget,
        lang=request.lang,
        method=asked.method,
        min_share=asked.min_share,
    )
    comparison = compare(given.round, allocation, result, policy) if asked.compare else None
    document = Allocation.model_construct(**dict(allocation), comparison=comparison)
    return Allocated(given.round, given.year, result, allocation, comparison, document)
