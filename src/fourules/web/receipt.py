"""The check's answer as a receipt a district administration can keep: which application
was checked, against which year and when; everything that stops it and everything missing,
at once; and what to do next, each sentence from the year's decision with its quote — or
saying plainly that the decision does not say.

What the decision says about the call's period is the kind's call window
(`policy/call_window.py`, which a replay reads too). Where to send an application, when the
next call opens and whom to ask are in no year's policy: the receipt says the decision does
not say them, never a guess. The rest is how the page words one evaluation (which findings
stop it, which are missing, what next), so it stays with the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from fourules.evaluation import results
from fourules.policy.call_window import CallWindow, call_window, window_rules
from fourules.policy.model import Policy
from fourules.policy.source import Source
from fourules.texts import language, text


class Step(NamedTuple):
    """One sentence of what to do next; the decision's sentence it comes from (None: it
    repeats the findings above, or says what the decision does not say: `silent`)."""

    text: str
    source: Source | None = None
    silent: bool = False


@dataclass(frozen=True)
class Receipt:
    """The answer's receipt: what was checked, what stops it, what is missing, what next."""

    title: str
    application_id: str | None
    """The id or reference typed on the form (None: none was given)."""
    year: str
    policy_title: str
    policy_version: str
    checked_on: date
    outcome: str
    blockers: list[str]
    missing: list[str]
    notes: list[str]
    """Warnings of an eligible application: what to observe."""
    late: bool
    steps: list[Step]
    score_matters: bool
    """Whether the score means anything: not for an ineligible application."""


def _submitted(application: Mapping[str, Any]) -> date | None:
    value = application.get("submitted")
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def receipt(
    policy: Policy,
    application: Mapping[str, Any],
    evaluation: results.Evaluation,
    typed_id: str,
    today: date,
) -> Receipt:
    """The receipt of `evaluation`, the answer to `application` under `policy`, on `today`."""
    outcome = evaluation.outcome
    found = evaluation.findings
    kind = str(application.get("kind") or "")
    period = call_window(policy, kind)
    submitted = _submitted(application)
    # Late only where a rule of the call's period made it ineligible: a year's rule or a
    # reading may let a late date pass with a warning, and the receipt must not say more.
    refused_by_window = {f.rule for f in found if f.effect == "ineligible"} & window_rules(
        policy, kind
    )
    late = (
        period is not None
        and submitted is not None
        and submitted > period.closes
        and bool(refused_by_window)
    )
    return Receipt(
        title=str(application.get("title") or ""),
        application_id=typed_id or None,
        year=policy.id,
        policy_title=policy.title.get(language()),
        policy_version=policy.version,
        checked_on=today,
        outcome=outcome,
        blockers=[f.message for f in found if f.effect == "ineligible"],
        missing=[f.message for f in found if f.effect == "undetermined"],
        notes=[f.message for f in found if f.status == "warn"] if outcome == "eligible" else [],
        late=late,
        steps=_steps(outcome, period, submitted, late, today),
        score_matters=outcome != "ineligible",
    )


def _silent(key: str) -> Step:
    return Step(text(key), silent=True)


def _steps(
    outcome: str, period: CallWindow | None, submitted: date | None, late: bool, today: date
) -> list[Step]:
    """What to do next for the outcome: from the decision's call period where it states one,
    the decision's silence said where it does not."""
    where, contact, next_call = (
        _silent("receipt.silent.where"),
        _silent("receipt.silent.contact"),
        _silent("receipt.silent.next_call"),
    )
    if late and period is not None:
        opens, closes, source = period
        closed = text(
            "receipt.late",
            submitted=submitted.isoformat() if submitted else "",
            opens=opens.isoformat(),
            closes=closes.isoformat(),
        )
        return [Step(closed, source), next_call, contact]
    if outcome == "ineligible":
        return [Step(text("receipt.next.ineligible")), contact]
    if outcome == "undetermined":
        return [Step(text("receipt.next.undetermined")), *_by_when(period, today), where, contact]
    return [Step(text("receipt.next.eligible")), *_by_when(period, today), where, contact]


def _by_when(period: CallWindow | None, today: date) -> list[Step]:
    """By when to send it: the call's last day as the decision states it, and whether that
    day has passed on the day checked; or that the decision states no period for the kind."""
    if period is None:
        return [_silent("receipt.silent.by_when")]
    opens, closes, source = period
    said = text("receipt.by_when", opens=opens.isoformat(), closes=closes.isoformat())
    if today > closes:
        said += " " + text("receipt.by_when.passed", today=today.isoformat())
    return [Step(said, source)]
