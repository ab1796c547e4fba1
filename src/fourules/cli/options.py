"""How a command declares an option given any number of times (typer alone, so the entry
point's own `--policies` uses it without importing what the commands share)."""

from __future__ import annotations

from typing import Any

import typer


def repeatable(flag: str, help: str) -> Any:
    """Option FLAG, given any number of times; its HELP ends as every such option's does."""
    return typer.Option(flag, help=f"{help} Repeatable.")
