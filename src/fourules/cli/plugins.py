"""`fourules plugins`: the plugins loaded, their scorers and the years they apply to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from fourules.cli.common import (
    Format,
    FormatOption,
    LangOption,
    reported_errors,
    resolve_lang,
    respond,
)
from fourules.cli.state import evaluator
from fourules.output.view import Table, View

if TYPE_CHECKING:
    from fourules.evaluation.evaluator import Evaluator
    from fourules.evaluation.scoring import Scorer
    from fourules.policy.model import Policy


def plugins_command(
    ctx: typer.Context, format: FormatOption = Format.table, lang: LangOption = None
) -> None:
    """List loaded plugins, their hooks and scorers (with the years each applies to), and failures."""
    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        report = _plugins_report(evaluator(ctx))
    respond(format, report, lambda: _view(report, chosen == "sv"), chosen)


def _plugins_report(ev: Evaluator) -> dict[str, Any]:
    """The plugins by name with their hooks and scorers, the failures and the policy years."""
    pm = ev.plugin_manager
    years = {year: ev.load_policy(year) for year in ev.policy_ids()}
    scorers_by_plugin = {pm.get_name(plugin): found for plugin, found in ev.scorer_plugins()}
    return {
        "plugins": [
            {
                "name": name,
                "module": getattr(plugin, "__name__", type(plugin).__name__),
                "hooks": sorted(h.name for h in pm.get_hookcallers(plugin) or []),
                "scorers": [
                    _scorer_years(scorer, years) for scorer in scorers_by_plugin.get(name, [])
                ],
            }
            for name, plugin in sorted(pm.list_name_plugin(), key=lambda np: np[0])
            if name is not None
        ],
        "failures": [{"name": f.name, "value": f.value, "error": f.error} for f in pm.failures],
        "years": list(years),
    }


def _scorer_years(scorer: Scorer, years: dict[str, Policy]) -> dict[str, Any]:
    """A scorer's name and the policy years it applies to."""
    return {"name": scorer.name, "years": [y for y, p in years.items() if scorer.applies_to(p)]}


def _plugin_table(report: dict[str, Any], sv: bool) -> tuple[list[str], list[list[str]]]:
    """The header and a row per plugin: name, module, hooks and scorers with their years."""
    header = [
        "Plugin",
        "Modul" if sv else "Module",
        "Krokar" if sv else "Hooks",
        "Poängsättare (år)" if sv else "Scorers (years)",
    ]
    rows = [
        [
            p["name"],
            p["module"],
            ", ".join(p["hooks"]),
            "; ".join(f"{s['name']} ({', '.join(s['years']) or '-'})" for s in p["scorers"]),
        ]
        for p in report["plugins"]
    ]
    return header, rows


def _failure_table(report: dict[str, Any], sv: bool) -> tuple[list[str], list[list[str]]]:
    """The header and a row per plugin that failed to load: name, entry point and error."""
    rows = [[f["name"], f["value"], f["error"]] for f in report["failures"]]
    return ["Plugin", "Entry point", "Fel" if sv else "Error"], rows


def _view(report: dict[str, Any], sv: bool) -> View:
    """The plugins' table, then the failures' if any failed to load."""
    blocks = [Table.of("Plugins", *_plugin_table(report, sv))]
    failed_header, failed = _failure_table(report, sv)
    if failed:
        blocks.append(
            Table.of("Kunde inte laddas" if sv else "Failed to load", failed_header, failed)
        )
    return View(blocks=tuple(blocks))
