"""The documented scale-out example: partitions evaluated in parallel give the serial result."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import fourules
from fourules.output.canonical import plain

ROOT = Path(__file__).parents[1]


def test_batch_reevaluation_in_partitions_matches_serial(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import applications

    apps = applications(300, "2024")
    source, target = tmp_path / "apps.jsonl", tmp_path / "out.jsonl"
    source.write_text(
        "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in apps), encoding="utf-8"
    )
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "batch_reevaluate.py"),
            str(source),
            str(target),
            "--year",
            "2024",
            "--workers",
            "2",
            "--partition",
            "70",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert results == [plain(fourules.evaluate(a, "2024")) for a in apps]
