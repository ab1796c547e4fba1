"""A rule's messages: compiled once per policy and language into templates, with every
{$parameter} filled in, then completed per application from the vocabulary's placeholders."""

from __future__ import annotations

import re
from datetime import date

from fourules.application import ProjectApplication, StudyTripApplication
from fourules.policy.model import Policy
from fourules.policy.vocabulary import Facts, Vocabulary
from fourules.text import DURATION_WORDS, NOT_STATED, Lang, duration_text, format_sek

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


BASIS_NOTICE: dict[str, dict[Lang, str]] = {
    "reading": {
        "sv": " (Läsning i fourules: beslutet lämnar detta öppet; regelns not nämner alternativen.)",
        "en": " (fourules's reading: the decision leaves this open; the rule's note names the alternatives.)",
    },
    "software": {
        "sv": " (Programmets eget krav, inte beslutets.)",
        "en": " (fourules's own requirement, not the decision's.)",
    },
}
"""What a finding that decides the outcome adds when the decision's text does not say it."""


def branch_text(policy: Policy, r: int, b: int, lang: Lang) -> str:
    """A branch's message as written, saying so when it makes an application ineligible or
    undetermined on a reading or on the software's own requirement."""
    branch = policy.rules[r].branches[b]
    notice = BASIS_NOTICE.get(policy.branch_basis(r, b)) if branch.outcome else None
    return branch.message.get(lang) + (notice[lang] if notice else "")


Template = tuple[tuple[bool, str], ...]
"""A message cut into (is_placeholder, text) parts, with {$parameter} already filled in."""


def compile_template(text: str, policy: Policy, lang: Lang) -> Template:
    parts: list[tuple[bool, str]] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(text):
        parts.append((False, text[pos : m.start()]))
        name = m.group(1)
        if name.startswith("$"):
            parts.append((False, parameter_text(policy, name[1:], lang)))
        else:
            parts.append((True, name))
        pos = m.end()
    parts.append((False, text[pos:]))
    return tuple(p for p in parts if p[1])


def parameter_text(policy: Policy, name: str, lang: Lang) -> str:
    """A parameter as a person reads it: '750 000 kr', '2017-09-04', '2 månader',
    'inte angivet'."""
    p = policy.parameters[name]
    if p.value is None:
        return NOT_STATED.get(lang)
    if isinstance(p.value, date):
        return p.value.isoformat()
    if p.unit in DURATION_WORDS:
        return duration_text(p.value, p.unit, lang)
    return format_sek(p.value) if p.unit == "SEK" else str(p.value)


def render(
    template: Template,
    vocabulary: Vocabulary,
    app: ProjectApplication | StudyTripApplication,
    facts: Facts,
    lang: Lang,
) -> str:
    """A message with its {placeholders} filled from the application (policy validation
    admits only placeholders the vocabulary declares)."""
    return "".join(
        vocabulary.render(text, app, facts, lang) if field else text for field, text in template
    )
