"""Evaluating a whole round: every application, plus what only exists across the round —
applications per administration against the quotas, apparent duplicates, requested totals.

The result is canonical: evaluations and tallies are in a fixed order (ids sorted as
people sort them), so the order of a round's applications never changes its result.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from pydantic import BaseModel, ConfigDict

from fourules.application import KINDS, Kind
from fourules.errors import InputError
from fourules.evaluation.evaluator import Evaluator, Prepared
from fourules.evaluation.results import Evaluation, PolicyRef
from fourules.parallel import forked_map, gc_paused, worker_pays
from fourules.policy.model import Policy, Status
from fourules.policy.source import Source
from fourules.rounds.model import Round, RoundProject, RoundStudyTrip, natural_key
from fourules.rounds.quotas import Counted, per_administration, tally
from fourules.text import Lang, LocalText, format_sek

L = LocalText
RoundEntry = RoundProject | RoundStudyTrip
Progress = Callable[[Iterable[RoundEntry]], Iterable[RoundEntry]]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RoundInfo(_Model):
    year: str | None
    title: str | None
    document: str | None
    applications: int


class RoundFinding(_Model):
    """Something found across the round, with the applications it concerns."""

    rule: str
    status: Status
    message: str
    applications: list[str]
    administration: str | None = None
    source: Source | None = None


class QuotaCount(_Model):
    quota: str
    limit: int
    count: int
    over: bool
    applications: list[str]


class AdministrationTally(_Model):
    """One administration's applications in the round, per kind and per quota."""

    administration: str
    name: str
    applications: dict[Kind, list[str]]
    quotas: list[QuotaCount]
    over_quota: bool
    ranked: bool = False
    """Whether it ranked its own applications (a `priority`, or one not prioritised)."""


class Duplicate(_Model):
    applications: list[str]
    reason: str


class KindTotals(_Model):
    applications: int
    requested_sek: int
    requested_not_stated: int
    eligible: int
    undetermined: int
    ineligible: int
    max_grant_sek: int


class RoundEvaluation(_Model):
    """Every application evaluated, and the round's own findings."""

    round: RoundInfo
    policy: PolicyRef
    lang: Lang
    evaluations: list[Evaluation]
    administrations: list[AdministrationTally]
    duplicates: list[Duplicate]
    totals: dict[Kind, KindTotals]
    findings: list[RoundFinding]


PARALLEL_FROM = 2000
"""Rounds of at least this many applications are prepared in a second process."""
CHUNK = 250
OWN_SHARE = 0.25
"""The share of a large round this process evaluates in full while the worker prepares the rest."""


def _parallel_ok(size: int, progress: Progress | None, parallel: bool | None) -> bool:
    if parallel is not None:
        return parallel
    return progress is None and worker_pays(size, PARALLEL_FROM)


def _evaluate_all(
    apps: list[RoundEntry],
    year: str,
    evaluator: Evaluator,
    lang: Lang,
    scorers: Sequence[str] | None,
    progress: Progress | None,
    parallel: bool | None = None,
) -> dict[str, Evaluation]:
    """Every application evaluated. On a large round a forked worker runs the rule engine
    and renders the messages for most applications, chunk by chunk, and this process builds
    their results from what arrives (plain values: cheap to send). The results are the
    same either way (a test compares them)."""
    if not _parallel_ok(len(apps), progress, parallel):
        stream = progress(apps) if progress else apps
        return {a.id: evaluator.evaluate(a, year, lang=lang, scorers=scorers) for a in stream}
    # Preparing (engine and messages) is about two thirds of an evaluation, assembling the
    # rest: this process evaluates its share in full while the worker prepares the others,
    # then assembles them as they arrive, so both finish at about the same time.
    split = int(len(apps) * OWN_SHARE)
    first, rest = apps[:split], apps[split:]
    chunks = [rest[start : start + CHUNK] for start in range(0, len(rest), CHUNK)]

    def prepare(chunk: list[RoundEntry]) -> list[Prepared]:
        return [evaluator.prepare(app, year, lang) for app in chunk]

    with forked_map(prepare, chunks) as prepared:
        out = {a.id: evaluator.evaluate(a, year, lang=lang, scorers=scorers) for a in first}
        for chunk, ready in zip(chunks, prepared, strict=True):
            for app, done in zip(chunk, ready, strict=True):
                out[app.id] = evaluator.assemble(app, year, done, lang=lang, scorers=scorers)
    return out


