"""The evaluator a command uses: one per CLI run, built on first use."""

from __future__ import annotations

import typer

from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.plugins import get_plugin_manager
from fourules.policy.folders import env_policy_path


def evaluator(ctx: typer.Context) -> Evaluator:
    """The run's evaluator; `--plugins` (or FOURULES_PLUGINS) chooses the entry-point plugins,
    `--policies` (and FOURULES_POLICY_PATH) add policy years."""
    root = ctx.find_root()
    root.obj = root.obj or {}
    if "evaluator" not in root.obj:
        only = root.obj.get("plugins")
        names = None if only is None else [n.strip() for n in only.split(",") if n.strip()]
        policy_path = [*env_policy_path(), *root.obj.get("policies", [])]
        root.obj["evaluator"] = Evaluator(get_plugin_manager(only=names), policy_path=policy_path)
    ev: Evaluator = root.obj["evaluator"]
    return ev
