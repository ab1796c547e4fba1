"""HTTP throughput and latency of `POST /v1/policies/{year}/evaluate` on loopback.

    python benchmarks/bench_service.py [--requests 3000] [--concurrency 1 8 32]

Starts `fourules serve` (one uvicorn worker, pinned to the first core) on a free loopback
port and drives it from this process, pinned to another core so the client is not what
limits the figures: for each number of concurrent clients (threads, each with its own
keep-alive connection), requests per second and p50/p95/p99 latency, one application
per request; then a list of 100 per request. The server's resident memory is read before
the load and after it (from /proc).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))

from generate import applications


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def _percentile(ordered: list[float], share: float) -> float:
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000, 2)


def _load(base: str, path: str, bodies: list[bytes], concurrency: int) -> dict[str, float]:
    latencies: list[float] = []
    lock = threading.Lock()
    next_index = iter(range(len(bodies)))

    def worker() -> None:
        headers = {"content-type": "application/json"}
        with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
            while True:
                with lock:
                    i = next(next_index, None)
                if i is None:
                    return
                start = time.perf_counter()
                response = client.post(path, content=bodies[i])
                elapsed = time.perf_counter() - start
                assert response.status_code == 200, response.text
                with lock:
                    latencies.append(elapsed)

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    latencies.sort()
    return {
        "concurrency": concurrency,
        "requests": len(bodies),
        "requests_per_s": round(len(bodies) / wall, 1),
        "p50_ms": _percentile(latencies, 0.50),
        "p95_ms": _percentile(latencies, 0.95),
        "p99_ms": _percentile(latencies, 0.99),
    }


def _pin(cores: set[int]) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, cores)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    server_core, client_cores = {cores[0]}, set(cores[1:]) or {cores[0]}
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "fourules", "--plugins", "", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: _pin(server_core),
    )
    _pin(client_cores)
    base = f"http://127.0.0.1:{port}"
    path = "/v1/policies/2024/evaluate"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start")
        apps = applications(args.requests, "2024")
        single = [json.dumps(a).encode() for a in apps]
        batches = [json.dumps(apps[i : i + 100]).encode() for i in range(0, len(apps), 100)]
        memory_before = _rss_mib(server.pid)
        _load(base, path, single[:300], 4)  # warm up
        report = {
            "server_core": sorted(server_core),
            "client_cores": sorted(client_cores),
            "server_rss_mib_before": memory_before,
            "one_application": [_load(base, path, single, n) for n in args.concurrency],
            "list_of_100": _load(base, path, batches, 4),
            "server_rss_mib_after": _rss_mib(server.pid),
        }
        print(json.dumps(report, indent=2))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
