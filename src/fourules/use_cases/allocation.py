"""A draft allocation of a round within a budget (`fourules allocate [--compare]`), beside
the decision when asked, for the command line, the JSON API and the round page."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from fourules.errors import InputError, Place
from fourules.evaluation.evaluator import Evaluator
from fourules.rounds import allocation as drafted
from fourules.rounds.compare import Comparison
from fourules.texts import both
from fourules.use_cases.rounds import ProgressFor, RoundRequest, RoundResult, evaluated_round

METHOD = Place("method")
"""The domain key of the allocation's method (`places`)."""


class Allocation(drafted.Allocation):
    """A draft allocation within a budget; with `comparison` when compared with the decision."""

    comparison: Comparison | None = Field(default=None, exclude_if=lambda v: v is None)


@dataclass(frozen=True)
class Terms:
    """What an allocation is asked for: the budget, the method, the least share of a
    partial grant, and whether to set the draft beside the decision. Built by `asked`,
    which checks every value once, naming it by its domain key (`places`)."""

    budget: drafted.Budget
    method: drafted.Method = "ranked"
    min_share: float | None = None
    compare: bool = False

    @classmethod
    def asked(
        cls,
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
            raise InputError(both("allocation_terms.method", method=method), METHOD)
        money = drafted.make_budget(budget, budget_project, budget_study_trip)
        return cls(
            budget=money,
            method="optimal" if method == "optimal" else "ranked",
            min_share=drafted.check_min_share(min_share),
            compare=compare,
        )


@dataclass(frozen=True)
class Allocated(RoundResult):
    allocation: drafted.Allocation
    comparison: Comparison | None
    document: Allocation


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

    given = evaluated_round(evaluator, request, progress)
    result = given.result
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
