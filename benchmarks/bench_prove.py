"""`fourules prove` per year: building the solver's reading and proving every property.

    python benchmarks/bench_prove.py [--runs 5]

Prints a JSON report: per year, the properties proved and the median and maximum seconds
(in process, the policy already loaded), and the import time of z3.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from fourules import Evaluator, get_plugin_manager
from fourules.authoring.proofs import prove


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    ev = Evaluator(get_plugin_manager(load_entry_points=False))
    report: dict[str, object] = {}
    for year in ev.policy_ids():
        policy, folder = ev.load_policy(year), ev.policy_paths()[year].parent
        times, proved = [], 0
        for _ in range(args.runs):
            start = time.perf_counter()
            result = prove(policy, folder, lambda app, y=year: ev.evaluate(app, y))
            times.append(time.perf_counter() - start)
            proved = sum(p.verdict == "proved" for p in result.proofs)
        report[year] = {
            "properties": len(result.proofs),
            "proved": proved,
            "median_s": round(statistics.median(times), 3),
            "max_s": round(max(times), 3),
        }
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import z3"], check=True)
    report["z3_import_s_in_a_fresh_process"] = round(time.perf_counter() - started, 3)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
