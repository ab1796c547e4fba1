"""A draft's rules edited in forms, under `/calls/drafts/{year}/rules`: a table of the rules
(title, id, basis, what each applies to, its branches, the check's problems), and a form per
rule (and `…/rules/new`): its title, kinds, basis and source picked from the decision's
text (`web/source_picker.py`), and its branches in order, each a condition written as rows
"field · comparison · value" (`web/rule_edit_views.py`), a status, an outcome, a basis and
a message. No YAML is needed; the rule's YAML as it would be saved is shown for whoever
wants it, and a condition the rows cannot say is shown as its YAML, read only.

Buttons add, move and remove branches and rows: each posts the form and shows it again as
typed, with the change, saving nothing until "Spara". A save is one change to policy.yaml
made by `authoring/rule_edits.py` (the rest of the file stays as written), validated by the
condition language row by row and by the policy model as a whole; the draft's check stands
beside the form, its lint (a branch that can never fire, a gap) beside the branch it is
about, and the rule's proofs (`…/rules/{id}/prove`, `use_cases/prove.py`) a link away. The
table, the forms, their saves (a stale one shows the rule as it now is beside what was
typed) are every editor's (`web/editor.Editor`). A rule is removed after a question, refused
while anything else in the draft names it (`web/rule_removal.py`).
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from fourules.application import KINDS
from fourules.authoring.renames import Place, rule_renamed
from fourules.authoring.rule_edits import rule_edited, rule_lines
from fourules.authoring.yaml_edits import read
from fourules.calls.repository import CallsRepository
from fourules.errors import InputError, PolicyError
from fourules.evaluation.evaluator import Evaluator
from fourules.policy.conditions import ConditionError, parse
from fourules.policy.model import POLICY_FILE
from fourules.texts import language, text
from fourules.use_cases import calls as uc
from fourules.use_cases.prove import ProveRequest, prove
from fourules.web import alternative_views, case_views, rule_edit_views
from fourules.web.draft_pages import TrialGate
from fourules.web.draft_views import Trials
from fourules.web.editor import FORM_LIMIT, NEW, Items, kept_fields
from fourules.web.gate import Form, Who
from fourules.web.policy_items import PolicyDraft, PolicyEditor, refusal
from fourules.web.rule_edit_views import (
    BASES,
    JOINS,
    OUTCOMES,
    STATUSES,
    RuleRow,
    RuleTyped,
    Terms,
    When,
)
from fourules.web.rule_removal import RuleRemoval

RULE_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
"""A new rule's id: lower-case words joined by dots (`cap.project`), as policy.yaml takes it."""
_PLACE = re.compile(r"branches(?:\[|\.)(\d+)\]?\.?([a-z_]*)")


class RuleDraft(PolicyDraft[RuleRow]):
    """The draft's policy.yaml as one revision has it, its rules, the decision's sentences to
    cite, and the terms its conditions may name (its policy's, when it loads)."""

    def __init__(self, repository: CallsRepository, year: str, items: Items) -> None:
        super().__init__(repository, year, items)
        self.policy = case_views.draft_policy(self.files, year)
        self.terms = rule_edit_views.terms(self.policy, self.data)


