"""The evaluator a command uses: one per CLI run, built on first use."""

from __future__ import annotations

from pathlib import Path

import typer

from fourules.evaluation.evaluator import Evaluator, folder_evaluator
from fourules.evaluation.plugins import get_plugin_manager
from fourules.policy.folders import env_policy_path


def evaluator(ctx: typer.Context) -> Evaluator:
    """The run's evaluator; `--plugins` (or FOURULES_PLUGINS) names the entry-point plugins
    to load (none otherwise), `--policies` (and FOURULES_POLICY_PATH) add policy years."""
    root = ctx.find_root()
    root.obj = root.obj or {}
    if "evaluator" not in root.obj:
        only = root.obj.get("plugins")
        names = None if only is None else [n.strip() for n in only.split(",") if n.strip()]
        policy_path = [*env_policy_path(), *root.obj.get("policies", [])]
        root.obj["evaluator"] = Evaluator(get_plugin_manager(only=names), policy_path=policy_path)
    ev: Evaluator = root.obj["evaluator"]
    return ev


def year_or_folder(ctx: typer.Context, target: str) -> tuple[Evaluator, str, Path]:
    """The evaluator, year id and folder a command about one year works on: a year the run
    knows (e.g. 2024), or a year folder read alone, wherever it is."""
    if Path(target).is_dir():
        folder = Path(target)
        return folder_evaluator(folder), folder.name, folder
    ev = evaluator(ctx)
    ev.require(target)  # an unknown year is bad input, named with the years there are
    return ev, target, ev.policy_paths()[target].parent
