"""A draft's parameters edited in forms, under `/calls/drafts/{year}/parameters`: a table of
the caps, the call window, the durations and the limits, and a form per parameter (and
`…/parameters/new`) whose source is picked from the decision's text, sentence by sentence,
so its quote is the decision's words by construction.

A save is one change to policy.yaml made by `authoring/yaml_edits.py` (the rest of the file
stays as written) and saved by the use case (`use_cases.calls.save_file`) against the
revision the form was shown at: a stale one loses nothing (the page shows the parameter as
it now is beside what was typed). The draft's check follows each save, its problems about
the parameter beside the form. Who is asking, the pages and refusals are the calls pages'
(`web/call_pages.Gate`): a signed-in person, and every form its CSRF token.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import quote as url_quote
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from fourules.authoring.sentences import Sentence
from fourules.authoring.yaml_edits import parameter_edited, read
from fourules.calls.files import POLICY_FILE
from fourules.calls.repository import StaleRevision
from fourules.errors import InputError, NotAllowed
from fourules.evaluation.evaluator import Evaluator
from fourules.text import Lang, LocalText
from fourules.texts import language, text
from fourules.use_cases import calls as uc
from fourules.use_cases.check import CheckDocument
from fourules.web import call_views, param_views, source_picker
from fourules.web.call_pages import Gate, Refused, Who, known, read_form
from fourules.web.pages import in_page
from fourules.web.param_views import Row, Typed
from fourules.web.source_picker import Picker

NEW = "new"
CHECKS_KEPT = 16
FORM_LIMIT = 256 * 1024
"""The largest parameter form accepted: its texts are a few sentences."""
FIELD_OF = {
    "value": "value",
    "unit": "value",
    "description": "description_sv",
    "not_stated": "not-stated",
    "source": "sentences",
}
"""Where on the form a check's problem about a parameter's part is shown."""


def _lang(value: str | None) -> Lang:
    return "en" if value == "en" else "sv"


def _query(**values: str) -> str:
    chosen = values | ({"lang": "en"} if language() == "en" else {})
    return f"?{urlencode(chosen)}" if chosen else ""


class Draft:
    """The draft as one revision has it: its policy.yaml (text, and read as YAML), its
    parameters, and the sentences of the decision's text its quotes are held to."""

    def __init__(self, repository: Any, year: str) -> None:
        try:
            self.revision, files = call_views.draft_files(repository, year)
        except InputError as exc:
            raise Refused(404, exc.message.get(language())) from None
        self.year = year
        self.policy_text = files[POLICY_FILE]
        try:
            self.policy = read(self.policy_text)
        except InputError as exc:
            said = text("pages.params.unreadable", problem=exc.text(language()))
            raise Refused(422, said) from None
        self.rows = param_views.rows(self.policy)
        self.picker = Picker(self.policy, files)
        self.quoted = self.picker.quoted
        self.sections = self.picker.sections
        self.sentences: list[Sentence] = self.picker.sentences

    def row(self, name: str) -> Row | None:
        return next((r for r in self.rows if r.name == name), None)

    def sentence(self, number: int | None) -> Sentence | None:
        return self.picker.sentence(number)


