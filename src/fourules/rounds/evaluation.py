"""Evaluating a whole round: every application, plus what only exists across the round —
applications per administration against the quotas (rows that are one application, by
`same_as`, counted once), which applications an administration over its quota put forward
(`rounds/choice.py`), apparent duplicates, requested totals.

The result is canonical: evaluations and tallies are in a fixed order (ids sorted as
people sort them), so the order of a round's applications never changes its result.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from pydantic import BaseModel, ConfigDict, Field

from fourules.application import KINDS, Kind
from fourules.errors import InputError, Place
from fourules.evaluation.evaluator import Evaluator, Prepared
from fourules.evaluation.results import Evaluation, PolicyRef
from fourules.parallel import forked_map, gc_paused, worker_pays
from fourules.policy.administrations import AdministrationIndex, Resolution, normalise
from fourules.policy.model import Policy, Status
from fourules.policy.source import Source, empty_list
from fourules.rounds.checks import check
from fourules.rounds.choice import Choices, choices
from fourules.rounds.files import RoundFile, open_round
from fourules.rounds.model import (
    Round,
    RoundProject,
    RoundStudyTrip,
    natural_key,
    same_application_groups,
)
from fourules.rounds.quotas import (
    QuotaBook,
    count_applications,
    per_administration,
    tally,
)
from fourules.text import Lang, LocalText, format_sek
from fourules.texts import LANGS, both, text

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
    """Whether it chose among its own applications (a `priority`, or one it did not put
    forward)."""
    not_put_forward: list[str] = Field(
        default_factory=empty_list,
        description="Its applications (first rows) it did not put forward: never offered.",
    )


class UnknownApplicant(_Model):
    """An applicant name that is no administration of the year, with its applications:
    each is evaluated (ineligible) and counted for no quota, so a quota table shows it as
    a row of its own rather than leaving it out."""

    as_written: str
    hint: str = Field(description="Why the name is not an administration, e.g. a suggestion.")
    applications: dict[Kind, list[str]]


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
    unknown_applicants: list[UnknownApplicant] = Field(
        default_factory=empty_list,
        description="Applicant names that are no administration of the year (counted for no quota).",
    )
    duplicates: list[Duplicate]
    totals: dict[Kind, KindTotals]
    findings: list[RoundFinding]


UNKNOWN_APPLICANT = "round.applicant.unknown"
"""The round finding for an application naming an applicant that is not an administration."""

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
        return {
            a.id: evaluator.evaluate(a, year, lang=lang, scorers=scorers, assessment_checked=True)
            for a in stream
        }
    # Preparing (engine and messages) is about two thirds of an evaluation, assembling the
    # rest: this process evaluates its share in full while the worker prepares the others,
    # then assembles them as they arrive, so both finish at about the same time.
    split = int(len(apps) * OWN_SHARE)
    first, rest = apps[:split], apps[split:]
    chunks = [rest[start : start + CHUNK] for start in range(0, len(rest), CHUNK)]

    def prepare(chunk: list[RoundEntry]) -> list[Prepared]:
        return [evaluator.prepare(app, year, lang, assessment_checked=True) for app in chunk]

    with forked_map(prepare, chunks) as prepared:
        out = {
            a.id: evaluator.evaluate(a, year, lang=lang, scorers=scorers, assessment_checked=True)
            for a in first
        }
        for chunk, ready in zip(chunks, prepared, strict=True):
            for app, done in zip(chunk, ready, strict=True):
                out[app.id] = evaluator.assemble(app, year, done, lang=lang, scorers=scorers)
    return out


def _hint(resolution: Resolution) -> LocalText:
    return resolution.hint or both("round_eval.unknown_name")


def check_assessments(round_: Round, policy: Policy, name: str) -> None:
    """Every assessment is of a criterion the year has, else InputError naming each one by
    its place in the file (`round.json.applications[3].assessment.x`), all of them."""
    errors = []
    for i, app in enumerate(round_.applications):
        try:
            policy.vocabulary.check_assessment(app, policy.id, f"{name}.applications[{i}]")
        except InputError as exc:
            errors.append(exc)
    if errors:
        raise InputError.together(errors)


STRICT = Place("strict")
"""The domain key of the strict reading of a round, under which an applicant that is no
administration of the year refuses the round (`use_cases/places.py`)."""


def check_administrations(round_: Round, policy: Policy, evaluator: Evaluator, name: str) -> None:
    """Every applicant is an administration of the round's own year, or InputError at
    STRICT: what the strict reading asks (else such an application is evaluated, and is
    ineligible).

    (Under another year a name may have ceased to exist; that is a finding, not an error.)
    """
    index = evaluator.loaded(policy.id).index
    unknown = []
    for i, app in enumerate(round_.applications):
        for j, applicant in enumerate(app.applicants):
            resolution = index.resolve(applicant)
            if resolution.administration is not None:
                continue
            hint = _hint(resolution)
            field = f"{name}.applications[{i}].applicants[{j}] (id {app.id})"
            said = {
                lang: text(
                    "round_eval.administration_unknown",
                    lang,
                    field=field,
                    applicant=applicant,
                    year=policy.id,
                    hint=hint.get(lang),
                )
                for lang in LANGS
            }
            unknown.append(InputError(L(**said), STRICT))
    if unknown:  # every one named, the first as the error
        raise InputError.together(unknown)


ROUND_YEAR = Place("round.year")
"""The domain key of the year a round is evaluated under, when its file names none
(`use_cases/places.py`)."""


def read_round(
    source: bytes | RoundFile,
    name: str,
    evaluator: Evaluator,
    year: str | None,
    *,
    strict: bool = False,
) -> tuple[Round, str]:
    """A round from a file's bytes (JSON, CSV or XLSX, by `name`) — or from the file opened
    already (`open_round`: a page that says which sheet of a workbook it read opens the
    workbook once) — read under the year to
    evaluate it under — `year`, else the round's own — so the fields that year's facts add
    are accepted and typed, and with that year. With `strict`, every applicant must be an
    administration of the round's own year (`check_administrations`); without, an
    application naming another is evaluated, ineligible, and listed in the round's
    findings. What the command line and the service both read a round with. Every
    assessment of a criterion the year does not have is refused, each at its place."""
    file = source if isinstance(source, RoundFile) else open_round(source, name)
    chosen = year or file.year
    if chosen is None:
        file.round()  # what is wrong with the file itself comes first
        raise InputError(both("round_eval.no_year"), ROUND_YEAR)
    policy = evaluator.require(chosen).policy
    round_ = file.round(policy.vocabulary)
    check_assessments(round_, policy, name)
    if strict:
        check_administrations(round_, evaluator.load_policy(round_.year or chosen), evaluator, name)
    return round_, chosen


_NOT_A_WORD = re.compile(r"[\W_]+")


def _title_key(text: str) -> str:
    return _NOT_A_WORD.sub(" ", text.casefold()).strip()


def find_duplicates(
    round_: Round, evaluations: dict[str, Evaluation], lang: Lang
) -> list[Duplicate]:
    """Applications of one kind with the same title from a shared administration (rows
    declared one application by `same_as` are one, not duplicates)."""
    groups: dict[tuple[str, str], list[RoundEntry]] = defaultdict(list)
    for app in round_.applications:
        if app.same_as is None:
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
                    reason=check("round", "round.duplicate.reason").text(lang, title=apps[0].title),
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
    assessments_checked: bool = False,
) -> RoundEvaluation:
    """Every application evaluated, with the round's tallies, duplicates and totals.
    `assessments_checked`: the round was read by `read_round`, which checked them."""
    with gc_paused():  # every collection would walk all the results built so far
        return _evaluate_round(
            round_, year, evaluator, lang, scorers, progress, assessments_checked
        )


def _evaluate_round(
    round_: Round,
    year: str,
    evaluator: Evaluator,
    lang: Lang,
    scorers: Sequence[str] | None,
    progress: Progress | None,
    assessments_checked: bool,
) -> RoundEvaluation:
    loaded = evaluator.require(year)
    policy = loaded.policy
    if not assessments_checked:  # before any work
        check_assessments(round_, policy, "round")
    apps = sorted(round_.applications, key=lambda a: natural_key(a.id))
    evaluations = _evaluate_all(apps, year, evaluator, lang, scorers, progress)
    items = count_applications(round_, evaluations)
    chosen = choices(round_, evaluations, policy)
    book = tally(policy, items)
    duplicates = find_duplicates(round_, evaluations, lang)
    totals = {kind: _kind_totals(kind, apps, evaluations) for kind in KINDS}
    return RoundEvaluation(
        round=RoundInfo(
            year=round_.year, title=round_.title, document=round_.document, applications=len(apps)
        ),
        policy=loaded.ref,
        lang=lang,
        evaluations=[evaluations[a.id] for a in apps],
        administrations=_tallies(policy, per_administration(items), _quota_counts(book), chosen),
        unknown_applicants=_unknown_applicants(apps, evaluations, loaded.index, lang),
        duplicates=duplicates,
        totals=totals,
        findings=[
            *_unknown_findings(apps, evaluations, loaded.index, policy.id, lang),
            *_same_application_findings(round_, lang),
            *_quota_findings(book, chosen, lang),
            *_duplicate_findings(duplicates, lang),
            *_total_findings(apps, totals, lang),
        ],
    )


def _quota_counts(book: QuotaBook) -> dict[str, list[QuotaCount]]:
    """Each administration's count against each quota that applies to it."""
    uses: dict[str, list[QuotaCount]] = defaultdict(list)
    for use in book.uses():
        uses[use.administration.id].append(
            QuotaCount(
                quota=use.quota.id,
                limit=use.quota.limit,
                count=use.count,
                over=use.over,
                applications=sorted(use.applications, key=natural_key),
            )
        )
    return uses


