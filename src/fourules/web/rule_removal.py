"""A rule of a draft removed from its form (`web/rule_edit_pages.py`) after a question
(`web/removals.GuardedRemoval`): the narrowest removal that leaves nothing naming what is
gone. It is refused while anything else in the draft names the rule — a case expecting its
finding or words of its message, a coverage entry linking it, another rule's alternative
setting a part of it, the obligation of its id that it tells applicants of — each listed
with a link to the form where it is changed or removed; it is refused for a criterion's
rule, which the criteria's pages remove with its criterion (`web/criteria_pages.py`), and
for the last rule, as a policy has at least one. The question also says which parameters
no rule would read once it is gone (the parameters' pages remove them); only the rule's own
lines of policy.yaml go (`yaml_edits.item_removed`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fourules.authoring.yaml_edits import item_removed
from fourules.calls.files import POLICY_FILE
from fourules.texts import text
from fourules.web.gate import query
from fourules.web.removals import (
    GuardedRemoval,
    Naming,
    Refusal,
    coverage_linked,
    expecting,
    parameters_named,
)
from fourules.web.rule_edit_views import RuleRow


def listed(policy: Any, key: str) -> list[dict[str, Any]]:
    """The top-level list KEY of POLICY as written, its entries that are mappings."""
    found = policy.get(key) if isinstance(policy, dict) else None
    return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []


def naming(files: Mapping[str, str], policy: Any, row: RuleRow, year: str) -> list[Naming]:
    """What else in the draft names the rule ROW, each linked to its form: coverage entries
    linking it, cases expecting it, other rules whose alternatives set a part of it, and
    the obligation of its id."""
    draft = f"/calls/drafts/{year}"
    setting = [
        Naming(POLICY_FILE, str(rule.get("id")), code=True, href=_rule_form(draft, rule))
        for rule in listed(policy, "rules")
        if rule.get("id") != row.id and _sets(rule, row.id)
    ]
    obligations = [
        Naming(
            POLICY_FILE,
            f"obligations.{row.id}",
            code=True,
            href=f"{draft}/obligations/{quote(row.id, safe='')}{query()}",
        )
        for obligation in listed(policy, "obligations")
        if obligation.get("id") == row.id
    ]
    return [
        *coverage_linked(files, policy, {f"rules.{row.id}"}, year),
        *expecting(files, row.id, year),
        *setting,
        *obligations,
    ]


def _sets(rule: dict[str, Any], id: str) -> bool:
    """Whether an alternative of RULE sets a part of the rule ID (`rules[ID].branches[1]`)."""
    alternatives = rule.get("alternatives")
    keys = [
        str(k)
        for a in (alternatives if isinstance(alternatives, list) else [])
        if isinstance(a, dict) and isinstance(a.get("set"), dict)
        for k in a["set"]
    ]
    return any(f"rules[{id}]" in k for k in keys)


def _rule_form(draft: str, rule: dict[str, Any]) -> str:
    return f"{draft}/rules/{quote(str(rule.get('id')), safe='')}{query()}"


def unread_after(policy: Any, row: RuleRow) -> list[str]:
    """The parameters of POLICY that the rule ROW names and no other rule does: once it is
    gone, no rule reads them."""
    found = policy.get("parameters") if isinstance(policy, dict) else None
    parameters = set(found) if isinstance(found, dict) else set()
    others = set().union(
        *(parameters_named(r) for r in listed(policy, "rules") if r.get("id") != row.id)
    )
    return sorted((parameters_named(row.raw) & parameters) - others)


class RuleRemoval(GuardedRemoval):
    """A rule removed after a question, refused while anything else names it."""

    def __init__(self, editor: Any) -> None:
        super().__init__(editor, "title")

    def dropped(self, draft: Any, row: RuleRow) -> str:
        return item_removed(draft.text, "rules", row.index, where=POLICY_FILE)

    def blocking(self, shown: Any, row: RuleRow) -> list[Naming]:
        return naming(shown.files, shown.data, row, shown.year)

    def reasons(self, shown: Any, row: RuleRow) -> list[Refusal]:
        out = []
        criterion = row.criterion.get("id") if row.criterion is not None else None
        if criterion:
            href = f"/calls/drafts/{shown.year}/criteria/{quote(str(criterion), safe='')}"
            said = text("pages.rules.remove.criterion", criterion=criterion)
            out.append(Refusal(said, f"{href}{query()}"))
        if len(shown.rows) == 1:
            out.append(Refusal(text("pages.rules.remove.last")))
        return out

    def changes(self, shown: Any, row: RuleRow) -> list[str]:
        return [
            text("pages.rules.remove.unread", name=name) for name in unread_after(shown.data, row)
        ]
