"""What changed between two years' calls: every difference in their policies, with the
source on each side (`diff_policies`); `diff(b, a)` is its mirror image. What a change does
to real applications is `replay`; an application each change treats differently, `witnesses`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from fourules.evaluation.results import PolicyRef
from fourules.policy.administrations import Administration
from fourules.policy.model import Obligation, Parameter, Policy, Quota, Rule
from fourules.policy.source import Source
from fourules.rounds.model import natural_key

ChangeKind = Literal["added", "removed", "changed"]


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


class _HasSource(Protocol):
    @property
    def source(self) -> Source: ...


T = TypeVar("T")
Identified = TypeVar("Identified", bound=_HasId)
Sourced = TypeVar("Sourced", bound=_HasSource)


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
    """Every difference between two policies (`fourules diff A B`)."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    from_: PolicyRef = Field(alias="from")
    to: PolicyRef
    changes: list[Change]

    def as_json(self) -> dict[str, Any]:
        """The public shape: {"from", "to", "changes": [...]}."""
        return self.model_dump(mode="json")


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


def _keyed(a: Mapping[str, T], b: Mapping[str, T]) -> Iterator[tuple[str, T | None, T | None]]:
    for key in sorted(set(a) | set(b), key=natural_key):
        yield key, a.get(key), b.get(key)


def _by_id(items: Iterable[Identified]) -> dict[str, Identified]:
    """The items of a section, by their id."""
    return {item.id: item for item in items}


def _described(item: T | None, describe: Callable[[T], Any]) -> Any:
    """What `describe` reads from an item, or None when the year does not have it."""
    return None if item is None else describe(item)


def _source_of(item: _HasSource | None) -> Source | None:
    """Where the year states the item, or None when it does not have it."""
    return None if item is None else item.source


def _item_changes(
    section: str,
    items_a: Mapping[str, Sourced],
    items_b: Mapping[str, Sourced],
    describe: Callable[[Sourced], Any],
) -> list[Change]:
    """One change per item of `section` that reads differently, each side with its own source."""
    changes: list[Change] = []
    for key, ia, ib in _keyed(items_a, items_b):
        before, after = _described(ia, describe), _described(ib, describe)
        if before != after:
            changes.append(
                _change(f"{section}.{key}", before, after, _source_of(ia), _source_of(ib))
            )
    return changes


def _parameter_value(parameter: Parameter) -> dict[str, Any]:
    """What a parameter sets: its value, its unit, and whether the call leaves it unstated."""
    return {
        "value": parameter.model_dump(mode="json")["value"],
        "unit": parameter.unit,
        "not_stated": parameter.not_stated is not None,
    }


def _criterion_terms(rule: Rule) -> dict[str, Any]:
    """A rule's criterion as compared: its fields, or no type when the rule is no criterion."""
    return rule.criterion.model_dump() if rule.criterion else {"type": None}


def _rule_logic(rule: Rule) -> dict[str, Any]:
    """What a rule decides, without its wording: conditions, statuses, effects, limits."""
    return {
        "applies_to": rule.applies_to,
        "branches": [
            {"when": b.when, "status": b.status, "outcome": b.outcome, "grant_limit": b.grant_limit}
            for b in rule.branches
        ],
    }


def _administration_identity(member: Administration) -> dict[str, Any]:
    """What identifies an administration: its name and type."""
    return {"name": member.name, "type": member.type}


def _quota_terms(quota: Quota) -> dict[str, Any]:
    """What a quota allows: how many, of which kinds, for which administrations."""
    return {"limit": quota.limit, "counts": quota.counts, "administrations": quota.administrations}


def _obligation_text(obligation: Obligation) -> dict[str, Any]:
    """What an obligation requires, in every language."""
    return obligation.description.model_dump()


def _admin_notes(a: Policy, b: Policy) -> dict[str, str]:
    """What either year says about a name that is not (or not yet) an administration."""
    notes: dict[str, str] = {}
    for policy in (a, b):
        for entry in (*policy.administrations.former, *policy.administrations.not_yet_formed):
            notes.setdefault(entry.name, entry.note.en)
    return notes


