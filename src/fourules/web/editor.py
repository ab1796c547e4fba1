"""What the pages that edit a draft share: the draft at one revision (an unknown draft a 404
page, a file that does not read as YAML a 422 saying why), its check remembered by that
revision and a text box's save against it (the calls pages' text boxes use these), the
check's problems about one item (`under`, `linked`), and the form editors' table, form and
save (`Editor`: each editor's page says only what is its own).

A revision names the draft's files, so the check of a revision stays true: it is made once
and remembered, and a save's check (the use case makes one with every save) is remembered
at once, so the page after a save shows it without checking again."""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar
from urllib.parse import quote as url_quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fourules.authoring.yaml_edits import read
from fourules.calls.repository import CallsRepository, StaleRevision
from fourules.errors import InputError
from fourules.texts import language, text
from fourules.use_cases import calls as uc
from fourules.use_cases.check import CheckDocument, CheckProblem
from fourules.web import call_views
from fourules.web.call_views import Kept
from fourules.web.gate import Form, Gate, Refused, Who, query

NEW = "new"
"""An editor's address of an item not yet written (`…/parameters/new`)."""
FORM_LIMIT = 256 * 1024
"""The largest form an editor accepts: an item's texts are a few sentences."""


class DraftChecks:
    """A draft's checks (remembered by the use case, by the revision they checked) and its
    saves."""

    def __init__(self, repository: CallsRepository) -> None:
        self.repository = repository

    def of(self, year: str) -> CheckDocument:
        """The check of the draft of YEAR as it stands, in the context's language."""
        return uc.check_draft(self.repository, year)

    def draft(
        self, year: str, kept: Kept | None = None
    ) -> tuple[str, dict[str, str], CheckDocument]:
        """The draft of YEAR as a text box's page shows it: its revision, its files' texts
        (`draft_at`: an unknown draft a 404 page showing the text KEPT) and their check."""
        revision, files = draft_at(self.repository, year, kept.text if kept is not None else None)
        return revision, files, self.of(year)

    def saved(
        self, person: uc.Person, year: str, name: str, data: bytes, message: str, revision: str
    ) -> uc.Saved:
        """The draft's file NAME saved as DATA against REVISION (the use case `save_file`:
        a stale one is `StaleRevision`)."""
        return uc.save_file(self.repository, person, year, name, data, message, revision)

    def kept_saved(
        self, person: uc.Person, year: str, kept: Kept, revision: str
    ) -> FormState[Kept] | None:
        """A text box's file saved as KEPT says, against REVISION: None; else the state of
        the page that shows KEPT again, stale when the draft was saved since (with the file
        as it now is), or with the problem beside its field (the message or the text)."""
        try:
            self.saved(person, year, kept.name, kept.text.encode("utf-8"), kept.message, revision)
        except StaleRevision as exc:
            kept.stale = True
            kept.current = None if exc.current is None else call_views.shown(exc.current)
            return FormState(kept, stale=True)
        except InputError as exc:
            place = "message" if exc.where == "message" else "text"
            kept.errors[place] = exc.message.get(language())
            return FormState(kept)
        return None


def committed(commit: Callable[[], object], errors: dict[str, str]) -> int:
    """COMMIT (a change to the draft with the form's message) run for a form: 0 when it is
    committed; 409 when the draft was saved since the form was shown (nothing written);
    422 with the message's problem put in ERRORS, beside its field. Any other refusal goes
    on to the caller."""
    try:
        commit()
    except StaleRevision:
        return 409
    except InputError as exc:
        if exc.where != "message":
            raise
        errors["message"] = exc.message.get(language())
        return 422
    return 0


def under(field: str, prefix: str) -> str | None:
    """What of a check's problem's FIELD is below PREFIX (`branches.0` of `rules.3.branches.0`;
    '' when FIELD is PREFIX itself); None when FIELD is not about PREFIX."""
    if field == prefix:
        return ""
    return field[len(prefix) + 1 :] if field.startswith(prefix + ".") else None


def problem_shown(p: CheckProblem) -> dict[str, Any]:
    """A check's problem P as an item's form lists it."""
    return {"check": p.check, "field": p.field, "line": p.line, "message": p.message}


def linked(
    check: CheckDocument,
    prefix: str,
    anchor: Callable[[str], str],
    elsewhere: Callable[[CheckProblem], str | None] = lambda p: None,
) -> list[dict[str, Any]]:
    """The check's problems about the item at PREFIX (`rules.3`), each linked (`href`) to the
    field of its form ANCHOR names for the part below PREFIX it is about (`branches.0`); and
    those ELSEWHERE links somewhere (a problem of another file that names the item)."""
    out = []
    for p in check.problems:
        below = under(p.field, prefix)
        href = f"#{anchor(below)}" if below is not None else elsewhere(p)
        if href is not None:
            out.append(problem_shown(p) | {"href": href})
    return out


