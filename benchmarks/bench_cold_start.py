"""Cold start: a whole `fourules` process, from exec to exit, against a bare Python.

    python benchmarks/bench_cold_start.py [--runs 15]

Times, as a user meets them, `fourules evaluate examples/project-2018.json --year 2018
--format json`, `fourules round policies/2018/round.json --format json` and `fourules
--help`; in the same run, interleaved with them so a machine that slows down slows all
alike, `python -c pass` (what any Python program pays) and the floor: `python -c "import
pydantic, yaml, typer, durable.lang"`, the libraries a command that validates its input,
reads the calls, has this command line and evaluates with durable-rules cannot do
without; and the same with one pydantic model defined (importing pydantic defers most of
it to the first model). Prints a JSON report: per command the median, min and max in
seconds and the ratio of its median to `python -c pass`'s. Target: evaluate ≤ 0.2 s
median.

The console script next to this Python runs the checkout's code (its `src` first on the
path), so the figures are of the tree the script is in; its bytecode is cached (written by
a first run off the clock), as an installed package's is, and so is the catalogue of
words' read (`texts/__init__.py`), which is kept beside it.

A command ends without the interpreter's last collections (`cli/command.py`), a bare Python
program with them: the floors include that walk over every object they made (some 25 ms of
the floor with one model here, more on a busy machine), the commands do not.

What paid, on one 2-CPU machine (evaluate, paired medians of 40 interleaved runs): no last
collection at exit, 27-43 ms; list defaults that are not `list` itself (`policy.source.
empty_list`: pydantic reads a default factory's signature, a builtin's through tokenize),
11 ms; together 0.204 -> 0.167 s. What did not (under 2 ms each, below this benchmark's
noise): not importing the people's renderers for JSON (1.5 ms), docstrings for the
dataclasses that had none (0.2), compiling the command line's control-character pattern on
first use (0.3).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 0.2
"""The evaluate command's median cold start we hold ourselves to."""


def _commands() -> dict[str, list[str]]:
    fourules = str(Path(sys.executable).with_name("fourules"))
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "floor: import pydantic, yaml, typer, durable.lang": [
            sys.executable,
            "-c",
            "import pydantic, yaml, typer, durable.lang",
        ],
        # `import pydantic` defers most of pydantic; the first model builds its validators
        # and reads the installed pydantic plugins: what the first model of any command pays.
        "floor with one pydantic model": [
            sys.executable,
            "-c",
            "import yaml, typer, durable.lang\nfrom pydantic import BaseModel\n"
            "class Model(BaseModel):\n    value: int",
        ],
        "fourules evaluate": [
            fourules,
            "evaluate",
            "examples/project-2018.json",
            "--year",
            "2018",
            "--format",
            "json",
        ],
        "fourules round": [fourules, "round", "policies/2018/round.json", "--format", "json"],
        "fourules --help": [fourules, "--help"],
    }


def _time(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    # check=True: a command that fails fast must not pass for a fast start.
    subprocess.run(argv, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def bench(runs: int) -> dict[str, Any]:
    env = dict(os.environ)
    # The bytecode is cached, as an installed package has it: without it every run would
    # also compile each module of the tree, which no user's start pays.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    commands = _commands()
    for argv in commands.values():  # warm the file cache and the bytecode, off the clock
        _time(argv, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():  # interleaved: one of each per round
            times[name].append(_time(argv, env))
    bare = statistics.median(times["python -c pass"])
    report: dict[str, Any] = {}
    for name, seconds in times.items():
        median = statistics.median(seconds)
        report[name] = {
            "median_s": round(median, 3),
            "min_s": round(min(seconds), 3),
            "max_s": round(max(seconds), 3),
            "ratio_to_python": round(median / bare, 1),
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    commands = bench(args.runs)
    evaluate = commands["fourules evaluate"]["median_s"]
    report = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "runs": args.runs,
        "commands": commands,
        "target": {"evaluate_median_s": TARGET_S, "met": evaluate <= TARGET_S},
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
