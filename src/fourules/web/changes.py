"""A diff's values as a policy maker reads them: amounts in kronor, texts in the page's
language, a rule's branches as "when …: status → outcome", not as raw JSON."""

from __future__ import annotations

from typing import Any

from fourules.text import duration_text, format_sek
from fourules.texts import initial, language, text

_OPS = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥", "in": "∈"}


def condition_text(when: Any) -> str:
    """A branch's condition in one line: `requested > $cap.study_trip och …`."""
    if not isinstance(when, dict):
        return str(when)
    for combinator, word in (("all", text("diff.and")), ("any", text("diff.or"))):
        if combinator in when:
            return f" {word} ".join(f"({condition_text(c)})" for c in when[combinator])
    if "not" in when:
        return f"{text('diff.not')} ({condition_text(when['not'])})"
    field = when.get("field", "?")
    if "exists" in when:
        return f"{field} {text('diff.exists' if when['exists'] else 'diff.missing')}"
    for op in ("any_of", "all_of", "none_of"):
        if isinstance(when.get(op), list):
            return f"{field} {text('diff.' + op)} {', '.join(map(str, when[op]))}"
    for op, sign in _OPS.items():
        if op in when:
            operand = when[op]
            shown = ", ".join(map(str, operand)) if isinstance(operand, list) else operand
            return f"{field} {sign} {shown}"
    return str(when)


def branch_text(branch: dict[str, Any]) -> str:
    when = branch.get("when")
    head = condition_text(when) if when else text("diff.otherwise")
    status = text(f"status.{branch.get('status')}") if branch.get("status") else ""
    line = f"{head}: {status}"
    if branch.get("outcome"):
        line += f" → {text('outcome.' + branch['outcome']).lower()}"
    if branch.get("grant_limit") is not None:
        line += f", {text('diff.at_most')} {branch['grant_limit']}"
    return line


def shown(value: Any) -> list[str]:
    """A change's before or after, as lines of text."""
    if value is None:
        return ["—"]
    if isinstance(value, dict):
        return _mapping(value)
    if isinstance(value, list):
        if value and all(isinstance(b, dict) and "status" in b for b in value):
            return [branch_text(b) for b in value]
        return [", ".join(_scalar(v) for v in value)]
    return [_scalar(value)]


def _mapping(value: dict[str, Any]) -> list[str]:
    """A text in both languages, a parameter, a rule, or any other part field by field."""
    if set(value) == {"sv", "en"}:
        return [value[language()]]
    if "unit" in value and "value" in value:
        if value.get("not_stated") or value["value"] is None:
            return [initial(text("column.not_stated"))]
        amount = value["value"]
        if value["unit"] == "SEK":
            return [format_sek(amount)]
        if value["unit"] in ("days", "months"):
            return [duration_text(amount, value["unit"], language())]
        return [str(amount)]
    if "branches" in value:
        kinds = value.get("applies_to")
        head = [f"{text('diff.applies_to')}: {', '.join(kinds)}"] if kinds else []
        return head + [branch_text(b) for b in value["branches"]]
    return [f"{key}: {_scalar(v)}" for key, v in value.items() if v not in (None, False)]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return initial(text("yes_no.true" if value else "yes_no.false"))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(_scalar(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(shown(value))
    return str(value)
