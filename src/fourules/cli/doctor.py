"""`fourules doctor`: the Python, the durable-rules build, and whether the engine answers as
its oracle does — what to send along when something looks wrong."""

from __future__ import annotations

import platform
import sys
from importlib.metadata import PackageNotFoundError, version

import typer

from fourules.cli.command import Run, runs
from fourules.evaluation.self_check import self_check
from fourules.output.view import Table, View
from fourules.texts import text


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


@runs(answers=True)
def doctor_command(run: Run) -> None:
    """Report the Python, durable-rules and the engine's self-check. Exit 1 if the engine
    and its oracle disagree on any fact."""
    checks = self_check(run.evaluator())
    report = {
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "durable_rules": _version("durable-rules"),
        "durable_rules_build": (
            "built from source with tools/durable-rules-py313.h"
            if sys.version_info[:2] >= (3, 13)
            else "the published package"
        ),
        "fourules": _version("fourules"),
        "self_check": checks,
        "ok": all(c["disagreements"] == 0 for c in checks.values()),
    }
    rows: list[list[str]] = [
        ["Python", f"{report['python']} ({report['implementation']})"],
        ["durable-rules", f"{report['durable_rules']}, {report['durable_rules_build']}"],
        ["fourules", str(report["fourules"])],
        *(
            [
                text("doctor.self_check", year=year),
                text("doctor.facts", facts=c["facts"], disagreements=c["disagreements"]),
            ]
            for year, c in checks.items()
        ),
    ]
    view = View(blocks=(Table.of("fourules doctor", [], rows),))
    run.respond(report, lambda: view)
    if not report["ok"]:
        raise typer.Exit(1)