def check_administrations(round_: Round, policy: Policy, evaluator: Evaluator, name: str) -> None:
    """Every applicant must be an administration of the round's own year: else it is bad data.

    (Under another year a name may have ceased to exist; that is a finding, not an error.)
    """
    index = evaluator.loaded(policy.id).index
    for i, app in enumerate(round_.applications):
        for j, applicant in enumerate(app.applicants):
            resolution = index.resolve(applicant)
            if resolution.administration is None:
                hint = resolution.hint or L(sv="okänt namn", en="unknown name")
                raise InputError(
                    L(
                        sv=f"”{applicant}” är ingen förvaltning {policy.id} ({hint.sv})",
                        en=f"”{applicant}” is not an administration in {policy.id} ({hint.en})",
                    ),
                    f"{name}.applications[{i}].applicants[{j}] (id {app.id})",
                )


def counted(round_: Round, evaluations: dict[str, Evaluation]) -> list[Counted]:
    return [
        Counted(
            a.id,
            a.kind,
            [x.administration for x in evaluations[a.id].applicants if x.administration],
        )
        for a in round_.applications
    ]


_NOT_A_WORD = re.compile(r"[\W_]+")


def _title_key(text: str) -> str:
    return _NOT_A_WORD.sub(" ", text.casefold()).strip()


def find_duplicates(
    round_: Round, evaluations: dict[str, Evaluation], lang: Lang
) -> list[Duplicate]:
    """Applications of one kind with the same title from a shared administration."""
    groups: dict[tuple[str, str], list[RoundEntry]] = defaultdict(list)
    for app in round_.applications:
        groups[(app.kind, _title_key(app.title))].append(app)
    found = []
    candidates = sorted((key, apps) for key, apps in groups.items() if len(apps) > 1 and key[1])
    for _, group in candidates:
        # In id order, so the reason quotes the same title whatever the round's order.
        apps = sorted(group, key=lambda a: natural_key(a.id))
        admins = [
            {x.administration for x in evaluations[a.id].applicants if x.administration}
            for a in apps
        ]
        shared = set.intersection(*admins)
        if shared:
            ids = [a.id for a in apps]
            found.append(
                Duplicate(
                    applications=ids,
                    reason=L(
                        sv=f"samma titel (”{apps[0].title}”) och samma sökande förvaltning",
                        en=f"the same title (”{apps[0].title}”) and the same applicant administration",
                    ).get(lang),
                )
            )
    return found


