"""What a command pays for at start-up: `fourules evaluate` and `fourules round` load none
of the heavy libraries only other commands use (a solver, an optimiser, charts, workbooks,
templates, the web service), none of the other commands' modules, and read no installed
plugin's metadata unless one is named; `fourules --help` lists every command without
importing one, each with the first paragraph of its own help."""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

import fourules
from fourules.cli.main import COMMANDS, app

ROOT = Path(__file__).resolve().parents[1]
HEAVY = (
    *("scipy", "numpy", "z3", "matplotlib", "openpyxl", "jinja2", "fastapi", "uvicorn"),
    *("argon2", "dulwich", "ruamel"),
)
ELSEWHERE = (
    "fourules.accounts",  # who may write the call: the server and `user`, `token`
    "fourules.calls",  # the calls repository: the server's call pages
    "fourules.authoring",  # drafting, checking, coverage and proofs of a call
    "fourules.comparison",  # diffs, replays, witnesses, readings
    "fourules.decision_log",  # only with --decision-log, verify, log
    "fourules.output.schemas",  # every contract's schema: imports every domain package
    "fourules.rounds.allocation",  # allocate
    "fourules.rounds.optimal",  # the optimal allocation
    "fourules.rounds.audit",  # audit
    "fourules.rounds.compare",  # compare with the decision
    "fourules.service",
    "fourules.web",
    "fourules.server",
)
"""fourules' own modules the two commands do not use, by prefix."""
CLI_AT_START = {
    "fourules.cli",
    "fourules.cli.main",
    "fourules.cli.options",
    "fourules.cli.command",
    "fourules.cli.common",
    "fourules.cli.state",
}
EVALUATE = ["evaluate", "examples/project-2018.json", "--year", "2018", "--format", "json"]
ROUND = ["round", "policies/2018/round.json", "--format", "json"]

# Runs the command as its entry point does, then reports the modules loaded and the
# entry-point groups read (importlib.metadata.entry_points is wrapped before any import).
PROBE = """
import contextlib, io, json, sys
import importlib.metadata as metadata

scanned = []
_entry_points = metadata.entry_points


def recording(**params):
    scanned.append(params.get("group"))
    return _entry_points(**params)


metadata.entry_points = recording
sys.argv = ["fourules", *json.loads(sys.argv[1])]
from fourules.cli.main import app

out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        app()
        code = 0
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules),
                  "scanned": scanned}))
"""


def _probe(argv: list[str], **env: str) -> dict[str, Any]:
    environment = {k: v for k, v in os.environ.items() if k != "FOURULES_PLUGINS"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(argv)],
        cwd=ROOT,
        env={**environment, "COLUMNS": "300", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return report


def _elsewhere(modules: list[str]) -> list[str]:
    return [m for m in modules if m in HEAVY or m.split(".")[0] in HEAVY or m.startswith(ELSEWHERE)]


@pytest.mark.parametrize(
    ("argv", "own"),
    [
        (EVALUATE, {"fourules.cli.evaluate"}),
        (ROUND, {"fourules.cli.rounds", "fourules.cli.evaluate"}),
    ],
)
def test_a_command_loads_only_what_it_uses(argv: list[str], own: set[str]) -> None:
    report = _probe(argv)
    assert report["code"] in (0, None), report["out"]
    assert json.loads(report["out"])  # it ran: the document is there
    modules = report["modules"]
    assert _elsewhere(modules) == [], f"{argv[0]} imports {_elsewhere(modules)}"
    commands = {m for m in modules if m.startswith("fourules.cli")}
    assert commands == CLI_AT_START | own, f"{argv[0]} imports {sorted(commands - own)}"
    assert "fourules" not in report["scanned"], "installed plugins were read, none named"


def test_a_named_plugin_is_looked_up_among_the_installed() -> None:
    # The other side of the scan the test above forbids: the probe sees it when it happens.
    report = _probe([*EVALUATE], FOURULES_PLUGINS="no-such-plugin")
    assert report["code"] == 2
    assert "fourules" in report["scanned"]


def test_help_lists_every_command_with_its_summary_and_imports_none() -> None:
    report = _probe(["--help"])
    assert report["code"] in (0, None)
    assert [m for m in report["modules"] if m.startswith("fourules")] == [
        "fourules",
        "fourules.cli",
        "fourules.cli.main",
        "fourules.cli.options",  # typer alone: how the entry point's --policies is declared
    ]
    panel = report["out"].split("Commands")[1]
    listed = re.findall(r"^│ (\S+) ", panel, flags=re.MULTILINE)
    assert listed == list(COMMANDS)
    words = " ".join(re.sub(r"[│╰╯─]", " ", panel).split())
    for lazy in COMMANDS.values():
        assert " ".join(lazy.summary.split()) in words


def test_every_summary_is_the_first_paragraph_of_the_commands_own_help() -> None:
    group = typer.main.get_group(app)
    ctx = typer.Context(group)
    assert group.list_commands(ctx) == list(COMMANDS)
    for name, lazy in COMMANDS.items():
        command = group.get_command(ctx, name)
        assert command is not None and command.name == name
        assert inspect.cleandoc(command.help or "").split("\n\n")[0] == lazy.summary, name
        # What a listing shows besides the help, which the summary alone cannot carry.
        assert not command.short_help and not command.hidden and not command.deprecated, name
        assert getattr(command, "rich_help_panel", None) is None, name


def test_import_fourules_loads_nothing_else_and_every_public_name_resolves() -> None:
    code = (
        "import json, sys\n"
        "import fourules\n"
        "alone = sorted(m for m in sys.modules if m.startswith('fourules'))\n"
        "loaded = 'importlib.metadata' in sys.modules\n"
        "names = {n: type(getattr(fourules, n)).__name__ for n in fourules.__all__}\n"
        "print(json.dumps([alone, loaded, names]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    alone, metadata_loaded, names = json.loads(done.stdout)
    assert alone == ["fourules"] and not metadata_loaded
    assert set(names) == set(fourules.__all__)
    assert names["__version__"] == "str" and names["Evaluator"] == "type"
    assert names["evaluate"] == "function"
