"""What would change an application's outcome: the smallest changes that make it eligible.

For an ineligible or undetermined application, the solver's reading of the policy
(`engine/symbolic.py`) looks for the fewest fields an applicant can change — the amount,
the submission date, an assessment, the travel modes, the destination — and, among those,
the nearest values; up to three such sets, each different in what it changes. Every
suggestion is then evaluated by the normal evaluation before it is shown, and names the
rules it satisfies with the sentences they quote. For an eligible application: the most
it can be granted, and the priority criteria that would raise its score.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from fourules.evaluation.results import Evaluation
from fourules.policy.vocabulary import YES_NO_WORDS
from fourules.text import NOT_STATED, Lang, day_text, format_sek
from fourules.texts import text

if TYPE_CHECKING:
    from fourules.engine.symbolic import SymbolicPolicy
    from fourules.evaluation.evaluator import Evaluator

MAX_SUGGESTIONS = 3
_SOLVER = threading.Lock()
_READINGS: dict[str, SymbolicPolicy] = {}


def _symbolic(policy: Any) -> SymbolicPolicy:
    """The solver's reading of a policy, built once per policy content (its sha256): about
    20-30 ms to build, against 10-60 ms for a whole explanation."""
    from fourules.engine.symbolic import SymbolicPolicy

    reading = _READINGS.get(policy.sha256)
    if reading is None:
        reading = _READINGS[policy.sha256] = SymbolicPolicy(policy)
    return reading


def changeable(symbolic: SymbolicPolicy) -> dict[str, tuple[str, ...]]:
    """The application fields an applicant can change (declared `changeable`), and the facts
    each moves."""
    return {
        d.json_field: (d.id,)
        for d in symbolic.policy.vocabulary.declarations
        if d.json_field is not None and d.changeable
    }


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any
    text: str


@dataclass(frozen=True)
class Suggestion:
    """A set of changes, the outcome they give (re-evaluated), and the rules they satisfy."""

    changes: tuple[Change, ...]
    outcome: str
    max_grant_sek: int | None
    rules: tuple[dict[str, Any], ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "changes": [
                {"field": c.field, "before": c.before, "after": c.after, "text": c.text}
                for c in self.changes
            ],
            "outcome": self.outcome,
            "max_grant_sek": self.max_grant_sek,
            "rules": list(self.rules),
        }


def _groups(symbolic: SymbolicPolicy, kind: str) -> dict[str, tuple[str, ...]]:
    groups = {
        name: facts
        for name, facts in changeable(symbolic).items()
        if all(f in symbolic.facts for f in facts)
        and kind in symbolic.policy.vocabulary.facts[facts[0]].kinds
    }
    for c in symbolic.policy.vocabulary.criteria:
        if kind in c.kinds:
            groups[f"assessment.{c.id}"] = (f"crit_{c.id}",)
    return groups


@dataclass(frozen=True)
class _Explained:
    """The application explained: the year it is evaluated under (by the evaluator and in
    the solver's reading), the application as read, its facts, its evaluation, the language."""

    evaluator: Evaluator
    year: str
    symbolic: SymbolicPolicy
    app: dict[str, Any]
    fact: dict[str, Any]
    result: Evaluation
    lang: Lang


def explain(
    evaluator: Evaluator,
    application: dict[str, Any],
    year: str,
    lang: Lang = "sv",
    result: Evaluation | None = None,
) -> dict[str, Any]:
    """The explanation of one application under one year (see the module's docstring);
    `result` is its evaluation when the caller has made it."""
    loaded = evaluator.require(year)
    if result is None:
        result = evaluator.evaluate(application, year, lang=lang)
    with _SOLVER:  # z3's context is shared by the process and not safe across threads
        return _explain(evaluator, application, loaded, result, year, lang)


def _explain(
    evaluator: Evaluator,
    application: dict[str, Any],
    loaded: Any,
    result: Evaluation,
    year: str,
    lang: Lang,
) -> dict[str, Any]:
    from fourules.evaluation.inputs import parse_application

    vocabulary = loaded.policy.vocabulary
    parsed = parse_application(application, vocabulary=vocabulary)
    app = parsed.model_dump(mode="json", exclude_none=False)
    fact = vocabulary.derive(parsed, loaded.index).fact
    asked = _Explained(evaluator, year, _symbolic(loaded.policy), app, fact, result, lang)
    if result.outcome == "eligible":
        return {"outcome": "eligible", "suggestions": [], **_when_eligible(asked)}
    suggestions = _suggestions(asked)
    out: dict[str, Any] = {
        "outcome": result.outcome,
        "suggestions": [s.as_json() for s in suggestions],
    }
    if not suggestions:
        out["none"] = text("explain.none", lang)
    return out


def _pinned(symbolic: SymbolicPolicy, fact: dict[str, Any], free: set[str]) -> list[Any]:
    """The facts the applicant cannot change, held at their values."""
    import z3

    out = []
    for name, var in symbolic.facts.items():
        if name in free:
            # What the application states stays stated: a change, never a withdrawal (an
            # unstated date is not checked, but leaving it out is no remedy).
            if name in fact:
                out.append(var.present)
            continue
        if name in fact:
            out += [var.present, var.value == symbolic.number(name, fact[name])]
        else:
            out.append(z3.Not(var.present))
    return out


def _suggestions(asked: _Explained) -> list[Suggestion]:
    import z3

    symbolic, app, fact = asked.symbolic, asked.app, asked.fact
    groups = _groups(symbolic, app["kind"])
    free = {f for facts in groups.values() for f in facts}
    changed = {
        name: z3.Or([_moved(symbolic, f, fact) for f in facts]) for name, facts in groups.items()
    }
    found: list[Suggestion] = []
    blocked: list[Any] = []
    for _ in range(MAX_SUGGESTIONS):
        opt = z3.Optimize()
        opt.add(symbolic.domain, symbolic.eligible, *_pinned(symbolic, fact, free), *blocked)
        opt.minimize(z3.Sum([z3.If(c, 1, 0) for c in changed.values()]))
        opt.minimize(_distance(symbolic, fact))
        if opt.check() != z3.sat:
            break
        model = opt.model()
        names = [n for n, c in changed.items() if z3.is_true(model.eval(c, model_completion=True))]
        # The next suggestion must not change a superset of the same fields.
        blocked.append(z3.Not(z3.And([changed[n] for n in names])))
        suggestion = _verified(asked, model, names)
        if suggestion is not None:
            found.append(suggestion)
    return found


def _moved(symbolic: SymbolicPolicy, name: str, fact: dict[str, Any]) -> Any:
    import z3

    var = symbolic.facts[name]
    if name not in fact:
        return var.present
    return z3.Or(z3.Not(var.present), var.value != symbolic.number(name, fact[name]))


def _distance(symbolic: SymbolicPolicy, fact: dict[str, Any]) -> Any:
    """How far the numbers move (a day counts as one)."""
    import z3

    terms = []
    numeric = ("amount", "date", "whole_number", "duration")
    for d in symbolic.policy.vocabulary.declarations:
        name = d.id
        var = symbolic.facts[name]
        if d.changeable and d.type in numeric and name in fact and isinstance(fact[name], int):
            diff = var.value - fact[name]
            terms.append(z3.If(diff >= 0, diff, -diff))
    return z3.Sum(terms) if terms else z3.IntVal(0)


def _verified(asked: _Explained, model: Any, names: list[str]) -> Suggestion | None:
    """The suggestion from a model, kept only if the normal evaluation makes it eligible."""
    symbolic, app, lang = asked.symbolic, asked.app, asked.lang
    solved = symbolic.application(model)
    changed_app = {k: v for k, v in app.items() if v is not None}
    changes = []
    for name in names:
        if name.startswith("assessment."):
            cid = name.split(".", 1)[1]
            after = solved.get("assessment", {}).get(cid)
            assessment = dict(changed_app.get("assessment") or {})
            assessment[cid] = after
            changed_app["assessment"] = assessment
            old = (app.get("assessment") or {}).get(cid)
            changes.append(Change(name, old, after, _assessment_text(symbolic, cid, old, lang)))
        else:
            after = solved.get(name)
            if after is None:
                changed_app.pop(name, None)
            else:
                changed_app[name] = after
            said = _text(symbolic, name, app.get(name), after, lang)
            changes.append(Change(name, app.get(name), after, said))
    after_eval = asked.evaluator.evaluate(changed_app, asked.year, lang=lang)
    if after_eval.outcome != "eligible":
        return None
    was = {f.rule: f.status for f in asked.result.findings}
    rules = tuple(
        {"rule": f.rule, "quote": f.source.quote, "section": f.source.section}
        for f in after_eval.findings
        if was.get(f.rule) != f.status and f.status == "pass"
    )
    return Suggestion(tuple(changes), after_eval.outcome, after_eval.max_grant_sek, rules)


def _assessment_text(symbolic: SymbolicPolicy, cid: str, old: Any, lang: Lang) -> str:
    title = next(c.title for c in symbolic.policy.vocabulary.criteria if c.id == cid).get(lang)
    key = "explain.assess" if old is None else "explain.meet"
    return text(key, lang, title=title, criterion=cid)


def _text(symbolic: SymbolicPolicy, field: str, before: Any, after: Any, lang: Lang) -> str:
    """The change in words: the submission date and the amount requested (the contract's
    own) as an applicant acts on them, any other field by its declared label and values."""
    if field == "submitted" and after is not None:
        day = date.fromisoformat(after)
        shown = day_text(day, lang)
        later = before is None or after > before
        return text("explain.submit_from" if later else "explain.submit_by", lang, day=shown)
    if field == "requested_sek" and after is not None:
        more = before is None or after > before
        key = "explain.apply_at_least" if more else "explain.apply_at_most"
        return text(key, lang, amount=format_sek(after))
    d = symbolic.policy.vocabulary.stated[field]
    labels = {v.id: v.label.get(lang) for v in d.values}
    if after is None:
        shown = NOT_STATED.get(lang)
    elif isinstance(after, bool):
        shown = YES_NO_WORDS[after].get(lang)
    elif isinstance(after, list):
        shown = ", ".join(labels.get(v, str(v)) for v in after)
    else:
        shown = labels.get(after, str(after))
    label = d.label.get(lang)
    return text("explain.give", lang, label=label, value=shown)


def _when_eligible(asked: _Explained) -> dict[str, Any]:
    """The most it can be granted, and each priority criterion that would raise its score."""
    app, result, lang = asked.app, asked.result, asked.lang
    out: dict[str, Any] = {"max_grant_sek": result.max_grant_sek}
    requested = app.get("requested_sek")
    if (
        requested is not None
        and result.max_grant_sek is not None
        and result.max_grant_sek < requested
    ):
        out["grant"] = text(
            "explain.grant",
            lang,
            grant=format_sek(result.max_grant_sek),
            requested=format_sek(requested),
        )
    points = {i.criterion: i.points for i in result.score_breakdown}
    raise_score = []
    for rule, weight in asked.symbolic.policy.priority_criteria:
        if rule.id in points and points[rule.id] == 0 and weight > 0:
            raise_score.append(
                {
                    "criterion": rule.id,
                    "points": weight,
                    "title": rule.title.get(lang),
                    "quote": rule.source.quote,
                }
            )
    out["would_raise_score"] = raise_score
    return out
