"""HTTP throughput and latency of `POST /v1/policies/{year}/evaluate` on loopback.

    python benchmarks/bench_service.py [--requests 2000] [--concurrency 8]

Starts `fourules serve` (one uvicorn worker) on a free loopback port in a second process,
sends a bounded load from this process (threads, keep-alive connections) and reports
throughput and p50/p99 latency, for one application per request and for a list of 100.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
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


def _load(base: str, bodies: list[bytes], concurrency: int) -> dict[str, float]:
    latencies: list[float] = []
    lock = threading.Lock()
    next_index = iter(range(len(bodies)))

    def worker() -> None:
        with httpx.Client(
            base_url=base, timeout=30, headers={"content-type": "application/json"}
        ) as client:
            while True:
                with lock:
                    i = next(next_index, None)
                if i is None:
                    return
                start = time.perf_counter()
                response = client.post("/v1/policies/2024/evaluate", content=bodies[i])
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
        "requests": len(bodies),
        "concurrency": concurrency,
        "requests_per_s": round(len(bodies) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "fourules", "--plugins", "", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
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
        batches = [
            json.dumps(apps[i : i + 100]).encode() for i in range(0, min(len(apps), 100 * 50), 100)
        ]
        _load(base, single[:200], args.concurrency)  # warm up
        report = {
            "one_application": _load(base, single, args.concurrency),
            "list_of_100": _load(base, batches, min(args.concurrency, 4)),
        }
        print(json.dumps(report, indent=2))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
