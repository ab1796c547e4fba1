"""A draft's criteria edited in forms, under `/calls/drafts/{year}/criteria`: a table of the
criteria (mandatory and priority), and a form per criterion (and `…/criteria/new`, with
`?type=priority` for a priority one) — its id, type, the kinds it applies to, its title, its
source picked from the decision's text sentence by sentence (`web/source_picker.py`), the
note that reads it, and the messages of its branches, a new one's prefilled with the house's
wording for its type. A criterion derived from the application (`…/criteria/new?derived=yes`,
and any criterion whose rule is not an assessed one's three branches) has its branches on
the form whole, as the rules' form has them (`web/rule_edit_views.py`,
`rule_branches.html.j2`): a condition over the year's facts, a status, an outcome, a basis
and a message each, the rules' buttons adding, moving and removing them.

A save writes one rule of policy.yaml as the policies write a criterion's
(`authoring/criterion_rules.py`): a new one beside the criteria of its type, an edited one
changed only in what the form shows (`authoring/policy_item_edits.py`; a derived one's rule
by the rules' edit, `authoring/rule_edits.py`, which keeps a condition's shape; the rest of
the file stays as written). A criterion is removed after a question that names what else in the draft
names it (`web/removals.py`). The table, the forms, their saves and the check beside them are
every editor's (`web/editor.Editor`); this module says what is the criteria's own.
"""

from __future__ import annotations

import functools
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from fourules.authoring import criterion_rules as cr
from fourules.authoring.policy_item_edits import item_added, item_changed, plain_of
from fourules.authoring.rule_edits import rule_edited
from fourules.calls.files import POLICY_FILE
from fourules.errors import InputError
from fourules.evaluation.evaluator import Evaluator
from fourules.texts import language, text
from fourules.use_cases import calls as uc
from fourules.web import case_views, rule_edit_pages, rule_edit_views
from fourules.web import criterion_views as views
from fourules.web.criterion_views import CriterionRow, CriterionTyped
from fourules.web.editor import NEW, FormState, Items, under
from fourules.web.gate import Form, Who
from fourules.web.policy_items import PolicyDraft, PolicyEditor
from fourules.web.removals import ListedRemoval
from fourules.web.rule_edit_views import BASES, JOINS, OUTCOMES, STATUSES, Terms


class CriterionDraft(PolicyDraft[CriterionRow]):
    """The draft's policy.yaml and its criteria; the terms a derived criterion's conditions
    may name (the draft's policy's, as the rules' form has them), read when a form asks."""

    @functools.cached_property
    def terms(self) -> Terms:
        policy = case_views.draft_policy(self.files, self.year)
        return rule_edit_views.terms(policy, self.data)


