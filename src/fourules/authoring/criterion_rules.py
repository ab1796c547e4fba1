"""A criterion's rule as the policies write it (docs/writing-a-call.md, "4. Add a criterion"):
the rule `criterion.<id>` with its `criterion: {id, type, …}` declaration, and the three
branches of an assessed criterion on the fact `crit_<id>` that the declaration makes (the
vocabulary derives the fact; nothing else declares it):

| | mandatory | priority |
| --- | --- | --- |
| assessed "no" | first: `fail`, `outcome: ineligible` | second: `info` |
| assessed "yes" | second: `pass` | first: `pass` |
| not assessed | last: `unknown`, `outcome: undetermined`, `basis: software` | last: `unknown` |

A rule is given here as plain values with `policy_item_edits`' marks of how it is written
(the title, the kinds, the declaration and each condition on one line, `"yes"` and `"no"`
quoted, the note folded), its keys in the policies' order; an edit keeps every key of the
rule it does not set (the alternatives, a precedent, `assessed: false`).

A criterion derived from the application (`assessed: false`, section 4's `train_or_bus`) has
branches of its own, as the rules' form says them (plain values): its rule is written with
them, each comparison on one line and a group over its comparisons one a line, a message
showing a placeholder (`{travel_modes_list}`) in double quotes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypedDict, Unpack

from fourules.application import KINDS
from fourules.authoring.policy_item_edits import Flow, Folded, Quoted, in_order
from fourules.authoring.rule_edits import LONGEST_LINE, WIDTH
from fourules.policy.facts import CRITERION_PREFIX

CriterionType = Literal["mandatory", "priority"]
Role = Literal["no", "yes", "unknown"]
TYPES: tuple[CriterionType, ...] = ("mandatory", "priority")
ROLES: Mapping[str, tuple[Role, ...]] = {
    "mandatory": ("no", "yes", "unknown"),
    "priority": ("yes", "no", "unknown"),
}
"""Each type's branches in the order its rule lists them."""
RULE_PREFIX = "criterion."
RULE_KEYS = (
    "id",
    "title",
    "applies_to",
    "basis",
    "criterion",
    "alternatives",
    "source",
    "branches",
)
CRITERION_KEYS = ("id", "type", "weight", "group", "assessed")
SOURCE_KEYS = ("section", "quote", "note", "precedent")
QUOTE_LINE = "      quote: "
"""A rule's quote's key as its line starts."""
BRANCH_KEYS = ("when", "status", "outcome", "grant_limit", "basis", "message")
LANGS = ("sv", "en")


def rule_id(criterion: str) -> str:
    """The rule that decides the criterion: `criterion.<id>`."""
    return f"{RULE_PREFIX}{criterion}"


def fact_of(criterion: str) -> str:
    """The fact an assessed criterion is read by: `crit_<id>`."""
    return f"{CRITERION_PREFIX}{criterion}"


def roles(rule: Mapping[str, Any]) -> dict[Role, int] | None:
    """Where each of the three branches stands in RULE, when its branches are an assessed
    criterion's as the policies write them ("no", "yes" on `crit_<id>`, then the rest);
    None for any other rule (a criterion derived from other facts, more branches)."""
    declared = rule.get("criterion")
    branches = rule.get("branches")
    if not isinstance(declared, Mapping) or not isinstance(branches, list) or len(branches) != 3:
        return None
    if declared.get("assessed", True) is not True:
        return None
    fact = fact_of(str(declared.get("id")))
    found: dict[Role, int] = {}
    for n, branch in enumerate(branches[:2]):
        when = branch.get("when") if isinstance(branch, Mapping) else None
        if not isinstance(when, Mapping) or set(when) != {"field", "eq"}:
            return None
        if when["field"] != fact or when["eq"] not in ("yes", "no"):
            return None
        found[when["eq"]] = n
    last = branches[2]
    if len(found) != 2 or not isinstance(last, Mapping) or "when" in last:
        return None
    return found | {"unknown": 2}


def branches(
    criterion: str, type: CriterionType, messages: Mapping[Role, Mapping[str, str]]
) -> list[dict[str, Any]]:
    """The three branches of an assessed criterion of TYPE, each with its MESSAGES."""
    fact = fact_of(criterion)
    out = []
    for role in ROLES[type]:
        branch: dict[str, Any] = {}
        if role != "unknown":
            branch["when"] = Flow({"field": fact, "eq": Quoted(role)})
        if role == "no":
            branch |= {"status": "fail", "outcome": "ineligible"} if type == "mandatory" else {}
            branch.setdefault("status", "info")
        elif role == "yes":
            branch["status"] = "pass"
        else:
            branch["status"] = "unknown"
            if type == "mandatory":
                branch |= {"outcome": "undetermined", "basis": "software"}
        branch["message"] = {lang: messages[role][lang] for lang in LANGS}
        out.append(branch)
    return out


