"""Whole rounds: evaluation and allocation of 1 000, 10 000 and 100 000 generated applications.

    python benchmarks/bench_rounds.py [--sizes 1000 10000 100000]

Prints a JSON report: seconds, microseconds per application, peak memory (RSS high-water
mark of a fresh process per size) and how cost grows. Target (issue 3): 10 000
applications evaluated in under 1 s; linear growth.

Each size is measured in `--runs` fresh processes, the least taken (the machine's other
work only ever adds).

Then, as a user meets it, `fourules round FILE --format json --output OUT` of the largest
size up to 10 000 as a whole process (least of `--runs`), against what it cannot do
without: its evaluation in process (`evaluate_round_s` above) plus the start-up (the same
command on a round of one application, least of `--runs`); and the JSON's size. Targets
(issue 28): end to end at most 2 × the evaluation plus the start-up; the JSON a tenth of
what it was (107 MB for 10 000 generated 2018 applications, 10.7 kB each), at most
1.07 kB an application.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

HERE = Path(__file__).parent
KB_PER_APPLICATION_BEFORE = 10.7
"""Issue 28's measurement: 107 MB for 10 000 generated 2018 applications, every finding
with its whole source, indented."""


def measure(size: int, year: str) -> dict[str, float]:
    """One size in this process: called in a fresh subprocess so peak memory is its own."""
    from generate import applications

    from fourules import Evaluator, get_plugin_manager
    from fourules.rounds.allocation import allocate, make_budget
    from fourules.rounds.evaluation import evaluate_round
    from fourules.rounds.model import Round

    apps = applications(size, year)
    for i, app in enumerate(apps):  # the administration's own ranking, for the tie-break
        app["priority"] = 1 + i % 4
    ev = Evaluator(get_plugin_manager(load_entry_points=False))  # the built-ins: the core's cost
    ev.require(year)
    start = time.perf_counter()
    round_ = Round.model_validate({"year": year, "applications": apps})
    loaded = time.perf_counter()
    result = evaluate_round(round_, year, ev)
    evaluated = time.perf_counter()
    allocate(round_, result, ev.load_policy(year), make_budget(size * 200_000, None, None))
    allocated = time.perf_counter()
    return {
        "applications": size,
        "validate_s": round(loaded - start, 3),
        "evaluate_round_s": round(evaluated - loaded, 3),
        "allocate_s": round(allocated - evaluated, 3),
        "evaluate_us_per_application": round((evaluated - loaded) / size * 1e6, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--year", default="2024")
    parser.add_argument(
        "--runs", type=int, default=3, help="Runs of each measurement; the least is kept."
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.year)))
        return
    rows = [_least(size, args) for size in args.sizes]
    base = rows[0]
    for row in rows:
        row["growth_vs_smallest"] = round(
            (row["evaluate_round_s"] / base["evaluate_round_s"])
            / (row["applications"] / base["applications"]),
            2,
        )
    largest = max((r for r in rows if r["applications"] <= 10_000), key=lambda r: r["applications"])
    report = {"year": args.year, "sizes": rows, "end_to_end": _end_to_end(largest, args)}
    print(json.dumps(report, indent=2))


def _least(size: int, args: argparse.Namespace) -> dict[str, float]:
    """`measure` in `args.runs` fresh processes: the run whose evaluation took least."""
    runs = []
    for _ in range(args.runs):
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--year", args.year],
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(done.stdout))
    return min(runs, key=lambda r: r["evaluate_round_s"])


def _end_to_end(measured: dict[str, float], args: argparse.Namespace) -> dict[str, float | bool]:
    """`fourules round --format json` of `measured`'s size, whole process, against its
    in-process evaluation plus the same command's start-up on one application."""
    from generate import applications

    size = int(measured["applications"])
    fourules = str(Path(sys.executable).with_name("fourules"))
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        apps = applications(size, args.year)
        (work / "round.json").write_text(json.dumps({"year": args.year, "applications": apps}))
        (work / "one.json").write_text(json.dumps({"year": args.year, "applications": apps[:1]}))

        def timed(name: str) -> float:
            runs = []
            for _ in range(args.runs):
                start = time.perf_counter()
                command = [fourules, "--plugins", "", "round", str(work / name), "--format", "json"]
                written = work / f"{name}.out"
                subprocess.run(
                    [*command, "--output", str(written)], check=True, capture_output=True
                )
                runs.append(time.perf_counter() - start)
            return min(runs)

        whole, start_up = timed("round.json"), timed("one.json")
        written = (work / "round.json.out").stat().st_size
    least = measured["evaluate_round_s"] + start_up
    return {
        "applications": size,
        "end_to_end_s": round(whole, 3),
        "start_up_s": round(start_up, 3),
        "evaluate_round_s": measured["evaluate_round_s"],
        "ratio_to_evaluation_plus_start_up": round(whole / least, 2),
        "json_mb": round(written / 1e6, 1),
        "json_kb_per_application": round(written / size / 1e3, 2),
        "json_share_of_before": round(written / size / 1e3 / KB_PER_APPLICATION_BEFORE, 3),
        "target_met": whole <= 2 * measured["evaluate_round_s"] + start_up,
        "json_target_met": written / size / 1e3 <= KB_PER_APPLICATION_BEFORE / 10,
    }


if __name__ == "__main__":
    main()
