"""A year's rules with their sources, the decision's text, and what changed between years."""

from __future__ import annotations

from typing import Any

from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.messages import parameter_text
from fourules.texts import language
from fourules.use_cases.diff import DiffRequest, diff, replayed_round
from fourules.use_cases.policies import policy_document
from fourules.web import views
from fourules.web.changes import shown
from fourules.web.decision_text import marked_text, quote_anchors, scan_file


def policy_context(ev: Evaluator, year: str) -> dict[str, Any]:
    """The policy as `fourules show --format json` has it, with each quote's anchor."""
    ev.require(year)
    policy = ev.load_policy(year)
    marked = marked_text(ev, year)
    return {
        "year": year,
        "policy": policy,
        "document": policy_document(policy),
        "value": lambda name: parameter_text(policy, name, language()),
        "title": policy.title.get(language()),
        "has_text": marked is not None,
        "has_scan": scan_file(ev, year) is not None,
        "anchor": quote_anchors(ev, year),
    }


def text_context(ev: Evaluator, year: str, quote: str | None) -> dict[str, Any]:
    """The text the policy quotes, its quotes marked; a transcription says so and links
    the scan."""
    ev.require(year)
    policy = ev.load_policy(year)
    marked = marked_text(ev, year)
    return {
        "year": year,
        "title": policy.document.title,
        "segments": marked.segments if marked else (),
        "chosen": quote,
        "has_scan": scan_file(ev, year) is not None,
    }


def scan_context(ev: Evaluator, year: str) -> dict[str, Any] | None:
    """The scanned text as it is, uncorrected; None when the year quotes no transcription."""
    ev.require(year)
    path = scan_file(ev, year)
    if path is None:
        return None
    return {
        "year": year,
        "title": ev.load_policy(year).document.title,
        "text": path.read_text(encoding="utf-8"),
    }


def diff_context(
    ev: Evaluator,
    a: str,
    b: str,
    *,
    witnesses: bool = False,
    replay: tuple[bytes, str] | None = None,
) -> dict[str, Any]:
    """Every difference with the source on each side; witnesses on request; a replay of an
    uploaded round under both years."""
    ev.require(a)
    ev.require(b)
    replay_round = None
    if replay is not None:
        raw, name = replay
        replay_round = replayed_round(ev, a, b, raw, name)
    asked = DiffRequest(a, b, lang=language(), replay=replay_round, witnesses=witnesses)
    report = diff(ev, asked).model_dump(mode="json")
    return {
        "a": a,
        "b": b,
        "years": sorted(views.served(ev), reverse=True),
        "report": report,
        "show": lambda value: shown(value),
        "anchor_a": quote_anchors(ev, a),
        "anchor_b": quote_anchors(ev, b),
    }
