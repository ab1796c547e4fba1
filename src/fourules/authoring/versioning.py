"""The version a call is published as (docs/policies.md: `MAJOR.MINOR.PATCH`, "fixing a rule
is a patch, adding one minor, changing or removing one major").

A reading, since the rule does not say what a change of wording is, nor how a year is
numbered the first time: a change is what the structural diff (`comparison.structure`)
finds — a parameter's value, a rule's logic, a criterion's terms, an administration, a
quota, an obligation's text — plus the year's own facts (what each means, not its words).

- major: anything changed or removed: the year can decide an application differently.
- minor: only additions (a rule, a criterion, a quota, a fact, an administration).
- patch: nothing the diff sees: quotes, sources, labels, cases, the coverage map, the
  decision's text — fixes to how a rule is written down, not to what it decides.
- A year published for the first time is 1.0.0, whatever version its draft carried.

Alternatives not taken: a changed parameter value (a cap raised) as minor, since no rule
changes; a rule whose logic was wrong and is mended as patch ("fixing a rule"), which
needs a person to say it was wrong — the publisher may always choose a higher version.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from fourules.comparison.structure import diff_policies
from fourules.evaluation.results import PolicyRef
from fourules.policy.facts import FactDeclaration
from fourules.policy.model import Policy

Bump = Literal["major", "minor", "patch"]
FIRST_VERSION = "1.0.0"
_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")
"""As the policy model accepts it (`Policy.version`): every loaded year's version parses."""
_WORDS = {"label", "help", "placeholder", "tries"}
"""What a fact says to people, not what it means: a change there is a patch."""


def bump(published: Policy, draft: Policy) -> Bump:
    """How far the draft is from the version published: major, minor or patch."""
    kinds: set[str] = {
        c.kind for c in diff_policies(published, draft, _ref(published), _ref(draft)).changes
    }
    kinds |= _fact_changes(published.facts, draft.facts)
    if kinds & {"changed", "removed"}:
        return "major"
    return "minor" if "added" in kinds else "patch"


def next_version(published: Policy | None, draft: Policy) -> str:
    """The version the draft is published as: after `published` (the year's current
    version) by `bump`, or FIRST_VERSION for a year not yet published."""
    if published is None:
        return FIRST_VERSION
    return stepped(published.version, bump(published, draft))


def stepped(version: str, step: Bump) -> str:
    """`version` after one step: 3.0.0 → 4.0.0 (major), 3.1.0 (minor), 3.0.1 (patch)."""
    major, minor, patch = parse_version(version)
    if step == "major":
        return f"{major + 1}.0.0"
    if step == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def parse_version(version: str) -> tuple[int, int, int]:
    """`MAJOR.MINOR.PATCH` as three numbers; anything else is a ValueError."""
    matched = _VERSION.fullmatch(version)
    if matched is None:
        raise ValueError(f"{version!r} is not MAJOR.MINOR.PATCH")
    major, minor, patch = (int(part) for part in matched.groups())
    return major, minor, patch


def _fact_changes(before: list[FactDeclaration], after: list[FactDeclaration]) -> set[str]:
    was = {f.id: _meaning(f) for f in before}
    now = {f.id: _meaning(f) for f in after}
    kinds = {"removed" for fid in was if fid not in now}
    kinds |= {"added" for fid in now if fid not in was}
    kinds |= {"changed" for fid in was.keys() & now.keys() if was[fid] != now[fid]}
    return kinds


def _meaning(fact: FactDeclaration) -> Any:
    dumped = fact.model_dump(mode="json", exclude=_WORDS)
    dumped["values"] = [_without_words(v) for v in dumped.get("values", [])]
    return dumped


def _without_words(choice: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in choice.items() if k != "label"}


def _ref(policy: Policy) -> PolicyRef:
    return PolicyRef(id=policy.id, version=policy.version, sha256=policy.sha256)
