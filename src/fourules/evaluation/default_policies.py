"""The built-in policy years (2018, 2024), provided through the same hook a plugin uses."""

from __future__ import annotations

from pathlib import Path

from fourules.evaluation.hookspecs import hookimpl

_PACKAGE = Path(__file__).resolve().parents[1]  # the fourules package


def builtin_policy_dir() -> Path:
    """The installed package carries its policies; a source checkout has them at the top."""
    installed = _PACKAGE / "policies"
    if installed.is_dir():
        return installed
    return _PACKAGE.parents[1] / "policies"


@hookimpl
def fourules_policy_dirs() -> list[Path]:
    return [builtin_policy_dir()]