def declared(
    criterion: str,
    type: CriterionType,
    weight: float | None,
    group: str | None,
    written: Mapping[str, Any] | None = None,
) -> Flow:
    """The `criterion:` declaration: a priority criterion's weight and group, a mandatory
    one neither; what else WRITTEN declares (`assessed`) kept."""
    said: dict[str, Any] = dict(written or {})
    said |= {"id": criterion, "type": type}
    for key, value in (("weight", weight), ("group", group)):
        if type == "priority" and value is not None:
            said[key] = value
        else:
            said.pop(key, None)
    return Flow(in_order(list(written or {}), said, CRITERION_KEYS))


def source(
    section: str, quote: str, note: str, written: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The source: the sentence picked, its quote (folded when too long for its line), the
    note (none: no `note`), and what else WRITTEN has (a precedent) kept."""
    said: dict[str, Any] = dict(written or {})
    # A quote that does not fit on its key's line is folded as the rules' form folds one.
    long = len(QUOTE_LINE) + len(quote) > LONGEST_LINE
    said |= {"section": section, "quote": Folded(quote, WIDTH) if long else quote}
    if note:
        said["note"] = Folded(note)
    else:
        said.pop("note", None)
    return in_order(list(written or {}), said, SOURCE_KEYS)


class Said(TypedDict):
    """What a criterion's form says of its rule, besides the name and the messages: its
    type, title, kinds, whether it is a reading, a priority criterion's weight and group,
    and its source (the sentence's section, the quote kept, the note)."""

    type: CriterionType
    title: Mapping[str, str]
    applies_to: Sequence[str]
    reading: bool
    weight: float | None
    group: str | None
    section: str
    quote: str
    note: str


def new_rule(
    *, criterion: str, messages: Mapping[Role, Mapping[str, str]], **said: Unpack[Said]
) -> dict[str, Any]:
    """A new criterion's rule, written as the policies write theirs."""
    rule = _with_said({"id": rule_id(criterion)}, criterion, said, every_kind_named=True)
    rule["branches"] = branches(criterion, said["type"], messages)
    return rule


def derived_rule(
    *, criterion: str, branches: Sequence[Mapping[str, Any]], **said: Unpack[Said]
) -> dict[str, Any]:
    """A new criterion derived from the application: declared `assessed: false` (no assessor
    answers it), its rule's BRANCHES reading the application's facts."""
    written = {"id": rule_id(criterion), "criterion": {"assessed": False}}
    rule = _with_said(written, criterion, said, every_kind_named=True)
    rule["branches"] = [derived_branch(b) for b in branches]
    return in_order([], rule, RULE_KEYS)


def derived_branch(branch: Mapping[str, Any]) -> dict[str, Any]:
    """BRANCH (plain: when, status, …, message) marked as the policies write a branch of
    their own: its condition (`condition`), a message showing a placeholder double-quoted."""
    said = dict(branch)
    if said.get("when") is not None:
        said["when"] = condition(said["when"])
    message = said.get("message")
    if isinstance(message, Mapping):
        said["message"] = {
            lang: Quoted(m) if isinstance(m, str) and "{" in m else m for lang, m in message.items()
        }
    return in_order(list(branch), said, BRANCH_KEYS)


def condition(raw: Any) -> Any:
    """A condition marked as the policies write one: a comparison on one line
    (`{field: travel_modes, any_of: [train, bus]}`), a group (`all`, `any`, `not`) over its
    items one a line."""
    if isinstance(raw, Mapping) and len(raw) == 1:
        ((join, items),) = raw.items()
        if join == "not":
            return {"not": condition(items)}
        if join in ("all", "any") and isinstance(items, list):
            return {join: [condition(item) for item in items]}
    return Flow(raw)


def edited_rule(
    written: Mapping[str, Any],
    *,
    messages: Mapping[str, Mapping[str, str]],
    branches: Sequence[Mapping[str, Any]] | None = None,
    **said: Unpack[Said],
) -> dict[str, Any]:
    """The rule WRITTEN with what a criterion's form shows set, and nothing else changed.
    MESSAGES are by role ("no", "yes", "unknown") for a rule of the three branches, whose
    statuses follow its type; by place ("0", "1", …) for any other, whose type stays; or the
    rule's BRANCHES are given whole (a criterion derived from the application's)."""
    declaration = written.get("criterion")
    criterion = str(declaration.get("id")) if isinstance(declaration, Mapping) else ""
    rule = _with_said(written, criterion, said, every_kind_named=False)
    placed = roles(written)
    if branches is not None:
        rule["branches"] = [derived_branch(b) for b in branches]
    elif placed is not None:
        by_role: dict[Role, Mapping[str, str]] = {
            role: messages[role] for role in ("no", "yes", "unknown")
        }
        rule["branches"] = _kept_branches(written, placed, said["type"], criterion, by_role)
    else:
        rule["branches"] = [
            _with_message(branch, messages.get(str(n)))
            for n, branch in enumerate(written.get("branches") or [])
        ]
    return in_order(list(written), rule, RULE_KEYS)


def _with_said(
    written: Mapping[str, Any], criterion: str, said: Said, *, every_kind_named: bool
) -> dict[str, Any]:
    """The rule WRITTEN (an id, for a new one) with what the form SAID set: its title, its
    kinds (not written when none were and it is every kind, unless EVERY_KIND_NAMED), its
    basis a reading or not, its declaration and its source, what else they hold kept."""
    rule: dict[str, Any] = dict(written)
    rule["title"] = Flow({lang: said["title"][lang] for lang in LANGS})
    applies_to = said["applies_to"]
    if every_kind_named or "applies_to" in written or set(applies_to) != set(KINDS):
        rule["applies_to"] = Flow(list(applies_to))
    if said["reading"]:
        rule["basis"] = "reading"
    elif rule.get("basis") == "reading":
        del rule["basis"]
    declaration = written.get("criterion")
    rule["criterion"] = declared(
        criterion,
        said["type"],
        said["weight"],
        said["group"],
        declaration if isinstance(declaration, Mapping) else None,
    )
    kept = written.get("source")
    rule["source"] = source(
        said["section"], said["quote"], said["note"], kept if isinstance(kept, Mapping) else None
    )
    return rule


def _kept_branches(
    written: Mapping[str, Any],
    placed: Mapping[Role, int],
    type: CriterionType,
    criterion: str,
    messages: Mapping[Role, Mapping[str, str]],
) -> list[Any]:
    """The three branches: as written with new messages while the type stays; in the new
    type's order and statuses when it changes."""
    declaration = written.get("criterion")
    was = declaration.get("type") if isinstance(declaration, Mapping) else None
    old = list(written.get("branches") or [])
    if was == type:
        return [
            _with_message(branch, messages[_role_at(placed, n)]) for n, branch in enumerate(old)
        ]
    return branches(criterion, type, messages)


def _role_at(placed: Mapping[Role, int], n: int) -> Role:
    return next(role for role, at in placed.items() if at == n)


def _with_message(branch: Any, message: Mapping[str, str] | None) -> Any:
    """BRANCH with MESSAGE (None: as written); its `when` written on one line as before."""
    if not isinstance(branch, Mapping):
        return branch
    said = dict(branch)
    if message is not None:
        written = said.get("message")
        kept = dict(written) if isinstance(written, Mapping) else {}
        said["message"] = kept | {lang: message[lang] for lang in LANGS}
    return in_order(list(branch), said, BRANCH_KEYS)


def ungrouping(policy: Mapping[str, Any], group: str, criterion: str) -> list[tuple[int, Any]]:
    """The rules of POLICY (as written) whose alternative readings take every criterion of
    GROUP out of it (`"rules[criterion.x].criterion.group": null` for each: each area gives
    its point), each with that alternative taking the new CRITERION out too, so the reading
    reads the group as it now stands (docs/writing-a-call.md §4: "add the new area to it")."""
    listed = policy.get("rules")
    rules = listed if isinstance(listed, list) else []
    members = [
        str(r.get("id"))
        for r in rules
        if isinstance(r, Mapping)
        and isinstance(r.get("criterion"), Mapping)
        and r["criterion"].get("group") == group
    ]
    if not members:
        return []
    wanted = {f"rules[{m}].criterion.group" for m in members}
    added = f"rules[{rule_id(criterion)}].criterion.group"
    out = []
    for index, rule in enumerate(rules):
        alternatives = rule.get("alternatives") if isinstance(rule, Mapping) else None
        if not isinstance(alternatives, list):
            continue
        changed = []
        for alternative in alternatives:
            said = alternative.get("set") if isinstance(alternative, Mapping) else None
            if (
                isinstance(said, Mapping)
                and wanted <= set(said)
                and all(said[k] is None for k in wanted)
                and added not in said
            ):
                alternative = dict(alternative) | {"set": {**said, Quoted(added): None}}
            changed.append(alternative)
        if changed != alternatives:
            out.append((index, dict(rule) | {"alternatives": changed}))
    return out
