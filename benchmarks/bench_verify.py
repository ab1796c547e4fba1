"""Decision logs at the speed of evaluation: writing, reading and `fourules verify`.

    python benchmarks/bench_verify.py [--records 100000] [--every 1000] [--runs 3]
                                      [--cli] [--dask] [--folder DIR]

Generates --records applications (half 2018, half 2024) and evaluates them once. Then, in
each of --runs rounds, one step after the other (so that a busy machine slows them alike):

- `evaluate`: the evaluations verify repeats, `Evaluator.evaluate` of every record's input,
  each result dropped as verify drops it (kept, a list of 100 000 results made every
  evaluation 11-14 µs dearer through the collector's walks, and every ratio kinder);
- `write`: the decisions appended to a new log through `DecisionLog`, --every at a time
  (and, untimed by the targets, to a second log signed every --every records); the log
  of the round before is removed before the clock starts;
- `read_hash_chain`: every line of the log read strictly, its hash computed again and its
  link to the record before it checked: what verify does besides re-evaluating;
- `verify`: `verify_logs` of the log, and `verify_with_checkpoints` of the signed one with
  its checkpoints and a published one checked against the public key.

Prints a JSON report: per record µs of each step (median and range over the rounds) in CPU
time of this process (user and system: what the step costs, which other processes on a busy
machine disturb less than they do the wall clock; on an idle one the two agree), the same
in wall time, the system's share of the CPU time, and the targets as each round's ratios of CPU times (median and range) with
whether the median meets them:
read, hash and chain ≤ 100 µs a record; verify ≤ 3 × the evaluations it repeats; writing
adds at most the evaluations' own cost (write ≤ 1 × evaluate). With --cli, also a fresh
`fourules verify --format json` of the signed log (start-up and output included; peak
memory); with --dask, the Dask example on a local cluster of two workers. The logs are
written to --folder (default: a temporary folder), about 4 kB a record each.

What the script itself holds (the applications, their evaluations to write) is frozen out
of the collector's walks (`gc.freeze`) before the first clock: a process that verifies or
writes does not hold 100 000 results, and the walks over them fell on every step.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

TARGETS = {
    "read_hash_chain_us": 100.0,
    "verify_per_evaluate": 3.0,
    "write_per_evaluate": 1.0,
}


def decisions(records: int) -> tuple[Any, list[tuple[dict[str, Any], str]], list[Any]]:
    """The evaluator, the applications with their years, and their evaluations."""
    from generate import applications

    from fourules import Evaluator, get_plugin_manager

    ev = Evaluator(get_plugin_manager(load_entry_points=False))
    half = records // 2
    apps = [(a, "2018") for a in applications(half, "2018")]
    apps += [(a, "2024") for a in applications(records - half, "2024")]
    return ev, apps, [ev.evaluate(app, year) for app, year in apps]


def evaluate_all(ev: Any, apps: list[tuple[dict[str, Any], str]]) -> None:
    """Every evaluation verify repeats, each result dropped (verify keeps none)."""
    for app, year in apps:
        ev.evaluate(app, year)


def timed(step: Callable[[], object]) -> tuple[float, float, float]:
    """The step's seconds: CPU time of this process (user and system), wall time, and the
    system's share of the CPU time (writing a log into the page cache is most of it)."""
    before, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    step()
    after, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - wall
    system = after.ru_stime - before.ru_stime
    return after.ru_utime - before.ru_utime + system, wall, system


def write(path: Path, pairs: list[tuple[Any, Any]], every: int, signing: Any = None) -> None:
    """The decisions appended to `path`, a new log (`path` removed beforehand)."""
    from fourules.decision_log.log import DecisionLog

    log = DecisionLog(path, signing)
    for i in range(0, len(pairs), every):
        log.append(pairs[i : i + every])
    log.close()


def read_hash_chain(path: Path) -> int:
    """Every line read strictly, every record's hash computed again and its link checked."""
    from fourules.decision_log.records import Record, read_line
    from fourules.decision_log.verification import read_log

    expected, count = None, 0
    for _, raw in read_log(path):
        line = read_line(raw)
        if isinstance(line, Record):
            assert line.computed() == line.stored and line.prev == expected, "the chain holds"
            expected, count = line.stored, count + 1
    return count


def verify(ev: Any, log: Path, public: Path | None, published: Path | None) -> None:
    from fourules.decision_log.keys import load_public_key
    from fourules.decision_log.verification import GOOD, verify_logs

    key = load_public_key(public) if public else None
    results = verify_logs([log], ev, key, [published] if published else [])
    assert all(r.verdict in GOOD for r in results), "the generated log must verify"