def _tallies(
    policy: Policy,
    by_admin: dict[str, dict[Kind, list[str]]],
    uses: dict[str, list[QuotaCount]],
    chosen: Choices,
) -> list[AdministrationTally]:
    names = {a.id: a.name for a in policy.administrations.members}
    return [
        AdministrationTally(
            administration=admin_id,
            name=names[admin_id],
            applications={k: sorted(v, key=natural_key) for k, v in sorted(kinds.items())},
            quotas=uses.get(admin_id, []),
            over_quota=any(q.over for q in uses.get(admin_id, [])),
            ranked=admin_id in chosen.chose,
            not_put_forward=sorted(chosen.of(admin_id), key=natural_key),
        )
        for admin_id, kinds in sorted(by_admin.items(), key=lambda kv: names[kv[0]])
    ]


def _lowered(text: str) -> str:
    """A description inside a sentence: its first letter lower case, names left as written."""
    return text[:1].lower() + text[1:]


def _unknown_findings(
    apps: list[RoundEntry],
    evaluations: dict[str, Evaluation],
    index: AdministrationIndex,
    year: str,
    lang: Lang,
) -> list[RoundFinding]:
    """Applications naming an applicant that is not an administration of the year: each is
    evaluated (ineligible) and counted for no quota, and listed here so none goes unseen."""
    spec = check("round", UNKNOWN_APPLICANT)
    out = []
    for app in apps:
        # The evaluation resolved every name; only an unknown one is looked up again, for its hint.
        unknown = [
            index.resolve(a.as_written)
            for a in evaluations[app.id].applicants
            if a.administration is None
        ]
        if unknown:
            message = spec.text(
                lang,
                application=app.id,
                applicants=", ".join(f"”{r.as_written}”" for r in unknown),
                year=year,
                hints="; ".join(_hint(r).get(lang) for r in unknown),
            )
            out.append(
                RoundFinding(
                    rule=UNKNOWN_APPLICANT, status="warn", message=message, applications=[app.id]
                )
            )
    return out