class RuleEditor(PolicyEditor[RuleRow, RuleTyped]):
    """The rules' table and forms."""

    items = Items("rules", "pages.rules", "id", rule_edit_views.rows)
    typed = RuleTyped
    removes = True
    drafts = RuleDraft

    def concerning(self, draft: PolicyDraft[RuleRow], row: RuleRow) -> list[Any]:
        return rule_edit_views.concerning(self.check(draft), row)

    def listed(self, draft: PolicyDraft[RuleRow]) -> dict[str, Any]:
        return {"rule_kinds": KINDS}

    def typed_of(self, draft: PolicyDraft[RuleRow], row: RuleRow | None) -> RuleTyped:
        typed = super().typed_of(draft, row)
        if row is not None:
            typed.with_branches(row, _terms(draft))
        return typed

    def form(
        self, draft: PolicyDraft[RuleRow], row: RuleRow | None, typed: RuleTyped
    ) -> dict[str, Any]:
        terms = _terms(draft)
        for branch in typed.branches:  # why a condition is YAML, said in the page's language
            if branch.when.mode == "yaml":
                branch.when.reason = _reason(branch.when, terms)
        problems = self.concerning(draft, row) if row is not None else []
        by_branch: dict[int, list[dict[str, Any]]] = {}
        for p in problems:
            if p["branch"] is not None:
                by_branch.setdefault(p["branch"], []).append(p)
        current = None
        if row is not None:
            current = rule_lines(draft.text, row.id)
        rule_id = typed.id if RULE_ID.match(typed.id) else (row.id if row is not None else "")
        renaming = []
        if row is not None and typed.id != row.id and RULE_ID.match(typed.id):
            renaming = rule_renamed(draft.files, row.id, typed.id).places
        parameters = draft.data.get("parameters") if isinstance(draft.data, dict) else None
        return {
            "targets": alternative_views.targets(
                rule_id, len(typed.branches), row.criterion if row else None, parameters
            ),
            "renaming": renaming,
            "terms": terms,
            "picker": draft.picker,
            "problems": problems,
            "branch_problems": by_branch,
            "statuses": STATUSES,
            "outcomes": OUTCOMES,
            "bases": BASES,
            "joins": JOINS,
            "rule_kinds": KINDS,
            "yaml_now": current,
            "yaml_saved": self.preview(draft, row, typed),
            "alternatives_yaml": rule_lines(draft.text, row.id, "alternatives") if row else None,
            "reading": typed.basis == "reading"
            or any(b.basis == "reading" for b in typed.branches),
            "yaml_of": lambda rule_id: rule_lines(draft.text, rule_id),
        }

    def read(self, form: Form, draft: PolicyDraft[RuleRow], key: str) -> RuleTyped:
        return rule_edit_views.read_typed(form, key, key == NEW)

    def edited(self, draft: PolicyDraft[RuleRow], key: str, typed: RuleTyped) -> str | None:
        """The draft's policy.yaml with the rule as TYPED: renamed (when its id changed)
        wherever the draft names it, the other files it changes kept for the save
        (`typed.others`); refused beside the field when the policy would no longer load,
        or when one of its alternative readings names nothing or makes a policy that does
        not load."""
        renaming = key != NEW and typed.id != key
        if not typed.message.strip():
            typed.message = text("pages.rules.message.default", id=typed.id or "–")
        rule = self.rule(draft, key, typed, typed.errors)
        if rule is None:
            return None
        typed.quote = rule["source"]["quote"]
        try:
            edited = rule_edited(draft.text, key if key != NEW else None, rule)
        except InputError as exc:
            typed.errors["rule"] = exc.text(language())
            return None
        if renaming:
            renamed = rule_renamed(draft.files | {POLICY_FILE: edited}, key, typed.id)
            edited = renamed.files.pop(POLICY_FILE, edited)
            typed.others = dict(renamed.files)
            typed.message = _renaming_message(typed.message, key, typed.id, renamed.places)
        assert isinstance(draft, RuleDraft)
        if draft.policy is not None:  # it loaded: the edit must keep it so
            refused = refusal(draft.year, edited)
            if refused is not None:
                where, said = _placed(refused, typed)
                typed.errors[where] = text("pages.rules.policy.refused", problem=said)
                return None
            if rule.get("alternatives"):
                data = read(edited, POLICY_FILE)
                saved = next(r for r in data["rules"] if r.get("id") == typed.id)
                alternatives = saved["alternatives"]  # as written: a rename's paths renamed
                alternative_views.applied_problems(
                    data, alternatives, lambda d: refusal(draft.year, d), typed.errors
                )
                if typed.errors:
                    return None
        return edited

    def others(self, draft: Any, key: str, typed: RuleTyped) -> dict[str, str | None]:
        return typed.others

    def saved_query(self, draft: Any, key: str, typed: RuleTyped) -> dict[str, str]:
        """`saved=1`, or, after a rename, the rule's old id (the notice says what it was)."""
        return {"saved": key if key != NEW and typed.id != key else "1"}

    def saved_notice(self, key: str, said: str) -> str:
        if said in ("1", key):
            return self.saved(key)
        return text("pages.rules.renamed", id=key, old=said)

    def saved_as(self, draft: PolicyDraft[RuleRow], key: str, typed: RuleTyped) -> str:
        return typed.id

    def reshape(self, typed: RuleTyped, action: str) -> None:
        """A reading's rows or the branches change shape, as the button ACTION says."""
        focus = alternative_views.changed(typed.alternatives, action)
        if focus is not None:
            typed.focus = focus
        else:
            rule_edit_views.changed(typed, action)

    # --- The rule the form says ------------------------------------------------------------

    def rule(
        self,
        draft: PolicyDraft[RuleRow],
        key: str,
        typed: RuleTyped,
        errors: dict[str, str],
    ) -> dict[str, Any] | None:
        """The rule TYPED says, as plain data for `rule_edited` (what the form does not
        edit — its criterion, its alternatives — kept as written); None, with ERRORS beside
        the fields, when it says none."""
        terms = _terms(draft)
        row = draft.row(key) if key != NEW else None
        if key == NEW or typed.id != key:
            self.new_key(draft, typed.id, errors, RULE_ID)
        _check_heading(typed, errors)
        source = self.source(draft, row, typed, errors)
        _check_note(typed, errors)
        branches = [
            _branch(b, i, len(typed.branches), terms, errors) for i, b in enumerate(typed.branches)
        ]
        if not typed.branches:
            errors["branches"] = text("pages.rules.branches.needed")
        alternatives = alternative_views.written(
            typed.alternatives, row.alternatives if row is not None else [], errors
        )
        alternative_views.taken_elsewhere(
            draft.data, key, [a.id for a in typed.alternatives], errors
        )
        readings = typed.basis == "reading" or any(b.basis == "reading" for b in typed.branches)
        if alternatives and not readings:
            errors["alternatives"] = text("pages.rules.alternatives.not_reading")
        if errors or source is None:
            return None
        return _written(typed, row, source, branches) | (
            {"alternatives": alternatives} if alternatives else {}
        )

    def source(
        self,
        draft: PolicyDraft[RuleRow],
        row: RuleRow | None,
        typed: RuleTyped,
        errors: dict[str, str],
    ) -> dict[str, Any] | None:
        """The rule's source: as written, when the form cites the sentence and the quote it
        cites; else the sentence picked and the words kept from it. Its note and precedent
        as typed; any other key kept."""
        old = row.raw.get("source") if row is not None else None
        written: dict[str, Any] = dict(old) if isinstance(old, dict) else {}
        cited = draft.picker.cited(row.section, row.quote) if row is not None else None
        same = (
            row is not None and typed.sentence == cited and typed.quote.split() == row.quote.split()
        )
        if not same:
            before = row.quote if row is not None else None
            picked = draft.picker.picked(typed.sentence, typed.quote, before, errors, "pages.rules")
            if picked is None:
                return None
            sentence, quote = picked
            written["section"], written["quote"] = sentence.section, quote
        for part, said in (("precedent", typed.precedent), ("note", typed.note)):
            if said:
                written[part] = _kept(written.get(part), said)
            else:
                written.pop(part, None)
        return written

    def preview(
        self, draft: PolicyDraft[RuleRow], row: RuleRow | None, typed: RuleTyped
    ) -> str | None:
        """The rule's YAML as saving the form would write it (None: the form does not say
        one yet)."""
        errors: dict[str, str] = {}
        rule = self.rule(
            draft,
            row.id if row is not None else NEW,
            dataclasses.replace(typed, errors=errors),
            errors,
        )
        if rule is None:
            return None
        try:
            edited = rule_edited(draft.text, row.id if row is not None else None, rule)
        except InputError:
            return None
        return rule_lines(edited, str(rule["id"]))