def param_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The parameters' pages of the calls folder's drafts."""
    router = APIRouter(include_in_schema=False)
    repository = folder.repository
    gate = Gate(folder)
    who, to_sign_in, page, refusal = gate.who, gate.to_sign_in, gate.page, gate.refusal
    checks: OrderedDict[str, CheckDocument] = OrderedDict()
    remembering = threading.Lock()  # the pages answer from the thread pool

    def checked(year: str, revision: str) -> CheckDocument:
        """The draft's check at REVISION, remembered (a revision names its files)."""
        key = f"{language()}:{revision}"
        with remembering:
            found = checks.get(key)
        if found is None:
            found = uc.check_draft(repository, year)
            remember(revision, found)
        return found

    def remember(revision: str, check: CheckDocument) -> None:
        with remembering:
            key = f"{language()}:{revision}"
            checks[key] = check
            checks.move_to_end(key)
            while len(checks) > CHECKS_KEPT:
                checks.popitem(last=False)

    def guarded(request: Request, answer: Callable[[], Response]) -> Response:
        try:
            return answer()
        except Refused as exc:
            return refusal(request, exc)
        except NotAllowed as exc:
            return refusal(request, Refused(403, exc.message.get(language())))
        except InputError as exc:
            return refusal(request, Refused(422, exc.text(language())))

    async def signed_in_page(
        request: Request, year: str, lang: str | None, build: Callable[[Who], Response]
    ) -> Response:
        def answer() -> Response:
            signed = who(request)
            if signed is None:
                return to_sign_in(request)
            known(year)
            return build(signed)

        return await run_in_threadpool(in_page, _lang(lang), lambda: guarded(request, answer))

    async def signed_in_form(
        request: Request, year: str, answer: Callable[[Who, Mapping[str, str]], Response]
    ) -> Response:
        chosen = _lang(request.query_params.get("lang"))
        try:
            form = await read_form(request, FORM_LIMIT)
        except Refused as exc:
            return in_page(chosen, functools.partial(refusal, request, exc))
        chosen = _lang(form.get("lang") or chosen)

        def checked_form() -> Response:
            signed = who(request)
            typed = _typed_text(form)
            if signed is None:
                raise Refused(401, text("pages.calls.not_signed_in"), typed)
            if not gate.csrf_holds(signed, form.get("csrf", "")):
                raise Refused(403, text("pages.calls.csrf"), typed)
            known(year)
            return answer(signed, form)

        return await run_in_threadpool(in_page, chosen, lambda: guarded(request, checked_form))

    # --- The table ---------------------------------------------------------------------------

    @router.get("/calls/drafts/{year}/parameters", response_class=HTMLResponse)
    async def listing(request: Request, year: str, lang: str | None = None) -> Response:
        def build(signed: Who) -> Response:
            draft = Draft(repository, year)
            check = checked(year, draft.revision)
            return page(
                "params_list.html.j2",
                request,
                signed,
                year=year,
                revision=draft.revision,
                rows=draft.rows,
                counts=param_views.counts(check, [r.name for r in draft.rows]),
                check=check,
                quoted=draft.quoted,
            )

        return await signed_in_page(request, year, lang, build)

    # --- A parameter's form ------------------------------------------------------------------

    def edit_page(
        request: Request,
        signed: Who,
        draft: Draft,
        name: str,
        status: int = 200,
        *,
        typed: Typed | None = None,
        notice: str | None = None,
        stale: Row | None = None,
        stale_gone: bool = False,
        problem: str | None = None,
    ) -> HTMLResponse:
        row = draft.row(name) if name != NEW else None
        if name != NEW and row is None:
            raise Refused(404, text("pages.params.unknown", name=name, year=draft.year))
        if typed is None:
            if row is None:
                typed = Typed(message=text("pages.params.message.new"))
            else:
                number = draft.picker.cited(row.section, row.quote)
                typed = Typed.of(row, number, text("pages.params.message.default", name=name))
        check = checked(draft.year, draft.revision)
        problems = param_views.concerning(check, name) if row is not None else []
        for p in problems:
            part = p["field"][len(f"parameters.{name}.") :].split(".")[0]
            p["anchor"] = FIELD_OF.get(part, "value")
        return page(
            "params_edit.html.j2",
            request,
            signed,
            status,
            year=draft.year,
            revision=draft.revision,
            name=name,
            new=row is None,
            row=row,
            typed=typed,
            units=param_views.UNITS,
            sections=draft.sections,
            quoted=draft.quoted,
            picked=draft.sentence(typed.sentence),
            check=check,
            problems=problems,
            notice=notice,
            stale=stale,
            stale_gone=stale_gone,
            problem=problem,
        )

    @router.get("/calls/drafts/{year}/parameters/{name}", response_class=HTMLResponse)
    async def edit(
        request: Request, year: str, name: str, lang: str | None = None, saved: str | None = None
    ) -> Response:
        def build(signed: Who) -> Response:
            draft = Draft(repository, year)
            notice = text("pages.params.saved", name=name) if saved else None
            return edit_page(request, signed, draft, name, notice=notice)

        return await signed_in_page(request, year, lang, build)

    @router.post("/calls/drafts/{year}/parameters/{name}", response_class=HTMLResponse)
    async def save(request: Request, year: str, name: str) -> Response:
        def answer(signed: Who, form: Mapping[str, str]) -> Response:
            draft = Draft(repository, year)
            typed = _read_typed(form, name)
            revision = form.get("revision", "")
            target = typed.name if name == NEW else name
            if name != NEW and draft.row(name) is None:
                raise Refused(404, text("pages.params.unknown", name=name, year=year))
            if revision != draft.revision:  # saved since the form was shown: nothing lost
                return stale_page(request, signed, draft, name, typed)
            edited = _edited(draft, name, typed)
            if typed.errors or edited is None:
                return edit_page(request, signed, draft, name, 422, typed=typed)
            try:
                saved = uc.save_file(
                    repository,
                    signed.person,
                    year,
                    POLICY_FILE,
                    edited.encode("utf-8"),
                    typed.message.strip(),
                    revision,
                )
            except StaleRevision:
                return stale_page(request, signed, Draft(repository, year), name, typed)
            except NotAllowed as exc:
                raise Refused(403, exc.message.get(language()), _typed_text(form)) from None
            except InputError as exc:
                if exc.where == "message":
                    typed.errors["message"] = exc.message.get(language())
                    return edit_page(request, signed, draft, name, 422, typed=typed)
                return edit_page(
                    request, signed, draft, name, 422, typed=typed, problem=exc.text(language())
                )
            remember(saved.revision, saved.check)
            address = f"/calls/drafts/{year}/parameters/{url_quote(target)}"
            return RedirectResponse(f"{address}{_query(saved='1')}#check", status_code=303)

        return await signed_in_form(request, year, answer)

    def stale_page(
        request: Request, signed: Who, draft: Draft, name: str, typed: Typed
    ) -> HTMLResponse:
        """Another save came first: the form again with what was typed, and the parameter
        as it now is beside it, to save against the draft as it now stands."""
        current = draft.row(typed.name if name == NEW else name)
        shown_name = name if name == NEW or current is not None else NEW
        return edit_page(
            request,
            signed,
            draft,
            shown_name,
            409,
            typed=typed,
            stale=current,
            stale_gone=current is None and name != NEW,
        )

    return router


