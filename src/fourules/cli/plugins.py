"""`fourules plugins`: the plugins loaded, their scorers and the years they apply to; the
installed entry-point plugins, whether each is loaded and how to load it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fourules.cli.command import Run, runs
from fourules.evaluation.plugins import BUILT_INS, installed_entry_points
from fourules.output.view import Table, View
from fourules.texts import text

if TYPE_CHECKING:
    from fourules.evaluation.evaluator import Evaluator
    from fourules.evaluation.scoring import Scorer
    from fourules.policy.model import Policy


@runs(answers=True)
def plugins_command(run: Run) -> None:
    """List loaded plugins, their hooks and scorers (with the years each applies to), the
    installed entry-point plugins (loaded or not, and how to load them), and failures."""
    report = _plugins_report(run.evaluator())
    run.respond(report, lambda: _view(report))


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


def _plugin_table(report: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The header and a row per plugin: name, module, hooks and scorers with their years."""
    header = [
        text(f"plugins.{column}") for column in ("plugin", "module", "built_in", "hooks", "scorers")
    ]
    rows = [
        [
            p["name"],
            p["module"],
            text(f"yes_no.{str(p['built_in']).lower()}"),
            ", ".join(p["hooks"]),
            "; ".join(f"{s['name']} ({', '.join(s['years']) or '-'})" for s in p["scorers"]),
        ]
        for p in report["plugins"]
    ]
    return header, rows


def _installed_table(report: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The header and a row per installed entry-point plugin: name, entry point, and whether
    it is loaded or how to load it."""
    header = [text("plugins.plugin"), text("plugins.entry_point"), text("column.status")]
    return header, [[p["name"], p["value"], _status(p)] for p in report["installed"]]


def _status(plugin: dict[str, Any]) -> str:
    if plugin["failed"]:
        return text("plugins.status.failed")
    if plugin["loaded"]:
        return text("plugins.status.loaded")
    return text("plugins.status.not_loaded", name=plugin["name"])


def _failure_table(report: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The header and a row per plugin that failed to load: name, entry point and error."""
    rows = [[f["name"], f["value"], f["error"]] for f in report["failures"]]
    header = [text("plugins.plugin"), text("plugins.entry_point"), text("plugins.error")]
    return header, rows


def _view(report: dict[str, Any]) -> View:
    """The plugins' table, the installed entry-point plugins', then the failures' if any
    failed to load."""
    blocks = [Table.of(text("plugins.title"), *_plugin_table(report))]
    installed_header, installed = _installed_table(report)
    if installed:
        blocks.append(Table.of(text("plugins.installed"), installed_header, installed))
    failed_header, failed = _failure_table(report)
    if failed:
        blocks.append(Table.of(text("plugins.failed"), failed_header, failed))
    return View(blocks=tuple(blocks))


def loaded_plugins_line(ev: Evaluator) -> str:
    """One line for a server's start: the entry-point plugins it loaded (whose points are not
    the decisions'), or that it loaded none; and any asked for that failed to load."""
    pm = ev.plugin_manager
    added = pm.added()
    line = text("plugins.loaded", names=", ".join(added)) if added else text("plugins.none_loaded")
    if pm.failures:
        line += text("plugins.failures", names=", ".join(f.name for f in pm.failures))
    return line
