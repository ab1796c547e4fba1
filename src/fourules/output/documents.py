"""The documents of two modules not yet moved onto the use cases (`cli/policies.py`,
`web/rule_pages.py`): each is the use case's (`fourules.use_cases`), as JSON data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fourules.evaluation.evaluator import Evaluator
from fourules.policy.model import Policy
from fourules.text import Lang

if TYPE_CHECKING:
    from fourules.rounds.model import Round


def policies_document(evaluator: Evaluator) -> list[dict[str, Any]]:
    from fourules.use_cases.policies import policies

    listed: list[dict[str, Any]] = policies(evaluator).model_dump(mode="json")
    return listed


def policy_document(policy: Policy) -> dict[str, Any]:
    from fourules.use_cases.policies import policy_document as document

    return document(policy)


def diff_document(
    evaluator: Evaluator,
    a: str,
    b: str,
    *,
    lang: Lang,
    replay_round: Round | None = None,
    witnesses: bool = False,
) -> dict[str, Any]:
    from fourules.use_cases.diff import DiffRequest, diff

    request = DiffRequest(a, b, lang=lang, replay=replay_round, witnesses=witnesses)
    document: dict[str, Any] = diff(evaluator, request).model_dump(mode="json")
    return document