def evaluate_round(
    round_: Round,
    year: str,
    evaluator: Evaluator,
    *,
    lang: Lang = "sv",
    scorers: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> RoundEvaluation:
    """Every application evaluated, with the round's tallies, duplicates and totals."""
    with gc_paused():  # every collection would walk all the results built so far
        return _evaluate_round(round_, year, evaluator, lang, scorers, progress)


def _evaluate_round(
    round_: Round,
    year: str,
    evaluator: Evaluator,
    lang: Lang,
    scorers: Sequence[str] | None,
    progress: Progress | None,
) -> RoundEvaluation:
    loaded = evaluator.loaded(year)
    policy = loaded.policy
    apps = sorted(round_.applications, key=lambda a: natural_key(a.id))
    for app in apps:  # before any work, and naming the application
        policy.vocabulary.check_assessment(app, policy.id, f"applications (id {app.id})")
    evaluations = _evaluate_all(apps, year, evaluator, lang, scorers, progress)
    items = counted(round_, evaluations)
    book = tally(policy, items)
    by_admin = per_administration(items)
    names = {a.id: a for a in policy.administrations.members}
    ranked = {
        admin
        for app in round_.applications
        if app.priority is not None or (app.decision and app.decision.not_prioritised)
        for admin in (x.administration for x in evaluations[app.id].applicants)
        if admin
    }
    uses_by_admin: dict[str, list[QuotaCount]] = defaultdict(list)
    findings: list[RoundFinding] = []
    for use in book.uses():
        apps_sorted = sorted(use.applications, key=natural_key)
        uses_by_admin[use.administration.id].append(
            QuotaCount(
                quota=use.quota.id,
                limit=use.quota.limit,
                count=use.count,
                over=use.over,
                applications=apps_sorted,
            )
        )
        if use.over:
            admin = use.administration
            is_ranked = admin.id in ranked
            findings.append(
                RoundFinding(
                    rule=use.quota.id,
                    status="warn",
                    message=L(
                        sv=f"{admin.name} har {use.count} ansökningar men kan beviljas högst {use.quota.limit} "
                        f"({use.quota.description.sv.lower()}); "
                        + (
                            "förvaltningen har rangordnat sina ansökningar."
                            if is_ranked
                            else "förvaltningen har inte rangordnat sina ansökningar (priority saknas)."
                        ),
                        en=f"{admin.name} has {use.count} applications but can be granted at most {use.quota.limit} "
                        f"({use.quota.description.en[0].lower() + use.quota.description.en[1:]}); "
                        + (
                            "the administration has ranked its applications."
                            if is_ranked
                            else "the administration has not ranked its applications (no priority)."
                        ),
                    ).get(lang),
                    applications=apps_sorted,
                    administration=admin.id,
                    source=use.quota.source,
                )
            )
    tallies = [
        AdministrationTally(
            administration=admin_id,
            name=names[admin_id].name,
            applications={k: sorted(v, key=natural_key) for k, v in sorted(kinds.items())},
            quotas=uses_by_admin.get(admin_id, []),
            over_quota=any(q.over for q in uses_by_admin.get(admin_id, [])),
            ranked=admin_id in ranked,
        )
        for admin_id, kinds in sorted(by_admin.items(), key=lambda kv: names[kv[0]].name)
    ]
    duplicates = find_duplicates(round_, evaluations, lang)
    for dup in duplicates:
        findings.append(
            RoundFinding(
                rule="round.duplicate",
                status="warn",
                message=L(
                    sv=f"Ansökningarna {', '.join(dup.applications)} ser ut att vara samma ansökan: {dup.reason}.",
                    en=f"Applications {', '.join(dup.applications)} look like the same application: {dup.reason}.",
                ).get(lang),
                applications=dup.applications,
            )
        )
    ordered = [evaluations[a.id] for a in apps]
    totals = {kind: _kind_totals(kind, apps, evaluations) for kind in KINDS}
    for kind, t in totals.items():
        kind_name = {
            "project": L(sv="projekt", en="projects"),
            "study_trip": L(sv="studieresor", en="study trips"),
        }[kind]
        findings.append(
            RoundFinding(
                rule="round.requested",
                status="info",
                message=L(
                    sv=f"{t.applications} {kind_name.sv}: sökt totalt {format_sek(t.requested_sek)}"
                    + (
                        f" ({t.requested_not_stated} utan angivet belopp)"
                        if t.requested_not_stated
                        else ""
                    )
                    + f"; {t.eligible} berättigade, {t.undetermined} kan inte avgöras, {t.ineligible} ej berättigade.",
                    en=f"{t.applications} {kind_name.en}: requested in total {format_sek(t.requested_sek)}"
                    + (
                        f" ({t.requested_not_stated} without a stated amount)"
                        if t.requested_not_stated
                        else ""
                    )
                    + f"; {t.eligible} eligible, {t.undetermined} undetermined, {t.ineligible} ineligible.",
                ).get(lang),
                applications=[a.id for a in apps if a.kind == kind],
            )
        )
    return RoundEvaluation(
        round=RoundInfo(
            year=round_.year, title=round_.title, document=round_.document, applications=len(apps)
        ),
        policy=loaded.ref,
        lang=lang,
        evaluations=ordered,
        administrations=tallies,
        duplicates=duplicates,
        totals=totals,
        findings=findings,
    )


def _kind_totals(
    kind: Kind, apps: list[RoundEntry], evaluations: dict[str, Evaluation]
) -> KindTotals:
    mine = [a for a in apps if a.kind == kind]
    outcomes = [evaluations[a.id].outcome for a in mine]
    return KindTotals(
        applications=len(mine),
        requested_sek=sum(a.requested_sek or 0 for a in mine),
        requested_not_stated=sum(a.requested_sek is None for a in mine),
        eligible=outcomes.count("eligible"),
        undetermined=outcomes.count("undetermined"),
        ineligible=outcomes.count("ineligible"),
        max_grant_sek=sum(evaluations[a.id].max_grant_sek or 0 for a in mine),
    )
