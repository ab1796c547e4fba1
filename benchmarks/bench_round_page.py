"""A round's page, as the pages draw it (in process, through the app).

    python benchmarks/bench_round_page.py [--runs 15]

The shipped 2018 round (40 applications, three charts on its page) uploaded to `/rounds`:
- `charts new`: each run the round without one of its applications, another in each run
  and none alike one left out before (35 of the 40 are unlike: two of Farsta's projects
  ask the same, and five of Socialförvaltningen's study trips), so that its charts are
  drawn anew (all three, or the two of amounts where the one left out counts toward no
  quota): what a first upload costs;
- `drawn again`: the same round again (the page carries its round back to itself: the
  allocation's form, a record, the page in the other language).
Prints the median, min and max of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))

from medians import timed_ms

from fourules import Evaluator, get_plugin_manager
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.server import create_app

ROUND = builtin_policy_dir() / "2018" / "round.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    client = TestClient(create_app(Evaluator(get_plugin_manager(load_entry_points=False))))
    whole = json.loads(ROUND.read_bytes())

    def upload(data: bytes) -> None:
        page = client.post("/rounds", files={"file": ("round.json", data)})
        assert page.status_code == 200 and page.text.count("<svg") == 3, page.status_code

    apps = whole["applications"]
    unlike: dict[str, int] = {}  # one of each kind of application, by what the charts read
    for n, a in enumerate(apps):
        unlike.setdefault(json.dumps([a["applicants"], a["requested_sek"], a["kind"]]), n)
    left_out = list(unlike.values())
    assert len(left_out) >= args.runs, f"{len(left_out)} rounds of charts of their own"

    def without_one(i: int) -> None:
        round_ = dict(whole, applications=[a for n, a in enumerate(apps) if n != left_out[i]])
        upload(json.dumps(round_).encode())

    upload(ROUND.read_bytes())  # the first page of the process: its imports
    report = {
        "charts new": timed_ms(args.runs, without_one),
        "drawn again": timed_ms(args.runs, lambda i: upload(ROUND.read_bytes())),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
