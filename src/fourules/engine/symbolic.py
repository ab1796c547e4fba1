"""The third reading of a policy: its rules as solver formulas (z3) over the declared facts.

Beside durable-rules (which decides) and the oracle (which checks it on samples), this
reading answers for every application at once: whether a cap can be exceeded, whether a
branch can ever fire, whether a rule leaves a gap. Each fact of the policy's vocabulary
becomes a pair of solver variables — present, and its value (a number; a text field's
value as the code of one of its words) — constrained to what an application can produce.
A set field (several of a list) has a Boolean per declared value besides, and its value is
the members as bits (value i adds 2**i), so one number still pins it.
A model the solver finds is turned back into an application (`application`), which the
normal evaluation then reproduces: a counterexample is never the solver's word alone.

z3 is imported here only; the command line imports this module only for `prove`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import z3

from fourules.engine.clauses import BranchKey, compile_clauses
from fourules.policy.conditions import (
    All,
    AnyOf,
    Cmp,
    Condition,
    Exists,
    In,
    Members,
    Not,
    Shifted,
)
from fourules.policy.facts import CRITERION_PREFIX, FactDeclaration
from fourules.policy.model import Policy, boundaries_of

OTHER = "\x00other"
"""The word of an open text field (a destination) that no condition names."""
UNKNOWN_APPLICANT = "Okänd förvaltning"


@dataclass(frozen=True)
class FactVar:
    present: z3.BoolRef
    value: z3.ArithRef
    members: Mapping[str, z3.BoolRef] = field(default_factory=dict)
    """A set field's: whether each declared value is given."""


