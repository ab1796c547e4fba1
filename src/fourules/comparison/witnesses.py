"""Witnesses: for each change between two years, the smallest application the two treat
differently because of it (or why there is none), found by varying one fact at a time
across the boundaries of both policies, and where that shows nothing (a rule combining
two facts), by the solver in a region of the exact difference (`exact.py`) the change
causes. Witnesses agree with `diff --exact`: a change is said to have no effect on the
outcome or the maximum grant only where no region of the exact difference is its."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from fourules.application import KINDS
from fourules.comparison.replay import (
    Decided,
    Treatment,
    grant_limit_rules,
    matters,
    side_of,
    undeclared,
)
from fourules.comparison.sentences import rule_titles
from fourules.comparison.structure import Change, ComparisonModel
from fourules.errors import InputError
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.inputs import parse_application
from fourules.evaluation.results import Evaluation
from fourules.policy.model import Policy, Rule, boundaries_of
from fourules.policy.vocabulary import Vocabulary, base_application
from fourules.texts import text

if TYPE_CHECKING:
    # The solver (z3) is loaded only when a change needs it.
    from fourules.comparison.exact import Pair


WitnessWhy = Literal[
    "decided", "quotas", "not_evaluated", "no_effect", "bound", "no_region", "gave_up"
]
"""Why a witness is what it is: an application the change's rules decide differently
(decided); none, since quotas act on a round (quotas), the change does not touch how an
application is evaluated (not_evaluated), its rules decide no outcome or grant and one-fact
variations show no score difference (no_effect), the search ran out before finding one
(bound), the solver proves there is no region of the exact difference the change causes
(no_region), or the solver gave up (gave_up)."""


class Witness(ComparisonModel):
    """An application two years treat differently, for one change (or why there is none)."""

    path: str
    application: dict[str, Any] | None
    before: Treatment | None = None
    after: Treatment | None = None
    rules: list[str] = Field(default_factory=list)
    why: WitnessWhy
    reason: str
    """`why` in words, in the request's language, rules named by their titles."""
    set_aside: dict[str, list[str]] = Field(default_factory=dict)
    """Per year, criteria the application assesses that the year does not declare: that
    year reads the application without them (`fourules evaluate` would refuse them)."""
    found_by: Literal["boundaries", "solver"] | None = None
    """How the application was found: varying one fact from a base application, or from
    the solver's region of the exact difference (a rule combining facts)."""


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

    # A grant limit bounds the amount requested (the fact the contract's requested_sek states).
    requested = policy.vocabulary.stated["requested_sek"].id
    for rule in policy.rules:
        for branch in rule.branches:
            walk(branch.when, None, rule.id)
            if branch.grant_limit:
                found.setdefault(branch.grant_limit[1:], set()).add((rule.id, requested))
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


def acts_through(change: Change, a: Policy, b: Policy) -> tuple[set[str], set[str]] | None:
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


