"""The view of `fourules evaluate`: per application its outcome, maximum grant and score,
every finding with its source, and the score items, those of a plugin marked as not from
the decision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fourules.evaluation.results import Evaluation, ScoreItem
from fourules.output.labels import BASES, STATUSES, label, outcome_text, source_text
from fourules.output.view import Block, Table, View
from fourules.text import Lang, format_sek
from fourules.texts import text


def not_from_decision(item: ScoreItem, lang: Lang) -> str:
    """The mark of an item whose points a plugin added, not the decision."""
    return text("evaluate.not_from_decision", lang, plugin=item.plugin)


def _reason(item: ScoreItem, lang: Lang) -> str:
    return item.reason if item.from_decision else f"{item.reason} {not_from_decision(item, lang)}"


def _score(e: Evaluation, lang: Lang) -> str:
    """The score, and how much of it is not from the decision when a plugin added items."""
    added = [i for i in e.score_breakdown if not i.from_decision]
    if not added:
        return f"{e.score:g}"
    points = sum(i.points for i in added)
    return text("evaluate.score_added", lang, score=f"{e.score:g}", points=f"{points:g}")


def _summary(e: Evaluation, lang: Lang) -> list[list[str]]:
    grant = label("not_stated", lang) if e.max_grant_sek is None else format_sek(e.max_grant_sek)
    return [
        [label("outcome", lang), outcome_text(e.outcome, lang)],
        [label("max_grant", lang), grant],
        [label("score", lang), _score(e, lang)],
        [
            label("policy", lang),
            f"{e.policy.id} v{e.policy.version} sha256:{e.policy.sha256[:12]}…",
        ],
        [
            label("administrations", lang),
            ", ".join(a.name or f"({a.as_written})" for a in e.applicants),
        ],
    ]


def evaluations_view(evaluations: Sequence[Evaluation], lang: Lang) -> View:
    finding_header = [label(k, lang) for k in ("rule", "status", "message", "basis", "source")]
    score_header = [label(k, lang) for k in ("criterion", "points", "reason", "scorers")]
    blocks: list[Block] = []
    for e in evaluations:
        blocks.append(
            Table.of(
                f"{label('application', lang)} {e.application_id} — {e.policy.id}",
                [],
                _summary(e, lang),
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
                        STATUSES[f.status].get(lang),
                        f.message,
                        BASES[f.basis].get(lang),
                        source_text(f.source, lang),
                    ]
                    for f in e.findings
                ],
                marks=[f.status for f in e.findings],
            )
        )
        if e.score_breakdown:
            rows = [
                [i.criterion, f"{i.points:g}", _reason(i, lang), i.scorer]
                for i in e.score_breakdown
            ]
            blocks.append(Table.of(label("score", lang), score_header, rows))
    return View(blocks=tuple(blocks))


def explanation_blocks(explanations: Sequence[dict[str, Any]], lang: Lang) -> list[Block]:
    """What would change each outcome, as paragraphs under the evaluations."""
    blocks: list[Block] = []
    for explanation in explanations:
        for i, suggestion in enumerate(explanation.get("suggestions", []), start=1):
            changes = " ".join(c["text"] for c in suggestion["changes"])
            rules = ", ".join(r["rule"] for r in suggestion["rules"])
            lead = text("evaluate.suggestion", lang, number=i)
            blocks.append(f"{lead}: {changes} ({rules})" if rules else f"{lead}: {changes}")
        if "none" in explanation:
            blocks.append(explanation["none"])
        if "grant" in explanation:
            blocks.append(explanation["grant"])
        for item in explanation.get("would_raise_score", []):
            blocks.append(
                text("evaluate.would_raise", lang, points=f"{item['points']:g}")
                + f" {item['title']} ({item['criterion']})"
            )
    return blocks