class SymbolicPolicy:
    """One policy read as formulas: the domain of applications, each branch's firing, the
    outcome and the maximum grant."""

    def __init__(self, policy: Policy, own: Iterable[str] = (), suffix: str = "") -> None:
        """`own` facts get variables of their own (named with `suffix`): for reading two
        years side by side, where the same applicants give each year its own counts."""
        self.policy = policy
        own = set(own)
        self.clauses = compile_clauses(policy)
        fields = policy.vocabulary.fields
        bounds = boundaries_of([policy])
        self.words: dict[str, tuple[str, ...]] = {}
        for name, spec in fields.items():
            if spec.kind == "str":
                words = spec.values or (*bounds.texts.get(name, ()), OTHER)
                self.words[name] = tuple(words)
        self.facts = {}
        self.sets: dict[str, tuple[str, ...]] = {}
        for name, spec in fields.items():
            label = f"{name}{suffix}" if name in own else name
            members = {}
            if spec.kind == "set":
                self.sets[name] = spec.values
                members = {v: z3.Bool(f"{label}__{v}") for v in spec.values}
            self.facts[name] = FactVar(z3.Bool(f"has_{label}"), z3.Int(label), members)
        self.domain = self._domain()
        self.fired: dict[BranchKey, z3.BoolRef] = {
            (c.rule, c.branch): self.condition(c.guard) for c in self.clauses
        }
        self.ineligible = self._effect("ineligible")
        self.undetermined = z3.And(z3.Not(self.ineligible), self._effect("undetermined"))
        self.eligible = z3.And(z3.Not(self.ineligible), z3.Not(self.undetermined))
        requested = self.facts[self.stated_as("requested_sek")]
        self.grant_stated = z3.Or(self.ineligible, requested.present)
        self.max_grant = z3.If(self.ineligible, z3.IntVal(0), self._limited(requested.value))

    # --- the reading -----------------------------------------------------------------

    def code(self, field: str, word: str) -> int:
        return self.words[field].index(word)

    def number(self, field: str, value: Any) -> int:
        """A fact's value as its variable holds it: a number as it is, a word as its code (a
        word no condition names as the code of the other words)."""
        if field in self.sets:
            return sum(1 << i for i, v in enumerate(self.sets[field]) if v in value)
        if field not in self.words:
            return int(value)
        return self.code(field, value if value in self.words[field] else OTHER)

    def condition(self, cond: Condition) -> z3.BoolRef:
        """A condition as a formula, read as `holds` reads it (a comparison with an absent
        field is false)."""
        if isinstance(cond, Cmp):
            fact = self.facts[cond.field]
            value: Any = (
                self.code(cond.field, cond.value) if isinstance(cond.value, str) else cond.value
            )
            compare = {
                "eq": lambda: fact.value == value,
                "ne": lambda: fact.value != value,
                "lt": lambda: fact.value < value,
                "le": lambda: fact.value <= value,
                "gt": lambda: fact.value > value,
                "ge": lambda: fact.value >= value,
            }[cond.op]()
            return z3.And(fact.present, compare)
        if isinstance(cond, In):
            fact = self.facts[cond.field]
            values = [self.code(cond.field, v) if isinstance(v, str) else v for v in cond.values]
            return z3.And(fact.present, z3.Or([fact.value == v for v in values]))
        if isinstance(cond, Exists):
            present = self.facts[cond.field].present
            return present if cond.present else z3.Not(present)
        if isinstance(cond, Members):
            fact = self.facts[cond.field]
            given = [fact.members[v] for v in cond.values]
            test = {
                "any_of": lambda: z3.Or(given),
                "all_of": lambda: z3.And(given),
                "none_of": lambda: z3.Not(z3.Or(given)),
            }[cond.op]()
            return z3.And(fact.present, test)
        if isinstance(cond, Shifted):
            this, other = self.facts[cond.field], self.facts[cond.other]
            if cond.unit == "months":
                left, right = this.value, _months_later(other.value, cond.amount)
            else:  # days: in days since the calendar's start, where order is the same
                left, right = _ordinal(this.value), _ordinal(other.value) + cond.amount
            compared = {
                "eq": lambda: left == right,
                "ne": lambda: left != right,
                "lt": lambda: left < right,
                "le": lambda: left <= right,
                "gt": lambda: left > right,
                "ge": lambda: left >= right,
            }[cond.op]()
            return z3.And(this.present, other.present, compared)
        if isinstance(cond, All):
            return (
                z3.And([self.condition(c) for c in cond.items]) if cond.items else z3.BoolVal(True)
            )
        if isinstance(cond, AnyOf):
            return z3.Or([self.condition(c) for c in cond.items])
        assert isinstance(cond, Not)
        return z3.Not(self.condition(cond.item))

    def _effect(self, effect: str) -> z3.BoolRef:
        keys = [
            (r, b)
            for r, rule in enumerate(self.policy.rules)
            for b, branch in enumerate(rule.branches)
            if branch.outcome == effect
        ]
        return z3.Or([self.fired[k] for k in keys]) if keys else z3.BoolVal(False)

    def limits(self) -> list[tuple[z3.BoolRef, int]]:
        """Each grant limit with the formula under which it applies."""
        out = []
        for r, rule in enumerate(self.policy.rules):
            for b, branch in enumerate(rule.branches):
                if branch.grant_limit:
                    value = self.policy.parameters[branch.grant_limit[1:]].value
                    assert isinstance(value, int)
                    out.append((self.fired[r, b], value))
        return out

    def _limited(self, requested: z3.ArithRef) -> z3.ArithRef:
        grant: z3.ArithRef = requested
        for fired, limit in self.limits():
            grant = z3.If(z3.And(fired, grant > limit), z3.IntVal(limit), grant)
        return grant

    def stated_as(self, json_field: str) -> str:
        """The fact an application field states (the kind, the amount requested: the
        contract's own fields the reading needs)."""
        return self.policy.vocabulary.stated[json_field].id

    def kind_is(self, kind: str) -> z3.BoolRef:
        name = self.stated_as("kind")
        return self.facts[name].value == self.code(name, kind)

    # --- what an application can be ----------------------------------------------------

    def _domain(self) -> z3.BoolRef:
        """The facts an application can produce: each fact within its kinds and the bounds
        its type gives, and the ties between the counts of its applicants."""
        out: list[Any] = [self.facts[self.stated_as("kind")].present]
        for name, fact in self.facts.items():
            spec = self.policy.vocabulary.facts[name]
            kinds = [self.kind_is(k) for k in spec.kinds]
            out.append(z3.Implies(fact.present, z3.Or(kinds)))
            if name in self.words:
                out.append(z3.And(fact.value >= 0, fact.value < len(self.words[name])))
            if name in self.sets:
                # The members as bits; an application gives a set with at least one member
                # or none at all (an empty list is not stated).
                bits = [z3.If(fact.members[v], 1 << i, 0) for i, v in enumerate(self.sets[name])]
                out += [fact.value == z3.Sum(bits), fact.present == (fact.value >= 1)]
            if spec.declaration is not None:
                out += self._typed(fact, spec.declaration, z3.Or(kinds))
        return z3.And(*out, *self._applicant_counts())

    def _typed(self, fact: FactVar, d: FactDeclaration, of_kind: z3.BoolRef) -> list[Any]:
        """What a declared fact's type allows: a number at least its minimum, a real day, a
        derived yes/no that is its condition."""
        if d.type == "date":
            return [self._day(fact.value)]
        if d.type in ("amount", "whole_number", "duration"):
            least = d.minimum if d.minimum is not None else 0
            return [z3.Implies(fact.present, fact.value >= least)]
        if d.derived is not None and d.derived.when is not None:
            cond = self.policy.vocabulary.derived_conditions[d.id]
            held = z3.If(self.condition(cond), self.code(d.id, "yes"), self.code(d.id, "no"))
            return [fact.present == of_kind, z3.Implies(fact.present, fact.value == held)]
        return []

    def _applicant_counts(self) -> list[Any]:
        """The counts over the applicants, as the year's administrations allow them (at most
        five unrecognised names: enough for any condition the policies write)."""
        measure = {
            d.derived.applicants: self.facts[d.id]
            for d in self.policy.vocabulary.declarations
            if d.derived is not None and d.derived.applicants is not None
        }
        members = self.policy.administrations.members
        districts = sum(m.type == "district" for m in members)
        central = len(members) - districts
        unrecognised, found, district = (
            measure["unrecognised"].value,
            measure["administrations"].value,
            measure["districts"].value,
        )
        return [
            *(fact.present for fact in measure.values()),
            unrecognised >= 0,
            district >= 0,
            district <= found,
            district <= districts,
            found - district <= central,
            found + unrecognised >= 1,
            unrecognised <= 5,
        ]

    @staticmethod
    def _day(value: z3.ArithRef) -> z3.BoolRef:
        month, day = (value / 100) % 100, value % 100
        return z3.And(
            value >= 19000101, value <= 29991228, month >= 1, month <= 12, day >= 1, day <= 28
        )

    # --- from a model back to an application ---------------------------------------------

    def members_in(self, model: z3.ModelRef, name: str) -> tuple[str, ...]:
        """The members a model gives a set field, in declared order."""
        return tuple(
            v
            for v, given in self.facts[name].members.items()
            if z3.is_true(model.eval(given, model_completion=True))
        )

    def application(self, model: z3.ModelRef, ident: str = "counterexample") -> dict[str, Any]:
        """The application a model describes, in the JSON contract."""

        def present(name: str) -> bool:
            return bool(z3.is_true(model.eval(self.facts[name].present, model_completion=True)))

        def value(name: str) -> int:
            return int(model.eval(self.facts[name].value, model_completion=True).as_long())

        def word(name: str) -> str:
            return self.words[name][value(name)]

        kind = word(self.stated_as("kind"))
        count = {
            d.derived.applicants: value(d.id)
            for d in self.policy.vocabulary.declarations
            if d.derived is not None and d.derived.applicants is not None
        }
        members = self.policy.administrations.members
        districts = [m.name for m in members if m.type == "district"][: count["districts"]]
        others = [m.name for m in members if m.type != "district"][
            : count["administrations"] - count["districts"]
        ]
        unknown = [f"{UNKNOWN_APPLICANT} {i + 1}" for i in range(count["unrecognised"])]
        app: dict[str, Any] = {
            "id": ident,
            "kind": kind,
            "title": ident,
            "applicants": [*districts, *others, *unknown],
            "requested_sek": None,
        }
        for d in self.policy.vocabulary.declarations:
            if d.json_field in (None, "kind") or kind not in d.kinds or not present(d.id):
                continue
            app[d.json_field] = self._stated(d, model, value(d.id), word)
        assessment = {
            c.id: word(f"{CRITERION_PREFIX}{c.id}") == "yes"
            for c in self.policy.vocabulary.criteria
            if present(f"{CRITERION_PREFIX}{c.id}")
        }
        if assessment:
            app["assessment"] = assessment
        return app

    def _stated(self, d: FactDeclaration, model: z3.ModelRef, number: int, word: Any) -> Any:
        """A stated fact's value in the JSON contract, from the model."""
        if d.type == "date":
            return _date(number).isoformat()
        if d.type == "yes_no":
            return word(d.id) == "yes"
        if d.type == "several_of":
            return list(self.members_in(model, d.id))
        if d.type in ("one_of", "text"):
            chosen = word(d.id)
            if chosen != OTHER:
                return chosen.capitalize() if d.type == "text" else chosen
            return "Annan ort" if d.reads == "first_place" else "Annat"
        return number


