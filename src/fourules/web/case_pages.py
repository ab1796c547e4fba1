"""A draft's cases edited in forms, under `/calls/drafts/{year}/cases`: a table of the cases
(name, kind, the application's fields, the expected outcome, whether it holds now) below
the application each kind's cases are merged onto (`web/case_defaults_pages.py`), a form
per case (and `…/cases/new`) whose application is typed by the year's facts as the check
form types them and whose expected findings name the draft's rules (a rule, a status its
branches give, words its message contains), and a case removed after a confirmation.

A save is one change to cases.yaml made by `authoring/yaml_edits.py` (the other cases, their
heading comments and styles stay as written). The table, the forms, their saves and the
check beside them (the case's own problems: whether it holds) are every editor's
(`web/editor.Editor`); this module says what is the cases' own.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fourules.authoring.cases import CASES_FILE
from fourules.authoring.policy_item_edits import item_changed, plain_of
from fourules.authoring.yaml_edits import as_node, item_appended, item_removed
from fourules.calls.repository import CallsRepository, StaleRevision
from fourules.evaluation.evaluator import Evaluator
from fourules.texts import text
from fourules.use_cases import calls as uc
from fourules.web import case_views
from fourules.web.case_defaults_pages import case_defaults_pages
from fourules.web.case_views import Row, Typed
from fourules.web.editor import NEW, DraftFile, Editor, FormState, Items
from fourules.web.gate import Form, Who, query


class Draft(DraftFile[Row]):
    """The draft's cases as one revision has them, and the year's facts to type them by."""

    def __init__(self, repository: CallsRepository, year: str, items: Items) -> None:
        super().__init__(repository, year, CASES_FILE, items)
        self.defaults = case_views.defaults(self.data)
        policy = case_views.draft_policy(self.files, year)
        self.facts = case_views.inputs(policy)
        self.rules = case_views.rule_choices(self.files)
        self.criteria = case_views.all_assessed(policy)
        self.criterion_kinds = case_views.criterion_kinds(policy)
        self.known = case_views.Known(
            self.facts, self.criteria, self.rules, case_views.administration_ids(policy)
        )


class CaseEditor(Editor[Draft, Typed]):
    """The cases' table and forms; a case's key is its place in the list."""

    items = Items("cases", "pages.cases", "index", case_views.rows)
    typed = Typed
    drafts = Draft

    def saved(self, key: str) -> str:
        return text("pages.cases.saved")  # a case's key is its place: the notice names none

    def table(self, draft: Draft, removed: str | None) -> dict[str, Any]:
        return {
            "rows": draft.rows,
            "defaults": case_views.defaults_rows(draft.data),
            "failing": case_views.failing(self.check(draft)),
            "shown": case_views.shown,
            "notice": text("pages.cases.removed", name=removed) if removed else None,
        }

    def typed_of(self, draft: Draft, row: Row | None) -> Typed:
        if row is None:
            return Typed(message=text("pages.cases.message.new"))
        message = text("pages.cases.message.default", name=row.name)
        return Typed.of(row, draft.facts, draft.criteria, message)

    def form(self, draft: Draft, row: Row | None, typed: Typed) -> dict[str, Any]:
        failing = case_views.failing(self.check(draft))
        problems = failing.get(row.index, []) if row is not None else []
        return {
            "problems": problems,
            "facts": draft.facts,
            "defaults": draft.defaults,
            "outcomes": case_views.OUTCOMES,
            "case_kinds": case_views.KINDS,
            "unstated": case_views.UNSTATED,
            "shown": case_views.shown,
            "rules": draft.rules,
            "statuses": case_views.STATUSES,
            "criteria": draft.criteria,
            "criterion_kinds": draft.criterion_kinds,
            "answers": case_views.CASE_ANSWERS,
            "stated": case_views.STATED,
            "none": case_views.NONE,
        }

    def read(self, form: Form, draft: Draft, key: str) -> Typed:
        return case_views.read_typed(form, draft.facts, draft.criteria)

    def edited(self, draft: Draft, key: str, typed: Typed) -> str | None:
        row = draft.row(key) if key != NEW else None
        case = case_views.case_of(typed, draft.known, row)
        if not typed.message:
            typed.message = text("pages.cases.message.default", name=typed.name)
        if case is None:
            return None
        if row is None:  # last, its parts written as the cases before it write theirs
            return item_appended(draft.text, "cases", _on_one_line(case), CASES_FILE)
        return item_changed(draft.text, "cases", row.index, case, where=CASES_FILE)

    def saved_as(self, draft: Draft, key: str, typed: Typed) -> str:
        return str(len(draft.rows)) if key == NEW else key


def _on_one_line(case: dict[str, Any]) -> Any:
    """CASE as round-trip nodes, each of its parts on one line (`{requested_sek: 0}`,
    `[socialforvaltningen]`) unless the cases before it write that part otherwise."""
    node = as_node(plain_of(case))
    for value in node.values():
        if hasattr(value, "fa"):
            value.fa.set_flow_style()
    return node


def case_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The cases' pages of the calls folder's drafts: every editor's, and a case removed
    after the confirmation on its form."""
    editor = CaseEditor(folder)
    router = case_defaults_pages(folder)  # first: `…/cases/defaults` is no case's address
    router.include_router(editor.router())
    again = editor.form_page

    @router.post("/calls/drafts/{year}/cases/{index}/remove", response_class=HTMLResponse)
    async def remove(request: Request, year: str, index: str) -> Response:
        def answer(signed: Who, form: Form) -> Response:
            draft = editor.draft(year)
            row = editor.known(draft, index)
            revision = form.get("revision", "")
            if revision != draft.revision:
                return again(request, signed, draft, index, FormState(stale=True))
            if form.get("confirm") != "yes":
                said = text("pages.cases.remove.unconfirmed")
                return again(request, signed, draft, index, FormState(problem=said))
            edited = item_removed(draft.text, "cases", row.index, CASES_FILE)
            message = text("pages.cases.message.removed", name=row.name)
            try:
                editor.write(signed, draft, edited, message, revision)
            except StaleRevision:
                return again(request, signed, editor.draft(year), index, FormState(stale=True))
            address = f"/calls/drafts/{year}/cases{query(removed=row.name)}"
            return RedirectResponse(f"{address}#check", status_code=303)

        return await editor.gate.signed_in_form(request, answer, year=year)

    return router