_EDITED = frozenset({"id", "title", "applies_to", "basis", "source", "alternatives", "branches"})
"""The rule's keys the form edits; every other one (its criterion) is kept."""


def _terms(draft: PolicyDraft[RuleRow]) -> Terms:
    """The terms of the draft's conditions (the rule editor's drafts are `RuleDraft`s)."""
    assert isinstance(draft, RuleDraft)
    return draft.terms


def _text_of(value: Any, lang: str) -> Any:
    return value.get(lang) if isinstance(value, dict) else None


def _kept(old: Any, said: str) -> Any:
    """SAID, or OLD where it says the same but for its spacing (a folded note read back)."""
    if isinstance(old, str) and old.split() == said.split():
        return old
    return said


def _applies(typed: RuleTyped, row: RuleRow | None) -> list[str] | None:
    """The kinds the rule applies to (None: every kind, no key written), as the rule had
    them when they are the same kinds."""
    if (
        row is not None
        and row.applies_to is not None
        and set(row.applies_to) == set(typed.applies_to)
    ):
        return row.applies_to
    if set(typed.applies_to) == set(KINDS):
        return None
    return [k for k in KINDS if k in typed.applies_to]


def _check_heading(typed: RuleTyped, errors: dict[str, str]) -> None:
    """The rule's title in both languages, the kinds it applies to and its basis."""
    for lang in ("sv", "en"):
        if not getattr(typed, f"title_{lang}"):
            errors[f"title_{lang}"] = text("pages.rules.title.needed")
    if not typed.applies_to:
        errors["applies_to"] = text("pages.rules.applies_to.needed")
    if typed.basis not in BASES:
        errors["basis"] = text("pages.rules.basis.needed")


def _check_note(typed: RuleTyped, errors: dict[str, str]) -> None:
    """A note, which a rule that rests on a reading (or has a branch that does) must have."""
    readings = typed.basis == "reading" or any(b.basis == "reading" for b in typed.branches)
    if readings and not typed.note:
        errors["note"] = text("pages.rules.note.reading")


