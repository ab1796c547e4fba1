"""`fourules verify` on 100 000 decision records, with and without signed checkpoints.

    python benchmarks/bench_verify.py [--records 100000] [--every 1000] [--dask] [--folder DIR]

Writes two logs of the same generated decisions (half 2018, half 2024 applications,
evaluated once, appended through `DecisionLog` in batches of `--every`): one plain, one
with a checkpoint every `--every` records, plus a published checkpoint of its end. Then
times, on each, `verify_logs` in this process (median of --runs) and `fourules verify
--format json` as a fresh process (what an auditor runs: start-up and output included);
with --dask, also the Dask example on a local cluster of two workers. Prints a JSON report:
seconds, microseconds per record, the log's size, and peak memory of the CLI run.
With --folder, the logs are written there (about 1 GB each) and reused by the next run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))


def write_logs(
    folder: Path, records: int, every: int
) -> tuple[Path, Path, Path, Path, float | None]:
    """The plain log, the checkpointed one, the public key, the published checkpoint, and
    the seconds it took to write both (None when they were there already)."""
    plain_log, signed_log = folder / "plain.jsonl", folder / "signed.jsonl"
    public, published = folder / "keys" / "decision-log.pub", folder / "published.txt"
    if published.exists():
        return plain_log, signed_log, public, published, None
    from generate import applications

    from fourules import Evaluator, get_plugin_manager
    from fourules.decision_log.log import Checkpointing, DecisionLog
    from fourules.decision_log.keys import generate_keys, load_private_key

    ev = Evaluator(get_plugin_manager(load_entry_points=False))
    half = records // 2
    apps = [(a, "2018") for a in applications(half, "2018")]
    apps += [(a, "2024") for a in applications(records - half, "2024")]
    decisions = [(app, ev.evaluate(app, year)) for app, year in apps]
    private, public = generate_keys(folder / "keys")
    start = time.perf_counter()
    plain = DecisionLog(plain_log)
    signing = DecisionLog(
        signed_log, Checkpointing(load_private_key(private), every=every, origin="bench/signed")
    )
    for i in range(0, records, every):
        plain.append(decisions[i : i + every])
        signing.append(decisions[i : i + every])  # signs after each batch
    published.write_text(signing.checkpoint().note, encoding="utf-8")  # the last, published
    return plain_log, signed_log, public, published, time.perf_counter() - start


def in_process(log: Path, public: Path | None, published: Path | None, runs: int) -> float:
    from fourules import Evaluator, get_plugin_manager
    from fourules.decision_log.keys import load_public_key
    from fourules.decision_log.verification import GOOD, verify_logs

    ev = Evaluator(get_plugin_manager(load_entry_points=False))
    key = load_public_key(public) if public else None
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        results = verify_logs([log], ev, key, [published] if published else [])
        times.append(time.perf_counter() - start)
        assert all(r.verdict in GOOD for r in results), "the generated log must verify"
    return statistics.median(times)


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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--every", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--dask", action="store_true")
    parser.add_argument("--only-dask", action="store_true", help="Skip the serial runs.")
    parser.add_argument("--folder", type=Path, help="Write the logs here and reuse them.")
    args = parser.parse_args()
    report: dict[str, Any] = {"records": args.records, "checkpoint_every": args.every}
    cli = [sys.executable, "-m", "fourules", "verify", "--format", "json"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        plain, signed, public, published, written = write_logs(folder, args.records, args.every)
        report["write_both_logs_s"] = None if written is None else round(written, 1)
        report["log_mb"] = round(signed.stat().st_size / 1e6, 1)
        checked = [str(signed), "--public-key", str(public), "--checkpoint", str(published)]
        for name, log, key, claim in (
            ("without_checkpoints", plain, None, None),
            ("with_checkpoints", signed, public, published),
        ):
            if args.only_dask:
                break
            seconds = in_process(log, key, claim, args.runs)
            report[f"verify_{name}_s"] = round(seconds, 1)
            report[f"verify_{name}_us_per_record"] = round(seconds / args.records * 1e6)
        if not args.only_dask:
            seconds, rss = fresh_process([*cli, *checked])
            report["cli_verify_with_checkpoints_s"] = round(seconds, 1)
            report["cli_peak_rss_mb"] = round(rss)
        if args.dask or args.only_dask:
            example = HERE.parent / "examples" / "dask_decisions.py"
            dask = [sys.executable, str(example), "--workers", "2", "--partition", "5000"]
            seconds, _ = fresh_process([*dask, "verify", *checked])
            report["dask_2_workers_verify_with_checkpoints_s"] = round(seconds, 1)
    report["cpus"] = os.cpu_count()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