def fresh_process(command: list[str]) -> tuple[float, float]:
    """Wall seconds and the children's peak RSS (MB) of one run whose output is discarded;
    the built-in scorers only, as the logs were written."""
    start = time.perf_counter()
    env = {**os.environ, "FOURULES_PLUGINS": ""}
    done = subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False
    )
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stderr.decode()
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def spread(values: list[float], digits: int = 1) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
    }


def rounds(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    from fourules.decision_log.keys import generate_keys, load_private_key
    from fourules.decision_log.log import Checkpointing, DecisionLog

    ev, apps, evaluations = decisions(args.records)
    pairs = list(zip((a for a, _ in apps), evaluations, strict=True))
    private, public = generate_keys(folder / "keys")
    plain_log, signed_log, published = (
        folder / "plain.jsonl",
        folder / "signed.jsonl",
        folder / "published.txt",
    )
    signing = Checkpointing(load_private_key(private), every=args.every, origin="bench/signed")
    steps: dict[str, list[float]] = {}
    walls: dict[str, list[float]] = {}
    systems: dict[str, list[float]] = {}

    def record(name: str, seconds: tuple[float, float, float]) -> None:
        steps.setdefault(name, []).append(seconds[0] / args.records * 1e6)
        walls.setdefault(name, []).append(seconds[1] / args.records * 1e6)
        systems.setdefault(name, []).append(seconds[2] / args.records * 1e6)

    gc.collect()
    gc.freeze()
    for _ in range(args.runs):
        record("evaluate", timed(lambda: evaluate_all(ev, apps)))
        plain_log.unlink(missing_ok=True)  # a log of 1 GB removed: not the writing's cost
        record("write", timed(lambda: write(plain_log, pairs, args.every)))
        signed_log.unlink(missing_ok=True)
        record("write_signed", timed(lambda: write(signed_log, pairs, args.every, signing)))
        published.write_text(DecisionLog(signed_log, signing).checkpoint().note, "utf-8")
        record("read_hash_chain", timed(lambda: read_hash_chain(plain_log)))
        record("verify", timed(lambda: verify(ev, plain_log, None, None)))
        record("verify_with_checkpoints", timed(lambda: verify(ev, signed_log, public, published)))
    ratios = {
        "read_hash_chain_us": steps["read_hash_chain"],
        "verify_per_evaluate": [
            v / e for v, e in zip(steps["verify"], steps["evaluate"], strict=True)
        ],
        "write_per_evaluate": [
            w / e for w, e in zip(steps["write"], steps["evaluate"], strict=True)
        ],
    }
    report: dict[str, Any] = {
        "per_record_us": {name: spread(values) for name, values in steps.items()},
        "per_record_us_wall": {name: spread(values) for name, values in walls.items()},
        "per_record_us_system": {name: spread(values) for name, values in systems.items()},
        "targets": {
            name: {
                "at_most": TARGETS[name],
                **spread(values, 2),
                "met": statistics.median(values) <= TARGETS[name],
            }
            for name, values in ratios.items()
        },
        "log_mb": round(plain_log.stat().st_size / 1e6, 1),
        "record_bytes": round(plain_log.stat().st_size / args.records),
    }
    checked = [str(signed_log), "--public-key", str(public), "--checkpoint", str(published)]
    if args.cli:
        cli = [sys.executable, "-m", "fourules", "verify", "--format", "json"]
        seconds, rss = fresh_process([*cli, *checked])
        report["cli_verify_with_checkpoints_s"] = round(seconds, 1)
        report["cli_peak_rss_mb"] = round(rss)
    if args.dask:
        example = HERE.parent / "examples" / "dask_decisions.py"
        dask = [sys.executable, str(example), "--workers", "2", "--partition", "5000"]
        seconds, _ = fresh_process([*dask, "verify", *checked])
        report["dask_2_workers_verify_with_checkpoints_s"] = round(seconds, 1)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--every", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cli", action="store_true", help="Also a fresh `fourules verify`.")
    parser.add_argument("--dask", action="store_true", help="Also the Dask example.")
    parser.add_argument("--folder", type=Path, help="Write the logs here (else a temporary one).")
    args = parser.parse_args()
    report: dict[str, Any] = {"records": args.records, "checkpoint_every": args.every}
    report["runs"] = args.runs
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if (folder / "keys").exists():
            _clear_keys(folder / "keys")
        report |= rounds(args, folder)
    report["cpus"] = os.cpu_count()
    print(json.dumps(report, indent=2))


def _clear_keys(folder: Path) -> None:
    """Keys from an earlier run in --folder: keygen never overwrites, so they go first."""
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()
