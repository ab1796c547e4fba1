"""The JSON documents fourules produces, shared by the command line and the HTTP service so
that both give byte-for-byte the same answer to the same question."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from fourules.errors import InputError
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.results import Evaluation
from fourules.policy.model import Policy
from fourules.text import Lang, LocalText

if TYPE_CHECKING:
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
) -> tuple[Evaluation | list[Evaluation], list[tuple[Any, Evaluation]]]:
    """One application in, one evaluation out; a list in, a list out. Also returns each
    (input, evaluation) pair, for a decision log. Everything is evaluated before returning."""
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
    results = [
        evaluator.evaluate(
            item, year, lang=lang, scorers=scorers, where=where if single else f"{where}[{i}]"
        )
        for i, item in enumerate(items)
    ]
    return (results[0] if single else results), list(zip(items, results, strict=True))


def explained_document(
    evaluator: Evaluator,
    decisions: list[tuple[Any, Evaluation]],
    year: str,
    *,
    single: bool,
    lang: Lang,
) -> dict[str, Any] | list[dict[str, Any]]:
    """Each evaluation's JSON with its `explanation`: what would make it eligible (or, when
    it is, what it can be granted and what would raise its score)."""
    from fourules.evaluation.explain import explain
    from fourules.output.canonical import plain

    out = [
        {**plain(result), "explanation": explain(evaluator, item, year, lang)}
        for item, result in decisions
    ]
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