SOLVER_MODELS = 20
"""Applications the solver offers per change, at most, before one reproduces."""


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
    a time across the constants both policies compare it with (boundary enumeration). Where
    none shows the change (a rule that combines two facts), the solver is asked for an
    application in a region of `diff --exact` the change causes, which is then moved as
    close to the base application as it stays a witness. Either way each witness is
    evaluated under both years, so it is verified by construction; "no effect" is said only
    where the solver proves no such region exists. `limit` bounds the candidates per change,
    `seconds` the whole search.
    """
    pa, pb = evaluator.load_policy(a), evaluator.load_policy(b)
    search = _Search(a, b, pa, pb, evaluator, time.monotonic() + seconds)
    out: list[Witness] = []
    for change in changes:
        acts = acts_through(change, pa, pb)
        if acts is None:
            why: WitnessWhy = "quotas" if change.path.startswith("quotas.") else "not_evaluated"
            out.append(_none(change, why, text(f"witness.reason.{why}")))
            continue
        fields, relevant = acts
        tried, witness = 0, None
        for candidate in _candidates(change, fields, pa, pb):
            if tried >= limit or search.late():
                break
            tried += 1
            witness = search.witness(change, candidate, relevant)
            if witness is not None:
                break
        if witness is None:
            witness = search.solved(change, relevant, tried, bounded=tried >= limit)
        out.append(witness)
    return out


def _none(change: Change, why: WitnessWhy, reason: str) -> Witness:
    """No witness for the change, and why."""
    return Witness(path=change.path, application=None, why=why, reason=reason)


class _Search:
    """What a witness search of two years shares: the policies, the rules that limit a
    grant, the deadline, and the solver's reading of both years once it is needed."""

    def __init__(
        self, a: str, b: str, pa: Policy, pb: Policy, evaluator: Evaluator, deadline: float
    ) -> None:
        self.a, self.b, self.pa, self.pb = a, b, pa, pb
        self.evaluator = evaluator
        self.limits = grant_limit_rules(pa, pb)
        self.deadline = deadline
        self._pair: Pair | None = None

    def late(self) -> bool:
        return time.monotonic() > self.deadline

    def decided(self, candidate: dict[str, Any]) -> tuple[Evaluation, Evaluation] | None:
        """The candidate under both years; None when it does not fit (a project year on a trip)."""
        try:
            return (
                self.evaluator.evaluate(self.pa.vocabulary.restrict(candidate), self.a),
                self.evaluator.evaluate(self.pb.vocabulary.restrict(candidate), self.b),
            )
        except InputError:
            return None

    def deciding(self, relevant: Iterable[str], ea: Evaluation, eb: Evaluation) -> list[str]:
        """The relevant rules that decide the two evaluations differently: a different effect,
        points or grant limit, or (where the outcome or the maximum grant differs) a different
        deciding finding, as `diff --exact` names a region's cause."""
        rules = matters(sorted(relevant), Decided.of(ea), Decided.of(eb), self.limits)
        if rules or (ea.outcome, ea.max_grant_sek) == (eb.outcome, eb.max_grant_sek):
            return rules
        from fourules.comparison.exact import deciding_findings

        differ = set(deciding_findings(self.pa, ea)) ^ set(deciding_findings(self.pb, eb))
        named = {finding.rsplit(": ", 1)[0] for finding in differ}
        return [rule for rule in sorted(relevant) if rule in named]

    def witness(
        self,
        change: Change,
        candidate: dict[str, Any],
        relevant: set[str],
        found_by: Literal["boundaries", "solver"] = "boundaries",
    ) -> Witness | None:
        """The candidate as a witness of the change, verified under both years; or None."""
        both = self.decided(candidate)
        if both is None:
            return None
        ea, eb = both
        rules = self.deciding(relevant, ea, eb)
        if not rules:
            return None
        return Witness(
            path=change.path,
            application=candidate,
            before=side_of(ea),
            after=side_of(eb),
            rules=rules,
            why="decided",
            reason=text(
                "witness.reason.solver" if found_by == "solver" else "witness.reason.decided",
                rules=rule_titles(rules, self.pa, self.pb),
            ),
            set_aside={
                pol.id: unknown
                for pol in (self.pa, self.pb)
                if (unknown := undeclared(pol, [parse_application(candidate)]))
            },
            found_by=found_by,
        )

    def solved(self, change: Change, relevant: set[str], tried: int, *, bounded: bool) -> Witness:
        """Where no one-fact variation shows the change: an application from a region of
        the exact difference the change causes, or the proof that there is none."""
        if not self._decides(relevant):
            # Its rules decide no outcome and limit no grant in either year: no region of
            # the exact difference can be the change's; only the score could differ.
            if bounded or self.late():
                return _none(change, "bound", text("witness.reason.bound", tried=tried))
            return _none(change, "no_effect", text("witness.reason.no_effect", tried=tried))
        if self.late():
            return _none(change, "bound", text("witness.reason.bound", tried=tried))
        found = self._from_solver(change, relevant)
        if isinstance(found, Witness):
            return found
        if found == "none":
            score = text("witness.reason.score_bound" if bounded else "witness.reason.score_none")
            reason = text("witness.reason.no_region", score=score, tried=tried)
            return _none(change, "no_region", reason)
        return _none(change, "gave_up", text("witness.reason.gave_up", tried=tried, solver=found))

    def _decides(self, relevant: set[str]) -> bool:
        return any(
            rule.id in relevant and (branch.outcome or branch.grant_limit)
            for pol in (self.pa, self.pb)
            for rule in pol.rules
            for branch in rule.branches
        )

    def _from_solver(self, change: Change, relevant: set[str]) -> Witness | str:
        """A verified witness from the solver's models; "none" when the solver proves there
        is no region the change causes; otherwise why the solver gave up."""
        import z3

        from fourules.comparison.exact import deciding_branches, paired

        if self._pair is None:
            self._pair = paired(self.pa, self.pb)
        pair = self._pair
        caused = _caused_by(pair, relevant)
        deciding = [f for _, f in deciding_branches(pair.a)] + [
            f for _, f in deciding_branches(pair.b)
        ]
        offered = 0
        for kind in KINDS:
            solver = z3.Solver()
            solver.add(pair.within, pair.a.kind_is(kind), pair.differ, caused)
            while offered < SOLVER_MODELS:
                left = self.deadline - time.monotonic()
                if left <= 0:
                    return text("witness.reason.solver_time")
                solver.set("timeout", max(1, int(left * 1000)))
                answer = solver.check()
                if answer == z3.unsat:
                    break
                if answer != z3.sat:
                    return text("witness.reason.solver_time")
                offered += 1
                model = solver.model()
                witness = self._smallest(change, pair.application(model), relevant)
                if witness is not None:
                    return witness
                # Not reproduced by the evaluation: the next region, if there is one.
                solver.add(
                    z3.Not(
                        z3.And(
                            [
                                f if z3.is_true(model.eval(f, model_completion=True)) else z3.Not(f)
                                for f in deciding
                            ]
                        )
                    )
                )
        if offered:
            return text("witness.reason.solver_offered", offered=offered)
        return "none"

    def _smallest(
        self, change: Change, found: dict[str, Any], relevant: set[str]
    ) -> Witness | None:
        """The solver's application moved towards the base application one field at a time
        (an assessment criterion by criterion), as long as it stays a witness: what remains
        differs from the base only where the change needs it."""
        witness = self.witness(change, found, relevant, "solver")
        if witness is None:
            return None
        base = base_application(found["kind"], boundaries_of([self.pa, self.pb]))
        current = found
        for trial in _towards(found, base):
            closer = self.witness(change, trial(current), relevant, "solver")
            if closer is not None:
                current, witness = trial(current), closer
        # In the order a base application gives its fields, as the other witnesses read.
        order = dict.fromkeys([*base, *current])
        return witness.model_copy(
            update={"application": {k: current[k] for k in order if k in current}}
        )


