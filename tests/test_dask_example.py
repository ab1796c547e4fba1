"""The documented example beyond one machine: on a Dask cluster of two workers, partitions
give exactly the serial result — for evaluating applications and for verifying logs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import fourules
from fourules.cli.main import app as cli
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.output.canonical import plain

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "dask_decisions.py"

pytest.importorskip("dask.distributed")


def _example(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLE), "--workers", "2", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_applications_evaluated_by_partitions_match_the_serial_run(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import applications

    apps = applications(300, "2024")
    source, target = tmp_path / "apps.jsonl", tmp_path / "out.jsonl"
    source.write_text(
        "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in apps), encoding="utf-8"
    )
    done = _example("--partition", "70", "evaluate", str(source), str(target), "--year", "2024")
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert results == [plain(fourules.evaluate(a, "2024")) for a in apps]


def test_a_log_verified_by_partitions_matches_fourules_verify(tmp_path: Path) -> None:
    """A log with every kind of line: checkpointed and chained records, a forged one, a
    checkpoint, a cut-off last line; and a published checkpoint."""
    runner = CliRunner()
    keys, log = tmp_path / "keys", tmp_path / "decisions.jsonl"
    round_2018 = builtin_policy_dir() / "2018" / "round.json"
    assert runner.invoke(cli, ["log", "keygen", str(keys)]).exit_code == 0
    assert runner.invoke(cli, ["round", str(round_2018), "--decision-log", str(log)]).exit_code == 0
    signed = runner.invoke(
        cli, ["log", "checkpoint", str(log), "--key", str(keys / "decision-log.key")]
    )
    published = tmp_path / "published.txt"
    published.write_text(signed.stdout, encoding="utf-8")
    runner.invoke(cli, ["round", str(round_2018), "--decision-log", str(log)])
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    # A grant changed by hand (records are written in canonical form: no space after ':').
    tampered = re.sub(r'("max_grant_sek": ?)(\d)', r"\g<1>1\g<2>", lines[12], count=1)
    assert tampered != lines[12]
    lines[12] = tampered
    log.write_text("".join(lines)[:-150], encoding="utf-8")
    args = [
        str(log),
        "--public-key",
        str(keys / "decision-log.pub"),
        "--checkpoint",
        str(published),
    ]

    serial = runner.invoke(cli, ["verify", *args, "--format", "json"])
    done = _example("--partition", "7", "verify", *args)
    assert (done.returncode, done.stdout) == (serial.exit_code, serial.stdout), done.stderr
    verdicts = [r["verdict"] for r in json.loads(done.stdout)]
    assert serial.exit_code == 1 and {"tampered", "incomplete", "holds", "reproduces"} <= set(
        verdicts
    )
