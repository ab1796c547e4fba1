"""Which applications an administration over its quota put forward.

The 2018 decision: "Södermalm, Farsta, Enskede-Årsta-Vantörs stadsdelsförvaltningar och
Socialförvaltningen har haft fler än tre ansökningar och har prioriterat vilka ansökningar
de vill ska beaktas i förslaget till fördelning." An application is therefore *not put
forward*, and never offered by a draft allocation, when

* its decision says it was not prioritised (`decision.not_prioritised`, the decision's own
  words per row): the choice is that of the co-applicants over a quota counting it (for
  Tabell 1 row 9, Farsta's, not Skärholmen's), or of every co-applicant when none is over;
* or its `priority` (the administration's own ranking, 1 first) comes after as many of the
  administration's applications in some quota as the quota allows: with a limit of three,
  priorities 1, 2 and 3 are put forward and 4 is not. Only applications with a priority
  are ranked; equal priorities are all put forward; an application without one is not
  set aside by the others' priorities (the decision says nothing of it).

Rows that are one application (`same_as`) are judged together, as their first row: not
prioritised if any of them says so; their priority is the smallest any of them gives.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from fourules.evaluation.results import Evaluation
from fourules.policy.model import Policy
from fourules.rounds.model import Round, RoundProject, RoundStudyTrip, same_application_groups
from fourules.rounds.quotas import Counted, QuotaBook, count_applications, tally


@dataclass(frozen=True)
class NotPutForward:
    """An application (by its first row) that its administration did not put forward."""

    application_id: str
    administrations: tuple[str, ...]
    """The ids of the administrations whose choice it was."""
    quote: str | None = None
    """The decision's words, when its decision says it was not prioritised."""
    priority: int | None = None
    """The priority beyond the quota, when that is why."""
    limit: int | None = None
    quota: str | None = None


@dataclass(frozen=True)
class Choices:
    """What the administrations chose in a round."""

    not_put_forward: dict[str, NotPutForward]
    """By first row id."""
    chose: frozenset[str]
    """Administrations that chose: gave a priority, or did not put an application forward."""

    def of(self, administration: str) -> list[str]:
        """The applications (first rows) this administration did not put forward."""
        return [i for i, n in self.not_put_forward.items() if administration in n.administrations]


def choices(round_: Round, evaluations: dict[str, Evaluation], policy: Policy) -> Choices:
    """Every application not put forward, and the administrations that chose."""
    items = {c.application_id: c for c in count_applications(round_, evaluations)}
    book = tally(policy, items.values())
    by_id = {a.id: a for a in round_.applications}
    groups = same_application_groups(round_)
    priorities = {
        first: min((p for i in ids if (p := by_id[i].priority) is not None), default=None)
        for first, ids in groups.items()
    }
    over = {u.administration.id for u in book.uses() if u.over}
    ranked = {
        (u.quota.id, u.administration.id): sorted(
            p for i in u.applications if (p := priorities[i]) is not None
        )
        for u in book.uses()
    }
    found: dict[str, NotPutForward] = {}
    chose: set[str] = set()
    for first, ids in groups.items():
        item = items[first]
        if priorities[first] is not None:
            chose.update(item.administrations)
        marked = _marked(item, [by_id[i] for i in ids], over)
        if marked is not None:
            found[first] = marked
            chose.update(marked.administrations)
        elif (beyond := _beyond(item, priorities[first], ranked, book)) is not None:
            found[first] = beyond
    return Choices(found, frozenset(chose))


def _marked(
    item: Counted, rows: list[RoundProject | RoundStudyTrip], over: set[str]
) -> NotPutForward | None:
    """The application, if a row of it is marked not prioritised in its decision: charged
    to the co-applicants over a quota (all of them when none is)."""
    decided = [d.not_prioritised for row in rows if (d := row.decision)]
    quote = next((q for q in decided if q is not None), None)
    if quote is None:
        return None
    whose = tuple(a for a in item.administrations if a in over) or tuple(item.administrations)
    return NotPutForward(item.application_id, whose, quote=quote)


def _beyond(
    item: Counted, priority: int | None, ranked: dict[tuple[str, str], list[int]], book: QuotaBook
) -> NotPutForward | None:
    """The application, if its priority comes after as many of an administration's
    applications in a quota as the quota allows (`ranked`: the priorities given in each
    quota and administration, in order)."""
    if priority is None:
        return None
    whose: list[str] = []
    limit = quota = None
    for admin in dict.fromkeys(item.administrations):
        for q in book.quotas_for(item.kind, admin):
            ahead = bisect.bisect_left(ranked.get((q.id, admin), []), priority)
            if ahead >= q.limit and admin not in whose:
                whose.append(admin)
                if quota is None:
                    limit, quota = q.limit, q.id
    if not whose:
        return None
    return NotPutForward(
        item.application_id, tuple(whose), priority=priority, limit=limit, quota=quota
    )
