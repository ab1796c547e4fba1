"""Quotas: how many applications each administration has, or is granted, against its limits.

A joint application counts for every co-applicant. Rows that are one application
(`same_as`) count once, as their first row, for every administration among their
applicants. A quota applies to the kinds it counts and to the administration types it
names (2024's quotas are per district; the decision states none for Socialförvaltningen).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from fourules.application import Kind
from fourules.evaluation.results import Evaluation
from fourules.policy.administrations import Administration
from fourules.policy.model import Policy, Quota
from fourules.rounds.model import Round, same_application_groups


@dataclass(frozen=True)
class Counted:
    """One application as a quota sees it."""

    application_id: str
    kind: Kind
    administrations: Sequence[str]  # administration ids; none for an application counted for none

    @classmethod
    def of(cls, application_id: str, kind: Kind, evaluation: Evaluation) -> Counted:
        """The evaluated application, counted for every co-applicant — or for no quota when
        any applicant is not an administration of the year: it is then ineligible, and its
        other applicants did not apply on their own."""
        ids = [x.administration for x in evaluation.applicants if x.administration]
        return cls(application_id, kind, ids if len(ids) == len(evaluation.applicants) else [])


def count_applications(round_: Round, evaluations: dict[str, Evaluation]) -> list[Counted]:
    """Every application of the round as the quotas see it: rows that are one application
    (`same_as`) once, as their first row, for every administration any of them counts for."""
    by_id = {a.id: a for a in round_.applications}
    out = []
    for first, ids in same_application_groups(round_).items():
        rows = [Counted.of(i, by_id[i].kind, evaluations[i]) for i in ids]
        admins = dict.fromkeys(a for row in rows for a in row.administrations)
        out.append(Counted(first, by_id[first].kind, list(admins)))
    return out


@dataclass
class QuotaUse:
    quota: Quota
    administration: Administration
    applications: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.applications)

    @property
    def over(self) -> bool:
        return self.count > self.quota.limit


class QuotaBook:
    """Counts applications per (quota, administration) for one policy."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._admins = {a.id: a for a in policy.administrations.members}
        self._uses: dict[tuple[str, str], QuotaUse] = {}

    def quotas_for(self, kind: Kind, administration: str) -> list[Quota]:
        admin = self._admins.get(administration)
        if admin is None:
            return []
        return [
            q for q in self.policy.quotas if kind in q.counts and admin.type in q.administrations
        ]

    def fits(self, item: Counted) -> list[QuotaUse]:
        """The quotas this application would break if it were added (empty: it fits)."""
        full = []
        for admin in dict.fromkeys(item.administrations):
            for quota in self.quotas_for(item.kind, admin):
                use = self._use(quota, admin)
                if use.count + 1 > quota.limit:
                    full.append(use)
        return full

    def add(self, item: Counted) -> None:
        for admin in dict.fromkeys(item.administrations):
            for quota in self.quotas_for(item.kind, admin):
                self._use(quota, admin).applications.append(item.application_id)

    def _use(self, quota: Quota, admin: str) -> QuotaUse:
        key = (quota.id, admin)
        if key not in self._uses:
            self._uses[key] = QuotaUse(quota, self._admins[admin])
        return self._uses[key]

    def uses(self) -> list[QuotaUse]:
        return sorted(self._uses.values(), key=lambda u: (u.administration.name, u.quota.id))


def tally(policy: Policy, items: Iterable[Counted]) -> QuotaBook:
    book = QuotaBook(policy)
    for item in items:
        book.add(item)
    return book


def per_administration(items: Iterable[Counted]) -> dict[str, dict[Kind, list[str]]]:
    """Applications per administration and kind, joint applications counted for each."""
    out: dict[str, dict[Kind, list[str]]] = defaultdict(lambda: defaultdict(list))
    for item in items:
        for admin in dict.fromkeys(item.administrations):
            out[admin][item.kind].append(item.application_id)
    return out
