"""Diffs: structural diff, replay of 10 000 applications under two years, witness search.

    python benchmarks/bench_diff.py [--n 10000]

Targets (issue 5): a structural diff is instant; replay of 10 000 applications under two
years within 2 s; witness search within 10 s by default.
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
from fourules.comparison.replay import replay
from fourules.comparison.structure import diff_policies
from fourules.comparison.witnesses import find_witnesses
from fourules.rounds.model import Round


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    ev = Evaluator(get_plugin_manager(load_entry_points=False))
    a, b = ev.loaded("2018"), ev.loaded("2024")
    start = time.perf_counter()
    changes = diff_policies(a.policy, b.policy, a.ref, b.ref).changes
    structural = time.perf_counter() - start
    round_ = Round.model_validate({"applications": applications(args.n, "2018")})
    start = time.perf_counter()
    replayed = replay(round_, "2018", "2024", ev)
    replay_s = time.perf_counter() - start
    start = time.perf_counter()
    witnesses = find_witnesses(changes, "2018", "2024", ev)
    witness_s = time.perf_counter() - start
    from fourules.comparison.exact import exact_difference

    start = time.perf_counter()
    exact = exact_difference(ev, "2018", "2024")
    exact_s = time.perf_counter() - start
    print(
        json.dumps(
            {
                "structural_diff_ms": round(structural * 1000, 2),
                "changes": len(changes),
                "replay": {
                    "applications": args.n,
                    "seconds": round(replay_s, 3),
                    "changed": replayed.summary.changed,
                },
                "witnesses": {
                    "seconds": round(witness_s, 3),
                    "found": sum(w.application is not None for w in witnesses),
                    "none": sum(w.application is None for w in witnesses),
                },
                "exact": {
                    "seconds": round(exact_s, 3),
                    "complete": exact.complete,
                    "regions": len(exact.regions),
                    "solver_regions": exact.raw_regions,
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
