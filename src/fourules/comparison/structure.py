"""What changed between two years' calls: every difference in their policies, with the
source on each side (`diff_policies`); `diff(b, a)` is its mirror image. What a change does
to real applications is `replay`; an application each change treats differently, `witnesses`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from fourules.evaluation.results import PolicyRef
from fourules.policy.model import Policy, Rule
from fourules.policy.source import Source
from fourules.rounds.model import natural_key

ChangeKind = Literal["added", "removed", "changed"]


class ComparisonModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sources(ComparisonModel):
    before: Source | None
    after: Source | None


class Change(ComparisonModel):
    """One difference: where (`path`), what kind, the value on each side and its sources."""

    path: str
    kind: ChangeKind
    before: Any
    after: Any
    sources: Sources
    note: str | None = None


class PolicyDiff(ComparisonModel):
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


# --- witnesses --------------------------------------------------------------------------------