def _written(
    typed: RuleTyped, row: RuleRow | None, source: dict[str, Any], branches: list[dict[str, Any]]
) -> dict[str, Any]:
    """The rule as plain data: what the form edits as TYPED (each text as ROW wrote it
    where it says the same), every other key of ROW kept."""
    old = row.raw if row is not None else {}
    rule: dict[str, Any] = {k: v for k, v in old.items() if k not in _EDITED}
    rule |= {
        "id": typed.id,
        "title": {
            lang: _kept(_text_of(old.get("title"), lang), getattr(typed, f"title_{lang}"))
            for lang in ("sv", "en")
        },
    }
    applies = _applies(typed, row)
    if applies is not None:
        rule["applies_to"] = applies
    if typed.basis != "text" or (row is not None and row.basis_written):
        rule["basis"] = typed.basis
    rule["source"] = source
    written = row.branches if row is not None else []
    rule["branches"] = [
        _with_message(b, written[i] if i < len(written) else {}) for i, b in enumerate(branches)
    ]
    return rule


def _branch(
    b: rule_edit_views.BranchForm, i: int, count: int, terms: Terms, errors: dict[str, str]
) -> dict[str, Any]:
    """The branch the form says (its message as typed), each problem beside its field."""
    at = f"b{i}-"
    if b.status not in STATUSES:
        errors[at + "status"] = text("pages.rules.status.needed")
    if b.outcome and b.outcome not in OUTCOMES:
        errors[at + "outcome"] = text("pages.rules.outcome.invalid")
    if b.basis and b.basis not in BASES:
        errors[at + "basis"] = text("pages.rules.basis.needed")
    amounts = {f"${p.name}" for p in terms.amounts}
    if b.grant_limit and b.grant_limit not in amounts:
        errors[at + "grant_limit"] = text("pages.rules.grant_limit.invalid", limit=b.grant_limit)
    for lang in ("sv", "en"):
        if not getattr(b, f"message_{lang}"):
            errors[f"{at}message_{lang}"] = text("pages.rules.branch.message.needed")
    branch: dict[str, Any] = {}
    when = _condition(b.when, i, count, terms, errors)
    if when is not None:
        branch["when"] = when
    branch["status"] = b.status
    for part in ("outcome", "basis", "grant_limit"):
        if getattr(b, part):
            branch[part] = getattr(b, part)
    branch["message"] = {"sv": b.message_sv, "en": b.message_en}
    return branch


def _condition(when: When, i: int, count: int, terms: Terms, errors: dict[str, str]) -> Any:
    """The branch's condition, validated by the condition language (None: none, which only
    the last branch may be)."""
    at = f"b{i}-"
    if when.mode == "otherwise":
        if i != count - 1:
            errors[at + "when"] = text("pages.rules.otherwise.not_last")
        return None
    if when.mode == "yaml":
        raw = _yaml_condition(when.yaml)
        if raw is None:
            errors[at + "when"] = text("pages.rules.condition.yaml_unreadable")
            return None
        try:
            parse(raw, fields=terms.fields, param=terms.param, where=f"branches[{i}].when")
        except ConditionError as exc:
            errors[at + "when"] = text("pages.rules.row.refused", problem=exc.message)
        return raw
    said, problems = rule_edit_views.condition_of(when, terms)
    for place, problem in problems.items():
        errors[at + place] = problem
    if said is None and not problems:
        errors[at + "when"] = text(
            "pages.rules.condition.none" if i == count - 1 else "pages.rules.condition.needed"
        )
    return said


def _yaml_condition(said: str) -> Any:
    """A condition kept as YAML, read as the policy reads it (None: it does not read as one)."""
    try:
        raw = yaml.safe_load(said)
    except yaml.YAMLError:
        return None
    return raw if isinstance(raw, dict) else None


def _reason(when: When, terms: Terms) -> str:
    """Why the rows cannot say a condition kept as YAML."""
    raw = _yaml_condition(when.yaml)
    if raw is None:
        return text("pages.rules.condition.yaml_unreadable")
    shown = rule_edit_views.when_of(raw, terms)
    return shown.reason or text("pages.rules.condition.unshown.differently")


