"""What changed between two years' calls: every difference in their policies, with the
source on each side (`diff_policies`), what the change does to real applications
(`replay`), and a concrete application each rule-level change treats differently
(`find_witnesses`)."""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from fourules.application import KINDS
from fourules.errors import InputError
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.inputs import parse_application
from fourules.evaluation.results import Evaluation, PolicyRef
from fourules.policy.model import Policy, Rule, boundaries_of
from fourules.policy.source import Source
from fourules.policy.vocabulary import Vocabulary, base_application
from fourules.rounds.evaluation import gc_paused, worker_pays
from fourules.rounds.model import Round, natural_key
from fourules.text import Lang

ChangeKind = Literal["added", "removed", "changed"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sources(_Model):
    before: Source | None
    after: Source | None


class Change(_Model):
    """One difference: where (`path`), what kind, the value on each side and its sources."""

    path: str
    kind: ChangeKind
    before: Any
    after: Any
    sources: Sources
    note: str | None = None


class PolicyDiff(_Model):
    from_: PolicyRef
    to: PolicyRef
    changes: list[Change]

    def as_json(self) -> dict[str, Any]:
        """The public shape: {"from", "to", "changes": [...]}."""
        data = self.model_dump(mode="json")
        data["from"] = data.pop("from_")
        return {"from": data["from"], "to": data["to"], "changes": data["changes"]}


# --- the structural diff -------------------------------------------------------------------


def _change(
    path: str,
    before: Any,
    after: Any,
    src_before: Source | None,
    src_after: Source | None,
    note: str | None = None,
) -> Change:
    kind: ChangeKind = "added" if before is None else "removed" if after is None else "changed"
    return Change(
        path=path,
        kind=kind,
        before=before,
        after=after,
        sources=Sources(before=src_before, after=src_after),
        note=note,
    )


def _keyed(a: Mapping[str, Any], b: Mapping[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    for key in sorted(set(a) | set(b), key=natural_key):
        yield key, a.get(key), b.get(key)


def _rule_logic(rule: Rule) -> dict[str, Any]:
    """What a rule decides, without its wording: conditions, statuses, effects, limits."""
    return {
        "applies_to": rule.applies_to,
        "branches": [
            {"when": b.when, "status": b.status, "outcome": b.outcome, "grant_limit": b.grant_limit}
            for b in rule.branches
        ],
    }


def _admin_notes(a: Policy, b: Policy) -> dict[str, str]:
    """What either year says about a name that is not (or not yet) an administration."""
    notes: dict[str, str] = {}
    for policy in (a, b):
        for entry in (*policy.administrations.former, *policy.administrations.not_yet_formed):
            notes.setdefault(entry.name, entry.note.en)
    return notes


def diff_policies(a: Policy, b: Policy, ref_a: PolicyRef, ref_b: PolicyRef) -> PolicyDiff:
    """Every difference from `a` to `b`; `diff(b, a)` is its mirror image."""
    changes: list[Change] = []
    for name, pa, pb in _keyed(a.parameters, b.parameters):
        va = (
            None
            if pa is None
            else {
                "value": pa.model_dump(mode="json")["value"],
                "unit": pa.unit,
                "not_stated": pa.not_stated is not None,
            }
        )
        vb = (
            None
            if pb is None
            else {
                "value": pb.model_dump(mode="json")["value"],
                "unit": pb.unit,
                "not_stated": pb.not_stated is not None,
            }
        )
        if va != vb:
            changes.append(
                _change(f"parameters.{name}", va, vb, pa and pa.source, pb and pb.source)
            )

    rules_a = {r.id: r for r in a.rules}
    rules_b = {r.id: r for r in b.rules}
    for rid, ra, rb in _keyed(rules_a, rules_b):
        ca = ra.criterion if ra else None
        cb = rb.criterion if rb else None
        src_a, src_b = (ra.source if ra else None), (rb.source if rb else None)
        if ca or cb:
            before = None if ra is None else (ca.model_dump() if ca else {"type": None})
            after = None if rb is None else (cb.model_dump() if cb else {"type": None})
            if before is None or after is None:
                changes.append(_change(f"criteria.{rid}", before, after, src_a, src_b))
            else:
                for key in ("type", "weight"):
                    if before.get(key) != after.get(key):
                        note = "moved between mandatory and priority" if key == "type" else None
                        changes.append(
                            _change(
                                f"criteria.{rid}.{key}",
                                before.get(key),
                                after.get(key),
                                src_a,
                                src_b,
                                note,
                            )
                        )
        if ra is None or rb is None:
            if not (ca or cb):
                changes.append(
                    _change(
                        f"rules.{rid}", ra and _rule_logic(ra), rb and _rule_logic(rb), src_a, src_b
                    )
                )
        else:
            la, lb = _rule_logic(ra), _rule_logic(rb)
            for key in ("applies_to", "branches"):
                if la[key] != lb[key]:
                    changes.append(_change(f"rules.{rid}.{key}", la[key], lb[key], src_a, src_b))

    notes = _admin_notes(a, b)
    admins_a = {m.id: m for m in a.administrations.members}
    admins_b = {m.id: m for m in b.administrations.members}
    for aid, ma, mb in _keyed(admins_a, admins_b):
        va = None if ma is None else {"name": ma.name, "type": ma.type}
        vb = None if mb is None else {"name": mb.name, "type": mb.type}
        if va != vb:
            name = (ma or mb).name
            changes.append(
                _change(
                    f"administrations.{aid}",
                    va,
                    vb,
                    a.administrations.source,
                    b.administrations.source,
                    notes.get(name),
                )
            )

    quotas_a = {q.id: q for q in a.quotas}
    quotas_b = {q.id: q for q in b.quotas}
    for qid, qa, qb in _keyed(quotas_a, quotas_b):
        va = (
            None
            if qa is None
            else {"limit": qa.limit, "counts": qa.counts, "administrations": qa.administrations}
        )
        vb = (
            None
            if qb is None
            else {"limit": qb.limit, "counts": qb.counts, "administrations": qb.administrations}
        )
        if va != vb:
            changes.append(_change(f"quotas.{qid}", va, vb, qa and qa.source, qb and qb.source))

    obligations_a = {o.id: o for o in a.obligations}
    obligations_b = {o.id: o for o in b.obligations}
    for oid, oa, ob in _keyed(obligations_a, obligations_b):
        va = None if oa is None else oa.description.model_dump()
        vb = None if ob is None else ob.description.model_dump()
        if va != vb:
            changes.append(
                _change(f"obligations.{oid}", va, vb, oa and oa.source, ob and ob.source)
            )
    return PolicyDiff(from_=ref_a, to=ref_b, changes=changes)


def mirror(change: Change) -> Change:
    """The same change read the other way round."""
    kind: ChangeKind = {"added": "removed", "removed": "added", "changed": "changed"}[change.kind]  # type: ignore[assignment]
    return Change(
        path=change.path,
        kind=kind,
        before=change.after,
        after=change.before,
        sources=Sources(before=change.sources.after, after=change.sources.before),
        note=change.note,
    )


# --- replay -----------------------------------------------------------------------------------


class Side(_Model):
    outcome: str
    max_grant_sek: int | None
    score: float


class Replayed(_Model):
    application_id: str
    before: Side
    after: Side
    rules: list[str]
    """The rules that decide differently: a different effect, grant limit or score."""


class ReplaySummary(_Model):
    applications: int
    changed: int
    became: dict[str, int]
    capped_lower: int
    capped_higher: int
    score_changed: int
    criteria_set_aside: dict[str, list[str]] = {}
    """Per year, criteria the applications assess that the year does not declare: each year
    reads an application without them."""


class Replay(_Model):
    changed: list[Replayed]
    summary: ReplaySummary


@dataclass(frozen=True)
class Decided:
    """What a diff needs of an evaluation: its side, and each rule's effect and points."""

    outcome: str
    max_grant_sek: int | None
    score: float
    effects: dict[str, str | None]
    points: dict[str, float]

    @property
    def side(self) -> Side:
        return Side(outcome=self.outcome, max_grant_sek=self.max_grant_sek, score=self.score)

    @classmethod
    def of(cls, e: Evaluation) -> Decided:
        # Plain values only: cheap to send back from a worker process.
        return cls(
            outcome=e.outcome,
            max_grant_sek=e.max_grant_sek,
            score=e.score,
            effects={f.rule: f.effect for f in e.findings},
            points={i.criterion: i.points for i in e.score_breakdown},
        )


def _side(e: Evaluation) -> Side:
    return Side(outcome=e.outcome, max_grant_sek=e.max_grant_sek, score=e.score)


PARALLEL_FROM = 2000
"""Replays of at least this many applications decide the two years in two processes."""

_JOB: tuple[list[Any], Evaluator, Lang] | None = None  # what a forked worker evaluates


def _decide_year(year: str) -> list[Decided]:
    assert _JOB is not None
    apps, evaluator, lang = _JOB
    vocabulary = evaluator.load_policy(year).vocabulary
    with gc_paused():
        return [
            Decided.of(evaluator.evaluate(vocabulary.restrict(app), year, lang=lang))
            for app in apps
        ]


def _decide_both(
    apps: list[Any], a: str, b: str, evaluator: Evaluator, lang: Lang, parallel: bool | None
) -> tuple[list[Decided], list[Decided]]:
    """Each application decided under both years: in two forked processes when it pays
    (a large replay, more than one core, no other thread that forking could upset)."""
    global _JOB
    if parallel is None:
        parallel = worker_pays(len(apps), PARALLEL_FROM)
    _JOB = (apps, evaluator, lang)
    try:
        if parallel:
            with multiprocessing.get_context("fork").Pool(2) as pool:
                da, db = pool.map(_decide_year, [a, b])
        else:
            da, db = _decide_year(a), _decide_year(b)
    finally:
        _JOB = None
    return da, db


def replay(
    round_: Round,
    a: str,
    b: str,
    evaluator: Evaluator,
    *,
    lang: Lang = "sv",
    parallel: bool | None = None,
) -> Replay:
    """Every application under both years; those whose outcome, maximum grant or score changes."""
    with gc_paused():  # the results of both years pile up; collections would walk them all
        return _replay(round_, a, b, evaluator, lang, parallel)


def _replay(
    round_: Round, a: str, b: str, evaluator: Evaluator, lang: Lang, parallel: bool | None
) -> Replay:
    changed: list[Replayed] = []
    became: Counter[str] = Counter()
    lower = higher = scores = 0
    apps = sorted(round_.applications, key=lambda x: natural_key(x.id))
    pa, pb = evaluator.load_policy(a), evaluator.load_policy(b)
    evaluator.loaded(a), evaluator.loaded(b)  # compiled before any fork
    all_rules = sorted({r.id for r in (*pa.rules, *pb.rules)})
    limits = _grant_limit_rules(pa, pb)
    decided_a, decided_b = _decide_both(apps, a, b, evaluator, lang, parallel)
    for app, da, db in zip(apps, decided_a, decided_b, strict=True):
        if (da.outcome, da.max_grant_sek, da.score) == (db.outcome, db.max_grant_sek, db.score):
            continue
        sa, sb = da.side, db.side
        if sa.outcome != sb.outcome:
            became[sb.outcome] += 1
        if sa.max_grant_sek is not None and sb.max_grant_sek is not None:
            lower += sb.max_grant_sek < sa.max_grant_sek
            higher += sb.max_grant_sek > sa.max_grant_sek
        scores += sa.score != sb.score
        rules = _matters(all_rules, da, db, limits)
        changed.append(Replayed(application_id=app.id, before=sa, after=sb, rules=rules))
    return Replay(
        changed=changed,
        summary=ReplaySummary(
            applications=len(apps),
            changed=len(changed),
            became={k: became[k] for k in ("eligible", "undetermined", "ineligible") if became[k]},
            capped_lower=lower,
            capped_higher=higher,
            score_changed=scores,
            criteria_set_aside={
                pol.id: unknown
                for pol in (pa, pb)
                if (unknown := _undeclared(pol, round_.applications))
            },
        ),
    )


def _undeclared(policy: Policy, apps: Iterable[Any]) -> list[str]:
    """The criteria the applications assess that the policy does not declare for their kind."""
    found: dict[str, None] = {}
    for app in apps:
        allowed = policy.vocabulary.assessed[app.kind]
        found.update(dict.fromkeys(k for k in app.assessment if k not in allowed))
    return sorted(found)


# --- witnesses --------------------------------------------------------------------------------


class Witness(_Model):
    """An application two years treat differently, for one change (or why there is none)."""

    path: str
    application: dict[str, Any] | None
    before: Side | None = None
    after: Side | None = None
    rules: list[str] = []
    reason: str
    set_aside: dict[str, list[str]] = {}
    """Per year, criteria the application assesses that the year does not declare: that
    year reads the application without them (`fourules evaluate` would refuse them)."""


def _param_uses(policy: Policy) -> dict[str, set[tuple[str, str]]]:
    """Where each parameter is used: (rule id, fact field) pairs; a grant limit bounds `requested`."""
    found: dict[str, set[tuple[str, str]]] = {}

    def walk(node: Any, field: str | None, rule: str) -> None:
        if isinstance(node, dict):
            here = node.get("field", field)
            for value in node.values():
                walk(value, here, rule)
        elif isinstance(node, list):
            for value in node:
                walk(value, field, rule)
        elif isinstance(node, str) and node.startswith("$") and field:
            found.setdefault(node[1:], set()).add((rule, field))

    for rule in policy.rules:
        for branch in rule.branches:
            walk(branch.when, None, rule.id)
            if branch.grant_limit:
                found.setdefault(branch.grant_limit[1:], set()).add((rule.id, "requested"))
    return found


def _rule_fields(rule: Rule | None, policy: Policy) -> set[str]:
    from fourules.policy.conditions import fields_of

    if rule is None:
        return set()
    fields = {"kind"} if rule.applies_to else set()
    for r, _, cond in policy.conditions():
        if policy.rules[r].id == rule.id and cond is not None:
            fields |= fields_of(cond)
    return fields


def _acts_through(change: Change, a: Policy, b: Policy) -> tuple[set[str], set[str]] | None:
    """The fact fields and the rules a change acts through; None: not on a single application."""
    section, _, rest = change.path.partition(".")
    if section == "parameters":
        uses = _param_uses(a).get(rest, set()) | _param_uses(b).get(rest, set())
        return {field for _, field in uses}, {rule for rule, _ in uses}
    if section in ("rules", "criteria"):
        rid = (
            rest.rsplit(".", 1)[0]
            if rest.endswith((".type", ".weight", ".applies_to", ".branches"))
            else rest
        )
        fields = _rule_fields(next((r for r in a.rules if r.id == rid), None), a) | _rule_fields(
            next((r for r in b.rules if r.id == rid), None), b
        )
        return fields, {rid}
    if section == "administrations":
        return {"unrecognised_applicants"}, {
            rule.id
            for pol in (a, b)
            for rule in pol.rules
            if "unrecognised_applicants" in _rule_fields(rule, pol)
        }
    return None


def _grant_limit_rules(a: Policy, b: Policy) -> frozenset[str]:
    return frozenset(
        r.id for pol in (a, b) for r in pol.rules if any(br.grant_limit for br in r.branches)
    )


def _matters(
    relevant: Iterable[str], da: Decided, db: Decided, limits: frozenset[str]
) -> list[str]:
    """The relevant rules (in order) whose difference changes the outcome, the maximum grant
    or the score; `limits` are the rules that bound the grant."""
    grant_differs = da.max_grant_sek != db.max_grant_sek and da.outcome == db.outcome == "eligible"
    return [
        rule
        for rule in relevant
        if (rule in da.effects or rule in db.effects)
        and (
            da.effects.get(rule) != db.effects.get(rule)
            or da.points.get(rule) != db.points.get(rule)
            or (rule in limits and grant_differs)
        )
    ]


def find_witnesses(
    changes: Sequence[Change],
    a: str,
    b: str,
    evaluator: Evaluator,
    *,
    limit: int = 2000,
    seconds: float = 10.0,
) -> list[Witness]:
    """For each change, the first (smallest) application the two years treat differently
    because of it: a rule the change acts through decides the outcome, the maximum grant or
    the score differently.

    Candidates start from a base application both years accept, and vary one fact field at
    a time across the constants both policies compare it with (boundary enumeration). Each
    candidate is evaluated under both years, so a witness is verified by construction.
    `limit` bounds the candidates per change, `seconds` the whole search.
    """
    pa, pb = evaluator.load_policy(a), evaluator.load_policy(b)
    limits = _grant_limit_rules(pa, pb)
    deadline = time.monotonic() + seconds
    out: list[Witness] = []
    for change in changes:
        acts = _acts_through(change, pa, pb)
        if acts is None:
            reason = (
                "quotas act on a whole round, not on one application; evaluate a round (fourules round) to see them"
                if change.path.startswith("quotas.")
                else "no effect on how an application is evaluated"
            )
            out.append(Witness(path=change.path, application=None, reason=reason))
            continue
        fields, relevant = acts
        tried, witness = 0, None
        for candidate in _candidates(change, fields, pa, pb):
            if tried >= limit or time.monotonic() > deadline:
                break
            tried += 1
            try:
                ea = evaluator.evaluate(pa.vocabulary.restrict(candidate), a)
                eb = evaluator.evaluate(pb.vocabulary.restrict(candidate), b)
            except InputError:  # a variation that does not fit this kind (project_year on a trip)
                continue
            rules = _matters(sorted(relevant), Decided.of(ea), Decided.of(eb), limits)
            if rules:
                witness = Witness(
                    path=change.path,
                    application=candidate,
                    before=_side(ea),
                    after=_side(eb),
                    rules=rules,
                    reason=f"decided differently by {', '.join(rules)}",
                    set_aside={
                        pol.id: unknown
                        for pol in (pa, pb)
                        if (unknown := _undeclared(pol, [parse_application(candidate)]))
                    },
                )
                break
        if witness is None:
            bound = tried >= limit or time.monotonic() > deadline
            why = (
                "search bound reached" if bound else "no effect on outcome, maximum grant or score"
            )
            witness = Witness(
                path=change.path, application=None, reason=f"{why} ({tried} candidates tried)"
            )
        out.append(witness)
    return out


def _candidates(
    change: Change, fields: Iterable[str], a: Policy, b: Policy
) -> Iterator[dict[str, Any]]:
    """The base application of each kind, then one field varied at a time; the values the
    change itself is about come first, so the witness shows that change."""
    own = [
        v for side in (change.before, change.after) if isinstance(side, dict) for v in side.values()
    ]
    bounds = boundaries_of([a, b])
    vocabulary = Vocabulary.merged(a.vocabulary, b.vocabulary)
    for kind in KINDS:
        base = base_application(kind, bounds)
        yield base
        for field in sorted(fields):
            variations = list(vocabulary.variations(field, base, bounds))
            first = [v for v in variations if any(_near(v[k], own) for k in _changed(base, v))]
            yield from first + [v for v in variations if v not in first]


def _changed(base: dict[str, Any], variation: dict[str, Any]) -> list[str]:
    return [k for k in variation if base.get(k) != variation[k] or k not in base]


def _near(value: Any, own: list[Any]) -> bool:
    """Whether a varied value is one of the change's own values, or one step from it."""
    if isinstance(value, list):
        return any(v in own for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return any(isinstance(o, int) and abs(o - value) <= 1 for o in own)
    if isinstance(value, str):
        from datetime import date, timedelta

        try:
            day = date.fromisoformat(value)
        except ValueError:
            return value in own
        return any(str(day + timedelta(days=d)) in own for d in (-1, 0, 1))
    return False
