"""Evaluating one application against one year's policy: the result model and the evaluator."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import ValidationError

from fourules.application import ProjectApplication, StudyTripApplication
from fourules.engine.clauses import BranchKey, compile_clauses, oracle_fire
from fourules.engine.durable import DurableEngine
from fourules.errors import InputError, Place, UnknownPolicyError
from fourules.evaluation.default_scorers import PriorityCriteriaScorer
from fourules.evaluation.inputs import parse_application
from fourules.evaluation.messages import Message, branch_text, compile_message
from fourules.evaluation.plugins import PluginManager, get_plugin_manager
from fourules.evaluation.results import (
    Applicant,
    Evaluation,
    Finding,
    Outcome,
    PolicyRef,
    ScoreItem,
    built,
)
from fourules.evaluation.scoring import DECISION_SCORERS, Scorer, ScorerError, checked_items
from fourules.evaluation.sharing import Memo
from fourules.policy.administrations import AdministrationIndex, Resolution
from fourules.policy.folders import checked_folder, env_policy_path, find_years
from fourules.policy.model import Policy, load_policy_file
from fourules.policy.vocabulary import Facts, Shown
from fourules.text import LANGS, Lang, LocalText
from fourules.texts import both

EngineName = Literal["durable-rules", "oracle"]


L = LocalText


YEAR = Place("year")
"""The domain key of the policy year asked for (`use_cases/places.py`)."""


@dataclass(frozen=True)
class BranchPlan:
    """What one branch does when it fires, read once from the policy."""

    effect: str | None
    grant_limit: int | None


@dataclass(frozen=True)
class Outline:
    """What a set of fired branches gives in one language, whatever the application's values:
    the findings whose message shows none of them (None in the places of the others, each
    listed in `dynamic` with its message), the outcome and the least grant limit. Built once
    per set: 10 000 generated applications fired 720 sets in 2018 and 2 900 in 2024."""

    findings: tuple[Finding | None, ...]
    dynamic: tuple[tuple[int, Shown, Memo[Hashable, Finding], BranchKey, Message], ...]
    """Each finding that shows the application's values: its place, what its message shows
    (`Message.key`), its findings by that, its branch and its message."""
    outcome: Outcome
    grant_limit: int | None
    criteria_fixed: bool
    """No finding of a priority criterion shows the application's values: the built-in
    scorer's items are the same for every application with this outline."""
    criteria_shown: tuple[int, ...] = ()
    """The places of the findings of priority criteria that show the application's values."""
    scored: dict[Scorer, list[ScoreItem]] = field(default_factory=dict)
    """The built-in scorer's items, when `criteria_fixed` (scored at the first use)."""
    scores: Memo[tuple[int, ...], Scores] = field(default_factory=Memo)
    """When the built-in is the only scorer: the scorers run, the items and their sum, by the
    identities of the findings at `criteria_shown` (none when `criteria_fixed`), scored at
    their first use. The built-in scorer reads only the criteria's findings, so these are
    the same for every application of this outline whose findings there are the same
    (the evaluator's memos hand out the same finding for the same one). Each entry keeps
    its findings, so no id in a key can stand for another finding while it is there."""