def _with_message(branch: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """BRANCH with its message as the branch at its place had it where it says the same."""
    message = old.get("message") if isinstance(old, dict) else None
    branch["message"] = {
        lang: _kept(_text_of(message, lang), said) for lang, said in branch["message"].items()
    }
    return branch


def _renaming_message(message: str, old: str, new: str, places: list[Place]) -> str:
    """The save's MESSAGE, saying the rename and where it was made when the message is the
    house's own (one the person typed stands as typed)."""
    if message not in (
        text("pages.rules.message.default", id=old),
        text("pages.rules.message.default", id=new),
    ):
        return message
    files = sorted({p.file for p in places} - {POLICY_FILE})  # the rule's own file goes unsaid
    where = text("pages.rules.renamed.where", files=", ".join(files)) if files else ""
    return text("pages.rules.message.renamed", old=old, id=new) + where


def _placed(error: PolicyError, typed: RuleTyped) -> tuple[str, str]:
    """The form's field a policy's refusal is about (`branches[1].message` → the branch's
    message), and what it says; `rule` when it names no part of the form."""
    said = error.message
    found = _PLACE.search(f"{error.where} {said}")
    if found and int(found.group(1)) < len(typed.branches):
        part = found.group(2)
        place = {"message": "message_sv", "when": "when", "grant_limit": "grant_limit"}.get(
            part, "when"
        )
        return f"b{found.group(1)}-{place}", said
    return "rule", said


# --- A rule's branches on another form (a derived criterion's, web/criteria_pages.py) --------


def branches_said(
    typed: list[rule_edit_views.BranchForm], terms: Terms, errors: dict[str, str]
) -> list[dict[str, Any]]:
    """The branches TYPED says (as the rules' form reads and checks them), each problem in
    ERRORS beside its field (`b1-status`, `b0-i1`); none at all a problem beside `branches`."""
    said = [_branch(b, i, len(typed), terms, errors) for i, b in enumerate(typed)]
    if not typed:
        errors["branches"] = text("pages.rules.branches.needed")
    return said


def reasons_shown(typed: list[rule_edit_views.BranchForm], terms: Terms) -> None:
    """Why each condition of TYPED kept as YAML is, said in the page's language."""
    for branch in typed:
        if branch.when.mode == "yaml":
            branch.when.reason = _reason(branch.when, terms)


# --- The router --------------------------------------------------------------------------------


def rule_edit_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The rules' pages of the calls folder's drafts: every editor's, a rule's proofs, and
    a rule removed after a question (refused while anything else names it)."""
    editor = RuleEditor(folder)
    router = editor.router()
    RuleRemoval(editor).add_to(router)
    trials = Trials(evaluator, folder.repository)
    gate = TrialGate(folder, FORM_LIMIT, kept_fields())

    @router.get("/calls/drafts/{year}/rules/{id}/prove", response_class=HTMLResponse)
    async def proved(request: Request, year: str, id: str) -> Response:
        def build(signed: Who) -> Response:
            draft = editor.draft(year)
            row = editor.known(draft, id)
            trial = trials.of(year)
            policy_folder = trial.evaluator.policy_paths()[year].parent
            done = prove(trial.evaluator, ProveRequest(year, policy_folder, language()))
            own = _proofs(done.document.proofs, row)
            return gate.page(
                "rules_prove.html.j2",
                request,
                signed,
                year=year,
                id=id,
                row=row,
                revision=trial.revision,
                proofs=own,
                proved=all(p["verdict"] == "proved" for p in own),
            )

        return await gate.signed_in_page(request, build, year=year)

    return router


def _proofs(proofs: list[Any], row: RuleRow) -> list[dict[str, Any]]:
    """The proofs about the rule ROW, each in the page's words: one finding for every
    application, each branch can fire, a mandatory criterion can fail."""
    criterion = (row.criterion or {}).get("id")
    out = []
    for p in proofs:
        head = f"rule.{row.id}."
        if p.property.startswith(head):
            rest = p.property[len(head) :]
            fired = re.fullmatch(r"branch\.(\d+)\.can_fire", rest)
            if rest == "one_finding":
                said = text("pages.rules.prove.one_finding")
            elif fired:
                number = int(fired.group(1))
                status = (
                    row.branches[number].get("status", "") if number < len(row.branches) else ""
                )
                said = text("pages.rules.prove.can_fire", number=number + 1, status=_status(status))
            else:
                continue
        elif criterion and p.property == f"criterion.{criterion}.can_fail":
            said = text("pages.rules.prove.can_fail", criterion=criterion)
        else:
            continue
        out.append(
            {
                "property": p.property,
                "kind": p.kind,
                "verdict": p.verdict,
                "said": said,
                "application": None
                if p.counterexample is None
                else json.dumps(p.counterexample, ensure_ascii=False, indent=2, sort_keys=True),
            }
        )
    return out


def _status(status: str) -> str:
    return text(f"status.{status}") if status in STATUSES else status
