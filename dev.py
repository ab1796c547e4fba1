#!/usr/bin/env python3
"""Set up and run fourules on a fresh machine with only Python (3.11 or 3.12).

    python3 dev.py demo   # set up .venv, then run the main job on the shipped data
    python3 dev.py test   # set up .venv, then ruff + mypy on src/ and the whole test suite

Each command creates .venv on first use and reinstalls only when a pyproject changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
SUPPORTED = ((3, 11), (3, 12))  # durable-rules 2.0.28 does not import on 3.13
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _interpreter() -> str:
    if sys.version_info[:2] in SUPPORTED:
        return sys.executable
    for name in ("python3.12", "python3.11"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit(
        f"dev.py: fourules needs Python 3.11 or 3.12 (durable-rules), found {sys.version.split()[0]}"
    )


def _stamp() -> str:
    digest = hashlib.sha256()
    for file in sorted([ROOT / "pyproject.toml", *ROOT.glob("plugins/*/pyproject.toml")]):
        digest.update(file.read_bytes())
    return digest.hexdigest()


def _run(*args: str | Path) -> None:
    done = subprocess.run([str(a) for a in args], cwd=ROOT, check=False)
    if done.returncode:
        sys.exit(done.returncode)


def setup() -> None:
    if not (BIN / "python").exists():
        _run(_interpreter(), "-m", "venv", VENV)
    stamp_file = VENV / ".fourules-installed"
    if stamp_file.exists() and stamp_file.read_text() == _stamp():
        return
    pip = [BIN / "python", "-m", "pip", "--disable-pip-version-check", "--quiet"]
    _run(*pip, "install", "--upgrade", "pip")
    _run(*pip, "install", "--editable", ".[dev]")
    # The example plugins, installed as a user would: their entry points are tested for real.
    for plugin in sorted(ROOT.glob("plugins/*/pyproject.toml")):
        _run(*pip, "install", "--editable", plugin.parent)
    stamp_file.write_text(_stamp())


def demo() -> None:
    """The main job on the shipped data: the 2024 call checked, the real 2018 round evaluated,
    audited and allocated, example 2024 applications evaluated."""
    fourules = BIN / "fourules"
    round_2018 = "policies/2018/round.json"
    _run(fourules, "policies")
    _run(fourules, "check", "policies/2024")
    _run(fourules, "round", round_2018)
    _run(fourules, "audit", round_2018)
    _run(fourules, "allocate", round_2018, "--budget-project", "2705000", "--budget-study-trip", "231200")
    _run(fourules, "evaluate", "examples/applications-2024.json", "--year", "2024")


def test() -> None:
    _run(BIN / "ruff", "check", "src")
    _run(BIN / "mypy", "src")
    _run(BIN / "python", "-m", "pytest", *sys.argv[2:])


def main() -> None:
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    setup()
    commands[sys.argv[1]]()


if __name__ == "__main__":
    main()
