"""fourules: the City of Stockholm's LUM and MUL calls as versioned, testable policy code.

    >>> import fourules
    >>> result = fourules.evaluate({...}, year="2018")
    >>> result.outcome, result.max_grant_sek

`evaluate`, `load_policy` and `policies` use one shared `Evaluator`; build your own
`Evaluator(get_plugin_manager(...))` to choose plugins.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fourules.application import Application, ProjectApplication, StudyTripApplication
    from fourules.comparison.structure import PolicyDiff
    from fourules.errors import (
        EngineError,
        FourulesError,
        InputError,
        PolicyError,
        UnknownPolicyError,
    )
    from fourules.evaluation.evaluator import Evaluator
    from fourules.evaluation.hookspecs import hookimpl
    from fourules.evaluation.plugins import get_plugin_manager
    from fourules.evaluation.results import Evaluation, Finding, ScoreItem
    from fourules.evaluation.scoring import Scorer
    from fourules.policy.model import Policy
    from fourules.text import Lang

    __version__: str

_LAZY = {
    "Application": "fourules.application",
    "ProjectApplication": "fourules.application",
    "StudyTripApplication": "fourules.application",
    "EngineError": "fourules.errors",
    "FourulesError": "fourules.errors",
    "InputError": "fourules.errors",
    "PolicyError": "fourules.errors",
    "UnknownPolicyError": "fourules.errors",
    "Evaluator": "fourules.evaluation.evaluator",
    "hookimpl": "fourules.evaluation.hookspecs",
    "get_plugin_manager": "fourules.evaluation.plugins",
    "Evaluation": "fourules.evaluation.results",
    "Finding": "fourules.evaluation.results",
    "ScoreItem": "fourules.evaluation.results",
    "Scorer": "fourules.evaluation.scoring",
    "Policy": "fourules.policy.model",
    "PolicyDiff": "fourules.comparison.structure",
}
"""The public names defined elsewhere, imported on first use (PEP 562) so that `import
fourules`, which every command does, costs only what the command itself uses."""

__all__ = [
    "Application",
    "EngineError",
    "Evaluation",
    "Evaluator",
    "Finding",
    "FourulesError",
    "InputError",
    "Policy",
    "PolicyError",
    "ProjectApplication",
    "ScoreItem",
    "Scorer",
    "StudyTripApplication",
    "UnknownPolicyError",
    "__version__",
    "default_evaluator",
    "diff",
    "evaluate",
    "get_plugin_manager",
    "hookimpl",
    "load_policy",
    "policies",
]

_default: Evaluator | None = None
_default_lock = threading.Lock()


def default_evaluator() -> Evaluator:
    """The evaluator behind the module-level functions, created on first use."""
    global _default
    with _default_lock:
        if _default is None:
            from fourules.evaluation.evaluator import Evaluator

            _default = Evaluator()
        return _default


def evaluate(
    application: Mapping[str, Any] | ProjectApplication | StudyTripApplication,
    year: str | int,
    *,
    lang: Lang = "sv",
    scorers: Sequence[str] | None = None,
) -> Evaluation:
    """Evaluate one application (a dict in the JSON contract, or a model) against a year."""
    return default_evaluator().evaluate(application, year, lang=lang, scorers=scorers)


def load_policy(year: str | int) -> Policy:
    """The policy of one year, validated."""
    return default_evaluator().load_policy(year)


def diff(a: str | int, b: str | int) -> PolicyDiff:
    """Every difference between two years' policies (`diff(b, a)` is the mirror image)."""
    from fourules.comparison.structure import diff_policies

    ev = default_evaluator()
    la, lb = ev.loaded(a), ev.loaded(b)
    return diff_policies(la.policy, lb.policy, la.ref, lb.ref)


def policies() -> list[Policy]:
    """Every policy available, in id order."""
    ev = default_evaluator()
    return [ev.load_policy(year) for year in ev.policy_ids()]


def __getattr__(name: str) -> Any:
    value: Any
    if name == "__version__":
        from fourules.version import fourules_version

        value = fourules_version()
    elif name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'fourules' has no attribute {name!r}")
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_LAZY})