def _unknown_applicants(
    apps: list[RoundEntry],
    evaluations: dict[str, Evaluation],
    index: AdministrationIndex,
    lang: Lang,
) -> list[UnknownApplicant]:
    """Each applicant name that is no administration of the year, with its applications
    per kind, in the order first met; names that match alike ("Hässelby-Vällinby" and
    "Hässelby-Vällinby sdf") are one row, as first written."""
    written: dict[str, str] = {}
    named: dict[str, dict[Kind, list[str]]] = {}
    for app in apps:
        for applicant in evaluations[app.id].applicants:
            if applicant.administration is None:
                key = normalise(applicant.as_written)
                written.setdefault(key, applicant.as_written)
                kinds = named.setdefault(key, {})
                kinds.setdefault(app.kind, []).append(app.id)
    return [
        UnknownApplicant(
            as_written=written[key],
            hint=_hint(index.resolve(written[key])).get(lang),
            applications=dict(sorted(kinds.items())),
        )
        for key, kinds in named.items()
    ]


def _same_application_findings(round_: Round, lang: Lang) -> list[RoundFinding]:
    """Rows declared one application (`same_as`): counted and granted once, as the first."""
    spec = check("round", "round.same_application")
    return [
        RoundFinding(
            rule=spec.id,
            status="info",
            message=spec.text(lang, applications=", ".join(ids), first=ids[0]),
            applications=ids,
        )
        for ids in same_application_groups(round_).values()
        if len(ids) > 1
    ]