@dataclass(frozen=True)
class LoadedPolicy:
    """A policy with everything evaluation needs, built once."""

    policy: Policy
    ref: PolicyRef
    index: AdministrationIndex
    engine: DurableEngine
    validate: Callable[[object], ProjectApplication | StudyTripApplication]
    """The year's application contract as its compiled validator reads it, without the
    adapter's `validate_python` around it (0.24 µs an evaluation, least of 5)."""
    scorers: tuple[tuple[str, Scorer], ...]
    """Each scorer that applies, with the name of its plugin."""
    built_in_only: bool
    """The only scorer is the built-in one, under its own name (no plugin adds one)."""
    messages: Mapping[tuple[int, int, Lang], Message]
    plans: Mapping[tuple[int, int], BranchPlan]
    static: Mapping[tuple[int, int, Lang], Finding]
    """Findings whose message uses no field of the application: built once, shared (frozen)."""
    by_shown: Mapping[tuple[int, int, Lang], Memo[Hashable, Finding]]
    """Per message that shows the application's values, its findings by what it shows: a
    memo each, so no key of branch and language is built per finding (an evaluation, with
    a dict read without ABC checks: 25.9 -> 24.9 µs for 2018, least of 15 runs)."""
    outlines: Memo[tuple[tuple[BranchKey, ...], Lang], Outline] = field(default_factory=Memo)
    by_message: Memo[tuple[int, int, str], Finding] = field(default_factory=Memo)
    """Findings with the application's values by their message: many repeat ("Sökande:
    Farsta."), so shared."""
    applicants_of: Memo[int, tuple[tuple[Resolution, ...], list[Applicant]]] = field(
        default_factory=Memo
    )

    def outline(self, fired: tuple[BranchKey, ...], lang: Lang) -> Outline:
        """The outline of the fired branches (`Outline`), built at its first use."""
        cached = self.outlines.get((fired, lang))
        if cached is not None:
            return cached
        findings: list[Finding | None] = []
        dynamic = []
        effects: set[str] = set()
        limits: list[int] = []
        for position, key in enumerate(fired):
            finding = self.static.get((*key, lang))
            findings.append(finding)
            if finding is None:
                message = self.messages[(*key, lang)]
                memo = self.by_shown[(*key, lang)]
                dynamic.append((position, message.key, memo, key, message))
            plan = self.plans[key]
            if plan.effect:
                effects.add(plan.effect)
            if plan.grant_limit is not None:
                limits.append(plan.grant_limit)
        outcome: Outcome = (
            "ineligible"
            if "ineligible" in effects
            else "undetermined"
            if "undetermined" in effects
            else "eligible"
        )
        criteria = self.policy.priority_rule_ids
        shown = tuple(p for p, _, _, (r, _), _ in dynamic if self.policy.rules[r].id in criteria)
        built = Outline(
            tuple(findings), tuple(dynamic), outcome, min(limits, default=None), not shown, shown
        )
        return self.outlines.store((fired, lang), built)

    def applicants(self, resolutions: tuple[Resolution, ...]) -> list[Applicant]:
        """The result's applicants: built once for the same resolutions (the index gives the
        same tuple for the same names), a new list each time."""
        entry = self.applicants_of.get(id(resolutions))
        if entry is None or entry[0] is not resolutions:
            entry = (resolutions, [_applicant(r) for r in resolutions])
            self.applicants_of.store(id(resolutions), entry)
        return list(entry[1])

    def by_text(self, key: BranchKey, message: str) -> Finding:
        """The finding of a branch with its message rendered."""
        r, b = key
        found = self.by_message.get((r, b, message))
        if found is None:
            found = self.by_message.store((r, b, message), _finding(self.policy, r, b, message))
        return found


