"""Human output: rich tables for a terminal, markdown for documents."""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fourules.evaluation.messages import parameter_text
from fourules.evaluation.results import Evaluation
from fourules.policy.model import Policy
from fourules.policy.source import Source
from fourules.text import Lang, LocalText, format_sek

L = LocalText
LABELS: dict[str, LocalText] = {
    "year": L(sv="År", en="Year"),
    "version": L(sv="Version", en="Version"),
    "title": L(sv="Titel", en="Title"),
    "sha256": L(sv="sha256", en="sha256"),
    "rules": L(sv="Regler", en="Rules"),
    "parameter": L(sv="Parameter", en="Parameter"),
    "value": L(sv="Värde", en="Value"),
    "description": L(sv="Beskrivning", en="Description"),
    "source": L(sv="Källa", en="Source"),
    "rule": L(sv="Regel", en="Rule"),
    "applies_to": L(sv="Gäller", en="Applies to"),
    "criterion": L(sv="Kriterium", en="Criterion"),
    "status": L(sv="Status", en="Status"),
    "message": L(sv="Meddelande", en="Message"),
    "outcome": L(sv="Utfall", en="Outcome"),
    "max_grant": L(sv="Högst att bevilja", en="Maximum grant"),
    "score": L(sv="Poäng", en="Score"),
    "points": L(sv="Poäng", en="Points"),
    "reason": L(sv="Skäl", en="Reason"),
    "policy": L(sv="Policy", en="Policy"),
    "application": L(sv="Ansökan", en="Application"),
    "administrations": L(sv="Förvaltningar", en="Administrations"),
    "type": L(sv="Typ", en="Type"),
    "quotas": L(sv="Kvoter", en="Quotas"),
    "limit": L(sv="Högst", en="At most"),
    "obligations": L(sv="Villkor", en="Obligations"),
    "document": L(sv="Beslut", en="Decision"),
    "all_kinds": L(sv="alla", en="all"),
    "not_stated": L(sv="inte angivet", en="not stated"),
    "scorers": L(sv="Poängsättare", en="Scorers"),
}
OUTCOMES = {
    "eligible": L(sv="berättigad", en="eligible"),
    "undetermined": L(sv="kan inte avgöras", en="undetermined"),
    "ineligible": L(sv="ej berättigad", en="ineligible"),
}
STATUSES = {
    "pass": L(sv="uppfyllt", en="pass"),
    "fail": L(sv="ej uppfyllt", en="fail"),
    "warn": L(sv="varning", en="warning"),
    "unknown": L(sv="okänt", en="unknown"),
    "info": L(sv="information", en="info"),
}
_STYLE = {"pass": "green", "fail": "red", "warn": "yellow", "unknown": "magenta", "info": "cyan"}
_OUTCOME_STYLE = {"eligible": "green", "undetermined": "magenta", "ineligible": "red"}


def _t(key: str, lang: Lang) -> str:
    return LABELS[key].get(lang)


def source_text(source: Source) -> str:
    text = f"{source.section}: ”{source.quote}”"
    if source.precedent:
        text += f" [{source.precedent}]"
    return text


def render_tables(tables: Sequence[Table | str]) -> str:
    buffer = io.StringIO()
    colour = sys.stdout.isatty()  # colours on a terminal, plain text in a pipe or a file
    console = Console(
        file=buffer, width=120, force_terminal=colour, color_system="standard" if colour else None
    )
    for table in tables:
        # Text is printed as written: "[warning]" or "[Tabell 1 rad 8]" is not rich markup.
        console.print(table, markup=False)
    return buffer.getvalue()


def cells(row: Sequence[str]) -> list[Text]:
    """Table cells as plain text, never read as rich markup."""
    return [Text(cell) for cell in row]


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [_md_row(header), "|" + "|".join("---" for _ in header) + "|"]
    lines.extend(_md_row(r) for r in rows)
    return "\n".join(lines) + "\n"


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    for h in header:
        table.add_column(h, overflow="fold")
    for row in rows:
        table.add_row(*cells(row))
    return table


# --- policies ---------------------------------------------------------------------------


def policies_view(policies: Sequence[Policy], lang: Lang, markdown: bool) -> str:
    header = [_t(k, lang) for k in ("year", "version", "title", "rules", "sha256")]
    rows = [[p.id, p.version, p.title.get(lang), str(len(p.rules)), p.sha256] for p in policies]
    if markdown:
        return markdown_table(header, rows)
    return render_tables([table(_t("policy", lang), header, rows)])


