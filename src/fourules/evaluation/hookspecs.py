"""The plugin hooks of fourules (pluggy). Documented once, in docs/plugins.md.

A plugin implements any of these with `@fourules.hookimpl`. Hooks are called with
keyword arguments; an implementation may accept fewer arguments than the spec, so a
spec can grow without breaking plugins. No argument is ever renamed or removed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from fourules.evaluation.scoring import Scorer

hookspec = pluggy.HookspecMarker("fourules")
hookimpl = pluggy.HookimplMarker("fourules")


@hookspec
def fourules_scorers() -> list[Scorer]:
    """Return the scorers this plugin provides.

    Each scorer says which policy years it applies to; an evaluation runs the scorers that
    apply to its year and sums their score items. Return an empty list for none.
    """


@hookspec
def fourules_policy_dirs() -> list[Path]:
    """Return folders that hold policy years, one sub-folder per year with a `policy.yaml`.

    This is how another administration publishes its own calls as a package. A year id
    must not be provided twice.
    """
