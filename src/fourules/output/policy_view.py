"""The views of `fourules policies` and `fourules show YEAR`: every parameter, administration,
quota, fact the year declares, obligation and rule, each with its source."""

from __future__ import annotations

from collections.abc import Sequence

from fourules.evaluation.messages import parameter_text
from fourules.output.labels import BASES, kinds_text, label, source_text
from fourules.output.view import Table, View
from fourules.policy.model import Criterion, Policy, Quota
from fourules.texts import language, text


def policies_view(policies: Sequence[Policy]) -> View:
    header = [label(k) for k in ("year", "version", "title", "rules", "sha256")]
    rows = [
        [p.id, p.version, p.title.get(language()), str(len(p.rules)), p.sha256] for p in policies
    ]
    return View(blocks=(Table.of(label("policy"), header, rows),))


def _policy_sections(policy: Policy) -> list[tuple[str, list[str], list[list[str]]]]:
    params = [
        [
            name,
            parameter_text(policy, name, language()),
            p.description.get(language())
            + (f" — {p.not_stated.get(language())}" if p.not_stated else ""),
            source_text(p.source),
        ]
        for name, p in policy.parameters.items()
    ]
    admins = [
        [a.name, text(f"administration.{a.type}"), ", ".join(a.aliases)]
        for a in policy.administrations.members
    ]
    admins += [[f.name, "—", f.note.get(language())] for f in policy.administrations.former]
    admins += [[f.name, "—", f.note.get(language())] for f in policy.administrations.not_yet_formed]
    quotas = [
        [
            q.id,
            str(q.limit),
            _counted(q),
            q.description.get(language()),
            source_text(q.source),
        ]
        for q in policy.quotas
    ]
    obligations = [
        [o.id, o.description.get(language()), source_text(o.source)] for o in policy.obligations
    ]
    rules = [
        [
            r.id,
            r.title.get(language()),
            kinds_text(r.applies_to or ()),
            _criterion(r.criterion) if r.criterion else "",
            _bases(policy, i),
            source_text(r.source),
        ]
        for i, r in enumerate(policy.rules)
    ]
    sections = [
        (
            label("parameter"),
            [label(k) for k in ("parameter", "value", "description", "source")],
            params,
        ),
        (
            label("administrations"),
            [label("administrations"), label("type"), ""],
            admins,
        ),
        (
            label("quotas"),
            ["id", label("limit"), "", label("description"), label("source")],
            quotas,
        ),
        (
            label("rules"),
            [label(k) for k in ("rule", "title", "applies_to", "criterion", "basis", "source")],
            rules,
        ),
    ]
    facts = [
        [
            d.id,
            d.label.get(language()),
            text(f"fact_type.{d.type}") + (f" ({', '.join(d.value_ids)})" if d.values else ""),
            kinds_text(d.kinds),
            d.help.get(language()),
        ]
        for d in policy.facts
    ]
    if facts:  # the year's own facts: fields its applications have besides the base ones
        sections.insert(
            3,
            (
                label("facts"),
                ["id", label("title"), label("type"), label("applies_to"), ""],
                facts,
            ),
        )
    if obligations:
        sections.insert(
            3,
            (
                label("obligations"),
                ["id", label("description"), label("source")],
                obligations,
            ),
        )
    return sections


def _counted(quota: Quota) -> str:
    """What a quota counts, and for which administrations: 'projekt / stadsdelsförvaltning'."""
    types = ", ".join(text(f"administration.{a}") for a in quota.administrations)
    return f"{kinds_text(quota.counts)} / {types}"


def _criterion(criterion: Criterion) -> str:
    """A rule's criterion: its type in words, weight, id (when assessed) and group."""
    return (
        text(f"criterion.{criterion.type}")
        + (f" ({criterion.weight:g})" if criterion.weight is not None else "")
        # The id is what an application's assessment names; a derived one is not given.
        + (f": {criterion.id}" if criterion.assessed else "")
        + (f" [{criterion.group}]" if criterion.group else "")
    )


def _bases(policy: Policy, r: int) -> str:
    """What rule R's branches rest on, each basis once, in branch order."""
    found = dict.fromkeys(policy.branch_basis(r, b) for b in range(len(policy.rules[r].branches)))
    return "; ".join(BASES[basis].get(language()) for basis in found)


def policy_view(policy: Policy) -> View:
    document = policy.document
    head: tuple[str, ...] = (f"{label('document')}: {document.title} ({document.reference})",)
    if document.transcription:
        # The quotes are the transcription's words; say so, and where the scan is.
        head += (
            f"{label('transcription')}: {document.transcription}; {label('scan')}: {document.file}",
        )
    head += (f"sha256: {policy.sha256}",)
    tables = (Table.of(t, h, r) for t, h, r in _policy_sections(policy))
    return View(
        title=f"{policy.title.get(language())} — {policy.id} v{policy.version}",
        blocks=(*head, *tables),
    )
