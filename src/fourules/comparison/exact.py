"""The exact difference between two years: every region of applications they treat
differently (outcome or maximum grant), found by the solver, with a witness for each and a
proof that outside the regions the two years agree.

Both policies are read by the solver (`engine/symbolic.py`) over the same facts; a fact
only one year knows (a criterion) is simply unread by the other, as each year reads an
application without the criteria it does not declare. A region is what decides: which
branches that decide an outcome or limit a grant fire in each year. The solver finds an
application the years treat differently, its region is recorded and excluded, and the
search goes on until none is left — that last answer is the proof.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict, Field

from fourules.application import KINDS, Kind
from fourules.comparison.structure import ComparisonModel
from fourules.evaluation.results import Outcome
from fourules.text import Lang
from fourules.texts import text

# z3 (through engine/symbolic.py) is imported where the solver is used: witnesses read a
# region's deciding findings (`deciding_findings`) without it.

if TYPE_CHECKING:
    from fourules.engine.symbolic import SymbolicPolicy
    from fourules.evaluation.evaluator import Evaluator
    from fourules.policy.model import Policy

LIMIT = 5000
"""Regions listed at most; past it the result says how many more exist (`complete` false)."""


class RegionOutcome(ComparisonModel):
    """What a year gives every application of a region: its outcome and maximum grant (the
    first witness's: the region is the branches that decide them)."""

    outcome: Outcome
    max_grant_sek: int | None


class RegionPart(ComparisonModel):
    """One region the solver found: the deciding findings that fire in each year (`rule:
    status`), and where it lies in the facts people read."""

    before: list[str]
    after: list[str]
    where: list[str] = Field(
        description="The region's extent: amounts, dates and project years as ranges "
        "(empty when the search was asked without extents)."
    )


class ExactRegion(ComparisonModel):
    """Regions that share an explanation — kind, the two outcomes, the cause — as one."""

    kind: Kind
    before: RegionOutcome
    after: RegionOutcome
    because: list[str] = Field(
        description="The deciding findings one year has and the other has not."
    )
    parts: list[RegionPart]
    witness: dict[str, Any] = Field(
        description="An application in the first part, as the application contract reads it."
    )
    reproduced: bool = Field(
        description="Whether every part's witness, evaluated under each year, is decided "
        "differently, as the solver says."
    )


class ExactDifference(ComparisonModel):
    """Every region of applications two years decide differently (`fourules diff A B
    --exact`), the largest first, and whether the search was exhausted: the proof that
    outside them the years decide every application alike."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    from_: str = Field(alias="from")
    to: str
    complete: bool
    regions: list[ExactRegion]
    raw_regions: int = Field(description="The regions the solver found, before merging.")
    statement: str = Field(
        description="What the search proves, in the request's language: that the years decide "
        "every application outside the regions alike, or that it stopped at its limit."
    )


@dataclass(frozen=True)
class Region:
    kind: str
    before: dict[str, Any]
    after: dict[str, Any]
    witness: dict[str, Any]
    reproduced: bool
    where: tuple[str, ...] = ()
    """The region's extent in the facts people read: the amount, the date, the year."""


def applicant_facts(*policies: Any) -> tuple[str, ...]:
    """The facts counted over the applicants: each year counts them against its own
    administrations."""
    return tuple(
        dict.fromkeys(
            d.id
            for policy in policies
            for d in policy.vocabulary.declarations
            if d.derived is not None and d.derived.applicants is not None
        )
    )


def _applicants(pa: Any, pb: Any) -> tuple[list[str], list[Any], Any]:
    """Every name either year knows (administrations, former, not yet formed), a choice
    for each, and how many unknown applicants."""
    import z3

    names: dict[str, None] = {}
    for policy in (pa, pb):
        adm = policy.administrations
        names.update(dict.fromkeys(m.name for m in adm.members))
        names.update(dict.fromkeys(f.name for f in (*adm.former, *adm.not_yet_formed)))
    listed = list(names)
    picked = [z3.Bool(f"applicant_{i}") for i in range(len(listed))]
    return listed, picked, z3.Int("unknown_applicants")


def _counts(
    symbolic: SymbolicPolicy, policy: Any, names: list[str], picked: list[Any], unknown: Any
) -> Any:
    """A year's applicant counts from the names picked."""
    import z3

    members = {m.name: m for m in policy.administrations.members}

    def count(test: Any) -> Any:
        return z3.Sum(
            [z3.If(p, 1, 0) for n, p in zip(names, picked, strict=True) if test(n)]
            or [z3.IntVal(0)]
        )

    f = symbolic.facts
    return z3.And(
        unknown >= 0,
        unknown <= 3,
        count(lambda n: True) + unknown >= 1,
        f["administrations"].value == count(lambda n: n in members),
        f["districts"].value == count(lambda n: n in members and members[n].type == "district"),
        f["unrecognised_applicants"].value == count(lambda n: n not in members) + unknown,
    )


def deciding_branches(symbolic: SymbolicPolicy) -> list[tuple[tuple[int, int], Any]]:
    """The branches that decide an outcome or limit a grant, with their formulas."""
    out = []
    for r, rule in enumerate(symbolic.policy.rules):
        for b, branch in enumerate(rule.branches):
            if branch.outcome or branch.grant_limit:
                out.append(((r, b), symbolic.fired[r, b]))
    return out


def _side(symbolic: SymbolicPolicy, model: Any, fired: list[tuple[int, int]]) -> dict[str, Any]:
    import z3

    outcome = (
        "ineligible"
        if z3.is_true(model.eval(symbolic.ineligible, model_completion=True))
        else "undetermined"
        if z3.is_true(model.eval(symbolic.undetermined, model_completion=True))
        else "eligible"
    )
    rules = [
        f"{symbolic.policy.rules[r].id}: {symbolic.policy.rules[r].branches[b].status}"
        for r, b in fired
    ]
    return {"outcome": outcome, "deciding": rules}


@dataclass(frozen=True)
class Pair:
    """Two years read by the solver side by side, over the same applications."""

    a: SymbolicPolicy
    b: SymbolicPolicy
    within: Any
    """What an application can be, for both years: each domain and the applicants' ties."""
    differ: Any
    """The two years decide the outcome or the maximum grant differently."""
    applicants: tuple[list[str], list[Any], Any]

    def application(self, model: Any) -> dict[str, Any]:
        """The application a model describes: its applicants by name (those a year does not
        know too), and the criteria either year assesses."""
        import z3

        from fourules.engine.symbolic import UNKNOWN_APPLICANT

        names, picked, unknown = self.applicants
        witness = self.a.application(model, "witness")
        extra = model.eval(unknown, model_completion=True).as_long()
        witness["applicants"] = [
            n
            for n, p in zip(names, picked, strict=True)
            if z3.is_true(model.eval(p, model_completion=True))
        ] + [f"{UNKNOWN_APPLICANT} {i + 1}" for i in range(extra)]
        other = self.b.application(model, "witness")
        assessment = {**(other.get("assessment") or {}), **(witness.get("assessment") or {})}
        if assessment:
            witness["assessment"] = assessment
        return witness


def paired(pa: Policy, pb: Policy) -> Pair:
    """Both policies read by the solver over the same facts."""
    import z3

    from fourules.engine.symbolic import SymbolicPolicy

    # The same applicants give each year its own counts (a name one year knows, the other
    # may not): those facts are each year's own, tied together by the names picked.
    own = applicant_facts(pa, pb)
    sa, sb = SymbolicPolicy(pa, own, "_a"), SymbolicPolicy(pb, own, "_b")
    names, picked, unknown = _applicants(pa, pb)
    tie = z3.And(_counts(sa, pa, names, picked, unknown), _counts(sb, pb, names, picked, unknown))
    differ = z3.Or(
        sa.ineligible != sb.ineligible,
        sa.undetermined != sb.undetermined,
        sa.grant_stated != sb.grant_stated,
        z3.And(sa.grant_stated, sb.grant_stated, sa.max_grant != sb.max_grant),
    )
    return Pair(sa, sb, z3.And(sa.domain, sb.domain, tie), differ, (names, picked, unknown))


_FOUND: dict[tuple[str, str, int, bool], ExactDifference] = {}
"""The last few searches, by the two policies' hashes: a region rests on the policies
alone (outcome and grant, never a score), and the search of 2018 against 2024 takes some
9 s on the build machine, which the API and the pages would pay again for every ask."""
_FOUND_LOCK = threading.Lock()


def exact_difference(
    evaluator: Evaluator,
    a: str,
    b: str,
    limit: int = LIMIT,
    *,
    extents: bool = True,
    lang: Lang | None = None,
) -> ExactDifference:
    """Every region of applications years `a` and `b` decide differently, each with a witness
    the normal evaluation reproduces; `complete` says the search was exhausted, `statement`
    says so in `lang` (else the context's language). Each part's `where` (the solver's
    slowest work) is left empty with `extents=False`."""
    key = (evaluator.load_policy(a).sha256, evaluator.load_policy(b).sha256, limit, extents)
    with _FOUND_LOCK:
        found = _FOUND.get(key)
    if found is None:
        found = _searched(evaluator, a, b, limit, extents)
        with _FOUND_LOCK:
            if len(_FOUND) >= 8:
                del _FOUND[next(iter(_FOUND))]
            _FOUND[key] = found
    said = text(
        "diff.exact.complete" if found.complete else "diff.exact.stopped",
        lang,
        regions=found.raw_regions,
        a=a,
        b=b,
    )
    # The caller's own (deep) copy, as before the model; the years as asked for (the search
    # is kept by their hashes).
    return found.model_copy(update={"from_": a, "to": b, "statement": said}, deep=True)


def _searched(evaluator: Evaluator, a: str, b: str, limit: int, extents: bool) -> ExactDifference:
    import z3

    pair = paired(evaluator.load_policy(a), evaluator.load_policy(b))
    sa, sb = pair.a, pair.b
    deciding = [(("a", key), f) for key, f in deciding_branches(sa)] + [
        (("b", key), f) for key, f in deciding_branches(sb)
    ]
    regions: list[Region] = []
    complete = True
    for kind in KINDS:
        solver = z3.Solver()
        solver.add(pair.within, sa.kind_is(kind), pair.differ)
        while solver.check() == z3.sat:
            if len(regions) >= limit:
                complete = False
                break
            model = solver.model()
            fired = [
                (side, key)
                for (side, key), f in deciding
                if z3.is_true(model.eval(f, model_completion=True))
            ]
            # The region: exactly these deciding branches fire in each year. Excluded, the
            # search moves on to the next region.
            region = z3.And([f if name in fired else z3.Not(f) for name, f in deciding])
            solver.add(z3.Not(region))
            where = (
                _ranges([pair.within, sa.kind_is(kind), pair.differ, region], sa) if extents else ()
            )
            regions.append(_region(evaluator, a, b, pair, kind, model, fired, where))
        if not complete:
            break
    return ExactDifference(
        from_=a,
        to=b,
        complete=complete,
        regions=merged(regions),
        raw_regions=len(regions),
        statement="",  # said in the asker's language (`exact_difference`)
    )


def cause(region: Region) -> tuple[str, ...]:
    """What explains a region: the deciding findings one year has and the other has not."""
    before, after = set(region.before["deciding"]), set(region.after["deciding"])
    return tuple(sorted(before ^ after))


def merged(regions: list[Region]) -> list[ExactRegion]:
    """Regions that share an explanation (kind, outcomes, cause) as one, with the first
    witness and the deciding findings of each part."""
    groups: dict[tuple[Any, ...], list[Region]] = {}
    for region in regions:
        key = (region.kind, region.before["outcome"], region.after["outcome"], cause(region))
        groups.setdefault(key, []).append(region)
    out = []
    # The largest first: a region of many parts is a difference many applications share.
    for (kind, was, becomes, why), parts in sorted(
        groups.items(), key=lambda item: (-len(item[1]), item[0][0], item[0][1], item[0][2])
    ):
        first = parts[0]
        out.append(
            ExactRegion(
                kind=kind,
                before=RegionOutcome(outcome=was, max_grant_sek=first.before["max_grant_sek"]),
                after=RegionOutcome(outcome=becomes, max_grant_sek=first.after["max_grant_sek"]),
                because=list(why),
                parts=[
                    RegionPart(
                        before=p.before["deciding"], after=p.after["deciding"], where=list(p.where)
                    )
                    for p in parts
                ],
                witness=first.witness,
                reproduced=all(p.reproduced for p in parts),
            )
        )
    return out


RANGED: dict[str, Callable[[int], str]] = {
    "amount": lambda v: f"{v:,}".replace(",", " ") + " kr",
    "date": lambda v: f"{v // 10000}-{v // 100 % 100:02d}-{v % 100:02d}",
    "whole_number": str,
    "duration": str,
}
"""The stated facts a region gives as a range, by type, and how a value is shown."""


def _ranges(constraints: list[Any], symbolic: SymbolicPolicy) -> tuple[str, ...]:
    """For each ranged fact, the least and greatest value it takes in the region, and
    whether it may be left out: "requested_sek 500 001 kr…750 000 kr"."""
    import z3

    # In a context of their own: the optimiser's time on the date (a number with day and
    # month constraints) depends on every term made before in the same context, and after
    # other solver work in the process (a witness search) it went from milliseconds to
    # minutes. Copied into a fresh context, it takes the same time whatever came before.
    ctx = z3.Context()
    constraints = [c.translate(ctx) for c in constraints]
    out = []
    ranged = [
        (d.id, d.json_field, RANGED[d.type])
        for d in symbolic.policy.vocabulary.declarations
        if d.json_field is not None and d.type in RANGED
    ]
    for name, shown, fmt in ranged:
        fact = symbolic.facts[name]
        present, value = fact.present.translate(ctx), fact.value.translate(ctx)
        ends: list[str] = []
        for direction in ("min", "max"):
            opt = z3.Optimize(ctx=ctx)
            opt.add(*constraints, present)
            handle = opt.minimize(value) if direction == "min" else opt.maximize(value)
            if opt.check() != z3.sat:
                ends = []
                break
            end = handle.value()
            ends.append(fmt(end.as_long()) if z3.is_int_value(end) else "")
        absent = z3.Solver(ctx=ctx)
        absent.add(*constraints, z3.Not(present))
        may_be_absent = absent.check() == z3.sat
        if not ends:
            if not may_be_absent:
                continue
            out.append(f"{shown}: not stated")
            continue
        low, high = ends
        span = low if low == high else f"{low}…{high}"
        out.append(f"{shown} {span}" + (" (or not stated)" if may_be_absent else ""))
    return tuple(out)


def deciding_findings(policy: Any, evaluation: Any) -> tuple[str, ...]:
    """The deciding findings of an evaluation as regions name them ("rule: status")."""
    rules = {rule.id: rule for rule in policy.rules}
    return tuple(
        f"{f.rule}: {f.status}"
        for f in evaluation.findings
        if any(
            (br.outcome or br.grant_limit) and br.status == f.status
            for br in rules[f.rule].branches
        )
    )


def _region(
    evaluator: Evaluator,
    a: str,
    b: str,
    pair: Pair,
    kind: str,
    model: Any,
    fired: list[tuple[str, tuple[int, int]]],
    where: tuple[str, ...],
) -> Region:
    """A region's witness (evaluated under both years) and what decides it."""
    witness = pair.application(model)
    before = _side(pair.a, model, [k for s, k in fired if s == "a"])
    after = _side(pair.b, model, [k for s, k in fired if s == "b"])
    ea = evaluator.evaluate(evaluator.load_policy(a).vocabulary.restrict(witness), a)
    eb = evaluator.evaluate(evaluator.load_policy(b).vocabulary.restrict(witness), b)
    before["max_grant_sek"], after["max_grant_sek"] = ea.max_grant_sek, eb.max_grant_sek
    reproduced = (ea.outcome, ea.max_grant_sek) != (eb.outcome, eb.max_grant_sek)
    return Region(kind, before, after, witness, reproduced, where)
