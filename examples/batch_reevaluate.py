"""Re-evaluate many applications in parallel partitions: the pattern a cluster engine
(Dask, Spark) uses, shown with the standard library on one machine.

    python examples/batch_reevaluate.py applications.jsonl evaluations.jsonl --year 2024 [--workers 2]

Each line of the input is one application (JSON); each line of the output is its
evaluation, in the same order. `fourules.evaluate` is a pure function of the application,
the year and the language, so partitions need nothing from each other: every worker
process builds its own evaluator on first use, and results never depend on the split.
"""

from __future__ import annotations

import argparse
import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any


def evaluate_partition(job: tuple[list[dict[str, Any]], str]) -> list[str]:
    """One partition: what a Dask `map_partitions` or Spark `mapPartitions` would run."""
    import fourules
    from fourules.output.canonical import plain

    applications, year = job
    return [
        json.dumps(plain(fourules.evaluate(app, year)), ensure_ascii=False) for app in applications
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--year", required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partition", type=int, default=1000, help="Applications per partition.")
    args = parser.parse_args()
    lines = [line for line in args.source.read_text(encoding="utf-8").splitlines() if line.strip()]
    applications = [json.loads(line) for line in lines]
    partitions = [
        (applications[i : i + args.partition], args.year)
        for i in range(0, len(applications), args.partition)
    ]
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        results = [line for part in pool.map(evaluate_partition, partitions) for line in part]
    args.target.write_text("".join(line + "\n" for line in results), encoding="utf-8")


if __name__ == "__main__":
    main()