def _parameter_changes(a: Policy, b: Policy) -> list[Change]:
    """Parameters added, removed, or set differently."""
    return _item_changes("parameters", a.parameters, b.parameters, _parameter_value)


def _is_criterion(ra: Rule | None, rb: Rule | None) -> bool:
    """Whether either year makes the rule a criterion."""
    return any(rule is not None and rule.criterion for rule in (ra, rb))


def _criterion_changes(rid: str, ra: Rule | None, rb: Rule | None) -> list[Change]:
    """A criterion added or removed whole, else each of its type and weight that changed."""
    if not _is_criterion(ra, rb):
        return []
    src_a, src_b = _source_of(ra), _source_of(rb)
    before, after = _described(ra, _criterion_terms), _described(rb, _criterion_terms)
    if before is None or after is None:
        return [_change(f"criteria.{rid}", before, after, src_a, src_b)]
    return [
        _change(
            f"criteria.{rid}.{key}",
            before.get(key),
            after.get(key),
            src_a,
            src_b,
            "moved between mandatory and priority" if key == "type" else None,
        )
        for key in ("type", "weight", "group")
        if before.get(key) != after.get(key)
    ]


def _rule_logic_changes(rid: str, ra: Rule | None, rb: Rule | None) -> list[Change]:
    """A rule added or removed whole, else each of its scope and branches that changed."""
    src_a, src_b = _source_of(ra), _source_of(rb)
    if ra is None or rb is None:
        # A criterion added or removed is already reported whole under `criteria.`.
        if _is_criterion(ra, rb):
            return []
        before, after = _described(ra, _rule_logic), _described(rb, _rule_logic)
        return [_change(f"rules.{rid}", before, after, src_a, src_b)]
    la, lb = _rule_logic(ra), _rule_logic(rb)
    return [
        _change(f"rules.{rid}.{key}", la[key], lb[key], src_a, src_b)
        for key in ("applies_to", "branches")
        if la[key] != lb[key]
    ]


def _rule_changes(a: Policy, b: Policy) -> list[Change]:
    """Changes to rules and their criteria, rule by rule: its criterion first, then its logic."""
    changes: list[Change] = []
    for rid, ra, rb in _keyed(_by_id(a.rules), _by_id(b.rules)):
        changes += _criterion_changes(rid, ra, rb)
        changes += _rule_logic_changes(rid, ra, rb)
    return changes


def _administration_changes(a: Policy, b: Policy) -> list[Change]:
    """Administrations added, removed or renamed or retyped, with what either year notes."""
    notes = _admin_notes(a, b)
    members_a = _by_id(a.administrations.members)
    members_b = _by_id(b.administrations.members)
    changes: list[Change] = []
    for aid, ma, mb in _keyed(members_a, members_b):
        before = _described(ma, _administration_identity)
        after = _described(mb, _administration_identity)
        if before != after:
            # The sides differ, so at least one year has the member; `a`'s name comes first.
            name = next(member.name for member in (ma, mb) if member is not None)
            changes.append(
                _change(
                    f"administrations.{aid}",
                    before,
                    after,
                    a.administrations.source,
                    b.administrations.source,
                    notes.get(name),
                )
            )
    return changes


def _quota_changes(a: Policy, b: Policy) -> list[Change]:
    """Quotas added, removed, or with another limit, kinds counted or administrations."""
    return _item_changes("quotas", _by_id(a.quotas), _by_id(b.quotas), _quota_terms)


def _obligation_changes(a: Policy, b: Policy) -> list[Change]:
    """Obligations added, removed, or worded differently."""
    return _item_changes(
        "obligations", _by_id(a.obligations), _by_id(b.obligations), _obligation_text
    )


def diff_policies(a: Policy, b: Policy, ref_a: PolicyRef, ref_b: PolicyRef) -> PolicyDiff:
    """Every difference from `a` to `b`; `diff(b, a)` is its mirror image."""
    changes = [
        *_parameter_changes(a, b),
        *_rule_changes(a, b),
        *_administration_changes(a, b),
        *_quota_changes(a, b),
        *_obligation_changes(a, b),
    ]
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
