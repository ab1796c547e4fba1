"""A diff's values as a policy maker reads them: amounts in kronor, texts in the page's
language, a rule's branches as "when …: status → outcome", not as raw JSON."""

from __future__ import annotations

from typing import Any

from fourules.text import Lang, duration_text, format_sek
from fourules.texts import initial
from fourules.web.texts import t

_OPS = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥", "in": "∈"}


def condition_text(when: Any, lang: Lang) -> str:
    """A branch's condition in one line: `requested > $cap.study_trip och …`."""
    if not isinstance(when, dict):
        return str(when)
    for combinator, word in (("all", t("diff.and", lang)), ("any", t("diff.or", lang))):
        if combinator in when:
            return f" {word} ".join(f"({condition_text(c, lang)})" for c in when[combinator])
    if "not" in when:
        return f"{t('diff.not', lang)} ({condition_text(when['not'], lang)})"
    field = when.get("field", "?")
    if "exists" in when:
        return f"{field} {t('diff.exists' if when['exists'] else 'diff.missing', lang)}"
    for op in ("any_of", "all_of", "none_of"):
        if isinstance(when.get(op), list):
            return f"{field} {t('diff.' + op, lang)} {', '.join(map(str, when[op]))}"
    for op, sign in _OPS.items():
        if op in when:
            operand = when[op]
            shown = ", ".join(map(str, operand)) if isinstance(operand, list) else operand
            return f"{field} {sign} {shown}"
    return str(when)


def branch_text(branch: dict[str, Any], lang: Lang) -> str:
    when = branch.get("when")
    head = condition_text(when, lang) if when else t("diff.otherwise", lang)
    status = t(f"status.{branch.get('status')}", lang) if branch.get("status") else ""
    text = f"{head}: {status}"
    if branch.get("outcome"):
        text += f" → {t('outcome.' + branch['outcome'], lang).lower()}"
    if branch.get("grant_limit") is not None:
        text += f", {t('diff.at_most', lang)} {branch['grant_limit']}"
    return text


def shown(value: Any, lang: Lang) -> list[str]:
    """A change's before or after, as lines of text."""
    if value is None:
        return ["—"]
    if isinstance(value, dict):
        return _mapping(value, lang)
    if isinstance(value, list):
        if value and all(isinstance(b, dict) and "status" in b for b in value):
            return [branch_text(b, lang) for b in value]
        return [", ".join(_scalar(v, lang) for v in value)]
    return [_scalar(value, lang)]


def _mapping(value: dict[str, Any], lang: Lang) -> list[str]:
    """A text in both languages, a parameter, a rule, or any other part field by field."""
    if set(value) == {"sv", "en"}:
        return [value[lang]]
    if "unit" in value and "value" in value:
        if value.get("not_stated") or value["value"] is None:
            return [initial(t("column.not_stated", lang))]
        amount = value["value"]
        if value["unit"] == "SEK":
            return [format_sek(amount)]
        if value["unit"] in ("days", "months"):
            return [duration_text(amount, value["unit"], lang)]
        return [str(amount)]
    if "branches" in value:
        kinds = value.get("applies_to")
        head = [f"{t('diff.applies_to', lang)}: {', '.join(kinds)}"] if kinds else []
        return head + [branch_text(b, lang) for b in value["branches"]]
    return [f"{key}: {_scalar(v, lang)}" for key, v in value.items() if v not in (None, False)]


def _scalar(value: Any, lang: Lang) -> str:
    if isinstance(value, bool):
        return initial(t("yes_no.true" if value else "yes_no.false", lang))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(_scalar(v, lang) for v in value)
    if isinstance(value, dict):
        return "; ".join(shown(value, lang))
    return str(value)
