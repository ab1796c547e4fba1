"""The JSON documents fourules produces, shared by the command line and the HTTP service so
that both give byte-for-byte the same answer to the same question."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from fourules.errors import InputError
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.results import Evaluation
from fourules.policy.model import Policy
from fourules.text import Lang, LocalText

if TYPE_CHECKING:
    from fourules.rounds.allocation import Allocation, Budget, Method
    from fourules.rounds.evaluation import Progress
    from fourules.rounds.model import Round


def policies_document(evaluator: Evaluator) -> list[dict[str, Any]]:
    return [
        {
            "id": p.id,
            "version": p.version,
            "title": p.title.model_dump(),
            "sha256": p.sha256,
            "document": p.document.title,
        }
        for p in (evaluator.load_policy(year) for year in evaluator.policy_ids())
    ]


def policy_document(policy: Policy) -> dict[str, Any]:
    """The policy itself, with its hash."""
    return {"id": policy.id, "sha256": policy.sha256, **policy.model_dump(mode="json")}


def evaluate_document(
    evaluator: Evaluator,
    data: Any,
    year: str,
    *,
    where: str,
    lang: Lang,
    scorers: Sequence[str] | None = None,
    between: Callable[[], None] | None = None,
) -> tuple[Evaluation | list[Evaluation], list[tuple[Any, Evaluation]]]:
    """One application in, one evaluation out; a list in, a list out. Also returns each
    (input, evaluation) pair, for a decision log. Everything is evaluated before returning;
    bad input raises one InputError naming every bad application. `between` is called
    before each application (the service stops a request past its time limit there)."""
    evaluator.require(year)
    single = isinstance(data, dict)
    if not single and not isinstance(data, list):
        raise InputError(
            LocalText(
                sv="måste vara en ansökan (JSON-objekt) eller en lista av ansökningar",
                en="must be an application (a JSON object) or a list of them",
            ),
            where,
        )
    items = [data] if single else data
    results: list[Evaluation] = []
    problems: list[InputError] = []
    for i, item in enumerate(items):
        if between is not None:
            between()
        try:
            results.append(
                evaluator.evaluate(
                    item,
                    year,
                    lang=lang,
                    scorers=scorers,
                    where=where if single else f"{where}[{i}]",
                )
            )
        except InputError as exc:  # every bad application named, not only the first
            problems.append(exc)
    if problems:
        raise InputError.together(problems)
    return (results[0] if single else results), list(zip(items, results, strict=True))


def explained_document(
    evaluator: Evaluator,
    decisions: list[tuple[Any, Evaluation]],
    year: str,
    *,
    single: bool,
    lang: Lang,
    between: Callable[[], None] | None = None,
) -> dict[str, Any] | list[dict[str, Any]]:
    """Each evaluation's JSON with its `explanation`: what would make it eligible (or, when
    it is, what it can be granted and what would raise its score). `between`: as for
    `evaluate_document`."""
    from fourules.evaluation.explain import explain
    from fourules.output.canonical import plain

    out = []
    for item, result in decisions:
        if between is not None:
            between()
        out.append({**plain(result), "explanation": explain(evaluator, item, year, lang)})
    return out[0] if single else out


def diff_document(
    evaluator: Evaluator,
    a: str,
    b: str,
    *,
    lang: Lang,
    replay_round: Round | None = None,
    witnesses: bool = False,
    witness_limit: int = 2000,
    witness_seconds: float = 10.0,
) -> dict[str, Any]:
    from fourules.comparison.replay import replay
    from fourules.comparison.structure import diff_policies
    from fourules.comparison.witnesses import find_witnesses

    la, lb = evaluator.loaded(a), evaluator.loaded(b)
    result = diff_policies(la.policy, lb.policy, la.ref, lb.ref)
    report = result.as_json()
    if replay_round is not None:
        report["replay"] = replay(replay_round, a, b, evaluator, lang=lang).model_dump(mode="json")
    if witnesses:
        found = find_witnesses(
            result.changes, a, b, evaluator, limit=witness_limit, seconds=witness_seconds
        )
        report["witnesses"] = [w.model_dump(mode="json") for w in found]
    return report


def allocation_document(
    evaluator: Evaluator,
    round_: Round,
    year: str,
    budget: Budget,
    *,
    lang: Lang,
    method: Method = "ranked",
    min_share: float | None = None,
    compare: bool = False,
    scorers: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> tuple[Allocation, Any]:
    """The draft allocation of a round (`fourules allocate`), and its JSON document: the
    allocation, with the draft beside the round's decision when `compare` is asked for."""
    from fourules.rounds.allocation import allocate
    from fourules.rounds.compare import compare as side_by_side
    from fourules.rounds.evaluation import evaluate_round

    evaluated = evaluate_round(
        round_, year, evaluator, lang=lang, scorers=scorers, progress=progress
    )
    policy = evaluator.load_policy(year)
    result = allocate(
        round_, evaluated, policy, budget, lang=lang, method=method, min_share=min_share
    )
    if not compare:
        return result, result
    comparison = side_by_side(round_, result, evaluated, policy)
    return result, {**result.model_dump(mode="json"), "comparison": comparison}
