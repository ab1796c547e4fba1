"""Where policy years are found: year folders (each holding policy.yaml), in the folders the
plugins provide, in FOURULES_POLICY_PATH and in those given with --policies."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from fourules.errors import InputError, Place, PolicyError
from fourules.policy.model import POLICY_FILE
from fourules.texts import both

POLICY_PATH_ENV = "FOURULES_POLICY_PATH"
"""Folders of policy years to add, separated like PATH (':' here, ';' on Windows)."""


def env_policy_path() -> list[Path]:
    raw = os.environ.get(POLICY_PATH_ENV, "")
    return [Path(p) for p in raw.split(os.pathsep) if p.strip()]


POLICY_PATH = Place("policy_path")
"""The domain key of the folders of policy years a run is given (`use_cases/places.py`)."""


def checked_folder(folder: Path) -> Path:
    """A folder of the policy path, or InputError at the path naming it."""
    if not folder.is_dir():
        raise InputError(both("policy_folder.not_a_folder", folder=str(folder)), POLICY_PATH)
    return folder


def find_years(folders: Iterable[Path]) -> dict[str, Path]:
    """Every year in the folders (each a folder of year folders, or a year folder itself):
    id -> its policy file, in id order. A year found twice is an error naming both files."""
    found: dict[str, Path] = {}
    for folder in folders:
        if (folder / POLICY_FILE).is_file():
            files = [folder / POLICY_FILE]
        else:
            files = sorted(folder.glob(f"*/{POLICY_FILE}"))
        for file in (f.resolve() for f in files):
            year = file.parent.name
            if year in found and found[year] != file:
                raise PolicyError(str(file), "id", f"year {year} is also provided by {found[year]}")
            found[year] = file
    return dict(sorted(found.items()))
