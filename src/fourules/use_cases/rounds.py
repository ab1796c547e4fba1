"""A round evaluated (`fourules round`): read under its year, every application evaluated,
with its quotas, duplicates and totals — the same function for the command line, the JSON
API and the pages. Auditing a decided round (`audit`) and drafting an allocation
(`allocation`) start from the same reading."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from fourules.evaluation.evaluator import Evaluator
from fourules.output.canonical import WrittenCompact
from fourules.rounds import evaluation as evaluated
from fourules.rounds.evaluation import Progress, read_round
from fourules.rounds.files import RoundFile
from fourules.rounds.model import Round
from fourules.text import Lang
from fourules.use_cases.evaluate import DecisionRecorder
from fourules.use_cases.sources_once import (
    FindingTable,
    ListedEvaluation,
    ScoreItemTable,
    Sources,
    listed,
)

ProgressFor = Callable[[int], Progress | None]
"""The progress hook for a round of the given size (a bar for a long one, a deadline)."""


class RoundEvaluation(WrittenCompact, evaluated.RoundEvaluation):
    """A round evaluated: every application, and the round's own findings; each source,
    finding and score item of the evaluations once (`use_cases.sources_once`)."""

    evaluations: list[ListedEvaluation]  # type: ignore[assignment]
    sources: Sources
    evaluation_findings: FindingTable
    score_items: ScoreItemTable


@dataclass(frozen=True)
class RoundRequest:
    """A round's file (JSON, CSV or XLSX, by `name`; its bytes, or the file opened already by
    `rounds.files.open_round`), to evaluate under `year` (else the round's own). With
    `strict`, an applicant that is not an administration of the round's year is refused
    rather than evaluated as ineligible."""

    source: bytes | RoundFile
    name: str
    year: str | None = None
    lang: Lang = "sv"
    strict: bool = False
    scorers: Sequence[str] | None = None
    identify: bool = False
    """Give each evaluation its decision id (the service)."""


@dataclass(frozen=True)
class Read:
    """A round, read once, and the year it is evaluated under."""

    round: Round
    year: str


@dataclass(frozen=True)
class RoundResult(Read):
    """A round read and evaluated: the domain's result, which the round's own answers
    (`EvaluatedRound`, `audit.Audited`, `allocation.Allocated`) build on."""

    result: evaluated.RoundEvaluation


@dataclass(frozen=True)
class EvaluatedRound(RoundResult):
    """A round and its evaluation: the domain's result and the document."""

    document: RoundEvaluation
    decision_ids: list[str] = field(default_factory=list)
    """Each decision's id, when it is logged or the request asks for them (`identify`)."""


def read(evaluator: Evaluator, request: RoundRequest) -> Read:
    """The round as the year reads it (`rounds.evaluation.read_round`)."""
    round_, year = read_round(
        request.source, request.name, evaluator, request.year, strict=request.strict
    )
    return Read(round_, year)


def evaluated_round(
    evaluator: Evaluator, request: RoundRequest, progress: ProgressFor | None
) -> RoundResult:
    given = read(evaluator, request)
    result = evaluated.evaluate_round(
        given.round,
        given.year,
        evaluator,
        lang=request.lang,
        scorers=request.scorers,
        progress=progress(len(given.round.applications)) if progress is not None else None,
        assessments_checked=True,  # by `read`
    )
    return RoundResult(given.round, given.year, result)


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
    given = evaluated_round(evaluator, request, progress)
    result = given.result
    # Ids only for a decision that is logged or answered with its id (10 000: 20 ms).
    wanted = request.identify or log is not None
    ids = [str(uuid.uuid4()) for _ in result.evaluations] if wanted else []
    shown, tables = listed(result.evaluations, ids if request.identify else None)
    document = RoundEvaluation.model_construct(**{**dict(result), "evaluations": shown, **tables})
    if before_logging is not None:
        before_logging()
    if log is not None:
        log.append_round(given.round, result, ids)
    return EvaluatedRound(given.round, given.year, result, document, ids)
