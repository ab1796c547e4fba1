"""A decision's statements about its own round, as tests of the round shipped beside it.

`policies/<year>/round_cases.yaml` names the round (`round: round.json`), optionally the
budget the drafts are made with (`budget: {project: …, study_trip: …}` or `{total: …}`;
by default every amount requested), and a list of `cases`. Each case has a sentence as
its `name`, the decision's words it rests on (`quote`, found word for word in the year's
decision; `section` optional) and one or more expectations:

* `over_quota: [administrations]` — exactly these are over a quota in `fourules round`;
* `within_quota: [administrations]` — none of these is over a quota;
* `chose: [administrations]` — each is over a quota and reported as having chosen which
  of its applications are considered;
* `not_put_forward: [ids]` — exactly these applications are never offered, by any draft
  (`ranked` and `optimal`, with and without partial grants);
* `same_application: [ids]` — these rows are one application (`same_as`): counted once in
  every quota, granted `granted_sek` in total by the decision when that is given, and
  funded at most once by every draft;
* `totals: {id: amount}` — what the rows give for each total the round states (equal to
  the stated value when the rows reproduce it);
* `audit: [{check, applications, expected?, actual?}]` — discrepancies the audit reports.

`run_round_cases(folder, evaluator)` runs them (`fourules check`); a case passes when every
expectation holds, else its problems say what the round gives instead, in both languages.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, model_validator

from fourules.application import MAX_EXACT
from fourules.authoring.quotes import found
from fourules.errors import FourulesError, InputError, PolicyError
from fourules.policy.model import first_problem, read_yaml
from fourules.text import LocalText
from fourules.texts import both, text

if TYPE_CHECKING:
    from fourules.evaluation.evaluator import Evaluator
    from fourules.rounds.allocation import Allocation
    from fourules.rounds.audit import AuditReport
    from fourules.rounds.evaluation import RoundEvaluation
    from fourules.rounds.model import Round

L = LocalText
ROUND_CASES_FILE = "round_cases.yaml"
Amount = Annotated[StrictInt, Field(ge=0, le=MAX_EXACT)]
_EXPECTATIONS = (
    "over_quota",
    "within_quota",
    "chose",
    "not_put_forward",
    "same_application",
    "totals",
    "audit",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AuditExpectation(_Strict):
    check: str = Field(min_length=1)
    applications: list[str] = Field(min_length=1)
    expected: int | None = None
    actual: int | None = None


class DraftBudget(_Strict):
    total: Amount | None = None
    project: Amount | None = None
    study_trip: Amount | None = None


class RoundCase(_Strict):
    """One statement of the decision about its round, and what the round must give."""

    name: str = Field(min_length=1, description="A sentence saying what the case shows.")
    section: str | None = None
    quote: str = Field(min_length=1, description="The decision's words, exactly.")
    over_quota: list[str] | None = None
    within_quota: list[str] | None = None
    chose: list[str] | None = None
    not_put_forward: list[str] | None = None
    same_application: list[str] | None = Field(default=None, min_length=2)
    granted_sek: Amount | None = None
    totals: dict[str, Amount] | None = None
    audit: list[AuditExpectation] | None = None

    @model_validator(mode="after")
    def _expects_something(self) -> RoundCase:
        if all(getattr(self, name) is None for name in _EXPECTATIONS):
            raise ValueError(f"give at least one of {', '.join(_EXPECTATIONS)}")
        if self.granted_sek is not None and self.same_application is None:
            raise ValueError("granted_sek goes with same_application")
        return self


class RoundCases(_Strict):
    round: str = Field(default="round.json", description="The round file, beside this one.")
    budget: DraftBudget | None = None
    cases: list[RoundCase] = Field(min_length=1)


@dataclass(frozen=True)
class RoundCaseResult:
    """One case run: what differed from what the case expects (nothing when it passes)."""

    name: str
    problems: tuple[LocalText, ...]
    line: int | None

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def message(self) -> LocalText:
        """The case and its problems, one message per language."""
        return L(
            sv=text(
                "check.case.failed",
                "sv",
                name=self.name,
                detail="; ".join(p.sv for p in self.problems),
            ),
            en=text(
                "check.case.failed",
                "en",
                name=self.name,
                detail="; ".join(p.en for p in self.problems),
            ),
        )


def load_round_cases(path: Path) -> RoundCases:
    """The file's cases; a broken file raises PolicyError naming the field."""
    try:
        return RoundCases.model_validate(read_yaml(path) or {})
    except ValidationError as exc:
        raise PolicyError(str(path), *first_problem(exc)) from None


def _case_lines(path: Path) -> list[int | None]:
    """The line each case starts on."""
    node = yaml.compose(path.read_text(encoding="utf-8"))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "cases" and isinstance(value, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in value.value]
    return []