class CriterionEditor(PolicyEditor[CriterionRow, CriterionTyped]):
    """The criteria's table and forms."""

    items = Items("criteria", "pages.criteria", "id", views.rows)
    typed = CriterionTyped
    removes = True
    drafts = CriterionDraft

    def typed_of(
        self, draft: PolicyDraft[CriterionRow], row: CriterionRow | None
    ) -> CriterionTyped:
        typed = super().typed_of(draft, row)
        if row is not None and typed.derived:  # its branches, each condition as rows
            said = row.rule.get("branches")
            terms = _terms(draft)
            typed.branches = [
                rule_edit_views.branch_of(b if isinstance(b, dict) else {}, terms)
                for b in (said if isinstance(said, list) else [])
            ]
        return typed

    def concerning(self, draft: PolicyDraft[CriterionRow], row: CriterionRow) -> list[Any]:
        return views.concerning(self.check(draft), row, draft.year)

    def listed(self, draft: PolicyDraft[CriterionRow]) -> dict[str, Any]:
        return {"types": cr.TYPES}

    def form(
        self, draft: PolicyDraft[CriterionRow], row: CriterionRow | None, typed: CriterionTyped
    ) -> dict[str, Any]:
        problems = self.concerning(draft, row) if row is not None else []
        parts = [b.part for b in row.branches] if row is not None else list(views.ROLES)
        values = {
            "picker": draft.picker,
            "problems": problems,
            "types": cr.TYPES,
            "criterion_kinds": views.KINDS,
            "parts": parts,
            "branches": {b.part: b for b in row.branches} if row is not None else {},
            "groups": sorted({r.group for r in draft.rows if r.group}),
        }
        if not typed.derived:
            return values
        terms = _terms(draft)
        rule_edit_pages.reasons_shown(typed.branches, terms)
        return values | {
            "terms": terms,
            "branch_problems": _by_branch(problems, row),
            "statuses": STATUSES,
            "outcomes": OUTCOMES,
            "bases": BASES,
            "joins": JOINS,
        }

    def read(self, form: Form, draft: PolicyDraft[CriterionRow], key: str) -> CriterionTyped:
        return views.read_typed(form, key, draft.row(key) if key != NEW else None)

    def edited(
        self, draft: PolicyDraft[CriterionRow], key: str, typed: CriterionTyped
    ) -> str | None:
        row = draft.row(key) if key != NEW else None
        weight = views.checked(typed, row, draft.data)
        branches = None
        if typed.derived:
            branches = rule_edit_pages.branches_said(typed.branches, _terms(draft), typed.errors)
        picked = self.cited(draft, key, typed)
        if picked is None:
            return None
        sentence, quote = picked
        rule = views.rule_of(typed, row, weight, sentence.section, quote, branches)
        if rule is None:
            return None
        if row is not None and branches is not None:  # a condition's shape kept as written
            try:
                return rule_edited(draft.text, row.rule_id, plain_of(rule), where=POLICY_FILE)
            except InputError as exc:
                typed.errors["branches"] = exc.text(language())
                return None
        if row is None:
            at = views.place(draft.data, typed.type)
            said = draft.text
            if typed.type == "priority" and typed.group:  # its group's other reading too
                for index, other in cr.ungrouping(draft.data, typed.group, typed.id):
                    said = item_changed(said, "rules", index, other, where=POLICY_FILE)
            return item_added(said, "rules", rule, at, where=POLICY_FILE)
        return item_changed(draft.text, "rules", row.index, rule, where=POLICY_FILE)

    def saved_as(self, draft: PolicyDraft[CriterionRow], key: str, typed: CriterionTyped) -> str:
        return typed.id

    def reshape(self, typed: CriterionTyped, action: str) -> None:
        """A derived criterion's branches change shape (the rules' buttons); an assessed
        one's form has no such buttons."""
        if typed.derived:
            views.changed(typed, action)


def _terms(draft: PolicyDraft[CriterionRow]) -> Terms:
    """The terms of the draft's conditions (the criteria's drafts are `CriterionDraft`s)."""
    assert isinstance(draft, CriterionDraft)
    return draft.terms


def _by_branch(
    problems: list[dict[str, Any]], row: CriterionRow | None
) -> dict[int, list[dict[str, Any]]]:
    """The check's PROBLEMS about each branch of the criterion ROW's rule, by its place."""
    out: dict[int, list[dict[str, Any]]] = {}
    if row is None:
        return out
    for p in problems:
        below = under(p["field"], f"rules.{row.index}") or ""
        parts = below.split(".")
        if parts[0] == "branches" and len(parts) > 1 and parts[1].isdigit():
            out.setdefault(int(parts[1]), []).append(p)
    return out


def criteria_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The criteria's pages of the calls folder's drafts: every editor's, a new criterion's
    form for either type, and a criterion removed after a question."""
    editor = CriterionEditor(folder)
    router = APIRouter(include_in_schema=False)

    @router.get("/calls/drafts/{year}/criteria/new", response_class=HTMLResponse)
    async def new(
        request: Request, year: str, type: str = "mandatory", derived: str = ""
    ) -> Response:
        """A new criterion's form, its messages the house's wording for TYPE; DERIVED
        (`yes`) from the application, its branches whole."""

        def build(signed: Who) -> Response:
            message = text("pages.criteria.message.new")
            typed = CriterionTyped.new(type, message, derived=derived == "yes")
            state = FormState[CriterionTyped](typed=typed)
            return editor.form_page(request, signed, editor.draft(year), NEW, state)

        return await editor.gate.signed_in_page(request, build, year=year)

    router.include_router(editor.router())
    ListedRemoval(editor, "rules", views.naming).add_to(router)
    return router
