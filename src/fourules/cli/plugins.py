"""`fourules plugins`: the plugins loaded, their scorers and the years they apply to; the
installed entry-point plugins, whether each is loaded and how to load it."""

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
from fourules.evaluation.plugins import BUILT_INS, installed_entry_points
from fourules.output.view import Table, View

if TYPE_CHECKING:
    from fourules.evaluation.evaluator import Evaluator
    from fourules.evaluation.scoring import Scorer
    from fourules.policy.model import Policy


def plugins_command(
    ctx: typer.Context, format: FormatOption = Format.table, lang: LangOption = None
) -> None:
    """List loaded plugins, their hooks and scorers (with the years each applies to), the
    installed entry-point plugins (loaded or not, and how to load them), and failures."""
    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        report = _plugins_report(evaluator(ctx))
    respond(format, report, lambda: _view(report, chosen == "sv"), chosen)


def _plugins_report(ev: Evaluator) -> dict[str, Any]:
    """The plugins by name with their hooks and scorers, the installed entry-point plugins,
    the failures and the policy years."""
    pm = ev.plugin_manager
    years = {year: ev.load_policy(year) for year in ev.policy_ids()}
    scorers_by_plugin = {pm.get_name(plugin): found for plugin, found in ev.scorer_plugins()}
    failed = {f.name for f in pm.failures}
    return {
        "plugins": [
            {
                "name": name,
                "module": getattr(plugin, "__name__", type(plugin).__name__),
                "built_in": name in BUILT_INS,
                "hooks": sorted(h.name for h in pm.get_hookcallers(plugin) or []),
                "scorers": [
                    _scorer_years(scorer, years) for scorer in scorers_by_plugin.get(name, [])
                ],
            }
            for name, plugin in sorted(pm.list_name_plugin(), key=lambda np: np[0])
            if name is not None
        ],
        "installed": [
            {
                "name": ep.name,
                "value": ep.value,
                "loaded": pm.get_plugin(ep.name) is not None,
                "failed": ep.name in failed,
            }
            for ep in installed_entry_points()
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
        "Inbyggt" if sv else "Built-in",
        "Krokar" if sv else "Hooks",
        "Poängsättare (år)" if sv else "Scorers (years)",
    ]
    yes, no = ("ja", "nej") if sv else ("yes", "no")
    rows = [
        [
            p["name"],
            p["module"],
            yes if p["built_in"] else no,
            ", ".join(p["hooks"]),
            "; ".join(f"{s['name']} ({', '.join(s['years']) or '-'})" for s in p["scorers"]),
        ]
        for p in report["plugins"]
    ]
    return header, rows


def _installed_table(report: dict[str, Any], sv: bool) -> tuple[list[str], list[list[str]]]:
    """The header and a row per installed entry-point plugin: name, entry point, and whether
    it is loaded or how to load it."""
    header = ["Plugin", "Entry point", "Status"]
    return header, [[p["name"], p["value"], _status(p, sv)] for p in report["installed"]]


def _status(plugin: dict[str, Any], sv: bool) -> str:
    name = plugin["name"]
    if plugin["failed"]:
        return (
            "installerat, kunde inte laddas (se nedan)"
            if sv
            else "installed, failed to load (see below)"
        )
    if plugin["loaded"]:
        return (
            "installerat, laddat: dess poäng är inte ur beslutet"
            if sv
            else "installed, loaded: its points are not from the decision"
        )
    return (
        f"installerat, inte laddat: ange --plugins {name}"
        if sv
        else f"installed, not loaded: give --plugins {name}"
    )


def _failure_table(report: dict[str, Any], sv: bool) -> tuple[list[str], list[list[str]]]:
    """The header and a row per plugin that failed to load: name, entry point and error."""
    rows = [[f["name"], f["value"], f["error"]] for f in report["failures"]]
    return ["Plugin", "Entry point", "Fel" if sv else "Error"], rows


def _view(report: dict[str, Any], sv: bool) -> View:
    """The plugins' table, the installed entry-point plugins', then the failures' if any
    failed to load."""
    blocks = [Table.of("Plugins", *_plugin_table(report, sv))]
    installed_header, installed = _installed_table(report, sv)
    if installed:
        title = "Installerade tillägg (entry points)" if sv else "Installed plugins (entry points)"
        blocks.append(Table.of(title, installed_header, installed))
    failed_header, failed = _failure_table(report, sv)
    if failed:
        blocks.append(
            Table.of("Kunde inte laddas" if sv else "Failed to load", failed_header, failed)
        )
    return View(blocks=tuple(blocks))


def loaded_plugins_line(ev: Evaluator, sv: bool) -> str:
    """One line for a server's start: the entry-point plugins it loaded (whose points are not
    the decisions'), or that it loaded none; and any asked for that failed to load."""
    pm = ev.plugin_manager
    added = pm.added()
    if added:
        names = ", ".join(added)
        line = (
            f"tillägg laddade: {names} (deras poäng är inte ur besluten)"
            if sv
            else f"plugins loaded: {names} (their points are not from the decisions)"
        )
    else:
        line = (
            "inga tillägg laddade: poängen är bara beslutens (ange --plugins NAMN för ett tillägg)"
            if sv
            else "no plugins loaded: the scores are the decisions' alone (give --plugins NAME "
            "for a plugin)"
        )
    if pm.failures:
        names = ", ".join(f.name for f in pm.failures)
        line += (
            f"; kunde inte laddas: {names} (`fourules plugins` visar felet)"
            if sv
            else f"; failed to load: {names} (`fourules plugins` shows the error)"
        )
    return line
