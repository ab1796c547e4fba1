"""Re-evaluate applications and verify decision logs by partitions on a Dask cluster.

    python examples/dask_decisions.py evaluate APPLICATIONS.jsonl EVALUATIONS.jsonl --year 2024
    python examples/dask_decisions.py verify LOG [LOG …] [--public-key PUB] [--checkpoint FILE …]

Both take [--scheduler tcp://HOST:8786] (default: a local cluster of --workers workers) and
[--partition N] (lines per partition). Install with `pip install 'fourules[distributed]'`;
every worker needs the same fourules and policies as the machine that wrote the decisions.

`evaluate` reads one application (JSON) per line and writes its evaluation per line, in the
same order: `fourules.evaluate` is a pure function of the application, the year and the
language, so partitions need nothing from each other.

`verify` prints exactly what `fourules verify LOG … --format json` prints and exits as it
does (0 all reproduce and every checkpoint holds, 1 otherwise, 2 bad input). The costly part
of verifying — re-evaluating each record, computing its hash, checking a checkpoint's
signature — is per line (`check_line`) and runs on the workers; the walk along each chain
and the checkpoints' head hashes (`assemble`) is cheap and runs here, in order.

`evaluate` reads its file here and sends the lines to the workers. `verify` only cuts each
log into pieces of --partition lines here (offsets and line numbers); each worker reads its
pieces from the file itself, so the logs must be at the same path on every worker (a shared
file system) — a log of 100 000 records is about 0.4 GB. Each worker builds its own evaluator
on first use (`fourules.default_evaluator`).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dask.bag as db
from dask.distributed import Client, LocalCluster

from fourules.errors import InputError
from fourules.decision_log.keys import PublicKey, load_public_key
from fourules.decision_log.verification import (
    GOOD,
    LineCheck,
    assemble,
    check_line,
    read_log,
    read_published,
)


def evaluate_partition(lines: Sequence[tuple[int, str]], year: str, file: str) -> list[str]:
    """One partition of numbered applications: their evaluations as JSON lines."""
    import fourules
    from fourules.evaluation.inputs import read_json
    from fourules.output.canonical import plain

    return [
        json.dumps(
            plain(fourules.evaluate(read_json(line, where=f"{file}:{n}"), year)),
            ensure_ascii=False,
        )
        for n, line in lines
    ]


def check_piece(
    piece: tuple[int, int, int], path: str, public_key: PublicKey | None
) -> list[LineCheck]:
    """One piece of a log — its bytes from `start` to `end`, whole lines, the first numbered
    `first` — each line checked on its own (see `fourules verify`)."""
    import fourules

    start, end, first = piece
    with open(path, "rb") as f:
        f.seek(start)
        data = io.BytesIO(f.read(end - start))
    evaluator = fourules.default_evaluator()
    return [
        check_line(n, raw, evaluator, public_key, f"{path}:{n}")
        for n, raw in enumerate(data, start=first)
        if raw.strip()
    ]


def pieces(path: Path, lines: int) -> list[tuple[int, int, int]]:
    """The log cut into pieces of `lines` lines: (start, end, number of the first line)."""
    next(read_log(path), None)  # a missing or unreadable file: the InputError verify gives
    out, start, offset, first = [], 0, 0, 1
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            offset += len(raw)
            if number % lines == 0:
                out.append((start, offset, first))
                start, first = offset, number + 1
    if offset > start:
        out.append((start, offset, first))
    return out


def evaluate(client: Client, source: Path, target: Path, year: str, partition: int) -> None:
    text = source.read_text(encoding="utf-8")
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    bag = db.from_sequence(lines, partition_size=partition)
    results = client.compute(bag.map_partitions(evaluate_partition, year, str(source))).result()
    target.write_text("".join(line + "\n" for line in results), encoding="utf-8")


def verify(
    client: Client,
    logs: Sequence[Path],
    public_key: Path | None,
    published: Sequence[Path],
    partition: int,
) -> int:
    """`fourules verify` by partitions: prints its JSON, returns its exit code."""
    from fourules.output.canonical import to_json

    key = load_public_key(public_key) if public_key is not None else None
    claims = [(str(p), read_published(p, key)) for p in published]
    checked = []
    for path in logs:
        # (`key=` would name the tasks: the public key goes by its own name)
        futures = client.map(check_piece, pieces(path, partition), path=str(path), public_key=key)
        checked.append((str(path), [c for piece in client.gather(futures) for c in piece]))
    results = assemble(checked, claims)
    sys.stdout.write(to_json(results))
    return 0 if all(r.verdict in GOOD for r in results) else 1


@contextmanager
def connect(scheduler: str | None, workers: int) -> Iterator[Client]:
    """The cluster at `scheduler`, or a local one of `workers` worker processes."""
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        yield client


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scheduler", help="A Dask scheduler's address; default: a local cluster.")
    parser.add_argument("--workers", type=int, default=2, help="Workers of the local cluster.")
    parser.add_argument("--partition", type=int, default=1000, help="Lines per partition.")
    commands = parser.add_subparsers(dest="command", required=True)
    ev = commands.add_parser("evaluate", help="Evaluate a JSON-lines file of applications.")
    ev.add_argument("source", type=Path)
    ev.add_argument("target", type=Path)
    ev.add_argument("--year", required=True)
    ve = commands.add_parser("verify", help="Verify decision logs, as fourules verify.")
    ve.add_argument("logs", type=Path, nargs="+")
    ve.add_argument("--public-key", type=Path)
    ve.add_argument("--checkpoint", type=Path, action="append", default=[])
    args: Any = parser.parse_args(argv)
    try:
        with connect(args.scheduler, args.workers) as client:
            if args.command == "evaluate":
                evaluate(client, args.source, args.target, args.year, args.partition)
                return 0
            return verify(client, args.logs, args.public_key, args.checkpoint, args.partition)
    except InputError as exc:
        print(f"dask_decisions: {exc.text('en')}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
