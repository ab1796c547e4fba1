"""What a command pays for at start-up: `fourules evaluate` and `fourules round` load none
of the heavy libraries only other commands use (a solver, an optimiser, charts, workbooks,
templates, the web service)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("scipy", "numpy", "z3", "matplotlib", "openpyxl", "jinja2", "fastapi", "uvicorn")


@pytest.mark.parametrize(
    "argv",
    [
        ["evaluate", "examples/project-2018.json", "--year", "2018", "--format", "json"],
        ["round", "policies/2018/round.json", "--format", "json"],
    ],
)
def test_a_command_loads_no_library_it_does_not_use(argv: list[str]) -> None:
    code = (
        "import contextlib, io, sys\n"
        f"sys.argv = ['fourules', *{argv!r}]\n"
        "from fourules.cli.main import app\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        app()\n"
        "    except SystemExit as exc:\n"
        "        assert not exc.code, exc.code\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"{argv[0]} imports {done.stdout.strip()}"