def _policy_sections(policy: Policy, lang: Lang) -> list[tuple[str, list[str], list[list[str]]]]:
    params = [
        [
            name,
            parameter_text(policy, name, lang),
            p.description.get(lang) + (f" — {p.not_stated.get(lang)}" if p.not_stated else ""),
            source_text(p.source),
        ]
        for name, p in policy.parameters.items()
    ]
    admins = [[a.name, a.type, ", ".join(a.aliases)] for a in policy.administrations.members]
    admins += [[f.name, "—", f.note.get(lang)] for f in policy.administrations.former]
    admins += [[f.name, "—", f.note.get(lang)] for f in policy.administrations.not_yet_formed]
    quotas = [
        [
            q.id,
            str(q.limit),
            ", ".join(q.counts) + " / " + ", ".join(q.administrations),
            q.description.get(lang),
            source_text(q.source),
        ]
        for q in policy.quotas
    ]
    obligations = [
        [o.id, o.description.get(lang), source_text(o.source)] for o in policy.obligations
    ]
    rules = [
        [
            r.id,
            r.title.get(lang),
            ", ".join(r.applies_to) if r.applies_to else _t("all_kinds", lang),
            f"{r.criterion.type}"
            + (f" ({r.criterion.weight:g})" if r.criterion.weight is not None else "")
            # The id is what an application's assessment names; a derived one is not given.
            + (f": {r.criterion.id}" if r.criterion.assessed else "")
            if r.criterion
            else "",
            source_text(r.source),
        ]
        for r in policy.rules
    ]
    sections = [
        (
            _t("parameter", lang),
            [_t(k, lang) for k in ("parameter", "value", "description", "source")],
            params,
        ),
        (_t("administrations", lang), [_t("administrations", lang), _t("type", lang), ""], admins),
        (
            _t("quotas", lang),
            ["id", _t("limit", lang), "", _t("description", lang), _t("source", lang)],
            quotas,
        ),
        (
            _t("rules", lang),
            [_t(k, lang) for k in ("rule", "title", "applies_to", "criterion", "source")],
            rules,
        ),
    ]
    if obligations:
        sections.insert(
            3,
            (
                _t("obligations", lang),
                ["id", _t("description", lang), _t("source", lang)],
                obligations,
            ),
        )
    return sections


def policy_view(policy: Policy, lang: Lang, markdown: bool) -> str:
    head = (
        f"{policy.title.get(lang)} — {policy.id} v{policy.version}\n"
        f"{_t('document', lang)}: {policy.document.title} ({policy.document.reference})\n"
        f"sha256: {policy.sha256}\n"
    )
    sections = _policy_sections(policy, lang)
    if markdown:
        parts = [
            f"# {policy.title.get(lang)} ({policy.id}, v{policy.version})\n",
            f"{_t('document', lang)}: *{policy.document.title}* ({policy.document.reference})  \n"
            f"sha256: `{policy.sha256}`\n",
        ]
        for title, header, rows in sections:
            parts.append(f"\n## {title}\n\n" + markdown_table(header, rows))
        return "".join(parts)
    return render_tables([head, *(table(t, h, r) for t, h, r in sections)])


# --- evaluations ------------------------------------------------------------------------


def _summary(e: Evaluation, lang: Lang) -> list[list[str]]:
    grant = _t("not_stated", lang) if e.max_grant_sek is None else format_sek(e.max_grant_sek)
    return [
        [_t("outcome", lang), _outcome_text(e.outcome, lang)],
        [_t("max_grant", lang), grant],
        [_t("score", lang), f"{e.score:g}"],
        [_t("policy", lang), f"{e.policy.id} v{e.policy.version} sha256:{e.policy.sha256[:12]}…"],
        [
            _t("administrations", lang),
            ", ".join(a.name or f"({a.as_written})" for a in e.applicants),
        ],
    ]


def _finding_rows(e: Evaluation, lang: Lang) -> list[list[str]]:
    return [
        [f.rule, STATUSES[f.status].get(lang), f.message, source_text(f.source)] for f in e.findings
    ]


def _score_rows(e: Evaluation) -> list[list[str]]:
    return [[i.criterion, f"{i.points:g}", i.reason, i.scorer] for i in e.score_breakdown]


def evaluations_view(evaluations: Sequence[Evaluation], lang: Lang, markdown: bool) -> str:
    finding_header = [_t(k, lang) for k in ("rule", "status", "message", "source")]
    score_header = [
        _t("criterion", lang),
        _t("points", lang),
        _t("reason", lang),
        _t("scorers", lang),
    ]
    if markdown:
        parts = []
        for e in evaluations:
            parts.append(f"## {_t('application', lang)} {e.application_id} — {e.policy.id}\n\n")
            parts.append(markdown_table(["", ""], _summary(e, lang)) + "\n")
            parts.append(markdown_table(finding_header, _finding_rows(e, lang)) + "\n")
            if e.score_breakdown:
                parts.append(markdown_table(score_header, _score_rows(e)) + "\n")
        return "".join(parts)
    items: list[Table | str] = []
    for e in evaluations:
        summary = Table(
            title=f"{_t('application', lang)} {e.application_id} — {e.policy.id}",
            title_justify="left",
            show_header=False,
        )
        summary.add_column()
        summary.add_column()
        for key, value in _summary(e, lang):
            style = _OUTCOME_STYLE[e.outcome] if key == _t("outcome", lang) else None
            summary.add_row(*cells([key, value]), style=style)
        findings = Table(*finding_header, show_lines=False)
        for row, f in zip(_finding_rows(e, lang), e.findings, strict=True):
            findings.add_row(*cells(row), style=_STYLE[f.status])
        items += [summary, findings]
        if e.score_breakdown:
            items.append(table(_t("score", lang), score_header, _score_rows(e)))
    return render_tables(items)


def _outcome_text(outcome: str, lang: Lang) -> str:
    label = OUTCOMES[outcome].get(lang)
    return outcome if label == outcome else f"{outcome} ({label})"
