"""The year's facts edited in forms, under `/calls/drafts/{year}/facts`: a table of the facts
the year declares in its policy.yaml (`facts:`, docs/policies.md "Facts"), beside the base
vocabulary's, which every year is given and which are shown, not edited; and a form per fact
(and `…/facts/new`) offering exactly a declaration's fields — its id, type, kinds, who states
it or how it is derived, its application field, a choice's values, a duration's unit, the
least number, what a text compares, whether `explain` may suggest changing it, its label and
help in both languages, its placeholder and the values tried — each checked by the
declaration model's own rules, the problem beside its field (`web/fact_views.py`).

A save is one change to policy.yaml's `facts:` (`authoring/policy_item_edits.py`: the rest
of the file stays as written; a year without facts gets the list before its rules); a fact
is removed after a question that names what else names it (`web/removals.py`). The table,
the forms, their saves and the check beside them are every editor's (`web/editor.Editor`);
this module says what is the facts' own. An assessed criterion's fact (`crit_<id>`) is no
declaration: its criterion makes it (`web/criteria_pages.py`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from fourules.application import KINDS
from fourules.authoring.policy_item_edits import item_added, item_changed
from fourules.calls.files import POLICY_FILE
from fourules.calls.repository import CallsRepository
from fourules.evaluation.evaluator import Evaluator
from fourules.policy.facts import base_declarations
from fourules.texts import text
from fourules.use_cases import calls as uc
from fourules.web import fact_views as views
from fourules.web.editor import NEW, CountingEditor, DraftFile, Items
from fourules.web.fact_views import FactRow, FactTyped
from fourules.web.gate import Form
from fourules.web.removals import ListedRemoval

BEFORE = ("rules",)
"""Where `facts:` goes when policy.yaml has none: before the rules, after the obligations."""


class FactDraft(DraftFile[FactRow]):
    """The draft's policy.yaml as one revision has it, and the facts it declares."""

    def __init__(self, repository: CallsRepository, year: str, items: Items) -> None:
        super().__init__(repository, year, POLICY_FILE, items)


class FactEditor(CountingEditor[FactDraft, FactTyped]):
    """The year's facts' table and forms."""

    items = Items("facts", "pages.facts", "id", views.rows)
    typed = FactTyped
    removes = True
    drafts = FactDraft

    def concerning(self, draft: FactDraft, row: FactRow) -> list[Any]:
        return views.concerning(self.check(draft), row)

    def table(self, draft: FactDraft, removed: str | None) -> dict[str, Any]:
        return {
            "rows": draft.rows,
            "base_facts": views.base_facts(),
            "counts": self.counts(draft),
            "fact_types": views.TYPES,
            "notice": self.removal_notice(removed),
        }

    def typed_of(self, draft: FactDraft, row: FactRow | None) -> FactTyped:
        if row is None:
            return FactTyped(message=text("pages.facts.message.new"))
        return FactTyped.of(row, text("pages.facts.message.default", id=row.id))

    def form(self, draft: FactDraft, row: FactRow | None, typed: FactTyped) -> dict[str, Any]:
        return {
            "problems": self.concerning(draft, row) if row is not None else [],
            "fact_types": views.TYPES,
            "fact_kinds": KINDS,
            "origins": views.ORIGINS,
            "measures": views.MEASURES,
            "units": views.UNITS,
            "reads": views.READS,
            "base_ids": [d.id for d in base_declarations()],
            "example_when": views.EXAMPLE_WHEN,
        }

    def read(self, form: Form, draft: FactDraft, key: str) -> FactTyped:
        return views.read_typed(form, key, draft.row(key) if key != NEW else None)

    def edited(self, draft: FactDraft, key: str, typed: FactTyped) -> str | None:
        row = draft.row(key) if key != NEW else None
        said = views.declaration_of(typed, row, draft.data)
        if not typed.message.strip():
            typed.message = text("pages.facts.message.default", id=typed.id)
        if said is None:
            return None
        if row is None:
            return item_added(draft.text, "facts", said, before=BEFORE, where=POLICY_FILE)
        return item_changed(draft.text, "facts", row.index, said, where=POLICY_FILE)

    def saved_as(self, draft: FactDraft, key: str, typed: FactTyped) -> str:
        return typed.id


def fact_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The facts' pages of the calls folder's drafts: every editor's, and a fact removed
    after a question."""
    editor = FactEditor(folder)
    router = editor.router()
    ListedRemoval(editor, "facts", views.naming, described="label").add_to(router)
    return router
