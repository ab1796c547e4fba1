"""What changed between two years (`fourules diff A B`, `GET /v1/diff/{a}/{b}`, the diff
page), and what it does to applications: a round replayed under both years, a witness
for each change, every region decided differently (exact)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field

from fourules.comparison.exact import ExactDifference
from fourules.comparison.replay import Replay
from fourules.comparison.structure import PolicyDiff
from fourules.comparison.witnesses import Witness
from fourules.evaluation.evaluator import Evaluator
from fourules.rounds.model import Round
from fourules.text import Lang


class DiffReport(PolicyDiff):
    """The differences, with what was asked for besides: the replay, the witnesses, the
    exact difference (each absent when not asked for)."""

    replay: Replay | None = Field(default=None, exclude_if=lambda v: v is None)
    witnesses: list[Witness] | None = Field(default=None, exclude_if=lambda v: v is None)
    exact: ExactDifference | None = Field(default=None, exclude_if=lambda v: v is None)


@dataclass(frozen=True)
class DiffRequest:
    """Two years, and what to find besides their differences."""

    a: str
    b: str
    lang: Lang = "sv"
    replay: Round | None = None
    """A round to evaluate under both years, as `replayed_round` reads it."""
    witnesses: bool = False
    witness_limit: int = 2000
    witness_seconds: float = 10.0
    exact: bool = False


def replayed_round(evaluator: Evaluator, a: str, b: str, source: bytes, name: str) -> Round:
    """The round as both years read applications: either year's own fields."""
    from fourules.policy.vocabulary import Vocabulary
    from fourules.rounds.files import load_round

    both = Vocabulary.merged(
        evaluator.load_policy(a).vocabulary, evaluator.load_policy(b).vocabulary
    )
    return load_round(source, name, both)


def diff(evaluator: Evaluator, request: DiffRequest) -> DiffReport:
    """Every difference between the two years' policies, with sources; replayed,
    witnessed and made exact on request."""
    from fourules.comparison.structure import diff_policies

    a, b = request.a, request.b
    la, lb = evaluator.require(a), evaluator.require(b)
    found = diff_policies(la.policy, lb.policy, la.ref, lb.ref)
    extras: dict[str, Any] = {}
    if request.replay is not None:
        from fourules.comparison.replay import replay

        extras["replay"] = replay(request.replay, a, b, evaluator, lang=request.lang)
    if request.witnesses:
        from fourules.comparison.witnesses import find_witnesses

        extras["witnesses"] = find_witnesses(
            found.changes,
            a,
            b,
            evaluator,
            limit=request.witness_limit,
            seconds=request.witness_seconds,
        )
    if request.exact:
        from fourules.comparison.exact import exact_difference

        extras["exact"] = exact_difference(evaluator, a, b, lang=request.lang)
    return DiffReport.model_construct(**dict(found), **extras)
