#!/usr/bin/env python3
"""Set up and run fourules on a fresh machine with only Python (3.11, 3.12 or 3.13).

    python3 dev.py demo   # set up a virtualenv, then run the main job on the shipped data
    python3 dev.py test   # set up a virtualenv, then ruff (src/, tests/), mypy (src/) and the whole test suite

Each command creates its virtualenv on first use (.venv; .venv-3.13 under Python 3.13) and
reinstalls only when a pyproject changes. Under 3.13, durable-rules is built from source
with tools/durable-rules-py313.h (it needs a C compiler and the Python headers).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SUPPORTED = ((3, 11), (3, 12), (3, 13))
NEEDS_BUILD = (3, 13)
"""durable-rules 2.0.28 calls PyEval_CallObject, which 3.13 removed: built from source there."""
COMPAT_HEADER = ROOT / "tools" / "durable-rules-py313.h"
DURABLE_RULES = "durable-rules==2.0.28"


def _supported_interpreter() -> None:
    """Carry on under this Python if it is supported, else start again under one that is."""
    if sys.version_info[:2] in SUPPORTED:
        return
    for name in ("python3.13", "python3.12", "python3.11"):
        found = shutil.which(name)
        if found:
            os.execv(found, [found, __file__, *sys.argv[1:]])
    sys.exit(
        f"dev.py: fourules needs Python 3.11, 3.12 or 3.13, found {sys.version.split()[0]}"
    )


VENV = ROOT / (".venv-3.13" if sys.version_info[:2] == NEEDS_BUILD else ".venv")
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


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
        _run(sys.executable, "-m", "venv", VENV)
    stamp_file = VENV / ".fourules-installed"
    if stamp_file.exists() and stamp_file.read_text() == _stamp():
        return
    pip = [BIN / "python", "-m", "pip", "--disable-pip-version-check", "--quiet"]
    _run(*pip, "install", "--upgrade", "pip")
    if sys.version_info[:2] == NEEDS_BUILD:
        _build_durable_rules(pip)
    _run(*pip, "install", "--editable", ".[dev]")
    # The example plugins, installed as a user would: their entry points are tested for real.
    for plugin in sorted(ROOT.glob("plugins/*/pyproject.toml")):
        _run(*pip, "install", "--editable", plugin.parent)
    stamp_file.write_text(_stamp())


def _build_durable_rules(pip: list[str | Path]) -> None:
    """durable-rules from source, told by a header how to call Python 3.13 (no code of it is
    changed); a clear message when a compiler or the Python headers are missing."""
    import sysconfig

    compiler = shutil.which("gcc") or shutil.which("cc")
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if compiler is None or not headers.exists():
        missing = "a C compiler" if compiler is None else f"the Python headers ({headers})"
        sys.exit(
            f"dev.py: on Python 3.13 durable-rules is built from source and needs {missing}; "
            "on Debian: apt-get install build-essential python3-dev"
        )
    env = {**os.environ, "CC": f"{compiler} -include {COMPAT_HEADER}"}
    done = subprocess.run(
        [str(a) for a in (*pip, "install", "--no-binary", "durable-rules", DURABLE_RULES)],
        cwd=ROOT,
        env=env,
        check=False,
    )
    if done.returncode:
        sys.exit(done.returncode)


def demo() -> None:
    """The main job on the shipped data: both calls checked, the real 2018 round evaluated,
    audited and allocated, the 2018 readings replayed on it, example 2024 applications
    evaluated. Scores from the decisions'
    criteria only: the example plugins are installed, listed as not loaded, and not loaded."""
    fourules = BIN / "fourules"
    round_2018 = "policies/2018/round.json"
    # A plugin named in the caller's environment would add points no decision gives.
    os.environ.pop("FOURULES_PLUGINS", None)
    _run(fourules, "policies")
    _run(fourules, "plugins")
    _run(fourules, "check", "policies/2018")
    _run(fourules, "check", "policies/2024")
    _run(fourules, "round", round_2018)
    _run(fourules, "audit", round_2018)
    _run(fourules, "allocate", round_2018, "--budget-project", "2705000", "--budget-study-trip", "231200")
    _run(fourules, "readings", "2018", "--replay", round_2018)
    _run(fourules, "evaluate", "examples/applications-2024.json", "--year", "2024")


def test() -> None:
    _run(BIN / "ruff", "check", "src", "tests")
    _run(BIN / "mypy", "src")
    given = sys.argv[2:]
    # One worker a core, each taking whole test files (their module fixtures start a server
    # or a browser once), in collection order: tests/conftest.py puts the longest files first.
    # A third worker on 2 cores was slower (11.8 against 10 min). Arguments of the caller's
    # own (`-n 0`, a file) go after, so they win.
    parallel = ["-n", "auto", "--dist", "loadfile", "--no-loadscope-reorder"]
    # Compiled modules and pytest's rewritten tests are kept (in __pycache__, ignored by
    # git) even where the environment says not to: collecting the suite took 26-30 s of a
    # worker without them and 12 s with them, and each command the tests start imports
    # fourules compiled (the server's modules 1.9 -> 1.4 s).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    _run(BIN / "python", "-m", "pytest", *parallel, *given)


def main() -> None:
    _supported_interpreter()
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    setup()
    commands[sys.argv[1]]()


if __name__ == "__main__":
    main()