def draft_at(
    repository: CallsRepository, year: str, kept: str | None = None
) -> tuple[str, dict[str, str]]:
    """The draft's revision and its files' texts (`call_views.draft_files`); an unknown
    draft is refused with a 404 page, showing what was KEPT of the form."""
    try:
        return call_views.draft_files(repository, year)
    except InputError as exc:
        raise Refused(404, exc.message.get(language()), kept) from None


class Item(Protocol):
    """An item of a draft's file, as its editor lists it."""

    @property
    def key(self) -> str:
        """What names it in its address (`…/parameters/cap.study_trip`)."""
        ...


class ById:
    """An item named in its address by its id (`…/criteria/novelty`)."""

    id: str

    @property
    def key(self) -> str:
        return self.id


R = TypeVar("R", bound=Item)


@dataclass(frozen=True)
class Items:
    """What an editor edits: the items ROWS reads in the draft's file, each at
    `…/SEGMENT/{key}`, its key named KEY in the editor's templates and words (`name`); and
    WORDS, the catalogue's prefix of those words (`pages.params`), which names the
    templates too (`params_edit.html.j2`)."""

    segment: str
    words: str
    key: str
    rows: Callable[[Any], list[Any]]


class DraftFile(Generic[R]):
    """The draft as one revision has it, its file NAME read as YAML (`data`: an empty
    mapping when the file is empty or absent) and its ITEMS; a file that does not read is
    refused with a 422 page saying why."""

    def __init__(self, repository: CallsRepository, year: str, name: str, items: Items) -> None:
        self.revision, self.files = draft_at(repository, year)
        self.year, self.name = year, name
        self.text = self.files.get(name, "")
        try:
            self.data: Any = read(self.text, name) if self.text.strip() else {}
        except InputError as exc:
            said = text(f"{items.words}.unreadable", problem=exc.text(language()))
            raise Refused(422, said) from None
        self.rows: list[R] = items.rows(self.data)

    def row(self, key: str) -> R | None:
        """The item KEY names, None when there is none."""
        return next((r for r in self.rows if r.key == key), None)


class Sent(Protocol):
    """A form as sent: its fields (a message for the save among them), and the problems
    beside them."""

    message: str
    errors: dict[str, str]


class Typed(Sent, Protocol):
    """An editor's form as sent; KEPT: its fields a refusal shows back."""

    kept: ClassVar[tuple[str, ...]]


T = TypeVar("T", bound=Typed)
D = TypeVar("D", bound=DraftFile[Any])
S = TypeVar("S", bound=Sent)


@dataclass
class FormState(Generic[S]):
    """What a form's page says: what was typed (None: the item as it stands), a notice (a
    save done), a problem the save met, or that the save was stale — an editor's item, a
    file's text box (`call_views.Kept`), the re-cite page's choices."""

    typed: S | None = None
    notice: str | None = None
    problem: str | None = None
    stale: bool = False

    def status(self) -> int:
        """A stale save's page is a 409, one with a problem beside the form a 422."""
        if self.stale:
            return 409
        errors = self.typed.errors if self.typed is not None else {}
        return 422 if errors or self.problem else 200


def kept_fields(*keys: str) -> Callable[[Form], str | None]:
    """What a refusal shows back of a form: its fields KEYS as typed, one a line."""

    def kept(form: Form) -> str | None:
        parts = [str(form.get(key) or "").strip() for key in keys]
        return "\n".join(p for p in parts if p) or None

    return kept