class Evaluator:
    """Policies, their engines and the scorers, for evaluating applications.

    Policies are found through the `fourules_policy_dirs` hook and compiled on first use.
    An evaluator is safe to share between threads; each evaluation is independent.
    """

    def __init__(
        self,
        plugin_manager: PluginManager | None = None,
        *,
        engine: EngineName = "durable-rules",
        policy_path: Sequence[str | Path] | None = None,
    ) -> None:
        """`policy_path` adds folders of year folders (or year folders) to those the plugins
        provide; None reads FOURULES_POLICY_PATH (folders separated like PATH).

        `engine="oracle"` decides with the plain-Python reading instead of durable-rules:
        for checking the engine and measuring its cost, never needed for normal use."""
        if engine not in ("durable-rules", "oracle"):
            raise ValueError(f"engine must be 'durable-rules' or 'oracle', not {engine!r}")
        self.engine = engine
        self.plugin_manager = plugin_manager or get_plugin_manager()
        self.policy_path = [
            Path(p) for p in (policy_path if policy_path is not None else env_policy_path())
        ]
        self._lock = threading.Lock()
        self._paths: dict[str, Path] | None = None
        self._loaded: dict[str, LoadedPolicy] = {}

    # --- policies ---------------------------------------------------------------------

    def policy_paths(self) -> dict[str, Path]:
        """Every policy year available, id -> policy file, in id order."""
        with self._lock:
            if self._paths is None:
                provided = [
                    Path(d)
                    for dirs in self.plugin_manager.hook.fourules_policy_dirs()
                    for d in dirs
                ]
                self._paths = find_years(
                    [*provided, *(checked_folder(p) for p in self.policy_path)]
                )
            return self._paths

    def policy_ids(self) -> list[str]:
        return list(self.policy_paths())

    def loaded(self, year: str | int) -> LoadedPolicy:
        key = str(year)
        cached = self._loaded.get(key)
        if cached is not None:
            return cached
        paths = self.policy_paths()
        if key not in paths:
            available = ", ".join(paths) or "-"
            raise UnknownPolicyError(
                both("evaluator.year_unknown", year=repr(key), available=available), YEAR
            )
        with self._lock:
            if key not in self._loaded:
                policy = load_policy_file(paths[key])
                scorers = tuple(
                    (self.plugin_manager.get_name(plugin) or "?", scorer)
                    for plugin, scorers in self.scorer_plugins()
                    for scorer in scorers
                    if scorer.applies_to(policy)
                )
                messages = {
                    (r, b, lang): compile_message(branch_text(policy, r, b, lang), policy, lang)
                    for r, rule in enumerate(policy.rules)
                    for b in range(len(rule.branches))
                    for lang in LANGS
                }
                self._loaded[key] = LoadedPolicy(
                    policy=policy,
                    ref=PolicyRef(id=policy.id, version=policy.version, sha256=policy.sha256),
                    index=AdministrationIndex(policy.administrations),
                    engine=DurableEngine(policy.id, compile_clauses(policy)),
                    validate=policy.vocabulary.application_adapter.validator.validate_python,
                    scorers=scorers,
                    built_in_only=all(_built_in(plugin, scorer) for plugin, scorer in scorers),
                    messages=messages,
                    plans=_plans(policy),
                    static={
                        (r, b, lang): _finding(policy, r, b, "".join(map(str, message.parts)))
                        for (r, b, lang), message in messages.items()
                        if not message.shows
                    },
                    by_shown={key: Memo(5_000) for key, m in messages.items() if m.shows},
                )
            return self._loaded[key]

    def refresh(self, year: str | int) -> None:
        """Find the policy years anew and forget `year`'s compiled policy: a year published
        while serving (`use_cases.calls.publish`) is served at its next use, no restart."""
        with self._lock:
            self._paths = None
            self._loaded.pop(str(year), None)

    def require(self, year: str | int) -> LoadedPolicy:
        """The year, loaded and compiled; an unknown year raises UnknownPolicyError (bad input)
        before any input is looked at, and nothing is compiled after a fork."""
        return self.loaded(year)

    def load_policy(self, year: str | int) -> Policy:
        return self.loaded(year).policy

    def scorer_plugins(self) -> list[tuple[object, list[Scorer]]]:
        """Each plugin implementing `fourules_scorers`, with the scorers it returns (checked)."""
        out = []
        for impl in self.plugin_manager.hook.fourules_scorers.get_hookimpls():
            name = self.plugin_manager.get_name(impl.plugin) or "?"
            try:
                scorers = impl.function()
            except Exception as exc:
                raise ScorerError("?", name, f"raised {type(exc).__name__}: {exc}") from exc
            if not isinstance(scorers, list) or not all(isinstance(s, Scorer) for s in scorers):
                raise ScorerError("?", name, f"must return a list of Scorer, got {scorers!r:.80}")
            out.append((impl.plugin, scorers))
        return out

    # --- evaluation -------------------------------------------------------------------

    def evaluate(
        self,
        application: Mapping[str, Any] | ProjectApplication | StudyTripApplication,
        year: str | int,
        *,
        lang: Lang = "sv",
        scorers: Sequence[str] | None = None,
        where: str = "application",
        assessment_checked: bool = False,
    ) -> Evaluation:
        """Evaluate one application; bad input raises InputError naming the field.
        `assessment_checked`: the caller has checked the assessment (a round, up front)."""
        if lang not in LANGS:
            raise InputError(both("evaluator.lang"), "lang")
        loaded = self._loaded.get(year) if type(year) is str else None
        if loaded is None:
            loaded = self.loaded(year)
        vocabulary = loaded.policy.vocabulary
        app: ProjectApplication | StudyTripApplication
        if type(application) is dict:
            # The common case without the reader's checks of what was given (0.3 µs): only
            # bad input goes through `parse_application` too, for its message.
            try:
                app = loaded.validate(application)
            except ValidationError:
                app = parse_application(application, where=where, vocabulary=vocabulary)
        else:
            app = parse_application(application, where=where, vocabulary=vocabulary)
        assessment = app.assessment
        known = not assessment or assessment.keys() <= vocabulary.assessable[app.kind]
        if not (assessment_checked or known):  # the check itself, only to say what is wrong
            vocabulary.check_assessment(app, loaded.policy.id, where)
        # Derived and decided here, not through `_derive` and `_decide`, and the outline
        # and the findings found as below: the calls spared, 22.9 -> 22.5 µs for 2018 (least
        # of 25 runs; 2024 within the noise).
        if self.engine == "durable-rules":
            facts = vocabulary.derive(app, loaded.index, loaded.engine.shape)
            assert facts.plain is not None  # derived in the engine's shape
            fired = loaded.engine.fire_shaped(facts.plain)
        else:
            facts = vocabulary.derive(app, loaded.index)
            fired = oracle_fire(loaded.engine.clauses, facts.fact)
        # The outline of what fired, then the findings that show the application's values,
        # each found by what it shows (rendered only the first time), then the result.
        outline = loaded.outlines.get((fired, lang)) or loaded.outline(fired, lang)
        findings = list(outline.findings)
        for position, shown_of, by_shown, key, message in outline.dynamic:
            shown = shown_of(app, facts)
            finding = by_shown.get(shown)
            if finding is None:
                text = message.render(app, facts, lang)
                finding = by_shown.store(shown, loaded.by_text(key, text))
            findings[position] = finding
        return self._assemble(loaded, app, facts.applicants, outline, findings, lang, scorers)

    def prepare(
        self,
        application: ProjectApplication | StudyTripApplication,
        year: str | int,
        lang: Lang,
        assessment_checked: bool = False,
    ) -> Prepared:
        """The engine's decision and the messages that depend on the application: the part of
        an evaluation a worker process can do, sending back only plain values."""
        loaded = self.loaded(year)
        vocabulary = loaded.policy.vocabulary
        if not assessment_checked:
            vocabulary.check_assessment(
                application, loaded.policy.id, f"application (id {application.id})"
            )
        facts = self._derive(loaded, application)
        fired = self._decide(loaded, facts)
        return fired, _dynamic_messages(loaded, application, facts, fired, lang)

    def assemble(
        self,
        application: ProjectApplication | StudyTripApplication,
        year: str | int,
        prepared: Prepared,
        *,
        lang: Lang = "sv",
        scorers: Sequence[str] | None = None,
    ) -> Evaluation:
        """The evaluation from what `prepare` returned (possibly in another process)."""
        loaded = self.loaded(year)
        fired, messages = prepared
        outline = loaded.outline(fired, lang)
        findings = list(outline.findings)
        for position, _, _, key, _ in outline.dynamic:
            findings[position] = loaded.by_text(key, messages[key])
        applicants = loaded.index.resolve_all(application.applicants)
        return self._assemble(loaded, application, applicants, outline, findings, lang, scorers)

    def _derive(
        self, loaded: LoadedPolicy, app: ProjectApplication | StudyTripApplication
    ) -> Facts:
        """The fact, and for durable-rules the fact in its ruleset's shape, in one pass."""
        shape = loaded.engine.shape if self.engine == "durable-rules" else None
        return loaded.policy.vocabulary.derive(app, loaded.index, shape)

    def _decide(self, loaded: LoadedPolicy, facts: Facts) -> tuple[tuple[int, int], ...]:
        if self.engine == "oracle":
            return oracle_fire(loaded.engine.clauses, facts.fact)
        if facts.plain is not None:
            return loaded.engine.fire_shaped(facts.plain)
        return loaded.engine.fire(facts.fact)

    def _assemble(
        self,
        loaded: LoadedPolicy,
        app: ProjectApplication | StudyTripApplication,
        applicants: tuple[Resolution, ...],
        outline: Outline,
        findings: list[Finding | None],
        lang: Lang,
        scorer_names: Sequence[str] | None,
    ) -> Evaluation:
        made = cast(list[Finding], findings)  # every place filled by now
        outcome = outline.outcome
        if outcome == "ineligible":
            max_grant: int | None = 0
        elif app.requested_sek is None:
            max_grant = None
        elif outline.grant_limit is None:
            max_grant = app.requested_sek
        else:
            max_grant = min(app.requested_sek, outline.grant_limit)
        if scorer_names is None and loaded.built_in_only:
            # The built-in scorer alone, on findings the same for every application of this
            # outline but those at `criteria_shown`: the scoring of the first serves all
            # with the same findings there (`Outline.scores`). For the outlines whose
            # criteria show the application's values (a quarter) too: an evaluation 20.7 ->
            # 19.7 µs for 2018, 23.8 -> 22.9 µs for 2024 (10 000 generated, medians of 9).
            places = outline.criteria_shown
            shown = tuple([made[p] for p in places]) if places else ()
            key = tuple(map(id, shown)) if places else ()
            scores = outline.scores.get(key)
            if scores is None:
                ran, items = self._score(loaded, app, outline, made, lang, None)
                total = float(sum(i.points for i in items))
                scores = outline.scores.store(key, (shown, tuple(ran), tuple(items), total))
            _, fixed_ran, fixed_items, total = scores
            ran, items = list(fixed_ran), list(fixed_items)
        else:
            ran, items = self._score(loaded, app, outline, made, lang, scorer_names)
            total = float(sum(i.points for i in items))
        # Every part is already a validated model or a plain value computed here: building
        # the result does not need validating it again.
        return built(
            Evaluation,
            {
                "application_id": app.id,
                "policy": loaded.ref,
                "lang": lang,
                "outcome": outcome,
                "max_grant_sek": max_grant,
                "score": total,
                "score_breakdown": items,
                "scorers": ran,
                "applicants": loaded.applicants(applicants),
                "findings": made,
            },
        )

    def _score(
        self,
        loaded: LoadedPolicy,
        app: ProjectApplication | StudyTripApplication,
        outline: Outline,
        findings: list[Finding],
        lang: Lang,
        chosen: Sequence[str] | None,
    ) -> tuple[list[str], list[ScoreItem]]:
        if chosen is not None:
            available = {scorer.name for _, scorer in loaded.scorers}
            unknown = sorted(set(chosen) - available)
            if unknown:
                names, known = ", ".join(unknown), ", ".join(sorted(available)) or "-"
                raise InputError(
                    both(
                        "evaluator.scorer_unknown",
                        names=names,
                        policy=loaded.policy.id,
                        known=known,
                    ),
                    "scorer",
                )
        ran: list[str] = []
        items: list[ScoreItem] = []
        for plugin, scorer in loaded.scorers:
            if chosen is not None and scorer.name not in chosen:
                continue
            built_in = _built_in(plugin, scorer)
            returned = outline.scored.get(scorer) if built_in and outline.criteria_fixed else None
            if returned is None:
                try:
                    returned = scorer.score(
                        application=app, policy=loaded.policy, findings=findings, lang=lang
                    )
                except Exception as exc:
                    raise ScorerError(
                        scorer.name, plugin, f"raised {type(exc).__name__}: {exc}"
                    ) from exc
                if built_in and outline.criteria_fixed:
                    # It reads only the criteria's findings, the same for every application
                    # of this outline: scored once per outline (1.7-2.1 -> 0.6 µs an evaluation).
                    outline.scored[scorer] = list(returned)
            if built_in:
                # The built-in scorer, under its own name: its items are validated models
                # built already named so (`checked_items` would return them as they are,
                # after 0.9 µs). Any other scorer's items are checked.
                items.extend(returned)
            else:
                items.extend(checked_items(scorer, plugin, returned))
            ran.append(scorer.name)
        return ran, items


