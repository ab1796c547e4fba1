"""The domain's names for what a person fixes when a request is refused: the stable keys an
`InputError` raised for a request's own values carries in its `where`. Each front end maps
every key, in one table, to its own name for it (`cli/common.py`, `service/problems.py`,
`web/round_pages.py`); a test checks that each table names every key."""

from __future__ import annotations

from typing import Final

YEAR: Final = "year"
"""The policy year to evaluate under (a round that names none needs one)."""
BUDGET: Final = "budget"
"""The total budget of an allocation."""
BUDGET_PROJECT: Final = "budget.project"
"""The budget for projects (LUM)."""
BUDGET_STUDY_TRIP: Final = "budget.study_trip"
"""The budget for study trips (MUL)."""
METHOD: Final = "method"
"""How an allocation is made: ranked or optimal."""
MIN_SHARE: Final = "min_share"
"""The least share of its maximum grant a partial grant may be."""
COMPARE: Final = "compare"
"""Setting a draft beside the decision the round records."""

PLACES: Final = (YEAR, BUDGET, BUDGET_PROJECT, BUDGET_STUDY_TRIP, METHOD, MIN_SHARE, COMPARE)
"""Every key; a front end's table names each one."""
