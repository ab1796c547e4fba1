"""The version of fourules installed, as its package metadata states it: what a decision
record, the service's health, the pages and `fourules --version` name."""

from __future__ import annotations

import functools


@functools.cache
def fourules_version() -> str:
    """Read on first use: importing importlib.metadata costs a command's start."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("fourules")
    except PackageNotFoundError:  # running from a source tree without installing
        return "0+unknown"