class Editor(ABC, Generic[D, T]):
    """A draft's items edited in forms under `/calls/drafts/{year}/SEGMENT`: a table of
    them, and a form per item (`…/new` for one not yet written) beside the draft's check,
    saved as one edit of the file (`edited`) against the revision the form was shown at.
    A stale save loses nothing: the form comes back as typed, beside the item as it now
    stands. Who is asking is the gate's: a signed-in person, and every form its CSRF token.

    Each editor says what is its own: its ITEMS, its form (the class TYPED), its draft (the
    class DRAFTS), its items' table and form, what a form says and what it writes (the
    abstract methods)."""

    items: ClassVar[Items]
    typed: type[T]
    drafts: Callable[[CallsRepository, str, Items], D]
    """Its draft's class, made of the repository, a year and its ITEMS (an editor whose
    draft needs more says its own `draft`)."""
    removes: ClassVar[bool] = False
    """Whether its items are removed after a question (`web/removals.py`), which its table
    then says."""

    def __init__(self, folder: uc.CallsFolder) -> None:
        self.repository = folder.repository
        self.gate = Gate(folder, FORM_LIMIT, kept_fields(*self.typed.kept))
        self.checks = DraftChecks(folder.repository)

    # --- What each editor says ---------------------------------------------------------

    def draft(self, year: str) -> D:
        """The draft of YEAR as it now stands."""
        return self.drafts(self.repository, year, self.items)

    @abstractmethod
    def table(self, draft: D, removed: str | None) -> dict[str, Any]:
        """The table's values (`removed`: the item a removal just took out)."""

    @abstractmethod
    def typed_of(self, draft: D, row: Any) -> T:
        """The form as ROW stands (None: a new item's, empty)."""

    @abstractmethod
    def form(self, draft: D, row: Any, typed: T) -> dict[str, Any]:
        """The form's own values (the check's problems about the item among them)."""

    @abstractmethod
    def read(self, form: Form, draft: D, key: str) -> T:
        """The form as sent for the item KEY."""

    @abstractmethod
    def edited(self, draft: D, key: str, typed: T) -> str | None:
        """The file with the item as TYPED; None (and `typed.errors`) when the form does not
        say one that can be written."""

    @abstractmethod
    def saved_as(self, draft: D, key: str, typed: T) -> str:
        """The key the item TYPED is saved under (a new one's is its own, or its place)."""

    # --- What every editor does ----------------------------------------------------------

    def unknown(self, key: str, year: str) -> str:
        """The words of a 404: the draft has no item KEY."""
        named: dict[str, Any] = {self.items.key: key, "year": year}
        return text(f"{self.items.words}.unknown", **named)

    def saved(self, key: str) -> str:
        """The words of the notice after the item KEY was saved."""
        named: dict[str, Any] = {self.items.key: key}
        return text(f"{self.items.words}.saved", **named)

    def saved_notice(self, key: str, said: str) -> str:
        """The notice after the item KEY was saved, SAID: the query's `saved` (the editor's
        `saved_query`)."""
        return self.saved(key)

    def removal_notice(self, removed: str | None) -> str | None:
        """The table's notice after the item REMOVED was removed (None: none was)."""
        named: dict[str, Any] = {self.items.key: removed}
        return text(f"{self.items.words}.removed", **named) if removed and self.removes else None

    def template(self, page: str) -> str:
        """The template of the editor's PAGE (`list`, `edit`)."""
        return f"{self.items.words.removeprefix('pages.')}_{page}.html.j2"

    def router(self) -> APIRouter:
        """The table's page, an item's form, and the form's save."""
        router = APIRouter(include_in_schema=False)
        items = f"/calls/drafts/{{year}}/{self.items.segment}"

        @router.get(items, response_class=HTMLResponse)
        async def listing(request: Request, year: str, removed: str | None = None) -> Response:
            def build(signed: Who) -> Response:
                draft = self.draft(year)
                values = self.table(draft, removed)
                return self.page(self.template("list"), request, signed, draft, **values)

            return await self.gate.signed_in_page(request, build, year=year)

        @router.get(f"{items}/{{key}}", response_class=HTMLResponse)
        async def edit(request: Request, year: str, key: str, saved: str | None = None) -> Response:
            def build(signed: Who) -> Response:
                state = FormState[T](notice=self.saved_notice(key, saved) if saved else None)
                return self.form_page(request, signed, self.draft(year), key, state)

            return await self.gate.signed_in_page(request, build, year=year)

        @router.post(f"{items}/{{key}}", response_class=HTMLResponse)
        async def save(request: Request, year: str, key: str) -> Response:
            def answer(signed: Who, form: Form) -> Response:
                return self.save(request, signed, self.draft(year), key, form)

            return await self.gate.signed_in_form(request, answer, year=year)

        return router

    def check(self, draft: D) -> CheckDocument:
        return self.checks.of(draft.year)

    def known(self, draft: D, key: str) -> Any:
        """The item KEY, else a 404 page."""
        row = draft.row(key)
        if row is None:
            raise Refused(404, self.unknown(key, draft.year))
        return row

    def page(
        self,
        template: str,
        request: Request,
        signed: Who,
        draft: D,
        state: FormState[T] | None = None,
        **values: Any,
    ) -> HTMLResponse:
        """A page of the draft: its year, the revision shown and its check, with VALUES; an
        item's form says what its STATE says, in its status."""
        values |= {"year": draft.year, "revision": draft.revision, "check": self.check(draft)}
        if state is None:
            return self.gate.page(template, request, signed, **values)
        values |= {"notice": state.notice, "problem": state.problem, "stale": state.stale}
        return self.gate.page(template, request, signed, state.status(), **values)

    def form_page(
        self, request: Request, signed: Who, draft: D, key: str, state: FormState[T]
    ) -> HTMLResponse:
        """The item KEY's form: as typed (`state.typed`), else as the item stands. After a
        stale save, beside the item as it now stands (`current`), or saying it was removed
        meanwhile (`gone`: the form is then a new item's, to add it again)."""
        current, gone = None, False
        if state.stale and state.typed is not None:
            current = draft.row(self.saved_as(draft, key, state.typed))
            gone = current is None and key != NEW
            key = NEW if gone else key
        row = self.known(draft, key) if key != NEW else None
        typed = state.typed if state.typed is not None else self.typed_of(draft, row)
        values = {self.items.key: key, "new": row is None, "row": row, "typed": typed}
        values |= {"current": current, "gone": gone} | self.form(draft, row, typed)
        return self.page(self.template("edit"), request, signed, draft, state, **values)

    def save(self, request: Request, signed: Who, draft: D, key: str, form: Form) -> Response:
        """The form saved, and a 303 to the item's form saying so; else the form again: with
        its problems beside it, or, when the draft was saved since it was shown (or while
        this save ran), stale, beside the draft as it now stands. A button other than the
        save (its `action`) changes the form's shape instead (`reshape`): the form shown
        again as typed, with the change, nothing saved."""
        if key != NEW:
            self.known(draft, key)
        typed = self.read(form, draft, key)
        action = str(form.get("action") or "save")
        if action != "save":
            self.reshape(typed, action)
            stale = str(form.get("revision") or "") != draft.revision
            return self.form_page(request, signed, draft, key, FormState(typed, stale=stale))
        shown = functools.partial(self.form_page, request, signed)
        revision = str(form.get("revision") or "")
        if revision != draft.revision:  # saved since the form was shown: nothing lost
            return shown(draft, key, FormState(typed, stale=True))
        edited = self.edited(draft, key, typed)
        if edited is None or typed.errors:
            return shown(draft, key, FormState(typed))
        try:
            others = self.others(draft, key, typed)
            self.write(signed, draft, edited, typed.message.strip(), revision, others)
        except StaleRevision:
            return shown(self.draft(draft.year), key, FormState(typed, stale=True))
        except InputError as exc:
            if exc.where == "message":  # beside its field; any other problem above the form
                typed.errors["message"] = exc.message.get(language())
                return shown(draft, key, FormState(typed))
            return shown(draft, key, FormState(typed, problem=exc.text(language())))
        address = self.address(draft.year, self.saved_as(draft, key, typed))
        said = self.saved_query(draft, key, typed)
        return RedirectResponse(f"{address}{query(**said)}#check", status_code=303)

    def address(self, year: str, key: str) -> str:
        """The form of the item KEY."""
        return f"/calls/drafts/{year}/{self.items.segment}/{url_quote(key)}"

    def saved_query(self, draft: D, key: str, typed: T) -> dict[str, str]:
        """What the form's page is told after the item KEY was saved as TYPED."""
        return {"saved": "1"}

    def reshape(self, typed: T, action: str) -> None:
        """What the form's button ACTION (other than the save) does to the form TYPED: add,
        move or remove a branch, a condition's row, a reading. A form without such buttons
        has nothing to change."""

    def others(self, draft: D, key: str, typed: T) -> dict[str, str | None]:
        """The draft's other files a save of the item changes with its own, by name (None:
        removed); none unless the editor says so (a rule renamed where it is named)."""
        return {}

    def write(
        self,
        signed: Who,
        draft: D,
        edited: str,
        message: str,
        revision: str,
        others: dict[str, str | None] | None = None,
    ) -> None:
        """The draft's file saved as EDITED, with its OTHERS (in one commit), against
        REVISION (the one the form was shown at); its check remembered."""
        data = edited.encode("utf-8")
        if not others:
            self.checks.saved(signed.person, draft.year, draft.name, data, message, revision)
            return
        files: dict[str, bytes | None] = {draft.name: data}
        files |= {n: None if t is None else t.encode("utf-8") for n, t in others.items()}
        uc.change_files(self.repository, signed.person, draft.year, files, message, revision)


class CountingEditor(Editor[D, T]):
    """An editor whose table counts the draft's check's problems about each item."""

    @abstractmethod
    def concerning(self, draft: D, row: Any) -> list[dict[str, Any]]:
        """The draft's check's problems about the item ROW."""

    def counts(self, draft: D) -> dict[str, int]:
        """How many of the draft's check's problems concern each item, by its key."""
        return {row.key: len(self.concerning(draft, row)) for row in draft.rows}
