"""A year's rules with their sources, the decision's text, and what changed between years."""

from __future__ import annotations

from typing import Any

from fourules.comparison.replay import Replay, Treatment
from fourules.comparison.replay import without_dates as dates_left_out
from fourules.comparison.sentences import (
    PolicyWords,
    administration_types,
    application_words,
    kinds_words,
    points,
    rule_titles,
    said_changes,
)
from fourules.comparison.witnesses import Witness
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.messages import parameter_text
from fourules.output.canonical import to_json
from fourules.policy.model import Policy
from fourules.rounds.model import Round
from fourules.text import format_sek
from fourules.texts import initial, language, text
from fourules.use_cases.diff import DiffRequest, diff, replayed_round
from fourules.use_cases.policies import policy_document
from fourules.web import views
from fourules.web.check_pages import check_link
from fourules.web.decision_text import marked_text, quote_anchors, scan_file
from fourules.web.forms import encode_application


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
        # Names, not ids: messages filled in, kinds, criteria and values in words.
        "words": PolicyWords(policy),
        "kinds_words": kinds_words,
        "administration_types": administration_types,
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
    without_dates: bool = False,
) -> dict[str, Any]:
    """Every difference as a sentence with the source on each side; witnesses on request,
    each with the check form under either year filled with it; a replay of an uploaded
    round under both years (its submission dates left out on request)."""
    ev.require(a)
    ev.require(b)
    replay_round = None
    if replay is not None:
        raw, name = replay
        replay_round = replayed_round(ev, a, b, raw, name)
        if without_dates:
            replay_round = dates_left_out(replay_round)
    asked = DiffRequest(a, b, lang=language(), replay=replay_round, witnesses=witnesses)
    found = diff(ev, asked)
    pa, pb = ev.load_policy(a), ev.load_policy(b)
    said = said_changes(found.changes, pa, pb)
    context: dict[str, Any] = {
        "a": a,
        "b": b,
        "years": sorted(views.served(ev), reverse=True),
        "report": found.model_dump(mode="json"),
        "said": said,
        "anchor_a": quote_anchors(ev, a),
        "anchor_b": quote_anchors(ev, b),
        "without_dates": without_dates,
    }
    if found.witnesses is not None:
        by_path = {c.path: s.sentence for c, s in zip(found.changes, said, strict=True)}
        context["witnessed"] = [
            _witnessed(w, by_path.get(w.path, w.path), pa, pb, n)
            for n, w in enumerate(found.witnesses, 1)
        ]
    if found.replay is not None and replay_round is not None:
        context["replayed"] = _replayed(found.replay, replay_round, pa, pb)
        context["carried"] = to_json(replay_round)
    return context


def side_text(side: Treatment | None) -> str:
    """An outcome as the diff page says it: 'Berättigad, 1 000 kr, 3 poäng'."""
    if side is None:
        return "—"
    grant = (
        text("max_grant.unknown") if side.max_grant_sek is None else format_sek(side.max_grant_sek)
    )
    outcome = initial(text(f"outcome.{side.outcome}"))
    return text("diff.side", outcome=outcome, grant=grant, score=points(side.score))


def _witnessed(w: Witness, sentence: str, pa: Policy, pb: Policy, number: int) -> dict[str, Any]:
    """A witness as the page shows it: the change it is for, the application in words and
    a button to each year's check form filled with it, both outcomes, and why."""
    row: dict[str, Any] = {
        "said": sentence,
        "before": side_text(w.before),
        "after": side_text(w.after),
        "reason": w.reason,
        "application": None,
        "checks": [],
        "set_aside": [
            text("diff.witness.set_aside", year=year, criteria=_criteria(cids, pa, pb))
            for year, cids in sorted(w.set_aside.items())
        ],
    }
    if w.application is None:
        return row
    named = {
        **w.application,
        "id": text("diff.witness.id", number=number),
        "title": text("diff.witness.title", a=pa.id, b=pb.id),
    }
    row["application"] = application_words(named, pa, pb)
    # Each year's form gets what that year reads of it (the criteria it declares).
    for policy in (pa, pb):
        own = policy.vocabulary.restrict(named)
        row["checks"].append(
            {
                "year": policy.id,
                "application": encode_application(own),
                "href": check_link(policy.id, own),
            }
        )
    return row


def _criteria(cids: list[str], pa: Policy, pb: Policy) -> str:
    """Criteria by their titles, in the words of whichever year has them."""
    lang = language()
    titles = {c.id: c.title.get(lang) for p in (pa, pb) for c in p.vocabulary.criteria}
    return ", ".join(f"”{titles.get(cid, cid)}”" for cid in cids)


def _replayed(replay: Replay, round_: Round, pa: Policy, pb: Policy) -> dict[str, Any]:
    """The replay as the page shows it: each application that changes, by id and title,
    both outcomes, and the rules (by title) that change its outcome, grant or score."""
    titles = {app.id: app.title for app in round_.applications}
    rows = []
    for c in replay.changed:
        because = [
            text(f"diff.replay.because.{what}", rules=rule_titles(rules, pa, pb))
            for what, rules in c.because.model_dump().items()
            if rules
        ]
        rows.append(
            {
                "id": c.application_id,
                "title": titles.get(c.application_id, ""),
                "outcome": c.after.outcome,
                "before": side_text(c.before),
                "after": side_text(c.after),
                "because": because,
            }
        )
    return {"summary": replay.summary, "rows": rows}