Move = Callable[[dict[str, Any]], dict[str, Any]]


def _towards(found: dict[str, Any], base: dict[str, Any]) -> Iterator[Move]:
    """One move per field where the application differs from the base: the base's value
    (or no value, where the base has none)."""
    wanted: dict[str, Any] = base.get("assessment") or {}

    def field(key: str) -> Move:
        def move(app: dict[str, Any]) -> dict[str, Any]:
            out = {k: v for k, v in app.items() if k != key}
            return out if key not in base else {**out, key: base[key]}

        return move

    def criterion(cid: str) -> Move:
        def move(app: dict[str, Any]) -> dict[str, Any]:
            assessed = {k: v for k, v in (app.get("assessment") or {}).items() if k != cid}
            if cid in wanted:
                assessed[cid] = wanted[cid]
            return {**app, "assessment": assessed}

        return move

    for key in sorted(set(found) | set(base)):
        if key in ("id", "title", "kind") or found.get(key) == base.get(key):
            continue
        if key == "assessment" and isinstance(found.get(key), dict):
            assessed = found["assessment"]
            for cid in sorted(set(assessed) | set(wanted)):
                if (cid in assessed, assessed.get(cid)) != (cid in wanted, wanted.get(cid)):
                    yield criterion(cid)
        else:
            yield field(key)


def _caused_by(pair: Pair, relevant: set[str]) -> Any:
    """The applications whose deciding findings differ between the years in one of the
    relevant rules: where a region of `diff --exact` names the rule in its cause (a finding
    is the rule and its status, as `exact.cause` compares them)."""
    import z3

    from fourules.comparison.exact import deciding_branches

    fired: dict[tuple[str, str], tuple[list[Any], list[Any]]] = {}
    for side, symbolic in enumerate((pair.a, pair.b)):
        for (r, b), formula in deciding_branches(symbolic):
            rule = symbolic.policy.rules[r]
            if rule.id in relevant:
                fired.setdefault((rule.id, rule.branches[b].status), ([], []))[side].append(formula)

    def any_of(formulas: list[Any]) -> Any:
        return z3.Or(formulas) if formulas else z3.BoolVal(False)

    return z3.Or(
        [any_of(in_a) != any_of(in_b) for in_a, in_b in fired.values()] or [z3.BoolVal(False)]
    )


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
