"""The view of `fourules evaluate`: per application its outcome, maximum grant and score,
every finding with its source, and the score items, those of a plugin marked as not from
the decision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fourules.evaluation.results import Evaluation, ScoreItem
from fourules.output.labels import BASES, STATUSES, label, outcome_text, source_text
from fourules.output.view import Block, Table, View
from fourules.text import format_sek
from fourules.texts import language, text


def not_from_decision(item: ScoreItem) -> str:
    """The mark of an item whose points a plugin added, not the decision."""
    return text("evaluate.not_from_decision", plugin=item.plugin)


def _reason(item: ScoreItem) -> str:
    return item.reason if item.from_decision else f"{item.reason} {not_from_decision(item)}"


def _score(e: Evaluation) -> str:
    """The score, and how much of it is not from the decision when a plugin added items."""
    added = [i for i in e.score_breakdown if not i.from_decision]
    if not added:
        return f"{e.score:g}"
    points = sum(i.points for i in added)
    return text("evaluate.score_added", score=f"{e.score:g}", points=f"{points:g}")


def _summary(e: Evaluation) -> list[list[str]]:
    grant = label("not_stated") if e.max_grant_sek is None else format_sek(e.max_grant_sek)
    return [
        [label("outcome"), outcome_text(e.outcome)],
        [label("max_grant"), grant],
        [label("score"), _score(e)],
        [
            label("policy"),
            f"{e.policy.id} v{e.policy.version} sha256:{e.policy.sha256[:12]}…",
        ],
        [
            label("administrations"),
            ", ".join(a.name or f"({a.as_written})" for a in e.applicants),
        ],
    ]


def evaluations_view(evaluations: Sequence[Evaluation]) -> View:
    finding_header = [label(k) for k in ("rule", "status", "message", "basis", "source")]
    score_header = [label(k) for k in ("criterion", "points", "reason", "scorers")]
    blocks: list[Block] = []
    for e in evaluations:
        blocks.append(
            Table.of(
                f"{label('application')} {e.application_id} — {e.policy.id}",
                [],
                _summary(e),
                marks=[e.outcome, None, None, None, None],
            )
        )
        blocks.append(
            Table.of(
                "",
                finding_header,
                [
                    [
                        f.rule,
                        STATUSES[f.status].get(language()),
                        f.message,
                        BASES[f.basis].get(language()),
                        source_text(f.source),
                    ]
                    for f in e.findings
                ],
                marks=[f.status for f in e.findings],
            )
        )
        if e.score_breakdown:
            rows = [[i.criterion, f"{i.points:g}", _reason(i), i.scorer] for i in e.score_breakdown]
            blocks.append(Table.of(label("score"), score_header, rows))
    return View(blocks=tuple(blocks))


def explanation_blocks(explanations: Sequence[dict[str, Any]]) -> list[Block]:
    """What would change each outcome, as paragraphs under the evaluations."""
    blocks: list[Block] = []
    for explanation in explanations:
        for i, suggestion in enumerate(explanation.get("suggestions", []), start=1):
            changes = " ".join(c["text"] for c in suggestion["changes"])
            rules = ", ".join(r["rule"] for r in suggestion["rules"])
            lead = text("evaluate.suggestion", number=i)
            blocks.append(f"{lead}: {changes} ({rules})" if rules else f"{lead}: {changes}")
        if "none" in explanation:
            blocks.append(explanation["none"])
        if "grant" in explanation:
            blocks.append(explanation["grant"])
        for item in explanation.get("would_raise_score", []):
            blocks.append(
                text("evaluate.would_raise", points=f"{item['points']:g}")
                + f" {item['title']} ({item['criterion']})"
            )
    return blocks