def _read_typed(form: Mapping[str, str], name: str) -> Typed:
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
        name=form.get("name", "").strip() if name == NEW else name,
    )


def _typed_text(form: Mapping[str, str]) -> str | None:
    """What was typed, to show back on a refusal page (nothing is lost)."""
    parts = [
        form.get(key, "").strip()
        for key in ("name", "value", "description_sv", "description_en", "quote", "message")
    ]
    kept = "\n".join(p for p in parts if p)
    return kept or None


def _edited(draft: Draft, name: str, typed: Typed) -> str | None:
    """Policy.yaml with the parameter as typed; None (and `typed.errors`) when the form
    does not say a parameter that can be written."""
    if name == NEW:
        _check_name(draft, typed)
    else:
        row = draft.row(name)
        typed.unit = row.unit if row is not None else typed.unit
    value = _value(typed)
    for lang in ("sv", "en"):
        if not getattr(typed, f"description_{lang}"):
            typed.errors[f"description_{lang}"] = text("pages.params.description.needed")
    picked = _picked(draft, name, typed)
    if not typed.message.strip():
        typed.message = text("pages.params.message.default", name=typed.name)
    if typed.errors or picked is None or isinstance(value, LocalText):
        return None
    sentence, quote = picked
    return parameter_edited(
        draft.policy_text,
        typed.name,
        value=value,
        unit=typed.unit,
        description={"sv": typed.description_sv, "en": typed.description_en},
        source={"section": sentence.section, "quote": quote},
        not_stated=None
        if value is not None
        else {"sv": typed.not_stated_sv, "en": typed.not_stated_en},
    )


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
