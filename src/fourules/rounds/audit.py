"""Auditing a decided round against its own year's rules.

Every discrepancy names its row: a grant above the cap or above the request, a grant to
an application that is ineligible (or that cannot be decided), rows that are one
application (`same_as`) granted together more than one application may be, an
administration granted more than its quota (rows that are one application counted once),
apparent duplicates that were both granted, a stated total that is not the sum of its
rows, an application without a decision. Transcription notes are listed too, so an
auditor sees where a row was read by inference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from fourules.evaluation.results import Evaluation, Finding, PolicyRef
from fourules.policy.model import Policy
from fourules.policy.source import Source
from fourules.rounds.checks import Severity, check
from fourules.rounds.evaluation import (
    UNKNOWN_APPLICANT,
    RoundEntry,
    RoundEvaluation,
    RoundInfo,
)
from fourules.rounds.model import Round, StatedTotal, natural_key, same_application_groups
from fourules.rounds.quotas import count_applications, tally
from fourules.text import Lang, format_sek


class Discrepancy(BaseModel):
    """One thing an auditor should look at: what, where, and what the rules say."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    check: str
    severity: Severity
    message: str
    applications: list[str]
    rows: list[str]
    expected: int | None = None
    actual: int | None = None
    source: Source | None = None


class AuditReport(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    round: RoundInfo
    policy: PolicyRef
    lang: Lang
    decided: int
    granted_sek: dict[str, int]
    discrepancies: list[Discrepancy]

    @property
    def clean(self) -> bool:
        """No errors or warnings (notes alone do not count)."""
        return all(d.severity == "info" for d in self.discrepancies)


class _Auditor:
    """The audit of one decided round: each check a method, each returning its findings."""

    def __init__(self, round_: Round, result: RoundEvaluation, policy: Policy, lang: Lang):
        self.round, self.result, self.policy, self.lang = round_, result, policy, lang
        self.apps = sorted(round_.applications, key=lambda a: natural_key(a.id))
        self.by_id = {a.id: a for a in self.apps}
        self.evaluations = {e.application_id: e for e in result.evaluations}
        self.groups = same_application_groups(round_)

    def found(
        self,
        cid: str,
        ids: Sequence[str],
        values: Mapping[str, object],
        *,
        check_id: str | None = None,
        expected: int | None = None,
        actual: int | None = None,
        source: Source | None = None,
    ) -> Discrepancy:
        """A discrepancy of check `cid`, its message filled with `values`."""
        spec = check("audit", cid)
        return Discrepancy(
            check=check_id or cid,
            severity=spec.severity,
            message=spec.text(self.lang, **values),
            applications=list(ids),
            rows=[self.by_id[i].table_row or i for i in ids],
            expected=expected,
            actual=actual,
            source=source,
        )

    def granted(self, ident: str) -> bool:
        decision = self.by_id[ident].decision
        return decision is not None and decision.granted > 0

    def applicants(self) -> list[Discrepancy]:
        """Applications naming an applicant that is not an administration of the year: the
        round's own finding, listed whether the application was granted or not."""
        severity = check("round", UNKNOWN_APPLICANT).severity
        return [
            Discrepancy(
                check=f.rule,
                severity=severity,
                message=f.message,
                applications=f.applications,
                rows=[self.by_id[i].table_row or i for i in f.applications],
            )
            for f in self.result.findings
            if f.rule == UNKNOWN_APPLICANT
        ]

    def decisions(self) -> list[Discrepancy]:
        """Per application: a decision is given, and a grant fits what the rules allow."""
        out: list[Discrepancy] = []
        for app in self.apps:
            if app.decision is None:
                out.append(self.found("decision.missing", [app.id], {"application": app.id}))
            elif app.decision.granted:
                out += self.grant(app, self.evaluations[app.id], app.decision.granted)
        return out

    def grant(self, app: RoundEntry, e: Evaluation, amount: int) -> list[Discrepancy]:
        """A grant to an application the rules do not make eligible, above its request or
        above its cap."""
        values: dict[str, object] = {"application": app.id, "amount": format_sek(amount)}

        def beyond(
            cid: str, said: Mapping[str, object], expected: int | None, source: Source | None = None
        ) -> Discrepancy:
            """The grant, AMOUNT, beyond what the rules allow: EXPECTED (None: undetermined)."""
            message_values = {**values, **said}
            return self.found(
                cid, [app.id], message_values, expected=expected, actual=amount, source=source
            )

        out: list[Discrepancy] = []
        if e.outcome != "eligible":
            cid = "grant.ineligible" if e.outcome == "ineligible" else "grant.undetermined"
            reasons = "; ".join(f.message for f in e.findings if f.effect == e.outcome)
            expected = 0 if e.outcome == "ineligible" else None
            out.append(beyond(cid, {"reasons": reasons}, expected))
        requested = app.requested_sek
        if requested is not None and amount > requested:
            out.append(
                beyond("grant.above_request", {"requested": format_sek(requested)}, requested)
            )
        limit = e.max_grant_sek
        capped = limit is not None and (requested is None or limit < requested)
        if e.outcome != "ineligible" and limit is not None and amount > limit and capped:
            cap = next((f for f in e.findings if f.rule.startswith("cap.")), None)
            source = cap.source if cap else None
            out.append(beyond("grant.above_cap", {"cap": format_sek(limit)}, limit, source))
        return out

    def same_applications(self) -> list[Discrepancy]:
        """Rows that are one application (`same_as`) granted together more than one
        application may be: their sum against the grant limit the rules give the first
        row's kind (its cap), with the decision's own words for the rows."""
        out = []
        for first, ids in self.groups.items():
            granted = [self.by_id[i].decision for i in ids]
            total = sum(d.granted for d in granted if d)
            if len(ids) < 2 or not total:
                continue
            limit = _grant_limit(self.policy, self.evaluations[first])
            if limit is None or total <= limit[0]:
                continue
            quotes = [r for i in ids if (r := self.by_id[i].reason)]
            said = "; ".join(f"”{q}”" for q in dict.fromkeys(quotes)) or "—"
            values = {
                "applications": ", ".join(ids),
                "rows": ", ".join(self.by_id[i].table_row or i for i in ids),
                "amount": format_sek(total),
                "cap": format_sek(limit[0]),
                "quotes": said,
            }
            out.append(
                self.found(
                    "same_application.above_cap",
                    ids,
                    values,
                    expected=limit[0],
                    actual=total,
                    source=limit[1].source,
                )
            )
        return out

    def group_granted(self, first: str) -> bool:
        """Whether any row of the application was granted."""
        return any(self.granted(i) for i in self.groups[first])

    def quotas(self) -> list[Discrepancy]:
        """Administrations granted more applications than a quota allows (rows that are
        one application counted once)."""
        items = [
            c
            for c in count_applications(self.round, self.evaluations)
            if self.group_granted(c.application_id)
        ]
        return [
            self.found(
                "quota.exceeded",
                sorted(use.applications, key=natural_key),
                {
                    "administration": use.administration.name,
                    "count": use.count,
                    "limit": use.quota.limit,
                    "quota": use.quota.id,
                },
                expected=use.quota.limit,
                actual=use.count,
                source=use.quota.source,
            )
            for use in tally(self.policy, items).uses()
            if use.over
        ]

    def duplicates(self) -> list[Discrepancy]:
        """Apparent duplicates that were each granted."""
        return [
            self.found(
                "duplicate.granted",
                dup.applications,
                {"applications": ", ".join(dup.applications), "reason": dup.reason},
            )
            for dup in self.result.duplicates
            if sum(self.granted(i) for i in dup.applications) > 1
        ]

    def totals(self) -> list[Discrepancy]:
        """Totals the round's document states that its rows do not add up to."""
        out = []
        for total in self.round.stated_totals:
            actual, ids = _computed(total, self.round, self.evaluations)
            if actual == total.value:
                continue
            source = Source(
                document=self.round.document or "", section=total.section, quote=total.quote
            )
            values = {
                "total": total.id,
                "stated": _fmt(total, total.value),
                "actual": _fmt(total, actual),
                "difference": _fmt(total, actual - total.value),
            }
            out.append(
                self.found(
                    "total",
                    ids,
                    values,
                    check_id=f"total.{total.id}",
                    expected=total.value,
                    actual=actual,
                    source=source,
                )
            )
        return out

    def notes(self) -> list[Discrepancy]:
        """Transcription notes: where a row was read by inference."""
        return [
            self.found("transcription.note", [app.id], {"application": app.id, "note": note})
            for app in self.apps
            for note in app.notes
        ]

    def report(self) -> AuditReport:
        decided = [a for a in self.apps if a.decision is not None]
        granted = {
            kind: sum(a.decision.granted for a in decided if a.kind == kind and a.decision)
            for kind in ("project", "study_trip")
        }
        return AuditReport(
            round=self.result.round,
            policy=self.result.policy,
            lang=self.lang,
            decided=len(decided),
            granted_sek={**granted, "total": sum(granted.values())},
            discrepancies=[
                *self.applicants(),
                *self.decisions(),
                *self.same_applications(),
                *self.quotas(),
                *self.duplicates(),
                *self.totals(),
                *self.notes(),
            ],
        )


def audit_round(
    round_: Round, result: RoundEvaluation, policy: Policy, *, lang: Lang = "sv"
) -> AuditReport:
    """Check a decided round against the rules of the year it was evaluated under (normally
    its own): `result` is the round's evaluation, made once (`evaluate_round`)."""
    return _Auditor(round_, result, policy, lang).report()


def _grant_limit(policy: Policy, e: Evaluation) -> tuple[int, Finding] | None:
    """The grant limit a rule gave this evaluation (its cap), with the finding: the limit of
    the branch each finding came from, when the rule's branches of that status name one
    stated amount; the smallest such, else None."""
    rules = {r.id: r for r in policy.rules}
    limits = []
    for f in e.findings:
        rule = rules.get(f.rule)
        if rule is None:
            continue
        named = {b.grant_limit for b in rule.branches if b.status == f.status and b.grant_limit}
        if len(named) != 1:
            continue
        value = policy.parameters[named.pop()[1:]].value
        if isinstance(value, int):
            limits.append((value, f))
    return min(limits, key=lambda lf: lf[0]) if limits else None


def _fmt(total: StatedTotal, value: int) -> str:
    return format_sek(value) if total.measure in ("requested", "granted") else str(value)


def _computed(
    total: StatedTotal, round_: Round, evaluations: dict[str, Evaluation]
) -> tuple[int, list[str]]:
    apps = [a for a in round_.applications if total.kind is None or a.kind == total.kind]
    ids = sorted((a.id for a in apps), key=natural_key)
    if total.measure == "requested":
        return sum(a.requested_sek or 0 for a in apps), ids
    if total.measure == "granted":
        given = [a for a in apps if a.decision and a.decision.granted > 0]
        return sum(a.decision.granted for a in given if a.decision), sorted(
            (a.id for a in given), key=natural_key
        )
    if total.measure == "applications":
        return len(apps), ids
    admins = {
        x.administration for a in apps for x in evaluations[a.id].applicants if x.administration
    }
    return len(admins), ids
