"""A draft's parameters edited in forms, under `/calls/drafts/{year}/parameters`: a table of
the caps, the call window, the durations and the limits, and a form per parameter (and
`…/parameters/new`) whose source is picked from the decision's text, sentence by sentence,
so its quote is the decision's words by construction.

A save is one change to policy.yaml made by `authoring/yaml_edits.py` (the rest of the file
stays as written) and saved by the use case (`use_cases.calls.save_file`) against the
revision the form was shown at: a stale one loses nothing (the page shows the parameter as
it now is beside what was typed). The draft's check follows each save, its problems about
the parameter beside the form. The table, the forms and their saves are every editor's
(`web/editor.Editor`); this module says what is the parameters' own.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter

from fourules.authoring.sentences import Sentence
from fourules.authoring.yaml_edits import parameter_edited
from fourules.calls.files import POLICY_FILE
from fourules.evaluation.evaluator import Evaluator
from fourules.text import LocalText
from fourules.texts import language, text
from fourules.use_cases import calls as uc
from fourules.web import param_views, source_picker
from fourules.web.editor import NEW, DraftFile, Editor
from fourules.web.gate import Form
from fourules.web.param_views import Row, Typed
from fourules.web.source_picker import Picker

FIELD_OF = {
    "value": "value",
    "unit": "value",
    "description": "description_sv",
    "not_stated": "not-stated",
    "source": "sentences",
}
"""Where on the form a check's problem about a parameter's part is shown."""


class Draft(DraftFile[Row]):
    """The draft's policy.yaml as one revision has it, its parameters, and the sentences of
    the decision's text their quotes are held to."""

    def __init__(self, repository: Any, year: str) -> None:
        super().__init__(repository, year, POLICY_FILE, _unreadable)
        self.rows = param_views.rows(self.data)
        self.picker = Picker(self.data, self.files)

    def row(self, key: str) -> Row | None:
        return next((r for r in self.rows if r.name == key), None)


def _unreadable(problem: str) -> str:
    return text("pages.params.unreadable", problem=problem)


class ParamEditor(Editor[Draft, Typed]):
    """The parameters' table and forms."""

    segment = "parameters"
    templates = ("params_list.html.j2", "params_edit.html.j2")
    key = "name"
    kept = ("name", "value", "description_sv", "description_en", "quote", "message")

    def draft(self, year: str) -> Draft:
        return Draft(self.repository, year)

    def unknown(self, key: str, year: str) -> str:
        return text("pages.params.unknown", name=key, year=year)

    def saved(self, key: str) -> str:
        return text("pages.params.saved", name=key)

    def table(self, draft: Draft, removed: str | None) -> dict[str, Any]:
        counts = param_views.counts(self.check(draft), [r.name for r in draft.rows])
        return {"rows": draft.rows, "counts": counts, "quoted": draft.picker.quoted}

    def typed_of(self, draft: Draft, row: Row | None) -> Typed:
        if row is None:
            return Typed(message=text("pages.params.message.new"))
        number = draft.picker.cited(row.section, row.quote)
        return Typed.of(row, number, text("pages.params.message.default", name=row.name))

    def form(self, draft: Draft, row: Row | None, typed: Typed) -> dict[str, Any]:
        problems = []
        if row is not None:  # each beside the part of the form it is about
            problems = param_views.concerning(self.check(draft), row.name)
            for p in problems:
                part = p["field"][len(f"parameters.{row.name}.") :].split(".")[0]
                p["anchor"] = FIELD_OF.get(part, "value")
        return {"units": param_views.UNITS, "picker": draft.picker, "problems": problems}

    def read(self, form: Form, draft: Draft, key: str) -> Typed:
        return Typed(
            value=form.get("value", ""),
            unit=form.get("unit", "").strip(),
            description_sv=form.get("description_sv", "").strip(),
            description_en=form.get("description_en", "").strip(),
            not_stated_sv=form.get("not_stated_sv", "").strip(),
            not_stated_en=form.get("not_stated_en", "").strip(),
            sentence=source_picker.number(form.get("sentence", "")),
            quote=form.get("quote", ""),
            message=form.get("message", ""),
            name=form.get("name", "").strip() if key == NEW else key,
        )

    def edited(self, draft: Draft, key: str, typed: Typed) -> str | None:
        if key == NEW:
            _check_name(draft, typed)
        else:
            row = draft.row(key)
            typed.unit = row.unit if row is not None else typed.unit
        value = _value(typed)
        for lang in ("sv", "en"):
            if not getattr(typed, f"description_{lang}"):
                typed.errors[f"description_{lang}"] = text("pages.params.description.needed")
        picked = _picked(draft, key, typed)
        if not typed.message.strip():
            typed.message = text("pages.params.message.default", name=typed.name)
        if typed.errors or picked is None or isinstance(value, LocalText):
            return None
        sentence, quote = picked
        return parameter_edited(
            draft.text,
            typed.name,
            value=value,
            unit=typed.unit,
            description={"sv": typed.description_sv, "en": typed.description_en},
            source={"section": sentence.section, "quote": quote},
            not_stated=None
            if value is not None
            else {"sv": typed.not_stated_sv, "en": typed.not_stated_en},
        )

    def saved_as(self, draft: Draft, key: str, typed: Typed) -> str:
        return typed.name


def param_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The parameters' pages of the calls folder's drafts."""
    return ParamEditor(folder).router()


def _check_name(draft: Draft, typed: Typed) -> None:
    """A new parameter's name and unit: a name of the policy's form, not yet taken."""
    if not param_views.NAME.match(typed.name) or typed.name in param_views.RESERVED:
        typed.errors["name"] = text("pages.params.name.invalid", name=typed.name or "–")
    elif draft.row(typed.name) is not None:
        typed.errors["name"] = text("pages.params.name.taken", name=typed.name)
    if typed.unit not in param_views.UNITS:
        typed.errors["unit"] = text("pages.params.unit.invalid")


def _value(typed: Typed) -> int | date | LocalText | None:
    """The value typed for its unit; empty: not stated, which needs its words."""
    value = param_views.read_value(typed.value, typed.unit)
    if isinstance(value, LocalText):
        typed.errors["value"] = value.get(language())
    if value is None:
        for lang in ("sv", "en"):
            if not getattr(typed, f"not_stated_{lang}"):
                typed.errors[f"not_stated_{lang}"] = text("pages.params.not_stated.needed")
    return value


def _picked(draft: Draft, name: str, typed: Typed) -> tuple[Sentence, str] | None:
    """The sentence picked and the quote kept from it (the whole sentence when the quote
    was left as the parameter had it and another sentence was picked)."""
    row = draft.row(name) if name != NEW else None
    before = row.quote if row is not None else None
    picked = draft.picker.picked(typed.sentence, typed.quote, before, typed.errors, "pages.params")
    if picked is not None:
        typed.quote = picked[1]
    return picked
