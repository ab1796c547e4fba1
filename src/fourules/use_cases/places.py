"""The domain's names for what a person fixes when a request is refused: the stable keys an
`InputError` about a request's own values carries in its `where` (an application's fields
carry their path: `applications[3].requested_sek`). Each front end maps every key, in one
table, to its own name for it: the command line's flags (`cli/common.py`), the API's query
parameters (`service/problems.py`), the round page's form fields (`web/round_pages.py`)."""

from __future__ import annotations

from typing import Final

from fourules.accounts.private import CALLS
from fourules.accounts.roles import ROLE
from fourules.decision_log.checkpoints import ORIGIN
from fourules.decision_log.log import DECISION_LOG
from fourules.decision_log.verification import PUBLIC_KEY
from fourules.evaluation.evaluator import YEAR
from fourules.evaluation.plugins import PLUGINS
from fourules.policy.folders import POLICY_PATH
from fourules.rounds.allocation import BUDGET, BUDGET_PROJECT, BUDGET_STUDY_TRIP, MIN_SHARE
from fourules.rounds.compare import COMPARE
from fourules.rounds.evaluation import ROUND_YEAR, STRICT
from fourules.use_cases.allocation import METHOD
from fourules.use_cases.calls import TRUSTED_PROXY

PLACES: Final = {
    YEAR: "the policy year",
    ROUND_YEAR: "the year a round is evaluated under, when its file names none",
    BUDGET: "the total budget of an allocation",
    BUDGET_PROJECT: "the budget for projects (LUM)",
    BUDGET_STUDY_TRIP: "the budget for study trips (MUL)",
    METHOD: "how an allocation is made: ranked or optimal",
    MIN_SHARE: "the least share of its maximum grant a partial grant may be",
    COMPARE: "setting a draft beside the decision the round records",
}
"""Every key, and what it names; each front end's table names each one."""

SETTINGS: Final = {
    POLICY_PATH: "the folders of policy years a run is given (besides its own and plugins')",
    PLUGINS: "the entry-point plugins a run loads",
    DECISION_LOG: "the decision log a run writes",
    PUBLIC_KEY: "the public key that signs a decision log's checkpoints",
    ORIGIN: "a decision log's name in its checkpoints",
    STRICT: "the strict reading of a round: an applicant that is no administration of its "
    "year refuses the round",
    CALLS: "the calls folder: drafts and published years, with the accounts",
    ROLE: "the role an account or a token is given: editor or publisher",
    TRUSTED_PROXY: "the proxies trusted to name the signed-in person (single sign-on)",
}
"""What an operator sets when running fourules, and the readings only the command line
offers (not a request's values): only the command line names them (its flags)."""
