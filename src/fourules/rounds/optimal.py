"""The best combination of applications within the budget and the quotas, solved exactly.

Among eligible applications, each funded at its maximum grant or not at all, the
combination chosen maximises the total score; ties go to more applications funded, then
less money left over, then the ranked order. The budget (in total and per kind where one
is given) and every quota of every co-applicant bind. It is a mixed-integer programme
solved by HiGHS (`scipy.optimize.milp`), one objective after the other: each next one
among the combinations that keep the earlier ones at their best.

With a minimum share P (`--min-share`) an application may instead get a partial grant:
whole thousands of kronor from P × its maximum grant up to below the maximum. The first
objective is then the score-weighted share funded (score × grant / maximum grant), so a
half-funded application counts half its score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fourules.application import Kind

if TYPE_CHECKING:
    import numpy as np
    from scipy.optimize import LinearConstraint

THOUSAND = 1000
"""Partial grants are whole thousands of kronor."""


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


def partial_range(grant: int, min_share: float | None) -> tuple[int, int] | None:
    """The partial grants open to an application, in thousands (lowest, highest), or None:
    from P × its maximum grant rounded up, to the last whole thousand below the maximum."""
    if min_share is None:
        return None
    low = max(1, math.ceil(round(min_share * grant, 6) / THOUSAND))
    high = math.ceil(grant / THOUSAND) - 1
    return (low, high) if low <= high else None


def best_combination(
    candidates: Sequence[Candidate],
    total: int,
    per_kind: Mapping[Kind, int | None],
    limits: dict[tuple[str, str], int],
    min_share: float | None = None,
) -> dict[str, int]:
    """The grant of every application in the best combination, by id.

    Three variables per application: funded in full (0/1), partially (0/1), and the
    partial grant in thousands (0 unless partially funded). numpy and scipy are imported
    here: every command that merely imports the rounds (evaluate, through the schemas) would
    otherwise pay for them at start-up."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_array

    n = len(candidates)
    if n == 0:
        return {}
    ranges = [partial_range(c.grant, min_share) for c in candidates]
    grants = np.array([c.grant for c in candidates], dtype=float)
    zeros = np.zeros(n)
    # Every linear expression is a row over [full | partial | thousands].
    money = np.concatenate([grants, zeros, np.full(n, float(THOUSAND))])
    rows, upper = _budget_and_quota_rows(candidates, money, total, per_kind, limits)
    scores = np.array([c.score for c in candidates], dtype=float)
    share = np.divide(scores * THOUSAND, grants, out=np.zeros(n), where=grants > 0)
    objectives = [
        np.concatenate([scores, zeros, share]),  # the (score-weighted share) funded
        np.concatenate([np.ones(n), np.ones(n), zeros]),  # then more applications
        money,  # then less money left over
        -np.concatenate([[c.rank for c in candidates]] * 2 + [zeros]),  # then the ranked order
    ]
    high = np.array([r[1] if r else 0 for r in ranges], dtype=float)
    bounds = Bounds(0, np.concatenate([np.ones(n), [1.0 if r else 0.0 for r in ranges], high]))
    structure = _full_or_partial(ranges)
    solution = np.zeros(3 * n)
    for objective in objectives:
        constraints = [LinearConstraint(csr_array(np.array(rows)), -np.inf, np.array(upper))]
        result = milp(
            -objective,
            integrality=np.ones(3 * n),
            bounds=bounds,
            constraints=[*constraints, structure],
        )
        if result.x is None:  # pragma: no cover - the empty combination is always feasible
            break
        solution = np.round(result.x)
        best = float(objective @ solution)
        # Keep this objective at its best while the next one is improved (a small slack
        # for the solver's floating point, far below any difference in score or kronor).
        rows.append(-objective)
        upper.append(-best + 1e-6)
    full, partial, thousands = solution[:n], solution[n : 2 * n], solution[2 * n :]
    return {
        c.application_id: c.grant if full[i] > 0.5 else int(thousands[i]) * THOUSAND
        for i, c in enumerate(candidates)
        if full[i] > 0.5 or partial[i] > 0.5
    }


def _budget_and_quota_rows(
    candidates: Sequence[Candidate],
    money: np.ndarray,
    total: int,
    per_kind: Mapping[Kind, int | None],
    limits: dict[tuple[str, str], int],
) -> tuple[list[np.ndarray], list[float]]:
    """Rows (≤ upper): money in total and per kind; applications funded per quota."""
    import numpy as np

    rows, upper = [money], [float(total)]
    for kind, budget in per_kind.items():
        if budget is not None:
            of_kind = np.array([c.kind == kind for c in candidates], dtype=float)
            rows.append(money * np.tile(of_kind, 3))
            upper.append(float(budget))
    for key, limit in sorted(limits.items()):
        counts = np.array([key in c.quota_keys for c in candidates], dtype=float)
        if counts.any():
            rows.append(np.concatenate([counts, counts, np.zeros(len(candidates))]))
            upper.append(float(limit))
    return rows, upper


def _full_or_partial(ranges: Sequence[tuple[int, int] | None]) -> LinearConstraint:
    """Full or partial, not both; the thousands within the partial range when partial,
    else 0."""
    import numpy as np
    from scipy.optimize import LinearConstraint
    from scipy.sparse import csr_array, hstack, identity, vstack

    n = len(ranges)
    low = np.array([r[0] if r else 0 for r in ranges], dtype=float)
    high = np.array([r[1] if r else 0 for r in ranges], dtype=float)
    eye = identity(n, format="csr")
    none = csr_array((n, n))
    structure = vstack(
        [
            hstack([eye, eye, none]),
            hstack([none, -eye.multiply(low[:, None]), eye]),
            hstack([none, -eye.multiply(high[:, None]), eye]),
        ]
    )
    lower = np.concatenate([np.full(n, -np.inf), np.zeros(n), np.full(n, -np.inf)])
    upper = np.concatenate([np.ones(n), np.full(n, np.inf), np.zeros(n)])
    return LinearConstraint(structure, lower, upper)