def _built_in(plugin: str, scorer: Scorer) -> bool:
    """The built-in scorer under its own name: it reads only the criteria's findings, and its
    items are validated models already named as `checked_items` would name them."""
    return plugin == DECISION_SCORERS and type(scorer) is PriorityCriteriaScorer


Scores = tuple[tuple[Finding, ...], tuple[str, ...], tuple[ScoreItem, ...], float]
"""The findings a scoring read at an outline's `criteria_shown`, the scorers run, their items
and their sum."""

Prepared = tuple[tuple[tuple[int, int], ...], dict[tuple[int, int], str]]
"""What `Evaluator.prepare` returns: the fired branches, and the messages that use the
application's own values (the others are the same for every application)."""


def _dynamic_messages(
    loaded: LoadedPolicy,
    app: ProjectApplication | StudyTripApplication,
    facts: Facts,
    fired: Sequence[tuple[int, int]],
    lang: Lang,
) -> dict[tuple[int, int], str]:
    return {
        (r, b): loaded.messages[r, b, lang].render(app, facts, lang)
        for r, b in fired
        if (r, b, lang) not in loaded.static
    }


def _plans(policy: Policy) -> dict[tuple[int, int], BranchPlan]:
    plans = {}
    for r, rule in enumerate(policy.rules):
        for b, branch in enumerate(rule.branches):
            limit = None
            if branch.grant_limit:
                value = policy.parameters[branch.grant_limit[1:]].value
                assert isinstance(value, int)  # validated when the policy loaded
                limit = value
            plans[r, b] = BranchPlan(branch.outcome, limit)
    return plans


