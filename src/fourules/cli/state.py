"""The evaluator a command uses: one per CLI run, built on first use."""

from __future__ import annotations

import typer

from fourules.evaluation import Evaluator


def evaluator(ctx: typer.Context) -> Evaluator:
    root = ctx.find_root()
    root.obj = root.obj or {}
    if "evaluator" not in root.obj:
        root.obj["evaluator"] = Evaluator()
    ev: Evaluator = root.obj["evaluator"]
    return ev
