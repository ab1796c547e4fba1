"""The plugin manager: specs, entry points (group `fourules`), built-ins.

The built-ins (the decisions' policies and the scorer of their criteria) always load. An
installed entry-point plugin loads only when named, by `only` or FOURULES_PLUGINS: its
points are an addition of the city's, never the decision's, so none is added unasked.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

import pluggy

from fourules.errors import InputError, Place
from fourules.evaluation import default_policies, default_scorers, hookspecs
from fourules.evaluation.scoring import DECISION_SCORERS
from fourules.texts import both

ENTRY_POINT_GROUP = "fourules"
PLUGINS_ENV = "FOURULES_PLUGINS"
"""Comma-separated entry-point names to load; unset or empty loads none."""
DECISION_POLICIES = "fourules.default_policies"
BUILT_INS = (DECISION_POLICIES, DECISION_SCORERS)
"""The built-in plugins' names, kept from the start: no entry point may take them."""


@dataclass(frozen=True)
class PluginFailure:
    """A plugin that could not be loaded, and why: the others keep working."""

    name: str
    value: str
    error: str


def installed_entry_points() -> list[EntryPoint]:
    """The installed entry-point plugins (group `fourules`), loaded or not, by name."""
    return sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)


PLUGINS = Place("plugins")
"""The domain key of the plugins a run names (`use_cases/places.py`)."""


def _names(raw: str) -> list[str]:
    return [name.strip() for name in raw.split(",") if name.strip()]


def _selected(only: Iterable[str] | None) -> tuple[list[str], str]:
    """The names asked for, and where they were asked (for a message about a wrong one)."""
    if only is not None:
        return list(only), PLUGINS
    return _names(os.environ.get(PLUGINS_ENV, "")), PLUGINS_ENV


def _unknown(names: list[str], where: str, installed: list[EntryPoint]) -> InputError:
    wrong = ", ".join(names)
    known = ", ".join(ep.name for ep in installed) or "-"
    return InputError(both("evaluator.plugin_unknown", wrong=wrong, known=known), where)


class PluginManager(pluggy.PluginManager):
    """pluggy's manager, plus the plugins that failed to load."""

    def __init__(self) -> None:
        super().__init__("fourules")
        self.failures: list[PluginFailure] = []

    def added(self) -> list[str]:
        """The registered plugins that are not built-in, by name: whatever they score is
        not from the decision."""
        return sorted(
            name
            for name, _ in self.list_name_plugin()
            if name is not None and name not in BUILT_INS
        )


def get_plugin_manager(
    *, load_entry_points: bool = True, only: Iterable[str] | None = None
) -> PluginManager:
    """A new manager: specs added, the entry-point plugins asked for loaded, built-ins
    registered, checked.

    Entry-point plugins load only when named: `only`, else FOURULES_PLUGINS (comma-
    separated); with neither, none. A name no installed plugin has raises InputError
    naming the installed ones. A plugin that fails to import, or implements a hook that
    has no spec, is left out and recorded in `manager.failures`; the others keep working.
    """
    pm = PluginManager()
    pm.add_hookspecs(hookspecs)
    failures = pm.failures
    if load_entry_points:
        wanted, where = _selected(only)
        installed = installed_entry_points() if wanted else []
        unknown = [n for n in wanted if n not in {ep.name for ep in installed}]
        if unknown:
            raise _unknown(unknown, where, installed)
        for ep in installed:
            if ep.name not in wanted:
                continue
            if pm.get_plugin(ep.name) is not None or pm.is_blocked(ep.name):
                continue
            if ep.name in BUILT_INS:  # it would pass for the decision's own scorer
                failures.append(
                    PluginFailure(
                        ep.name, ep.value, "the name is a built-in plugin's; rename the entry point"
                    )
                )
                continue
            try:
                plugin = ep.load()
                pm.register(plugin, name=ep.name)
                pm.check_pending()
            except Exception as exc:  # a broken plugin must not take the others down
                if pm.get_plugin(ep.name) is not None:
                    pm.unregister(name=ep.name)
                failures.append(PluginFailure(ep.name, ep.value, f"{type(exc).__name__}: {exc}"))
    # The built-ins keep the names they have always had in `fourules plugins`.
    pm.register(default_policies, name=DECISION_POLICIES)
    pm.register(default_scorers, name=DECISION_SCORERS)
    pm.check_pending()
    return pm
