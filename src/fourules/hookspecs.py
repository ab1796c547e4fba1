"""The plugin hooks of fourules, where plugins have always found them (`fourules.hookspecs`);
they are specified, and documented, in `fourules.evaluation.hookspecs`."""

from fourules.evaluation.hookspecs import (
    fourules_policy_dirs,
    fourules_scorers,
    hookimpl,
    hookspec,
)

__all__ = ["fourules_policy_dirs", "fourules_scorers", "hookimpl", "hookspec"]