def _months_later(day: z3.ArithRef, amount: int) -> z3.ArithRef:
    """A YYYYMMDD day moved by calendar months, as `conditions.shifted_day` moves it, for
    the days an application can give here (`_day`: the 1st to the 28th, so the day is kept)."""
    index = (day / 10000) * 12 + (day / 100) % 100 - 1 + amount
    return (index / 12) * 10000 + (index % 12 + 1) * 100 + day % 100


_CUMULATIVE = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
"""Days before each month in a common year."""


def _ordinal(day: z3.ArithRef) -> z3.ArithRef:
    """A YYYYMMDD day as days since 0001-01-01 (as `date.toordinal`, less one)."""
    year, month, dom = day / 10000, (day / 100) % 100, day % 100
    before = year - 1
    days: z3.ArithRef = before * 365 + before / 4 - before / 100 + before / 400
    month_start: z3.ArithRef = z3.IntVal(0)
    for m in range(12, 0, -1):
        month_start = z3.If(month == m, _CUMULATIVE[m - 1], month_start)
    leap = z3.And(year % 4 == 0, z3.Or(year % 100 != 0, year % 400 == 0))
    return days + month_start + z3.If(z3.And(month > 2, leap), 1, 0) + dom - 1


def _date(number: int) -> date:
    year, month, day = number // 10000, number // 100 % 100, number % 100
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def decide(symbolic: SymbolicPolicy, fact: Mapping[str, Any]) -> tuple[str, int | None]:
    """The outcome and maximum grant the formulas give for one concrete fact."""
    pairs = []
    for name, var in symbolic.facts.items():
        pairs.append((var.present, z3.BoolVal(name in fact)))
        if name in fact:
            pairs.append((var.value, z3.IntVal(symbolic.number(name, fact[name]))))
        for member, given in var.members.items():
            pairs.append((given, z3.BoolVal(name in fact and member in fact[name])))

    def value(expr: Any) -> Any:
        return z3.simplify(z3.substitute(expr, *pairs))

    outcome = (
        "ineligible"
        if z3.is_true(value(symbolic.ineligible))
        else "undetermined"
        if z3.is_true(value(symbolic.undetermined))
        else "eligible"
    )
    if not z3.is_true(value(symbolic.grant_stated)):
        return outcome, None
    return outcome, value(symbolic.max_grant).as_long()


