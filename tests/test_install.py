"""A non-editable install carries its policies: evaluating works from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_installed_package_evaluates_from_elsewhere(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(site),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    assert (site / "fourules" / "policies" / "2018" / "policy.yaml").is_file()
    assert (site / "fourules" / "policies" / "2024" / "document.txt").is_file()
    assert (site / "fourules" / "policies" / "2024" / "cases.yaml").is_file()
    assert (site / "fourules" / "rounds" / "checks.yaml").is_file()  # the round checks
    for lang in ("sv", "en"):  # the catalogue of words
        assert (site / "fourules" / "texts" / f"{lang}.yaml").is_file()

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    app = {
        "id": "x",
        "kind": "study_trip",
        "title": "t",
        "applicants": ["Farsta"],
        "requested_sek": 40000,
    }
    done = subprocess.run(
        [sys.executable, "-m", "fourules", "evaluate", "-", "--year", "2018", "--format", "json"],
        input=json.dumps(app),
        capture_output=True,
        text=True,
        check=False,
        cwd=elsewhere,
        env={**os.environ, "PYTHONPATH": str(site)},
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["max_grant_sek"] == 25000
    where = subprocess.run(
        [sys.executable, "-c", "import fourules; print(fourules.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=elsewhere,
        env={**os.environ, "PYTHONPATH": str(site)},
    )
    assert where.stdout.strip().startswith(str(site))
