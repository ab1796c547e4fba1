"""A decided round against its year's rules (`fourules audit`): every discrepancy with its
row, for the command line, the JSON API and the round page."""

from __future__ import annotations

from dataclasses import dataclass

from fourules.evaluation.evaluator import Evaluator
from fourules.rounds import evaluation as evaluated
from fourules.rounds.audit import AuditReport, audit_round
from fourules.rounds.model import Round
from fourules.text import Lang
from fourules.use_cases.rounds import ProgressFor, RoundRequest, RoundResult, evaluated_round


@dataclass(frozen=True)
class Audited(RoundResult):
    document: AuditReport


def audit(
    evaluator: Evaluator, request: RoundRequest, *, progress: ProgressFor | None = None
) -> Audited:
    """A decided round against its year's rules: every discrepancy with its row."""
    given = evaluated_round(evaluator, request, progress)
    return audited(evaluator, given.round, given.year, given.result, request.lang)


def audited(
    evaluator: Evaluator, round_: Round, year: str, result: evaluated.RoundEvaluation, lang: Lang
) -> Audited:
    """The audit of a round already evaluated (the round page shows both)."""
    report = audit_round(round_, result, evaluator.load_policy(year), lang=lang)
    return Audited(round_, year, result, report)