def solve(*formulas: z3.BoolRef) -> z3.ModelRef | None:
    """A model satisfying all the formulas, or None when there is none."""
    solver = z3.Solver()
    solver.add(*formulas)
    return solver.model() if solver.check() == z3.sat else None


class Solving:
    """A solver told GIVEN formulas once (a policy's domain), then asked about others one
    question at a time: the 2026 example's 69 questions of `check`'s lint in 13 ms, against
    130 ms for a solver each."""

    def __init__(self, *given: z3.BoolRef) -> None:
        self._solver = z3.Solver()
        self._solver.add(*given)

    def model(self, *formulas: z3.BoolRef) -> z3.ModelRef | None:
        """A model satisfying the given formulas and FORMULAS, or None when there is none."""
        self._solver.push()
        try:
            self._solver.add(*formulas)
            return self._solver.model() if self._solver.check() == z3.sat else None
        finally:
            self._solver.pop()


def facts_of(model: z3.ModelRef, symbolic: SymbolicPolicy) -> Mapping[str, Any]:
    """The fact a model describes, as the engine would see it (for reports)."""
    out = {}
    for name, fact in symbolic.facts.items():
        if z3.is_true(model.eval(fact.present, model_completion=True)):
            if name in symbolic.sets:
                out[name] = symbolic.members_in(model, name)
                continue
            number = model.eval(fact.value, model_completion=True).as_long()
            out[name] = symbolic.words[name][number] if name in symbolic.words else number
    return out