def run_round_cases(
    folder: Path, evaluator: Evaluator, year: str | None = None
) -> list[RoundCaseResult]:
    """Every case of the folder's `round_cases.yaml` run against its round, evaluated under
    `year` (by default the round's own, else the folder's name); [] when the folder has no
    such file. A broken file, or a round that cannot be read, raises PolicyError."""
    path = folder / ROUND_CASES_FILE
    if not path.exists():
        return []
    cases = load_round_cases(path)
    run = _Run(folder, path, cases, evaluator, year)
    lines = _case_lines(path)
    return [
        RoundCaseResult(case.name, tuple(run.problems(case)), lines[i] if i < len(lines) else None)
        for i, case in enumerate(cases.cases)
    ]


class _Run:
    """The round evaluated, audited and drafted once, for every case of the file."""

    def __init__(
        self,
        folder: Path,
        path: Path,
        cases: RoundCases,
        evaluator: Evaluator,
        year: str | None,
    ) -> None:
        from fourules.rounds.files import load_round

        round_path = folder / cases.round
        if not round_path.is_file():
            raise PolicyError(
                str(path), "round", f"{cases.round} is not a file beside {ROUND_CASES_FILE}"
            )
        try:
            # Read under the year it is checked in (its folder's), so the year's own fields
            # are the round's too.
            chosen = year or folder.name
            known = chosen in evaluator.policy_ids()
            vocabulary = evaluator.load_policy(chosen).vocabulary if known else None
            self.round: Round = load_round(round_path.read_bytes(), str(round_path), vocabulary)
        except InputError as exc:
            raise PolicyError(str(round_path), exc.where or "", exc.message.en) from None
        self.year = year or self.round.year or folder.name
        self.evaluator, self.cases, self.folder = evaluator, cases, folder
        self.policy = evaluator.load_policy(self.year)
        self.index = evaluator.loaded(self.year).index

    @cached_property
    def evaluated(self) -> RoundEvaluation:
        from fourules.rounds.evaluation import evaluate_round

        return evaluate_round(self.round, self.year, self.evaluator)

    @cached_property
    def audited(self) -> AuditReport:
        from fourules.rounds.audit import audit_round

        return audit_round(self.round, self.evaluated, self.policy)

    @cached_property
    def drafts(self) -> dict[str, Allocation]:
        """Every method's draft, in full and with partial grants, within the file's budget."""
        from fourules.rounds.allocation import allocate, make_budget

        given = self.cases.budget or DraftBudget()
        everything = sum(a.requested_sek or 0 for a in self.round.applications)
        total = given.total
        if total is None and (given.project is None or given.study_trip is None):
            total = everything
        budget = make_budget(total, given.project, given.study_trip)
        return {
            f"{method}{'' if share is None else f' --min-share {share}'}": allocate(
                self.round, self.evaluated, self.policy, budget, method=method, min_share=share
            )
            for method in ("ranked", "optimal")
            for share in (None, 0.3)
        }

    @cached_property
    def document(self) -> str | None:
        """The text the policy quotes (the transcription of a scan, else the decision)."""
        name = self.policy.document.quoted
        file = self.folder / name if name else None
        return file.read_text(encoding="utf-8") if file and file.is_file() else None

    def problems(self, case: RoundCase) -> Iterator[LocalText]:
        if self.document is not None and not found(case.quote, self.document):
            yield both("round_case.quote.missing", quote=case.quote)
        checks: dict[str, Callable[[RoundCase], Iterator[LocalText]]] = {
            "over_quota": self._over_quota,
            "within_quota": self._within_quota,
            "chose": self._chose,
            "not_put_forward": self._not_put_forward,
            "same_application": self._same_application,
            "totals": self._totals,
            "audit": self._audit,
        }
        for name, run in checks.items():
            if getattr(case, name) is not None:
                try:
                    yield from run(case)
                except FourulesError as exc:
                    yield L(sv=f"{name}: {exc}", en=f"{name}: {exc}")

    # --- administrations -----------------------------------------------------------------

    def _names(self, ids: set[str]) -> str:
        names = {a.id: a.name for a in self.policy.administrations.members}
        return ", ".join(sorted(names[i] for i in ids)) or "–"

    def _over(self) -> set[str]:
        return {t.administration for t in self.evaluated.administrations if t.over_quota}

    def _over_quota(self, case: RoundCase) -> Iterator[LocalText]:
        wanted = yield from self._ids(case.over_quota or [])
        over = self._over()
        if over != wanted:
            yield both("round_case.over_quota", over=self._names(over), wanted=self._names(wanted))

    def _within_quota(self, case: RoundCase) -> Iterator[LocalText]:
        wanted = yield from self._ids(case.within_quota or [])
        for admin in sorted(wanted & self._over()):
            name = self._names({admin})
            yield both("round_case.within_quota", name=name)

    def _chose(self, case: RoundCase) -> Iterator[LocalText]:
        wanted = yield from self._ids(case.chose or [])
        tallies = {t.administration: t for t in self.evaluated.administrations}
        for admin in sorted(wanted):
            tally, name = tallies.get(admin), self._names({admin})
            if tally is None or not tally.over_quota:
                yield both("round_case.chose.not_over", name=name)
            elif not tally.ranked:
                yield both("round_case.chose.not_ranked", name=name)

    def _ids(self, names: list[str]) -> Generator[LocalText, None, set[str]]:
        """Yields a problem per name that is no administration; returns the ids of the rest."""
        ids: set[str] = set()
        for name in names:
            found = self.index.resolve(name).administration
            if found is None:
                yield both("round_case.administration_unknown", name=name, year=self.year)
            else:
                ids.add(found.id)
        return ids

    # --- applications ----------------------------------------------------------------------

    def _not_put_forward(self, case: RoundCase) -> Iterator[LocalText]:
        wanted = set(case.not_put_forward or [])
        yield from self._unknown(wanted)
        for label, draft in self.drafts.items():
            aside = {ln.application_id for ln in draft.lines if ln.status == "not_put_forward"}
            funded = {ln.application_id for ln in draft.lines if ln.status == "funded"}
            if aside != wanted:
                yield both(
                    "round_case.not_put_forward",
                    draft=label,
                    aside=_listed(aside),
                    wanted=_listed(wanted),
                )
            if funded & wanted:
                yield both(
                    "round_case.not_put_forward.funded",
                    draft=label,
                    applications=_listed(funded & wanted),
                )

    def _same_application(self, case: RoundCase) -> Iterator[LocalText]:
        from fourules.rounds.model import same_application_groups

        rows = case.same_application or []
        wanted = set(rows)
        yield from self._unknown(wanted)
        groups = [set(ids) for ids in same_application_groups(self.round).values()]
        if wanted not in groups:
            together = [g for g in groups if g & wanted]
            yield both(
                "round_case.same_application.not_one",
                groups=" | ".join(map(_listed, together)),
            )
        for t in self.evaluated.administrations:
            for q in t.quotas:
                if len(wanted & set(q.applications)) > 1:
                    yield both(
                        "round_case.same_application.counted_apart",
                        administration=t.name,
                        applications=_listed(wanted & set(q.applications)),
                        quota=q.quota,
                    )
        by_id = {a.id: a for a in self.round.applications}
        granted = sum(d.granted for i in rows if i in by_id and (d := by_id[i].decision))
        if case.granted_sek is not None and granted != case.granted_sek:
            yield both(
                "round_case.same_application.granted", granted=granted, wanted=case.granted_sek
            )
        for label, draft in self.drafts.items():
            funded = {ln.application_id for ln in draft.lines if ln.status == "funded"}
            if len(funded & wanted) > 1:
                yield both(
                    "round_case.same_application.funded_apart",
                    draft=label,
                    applications=_listed(funded & wanted),
                )

    def _unknown(self, ids: set[str]) -> Iterator[LocalText]:
        known = {a.id for a in self.round.applications}
        if ids - known:
            yield both("round_case.applications_unknown", applications=_listed(ids - known))

    # --- totals and the audit --------------------------------------------------------------

    def _totals(self, case: RoundCase) -> Iterator[LocalText]:
        stated = {t.id: t.value for t in self.round.stated_totals}
        found = {
            d.check.removeprefix("total."): d.actual
            for d in self.audited.discrepancies
            if d.check.startswith("total.")
        }
        for total, amount in (case.totals or {}).items():
            if total not in stated:
                yield both("round_case.total.not_stated", total=total)
                continue
            given = found.get(total, stated[total])
            if given != amount:
                yield both(
                    "round_case.total.differs",
                    total=total,
                    given=given,
                    stated=stated[total],
                    wanted=amount,
                )

    def _audit(self, case: RoundCase) -> Iterator[LocalText]:
        for want in case.audit or []:
            same = [
                d
                for d in self.audited.discrepancies
                if d.check == want.check and d.applications == want.applications
            ]
            if not same:
                yield both(
                    "round_case.audit.not_reported",
                    check=want.check,
                    applications=_listed(set(want.applications)),
                )
                continue
            for field in ("expected", "actual"):
                value = getattr(want, field)
                if value is not None and getattr(same[0], field) != value:
                    yield both(
                        "round_case.audit.differs",
                        check=want.check,
                        field=field,
                        found=getattr(same[0], field),
                        wanted=value,
                    )


def _listed(ids: set[str]) -> str:
    from fourules.rounds.model import natural_key

    return ", ".join(sorted(ids, key=natural_key)) or "–"
