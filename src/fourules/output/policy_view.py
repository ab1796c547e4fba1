"""The views of `fourules policies` and `fourules show YEAR`: every parameter, administration,
quota, fact the year declares, obligation and rule, each with its source."""

from __future__ import annotations

from collections.abc import Sequence

from fourules.evaluation.messages import parameter_text
from fourules.output.labels import BASES, kinds_text, label, source_text
from fourules.output.view import Table, View
from fourules.policy.model import Criterion, Policy, Quota
from fourules.text import Lang
from fourules.texts import text


def policies_view(policies: Sequence[Policy], lang: Lang) -> View:
    header = [label(k, lang) for k in ("year", "version", "title", "rules", "sha256")]
    rows = [[p.id, p.version, p.title.get(lang), str(len(p.rules)), p.sha256] for p in policies]
    return View(blocks=(Table.of(label("policy", lang), header, rows),))


def _policy_sections(policy: Policy, lang: Lang) -> list[tuple[str, list[str], list[list[str]]]]:
    params = [
        [
            name,
            parameter_text(policy, name, lang),
            p.description.get(lang) + (f" — {p.not_stated.get(lang)}" if p.not_stated else ""),
            source_text(p.source, lang),
        ]
        for name, p in policy.parameters.items()
    ]
    admins = [
        [a.name, text(f"administration.{a.type}", lang), ", ".join(a.aliases)]
        for a in policy.administrations.members
    ]
    admins += [[f.name, "—", f.note.get(lang)] for f in policy.administrations.former]
    admins += [[f.name, "—", f.note.get(lang)] for f in policy.administrations.not_yet_formed]
    quotas = [
        [
            q.id,
            str(q.limit),
            _counted(q, lang),
            q.description.get(lang),
            source_text(q.source, lang),
        ]
        for q in policy.quotas
    ]
    obligations = [
        [o.id, o.description.get(lang), source_text(o.source, lang)] for o in policy.obligations
    ]
    rules = [
        [
            r.id,
            r.title.get(lang),
            kinds_text(r.applies_to or (), lang),
            _criterion(r.criterion, lang) if r.criterion else "",
            _bases(policy, i, lang),
            source_text(r.source, lang),
        ]
        for i, r in enumerate(policy.rules)
    ]
    sections = [
        (
            label("parameter", lang),
            [label(k, lang) for k in ("parameter", "value", "description", "source")],
            params,
        ),
        (
            label("administrations", lang),
            [label("administrations", lang), label("type", lang), ""],
            admins,
        ),
        (
            label("quotas", lang),
            ["id", label("limit", lang), "", label("description", lang), label("source", lang)],
            quotas,
        ),
        (
            label("rules", lang),
            [
                label(k, lang)
                for k in ("rule", "title", "applies_to", "criterion", "basis", "source")
            ],
            rules,
        ),
    ]
    facts = [
        [
            d.id,
            d.label.get(lang),
            text(f"fact_type.{d.type}", lang)
            + (f" ({', '.join(d.value_ids)})" if d.values else ""),
            kinds_text(d.kinds, lang),
            d.help.get(lang),
        ]
        for d in policy.facts
    ]
    if facts:  # the year's own facts: fields its applications have besides the base ones
        sections.insert(
            3,
            (
                label("facts", lang),
                ["id", label("title", lang), label("type", lang), label("applies_to", lang), ""],
                facts,
            ),
        )
    if obligations:
        sections.insert(
            3,
            (
                label("obligations", lang),
                ["id", label("description", lang), label("source", lang)],
                obligations,
            ),
        )
    return sections


def _counted(quota: Quota, lang: Lang) -> str:
    """What a quota counts, and for which administrations: 'projekt / stadsdelsförvaltning'."""
    types = ", ".join(text(f"administration.{a}", lang) for a in quota.administrations)
    return f"{kinds_text(quota.counts, lang)} / {types}"


def _criterion(criterion: Criterion, lang: Lang) -> str:
    """A rule's criterion: its type in words, weight, id (when assessed) and group."""
    return (
        text(f"criterion.{criterion.type}", lang)
        + (f" ({criterion.weight:g})" if criterion.weight is not None else "")
        # The id is what an application's assessment names; a derived one is not given.
        + (f": {criterion.id}" if criterion.assessed else "")
        + (f" [{criterion.group}]" if criterion.group else "")
    )


def _bases(policy: Policy, r: int, lang: Lang) -> str:
    """What rule R's branches rest on, each basis once, in branch order."""
    found = dict.fromkeys(policy.branch_basis(r, b) for b in range(len(policy.rules[r].branches)))
    return "; ".join(BASES[basis].get(lang) for basis in found)


def policy_view(policy: Policy, lang: Lang) -> View:
    document = policy.document
    head: tuple[str, ...] = (f"{label('document', lang)}: {document.title} ({document.reference})",)
    if document.transcription:
        # The quotes are the transcription's words; say so, and where the scan is.
        head += (
            f"{label('transcription', lang)}: {document.transcription}; "
            f"{label('scan', lang)}: {document.file}",
        )
    head += (f"sha256: {policy.sha256}",)
    tables = (Table.of(t, h, r) for t, h, r in _policy_sections(policy, lang))
    return View(
        title=f"{policy.title.get(lang)} — {policy.id} v{policy.version}", blocks=(*head, *tables)
    )
