"""A draft's parameters edited in forms, under `/calls/drafts/{year}/parameters`: a table of
the caps, the call window, the durations and the limits, and a form per parameter (and
`…/parameters/new`) whose source is picked from the decision's text, sentence by sentence,
so its quote is the decision's words by construction.

A save is one change to policy.yaml made by `authoring/yaml_edits.py` (the rest of the file
stays as written). A parameter is removed after a question, refused while a rule reads or
sets it or a coverage entry links it, each listed with a link to its form
(`web/removals.GuardedRemoval`): a decision that no longer states a date (2024's
`repayment.notify_by`) leaves no rule naming what is gone. The table, the forms, their saves (a stale one shows the parameter as it
now is beside what was typed) and the check beside them are every editor's
(`web/editor.Editor`); this module says what is the parameters' own.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter

from fourules.authoring.yaml_edits import parameter_edited, parameter_removed
from fourules.evaluation.evaluator import Evaluator
from fourules.text import LocalText
from fourules.texts import language, text
from fourules.use_cases import calls as uc
from fourules.web import param_views, policy_items
from fourules.web.editor import NEW, Items
from fourules.web.gate import Form
from fourules.web.param_views import Row, Typed
from fourules.web.policy_items import Bilingual, PolicyDraft, PolicyEditor
from fourules.web.removals import GuardedRemoval, Naming

FIELD_OF = policy_items.FIELD_OF | {"value": "value", "unit": "value", "not_stated": "not-stated"}
"""Where on the form a check's problem about a parameter's part is shown."""


class ParamEditor(PolicyEditor[Row, Typed]):
    """The parameters' table and forms."""

    items = Items("parameters", "pages.params", "name", param_views.rows)
    typed = Typed
    removes = True

    def concerning(self, draft: PolicyDraft[Row], row: Row) -> list[Any]:
        return param_views.concerning(self.check(draft), row.name)

    def form(self, draft: PolicyDraft[Row], row: Row | None, typed: Typed) -> dict[str, Any]:
        problems = []
        if row is not None:  # each beside the part of the form it is about
            problems = self.concerning(draft, row)
            for p in problems:
                part = p["field"][len(f"parameters.{row.name}.") :].split(".")[0]
                p["anchor"] = FIELD_OF.get(part, "value")
        return {"units": param_views.UNITS, "picker": draft.picker, "problems": problems}

    def read(self, form: Form, draft: PolicyDraft[Row], key: str) -> Typed:
        return Typed(
            value=form.get("value", ""),
            unit=form.get("unit", "").strip(),
            not_stated=Bilingual.read(lambda name: form.get(name, "").strip(), "not_stated"),
            name=form.get("name", "").strip() if key == NEW else key,
            **Typed.fields_sent(form),
        )

    def edited(self, draft: PolicyDraft[Row], key: str, typed: Typed) -> str | None:
        if key == NEW:
            self.new_key(draft, typed.name, typed.errors)
            if typed.unit not in param_views.UNITS:
                typed.errors["unit"] = text("pages.params.unit.invalid")
        else:
            row = draft.row(key)
            typed.unit = row.unit if row is not None else typed.unit
        value = _value(typed)
        typed.described(self.items.words)
        picked = self.cited(draft, key, typed)
        if picked is None or isinstance(value, LocalText):
            return None
        sentence, quote = picked
        return parameter_edited(
            draft.text,
            typed.name,
            value=value,
            unit=typed.unit,
            **typed.written(sentence.section, quote),
            not_stated=None if value is not None else typed.not_stated.written(),
        )

    def saved_as(self, draft: PolicyDraft[Row], key: str, typed: Typed) -> str:
        return typed.name


class ParamRemoval(GuardedRemoval):
    """A parameter removed after a question, refused while anything else names it."""

    def dropped(self, draft: PolicyDraft[Row], row: Row) -> str:
        return parameter_removed(draft.text, row.name)

    def blocking(self, shown: PolicyDraft[Row], row: Row) -> list[Naming]:
        return param_views.naming(shown.files, shown.data, row, shown.year)


def param_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The parameters' pages of the calls folder's drafts: every editor's, and a parameter
    removed after a question (refused while anything else names it)."""
    editor = ParamEditor(folder)
    router = editor.router()
    ParamRemoval(editor).add_to(router)
    return router


def _value(typed: Typed) -> int | date | LocalText | None:
    """The value typed for its unit; empty: not stated, which needs its words."""
    value = param_views.read_value(typed.value, typed.unit)
    if isinstance(value, LocalText):
        typed.errors["value"] = value.get(language())
    if value is None:
        typed.not_stated.needed(typed.errors, "not_stated", text("pages.params.not_stated.needed"))
    return value
