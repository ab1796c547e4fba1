"""HTTP throughput and latency of `POST /v1/policies/{year}/evaluate` on loopback.

    python benchmarks/bench_service.py [--seconds 8] [--repeat 3]

Needs `wrk`, a compiled load generator (Debian: `apt-get install wrk`): a Python client on
the same two cores would be what limits the figures. Starts `fourules serve` (one uvicorn
worker, pinned to the first core) on a free loopback port and drives it with `wrk` pinned
to the other core, each connection kept alive, each request a different generated 2024
application: one application a request with 1 and with 8 clients, then a list of 100 a
request with 4 clients. Each load runs `--repeat` times; the report gives each run and the
median of requests per second and of the p50/p99 latencies, the server's resident memory
before and after, and the targets: with 8 clients at least 1 500 requests/s with p99 at
most 10 ms; a list of 100 at least 10 000 applications/s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from generate import applications

ROOT = Path(__file__).resolve().parents[1]
PATH = "/v1/policies/2024/evaluate"
TARGETS = {"requests_per_s_8_clients": 1500, "p99_ms_8_clients": 10.0, "applications_per_s": 10_000}

# Each request takes the next body of BODIES (a file of JSON documents, one a line).
LUA = """
local bodies = {}
for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
"""
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def _pinned(cores: set[int]) -> Any:
    if not hasattr(os, "sched_setaffinity"):
        return None
    return lambda: os.sched_setaffinity(0, cores)


def _ms(text: str, label: str) -> float:
    found = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE)
    if found is None:
        raise SystemExit(f"wrk printed no {label}% latency:\n{text}")
    return round(float(found[1]) * _UNITS[found[2]], 2)


def _wrk(
    url: str, bodies: Path, script: Path, clients: int, seconds: int, core: set[int]
) -> dict[str, float]:
    done = subprocess.run(
        ["wrk", "-t1", f"-c{clients}", f"-d{seconds}s", "--latency", "-s", str(script), url],
        env={**os.environ, "BODIES": str(bodies)},
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=_pinned(core),
    )
    out = done.stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise SystemExit(f"the server refused or dropped requests:\n{out}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if rate is None:
        raise SystemExit(f"wrk printed no rate:\n{out}")
    return {"requests_per_s": float(rate[1]), "p50_ms": _ms(out, "50"), "p99_ms": _ms(out, "99")}


def _median_of(runs: list[dict[str, float]]) -> dict[str, Any]:
    return {
        "runs": runs,
        **{f"median_{k}": round(statistics.median(r[k] for r in runs), 2) for k in runs[0]},
    }


def _wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=8, help="Length of each load.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each load.")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `apt-get install wrk` (Debian), then run again.")
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    server_core, client_core = {cores[0]}, {cores[-1]}
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen(
        [sys.executable, "-m", "fourules", "--plugins", "", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        preexec_fn=_pinned(server_core),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base)
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            script = work / "bodies.lua"
            script.write_text(LUA, encoding="utf-8")
            apps = applications(3000, "2024")
            single, lists = work / "single.jsonl", work / "lists.jsonl"
            single.write_text("\n".join(json.dumps(a) for a in apps) + "\n", encoding="utf-8")
            lists.write_text(
                "\n".join(json.dumps(apps[i : i + 100]) for i in range(0, len(apps), 100)) + "\n",
                encoding="utf-8",
            )
            url = base + PATH
            memory_before = _rss_mib(server.pid)
            _wrk(url, single, script, 8, 2, client_core)  # warm up

            def load(bodies: Path, clients: int) -> dict[str, Any]:
                runs = [
                    _wrk(url, bodies, script, clients, args.seconds, client_core)
                    for _ in range(args.repeat)
                ]
                return {"clients": clients, **_median_of(runs)}

            one, eight, hundred = load(single, 1), load(single, 8), load(lists, 4)
        hundred["median_applications_per_s"] = round(hundred["median_requests_per_s"] * 100)
        report = {
            "server_core": sorted(server_core),
            "client_core": sorted(client_core),
            "server_rss_mib_before": memory_before,
            "one_application": [one, eight],
            "list_of_100": hundred,
            "server_rss_mib_after": _rss_mib(server.pid),
            "targets": {
                **TARGETS,
                "met": eight["median_requests_per_s"] >= TARGETS["requests_per_s_8_clients"]
                and eight["median_p99_ms"] <= TARGETS["p99_ms_8_clients"]
                and hundred["median_applications_per_s"] >= TARGETS["applications_per_s"],
            },
        }
        print(json.dumps(report, indent=2))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