def _finding(policy: Policy, r: int, b: int, message: str) -> Finding:
    """A branch's finding: every value the validated policy's, and the message rendered from
    it, so built without validating again (a test compares it with the validated one): 1.96
    -> 1.29 µs a finding not met before, about one in two new applications."""
    rule = policy.rules[r]
    branch = rule.branches[b]
    return built(
        Finding,
        {
            "rule": rule.id,
            "status": branch.status,
            "message": message,
            "source": rule.source,
            "effect": branch.outcome,
            "basis": policy.branch_basis(r, b),
        },
    )


def _applicant(r: Resolution) -> Applicant:
    adm = r.administration
    return _cached_applicant(r.as_written, adm.id if adm else None, adm.name if adm else None)


@functools.lru_cache(maxsize=20_000)
def _cached_applicant(as_written: str, administration: str | None, name: str | None) -> Applicant:
    # Rounds repeat the same applicant names; a frozen Applicant can be shared.
    return Applicant(as_written=as_written, administration=administration, name=name)


def folder_evaluator(folder: Path) -> Evaluator:
    """An evaluator of one year folder alone, with the built-in scorers only: how a draft is
    checked and proved whatever else is installed (a case states the decision's points)."""
    manager = get_plugin_manager(load_entry_points=False)
    manager.unregister(name="fourules.default_policies")
    return Evaluator(manager, policy_path=[folder])
