"""`fourules allocate --method ranked|optimal [--min-share P]`: time on 40, 1 000 and
10 000 applications.

    python benchmarks/bench_allocate.py [--sizes 40 1000 10000] [--min-share 0.3]

Generated 2024 rounds (benchmarks/generate.py), the round evaluated once outside the clock;
a budget of 200 000 kr per application in the round. Prints seconds per method and size,
in full only and with partial grants of at least the minimum share.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import applications

from fourules import Evaluator, get_plugin_manager
from fourules.rounds.allocation import allocate, make_budget
from fourules.rounds.evaluation import evaluate_round
from fourules.rounds.model import Round


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[40, 1000, 10_000])
    parser.add_argument("--min-share", type=float, default=0.3)
    args = parser.parse_args()
    ev = Evaluator(get_plugin_manager(load_entry_points=False))
    policy = ev.load_policy("2024")
    report = []
    for size in args.sizes:
        round_ = Round.model_validate({"applications": applications(size, "2024")})
        result = evaluate_round(round_, "2024", ev)
        budget = make_budget(size * 200_000, None, None)
        row: dict[str, object] = {"applications": size}
        for method in ("ranked", "optimal"):
            for share in (None, args.min_share):
                name = method if share is None else f"{method}_partial"
                start = time.perf_counter()
                done = allocate(
                    round_,
                    result,
                    policy,
                    budget,
                    method=method,  # type: ignore[arg-type]
                    min_share=share,
                )
                row[f"{name}_s"] = round(time.perf_counter() - start, 3)
                row[f"{name}_score"] = round(
                    sum(
                        ln.score * ln.proposed_sek / (ln.max_grant_sek or 1)
                        for ln in done.lines
                        if ln.status == "funded"
                    ),
                    2,
                )
        report.append(row)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
