"""The plugin manager: specs, entry points (group `fourules`), built-ins."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points

import pluggy

from fourules.evaluation import default_policies, default_scorers, hookspecs

ENTRY_POINT_GROUP = "fourules"
PLUGINS_ENV = "FOURULES_PLUGINS"
"""Comma-separated entry-point names to load; unset loads all, empty loads none."""


@dataclass(frozen=True)
class PluginFailure:
    """A plugin that could not be loaded, and why: the others keep working."""

    name: str
    value: str
    error: str


def _selected(only: Iterable[str] | None) -> set[str] | None:
    if only is not None:
        return set(only)
    raw = os.environ.get(PLUGINS_ENV)
    if raw is None:
        return None
    return {name.strip() for name in raw.split(",") if name.strip()}


class PluginManager(pluggy.PluginManager):
    """pluggy's manager, plus the plugins that failed to load."""

    def __init__(self) -> None:
        super().__init__("fourules")
        self.failures: list[PluginFailure] = []


def get_plugin_manager(
    *, load_entry_points: bool = True, only: Iterable[str] | None = None
) -> PluginManager:
    """A new manager: specs added, entry-point plugins loaded, built-ins registered, checked.

    `only` (or the FOURULES_PLUGINS variable) restricts entry-point plugins to those names.
    A plugin that fails to import, or implements a hook that has no spec, is left out and
    recorded in `manager.failures`; the others keep working.
    """
    pm = PluginManager()
    pm.add_hookspecs(hookspecs)
    failures = pm.failures
    if load_entry_points:
        wanted = _selected(only)
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            if wanted is not None and ep.name not in wanted:
                continue
            if pm.get_plugin(ep.name) is not None or pm.is_blocked(ep.name):
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
    pm.register(default_policies, name="fourules.default_policies")
    pm.register(default_scorers, name="fourules.default_scorers")
    pm.check_pending()
    return pm