def _quota_findings(book: QuotaBook, chosen: Choices, lang: Lang) -> list[RoundFinding]:
    """An administration with more applications than a quota lets it be granted, and
    whether it chose which are considered."""
    out = []
    for use in book.uses():
        if not use.over:
            continue
        admin = use.administration
        if admin.id in chosen.chose:
            aside = sorted(chosen.of(admin.id), key=natural_key)
            said = check("round", "quota.ranked").text(
                lang,
                not_considered=check("round", "quota.not_considered").text(
                    lang, applications=", ".join(aside)
                )
                if aside
                else "",
            )
        else:
            said = check("round", "quota.not_ranked").text(lang)
        message = check("round", "quota.over").text(
            lang,
            administration=admin.name,
            count=use.count,
            limit=use.quota.limit,
            quota=_lowered(use.quota.description.get(lang)),
            ranked=said,
        )
        out.append(
            RoundFinding(
                rule=use.quota.id,
                status="warn",
                message=message,
                applications=sorted(use.applications, key=natural_key),
                administration=admin.id,
                source=use.quota.source,
            )
        )
    return out


def _duplicate_findings(duplicates: list[Duplicate], lang: Lang) -> list[RoundFinding]:
    spec = check("round", "round.duplicate")
    return [
        RoundFinding(
            rule=spec.id,
            status="warn",
            message=spec.text(lang, applications=", ".join(d.applications), reason=d.reason),
            applications=d.applications,
        )
        for d in duplicates
    ]


def _total_findings(
    apps: list[RoundEntry], totals: dict[Kind, KindTotals], lang: Lang
) -> list[RoundFinding]:
    """Per kind: how many applications, how much requested, and their outcomes."""
    out = []
    for kind, t in totals.items():
        not_stated = (
            check("round", "round.requested.not_stated").text(lang, count=t.requested_not_stated)
            if t.requested_not_stated
            else ""
        )
        message = check("round", "round.requested").text(
            lang,
            applications=t.applications,
            kind=text(f"kind.short.{kind}", lang),
            requested=format_sek(t.requested_sek),
            not_stated=not_stated,
            eligible=t.eligible,
            undetermined=t.undetermined,
            ineligible=t.ineligible,
        )
        out.append(
            RoundFinding(
                rule="round.requested",
                status="info",
                message=message,
                applications=[a.id for a in apps if a.kind == kind],
            )
        )
    return out


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
