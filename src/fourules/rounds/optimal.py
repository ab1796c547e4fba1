"""The best combination of applications within the budget and the quotas, solved exactly.

Among eligible applications, each funded in full at its maximum grant or not at all, the
combination chosen maximises the total score; ties go to more applications funded, then
less money left over, then the ranked order. The budget (in total and per kind where one
is given) and every quota of every co-applicant bind. It is a mixed-integer programme
solved by HiGHS (`scipy.optimize.milp`), one objective after the other: each next one
among the combinations that keep the earlier ones at their best.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from fourules.application import Kind


@dataclass(frozen=True)
class Candidate:
    """An eligible application as the programme sees it."""

    application_id: str
    kind: Kind
    grant: int
    score: float
    rank: int
    quota_keys: tuple[tuple[str, str], ...]
    """(quota id, administration id) for every quota this application counts against."""


def best_combination(
    candidates: Sequence[Candidate],
    total: int,
    per_kind: Mapping[Kind, int | None],
    limits: dict[tuple[str, str], int],
) -> set[str]:
    """The ids of the applications in the best combination."""
    n = len(candidates)
    if n == 0:
        return set()
    rows, upper = [], []
    grants = np.array([c.grant for c in candidates], dtype=float)
    rows.append(grants)
    upper.append(float(total))
    for kind, budget in per_kind.items():
        if budget is not None:
            rows.append(np.array([c.grant if c.kind == kind else 0.0 for c in candidates]))
            upper.append(float(budget))
    for key, limit in sorted(limits.items()):
        row = np.array([1.0 if key in c.quota_keys else 0.0 for c in candidates])
        if row.any():
            rows.append(row)
            upper.append(float(limit))
    objectives = [
        np.array([c.score for c in candidates], dtype=float),  # the score funded
        np.ones(n),  # then more applications
        grants,  # then less money left over
        -np.array([c.rank for c in candidates], dtype=float),  # then the ranked order
    ]
    chosen = np.zeros(n)
    for objective in objectives:
        constraints = [LinearConstraint(np.array(rows), -np.inf, np.array(upper))]
        result = milp(
            -objective,
            integrality=np.ones(n),
            bounds=Bounds(0, 1),
            constraints=constraints,
        )
        if result.x is None:  # pragma: no cover - the empty combination is always feasible
            break
        chosen = np.round(result.x)
        best = float(objective @ chosen)
        # Keep this objective at its best while the next one is improved (a small slack
        # for the solver's floating point, far below any difference in score or kronor).
        rows.append(-objective)
        upper.append(-best + 1e-6)
    return {c.application_id for c, x in zip(candidates, chosen, strict=True) if x > 0.5}
