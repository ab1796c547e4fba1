"""`fourules plugins`: the plugins loaded, their scorers and the years they apply to."""

from __future__ import annotations

from typing import Any

import typer

from fourules.cli.common import (
    Format,
    FormatOption,
    LangOption,
    reported_errors,
    resolve_lang,
    write,
)
from fourules.cli.state import evaluator
from fourules.output.canonical import to_json


def plugins_command(
    ctx: typer.Context, format: FormatOption = Format.table, lang: LangOption = None
) -> None:
    """List loaded plugins, their hooks and scorers (with the years each applies to), and failures."""
    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        ev = evaluator(ctx)
        pm = ev.plugin_manager
        years = {year: ev.load_policy(year) for year in ev.policy_ids()}
        scorers_by_plugin = {pm.get_name(plugin): found for plugin, found in ev.scorer_plugins()}
        report: dict[str, Any] = {
            "plugins": [
                {
                    "name": name,
                    "module": getattr(plugin, "__name__", type(plugin).__name__),
                    "hooks": sorted(h.name for h in pm.get_hookcallers(plugin) or []),
                    "scorers": [
                        {"name": s.name, "years": [y for y, p in years.items() if s.applies_to(p)]}
                        for s in scorers_by_plugin.get(name, [])
                    ],
                }
                for name, plugin in sorted(pm.list_name_plugin(), key=lambda np: np[0])
                if name is not None
            ],
            "failures": [{"name": f.name, "value": f.value, "error": f.error} for f in pm.failures],
            "years": list(years),
        }
    if format is Format.json:
        write(to_json(report))
        return
    from fourules.cli.render import markdown_table, render_tables, table

    sv = chosen == "sv"
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
    failed = [[f["name"], f["value"], f["error"]] for f in report["failures"]]
    failed_header = ["Plugin", "Entry point", "Fel" if sv else "Error"]
    if format is Format.markdown:
        text = markdown_table(header, rows)
        if failed:
            text += "\n" + markdown_table(failed_header, failed)
        write(text)
    else:
        items = [table("Plugins", header, rows)]
        if failed:
            items.append(
                table("Kunde inte laddas" if sv else "Failed to load", failed_header, failed)
            )
        write(render_tables(items))
