"""Single evaluations: durable-rules against the plain-Python floor, memory.

    python benchmarks/bench_evaluate.py [--n 10000] [--runs 5] [--memory 100000]

Prints a JSON report, per year: a whole evaluation through durable-rules (result model
included) and through the plain-Python oracle; the rule decisions alone; the least
durable-rules needs to decide the same rules (`bare_durable`); a hand-written reading of
the year (the floor, checked to agree); and the ratios. Targets: evaluate ≤ 3 × bare
durable-rules; memory flat. The cold start of a whole command has its own script,
`bench_cold_start.py`.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from floor import bare_durable, floor
from generate import applications

from fourules import Evaluator, get_plugin_manager
from fourules.engine.clauses import oracle_fire
from fourules.evaluation.inputs import parse_application


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _per_eval_us(fn: Any, items: list[Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for item in items:
            fn(item)
        times.append((time.perf_counter() - start) / len(items) * 1e6)
    return statistics.median(times)


def bench_year(year: str, n: int, runs: int) -> dict[str, Any]:
    pm = get_plugin_manager(load_entry_points=False)  # the built-ins: the core's cost
    durable, oracle = Evaluator(pm), Evaluator(pm, engine="oracle")
    apps = applications(n, year)
    durable.evaluate(apps[0], year), oracle.evaluate(apps[0], year)  # compile outside the clock
    loaded = durable.loaded(year)
    derive = loaded.policy.vocabulary.derive
    facts = [derive(parse_application(a), loaded.index).fact for a in apps]
    full_durable = _per_eval_us(lambda a: durable.evaluate(a, year), apps, runs)
    full_oracle = _per_eval_us(lambda a: oracle.evaluate(a, year), apps, runs)
    rules_durable = _per_eval_us(loaded.engine.fire, facts, runs)
    rules_oracle = _per_eval_us(lambda f: oracle_fire(loaded.engine.clauses, f), facts, runs)
    bare = bare_durable(loaded.policy)
    bare_us = _per_eval_us(bare, facts, runs)
    hand = floor(year, loaded.index)
    floor_us = None
    agrees = None
    if hand is not None:
        agrees = sum(
            hand(a) == ((e := durable.evaluate(a, year)).outcome, e.max_grant_sek) for a in apps
        )
        floor_us = _per_eval_us(hand, apps, runs)
    return {
        "applications": n,
        "runs": runs,
        "evaluate_us": {
            "durable_rules": round(full_durable, 1),
            "oracle": round(full_oracle, 1),
            "ratio": round(full_durable / full_oracle, 2),
        },
        "rules_only_us": {
            "durable_rules": round(rules_durable, 1),
            "oracle": round(rules_oracle, 1),
            "ratio": round(rules_durable / rules_oracle, 2),
        },
        "bare_durable_rules_us": round(bare_us, 1),
        "hand_written_floor_us": None if floor_us is None else round(floor_us, 2),
        "floor_agrees_on_outcome_and_grant": agrees,
        "evaluate_per_bare_durable_rules": round(full_durable / bare_us, 2),
        "evaluate_per_floor": None if floor_us is None else round(full_durable / floor_us, 1),
    }


def bench_memory(total: int) -> dict[str, Any]:
    ev = Evaluator(get_plugin_manager(load_entry_points=False))
    apps = applications(10_000, "2024")
    for a in apps:  # warm up: caches, allocator pools
        ev.evaluate(a, "2024")
    before = _rss_mb()
    done = 0
    checkpoints = []
    while done < total:
        for a in apps:
            ev.evaluate(a, "2024")
        done += len(apps)
        checkpoints.append(round(_rss_mb(), 1))
    return {
        "evaluations": done,
        "rss_before_mb": round(before, 1),
        "rss_after_mb": checkpoints[-1],
        "rss_growth_mb": round(checkpoints[-1] - before, 1),
        "rss_every_10000_mb": checkpoints,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--memory", type=int, default=100_000)
    args = parser.parse_args()
    report = {
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
        "years": {year: bench_year(year, args.n, args.runs) for year in ("2018", "2024")},
        "memory": bench_memory(args.memory),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
