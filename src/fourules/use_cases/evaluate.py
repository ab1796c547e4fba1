"""Evaluate applications against one year (`fourules evaluate`, `POST /v1/policies/{year}/
evaluate`, the check page), optionally with what would change each outcome (`explain`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from fourules.errors import InputError
from fourules.evaluation import results
from fourules.evaluation.evaluator import Evaluator
from fourules.text import Lang
from fourules.texts import both
from fourules.use_cases.evaluation_document import Evaluation

if TYPE_CHECKING:
    from fourules.rounds.evaluation import RoundEvaluation
    from fourules.rounds.model import Round
    from fourules.use_cases.sources_once import EvaluationList

Between = Callable[[], None]
"""Called before each application: the service stops a request past its time limit there."""


class DecisionRecorder(Protocol):
    """Where decisions are recorded: a decision log (`decision_log.log.DecisionLog`)."""

    def append(
        self,
        decisions: Iterable[tuple[Any, results.Evaluation]],
        decision_ids: Iterable[str] | None = None,
    ) -> None: ...

    def append_round(
        self, round_: Round, result: RoundEvaluation, decision_ids: Iterable[str] | None = None
    ) -> None: ...


@dataclass(frozen=True)
class EvaluateRequest:
    """One application (a JSON object) or a list of them, read from `where`, under `year`."""

    data: Any
    year: str
    where: str
    lang: Lang = "sv"
    scorers: Sequence[str] | None = None
    explain: bool = False
    identify: bool = False
    """Give each evaluation its decision id (the service, the check page)."""

    def __post_init__(self) -> None:
        if not isinstance(self.data, dict | list):
            raise InputError(both("input.not_applications"), self.where)

    @property
    def single(self) -> bool:
        return isinstance(self.data, dict)


@dataclass(frozen=True)
class Evaluated:
    """What an evaluation request gave: the document, each evaluation's own document (its
    sources in place, as the tables show them) and each decision as it is logged."""

    document: Evaluation | EvaluationList
    each: list[Evaluation]
    decisions: list[tuple[Any, results.Evaluation]]
    decision_ids: list[str] = field(default_factory=list)


def evaluate(
    evaluator: Evaluator,
    request: EvaluateRequest,
    *,
    log: DecisionRecorder | None = None,
    between: Between | None = None,
) -> Evaluated:
    """One application in, one evaluation out; a list in, an `EvaluationList` out (each
    source once, `sources_once`). Everything is evaluated before returning; bad input
    raises one InputError naming every bad application. Each decision is appended to
    `log` (with the document's decision ids)."""
    evaluator.require(request.year)
    items = [request.data] if request.single else request.data
    decided: list[results.Evaluation] = []
    problems: list[InputError] = []
    for i, item in enumerate(items):
        if between is not None:
            between()
        try:
            decided.append(
                evaluator.evaluate(
                    item,
                    request.year,
                    lang=request.lang,
                    scorers=request.scorers,
                    where=request.where if request.single else f"{request.where}[{i}]",
                )
            )
        except InputError as exc:  # every bad application named, not only the first
            problems.append(exc)
    if problems:
        raise InputError.together(problems)
    documents = []
    ids = [str(uuid.uuid4()) for _ in decided]
    for item, result, decision_id in zip(items, decided, ids, strict=True):
        if between is not None and request.explain:
            between()
        documents.append(
            Evaluation.of(
                result,
                explanation=_explained(evaluator, item, result, request)
                if request.explain
                else None,
                decision_id=decision_id if request.identify else None,
            )
        )
    decisions = list(zip(items, decided, strict=True))
    if between is not None:
        between()  # a request answered with a timeout logs no decision
    if log is not None:
        log.append(decisions, ids)
    if request.single:
        return Evaluated(documents[0], documents, decisions, ids)
    from fourules.use_cases.sources_once import EvaluationList

    return Evaluated(EvaluationList.of(documents), documents, decisions, ids)


def _explained(
    evaluator: Evaluator, item: Any, result: results.Evaluation, request: EvaluateRequest
) -> dict[str, Any]:
    """What would change the outcome, from the evaluation made here (not made again)."""
    from fourules.evaluation.explain import explain

    return explain(evaluator, item, request.year, request.lang, result)
