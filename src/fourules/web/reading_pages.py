"""A year's readings on a page: each rule that rests on a reading of the decision, the
alternatives it declares, and — when the year ships its real round — what each alternative
would change in it (`comparison/readings.py`, as `fourules readings --replay` shows it)."""

from __future__ import annotations

from typing import Any

from fourules.comparison.readings import readings_report, stated_budget
from fourules.evaluation.evaluator import Evaluator
from fourules.output.labels import ASPECTS, changed_value
from fourules.rounds.files import load_round
from fourules.texts import language
from fourules.web.decision_text import quote_anchors

ROUND_FILE = "round.json"


def readings_context(ev: Evaluator, year: str) -> dict[str, Any]:
    """The readings of the year, replayed on the round its folder ships (if any)."""
    ev.require(year)
    folder = ev.policy_paths()[year].parent
    shipped = folder / ROUND_FILE
    vocabulary = ev.load_policy(year).vocabulary
    round_ = load_round(shipped.read_bytes(), ROUND_FILE, vocabulary) if shipped.is_file() else None
    report = readings_report(
        folder,
        round_=round_,
        round_name=None if round_ is None else (round_.title or ROUND_FILE),
        budget=None if round_ is None else stated_budget(round_),
        lang=language(),
    )
    policy = ev.load_policy(year)
    return {
        "year": year,
        "title": policy.title.get(language()),
        "report": report,
        "sources": {rule.id: rule.source for rule in policy.rules},
        "aspect": lambda name: ASPECTS[name].get(language()),
        "before": lambda d: changed_value(d.aspect, d.before, d.before_sek),
        "after": lambda d: changed_value(d.aspect, d.after, d.after_sek),
        "anchor": quote_anchors(ev, year),
    }
