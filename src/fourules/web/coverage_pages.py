"""A draft's coverage map in the browser, under `/calls/drafts/{year}/coverage`: every
sentence of the decision's text (the file the policy quotes, numbered as `fourules
coverage` numbers it) with its status in `coverage.yaml` — encoded (by which ids, each
linking to its editor where one is served), deliberately not encoded (why), descriptive,
or unclassified; still to review when copied from last year — and the map's problems
beside it; and a form per sentence (`…/coverage/{number}`) that sets its status: encoded
by ids ticked from the policy's, not encoded because of a reason, or descriptive.

A save is one change to coverage.yaml made by `authoring/coverage_edits.py` (the sentence's
entry changed, or a new one written where the map's matching puts it; the other entries,
comments and style stay as written). The map's entries are also kept one by one
(`…/coverage/entries/{place}`, `sentences.3`, `sections.1`): an entry copied from last year
is confirmed against this text (`…/reviewed`: its `review: true` alone goes), and an entry
whose words the decision no longer has — a sentence's or a section's — is removed after a
question (`…/remove`); a sentence's entry that still accounts for a sentence is not: its
sentence's form sets what it says. A section's entry is removed from its form
(`web/coverage_sections.py`, which adds and rewords them) even while its sentences stand:
they are then unclassified, which the question says. The table, the forms, their saves (a stale one shows
the sentence as it now stands beside what was typed) and the check beside them are every
editor's (`web/editor.Editor`); this module says what is the coverage map's own.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fourules.authoring.coverage import COVERAGE_FILE
from fourules.authoring.coverage_edits import (
    STATUSES,
    Classification,
    Status,
    entry_removed,
    entry_reviewed,
    sentence_classified,
)
from fourules.authoring.sentences import words
from fourules.calls.repository import CallsRepository, StaleRevision
from fourules.errors import InputError
from fourules.evaluation.evaluator import Evaluator
from fourules.texts import language, text
from fourules.use_cases import calls as uc
from fourules.web import coverage_views
from fourules.web.coverage_sections import section_pages
from fourules.web.coverage_views import DraftMap, DraftMaps, Entry, Row, Typed
from fourules.web.editor import NEW, DraftFile, Editor, FormState, Items
from fourules.web.gate import Form, Refused, Who, query
from fourules.web.item_links import Links, mounted
from fourules.web.removals import Refusal, Removal
from fourules.web.source_picker import quoted_file
from fourules.web.text_views import policy_of


class CoverageDraft(DraftFile[Row]):
    """The draft's coverage.yaml as one revision has it, and the map it makes of the
    decision's sentences (`map.failure`: why none can be made)."""

    def __init__(
        self, repository: CallsRepository, year: str, items: Items, maps: DraftMaps
    ) -> None:
        super().__init__(repository, year, COVERAGE_FILE, items)
        quoted = quoted_file(policy_of(self.files))
        self.map: DraftMap = maps.of(year, self.revision, self.files, quoted)
        self.rows = coverage_views.rows(self.map)
        self.entries = coverage_views.entries(self.text, self.map.sentences)

    def entry(self, key: str) -> Entry | None:
        """The entry at the place KEY (`sentences.3`), None when the map has none there."""
        return coverage_views.entry_at(self.entries, key)


class CoverageEditor(Editor[CoverageDraft, Typed]):
    """The coverage map's table and its sentences' forms; a sentence's key is its number."""

    items = Items("coverage", "pages.coverage", "number", lambda data: [])
    typed = Typed

    def __init__(self, folder: uc.CallsFolder) -> None:
        super().__init__(folder)
        self.maps = DraftMaps()

    def draft(self, year: str) -> CoverageDraft:
        return CoverageDraft(self.repository, year, self.items, self.maps)

    def known(self, draft: CoverageDraft, key: str) -> Any:
        """The sentence KEY, else a 404 page; none while the map cannot be made (why)."""
        if draft.map.failure is not None:
            raise Refused(422, text("pages.coverage.failure", problem=draft.map.failure))
        return super().known(draft, key)

    def page(
        self,
        template: str,
        request: Request,
        signed: Who,
        draft: CoverageDraft,
        state: FormState[Typed] | None = None,
        **values: Any,
    ) -> HTMLResponse:
        """A page of the map, its ids linking to the editors the app serves."""
        values["links"] = Links(draft.year, mounted(request.app))
        values["quoted"] = draft.map.quoted
        return super().page(template, request, signed, draft, state, **values)

    def form_page(
        self, request: Request, signed: Who, draft: CoverageDraft, key: str, state: FormState[Typed]
    ) -> HTMLResponse:
        if key == NEW:  # a sentence is the decision's: none is added here
            raise Refused(404, self.unknown(key, draft.year))
        if state.stale and draft.row(key) is None:  # the text was cut short meanwhile
            typed = state.typed.reason if state.typed is not None else None
            raise Refused(409, text("pages.coverage.stale.gone", number=key), typed or None)
        return super().form_page(request, signed, draft, key, state)

    def saved(self, key: str) -> str:
        return text("pages.coverage.saved", number=key)

    def table(self, draft: CoverageDraft, removed: str | None) -> dict[str, Any]:
        return self.listed(draft, removed, None)

    def listed(
        self, draft: CoverageDraft, removed: str | None, reviewed: str | None
    ) -> dict[str, Any]:
        """The table's values: the sentences under their headings, the sections' entries,
        the entries that account for no sentence, and the notice after an entry was removed
        (REMOVED: the words it had) or confirmed (REVIEWED: its place)."""
        notice = None
        if removed:
            notice = text("pages.coverage.entries.removed", words=removed)
        elif reviewed:
            notice = text("pages.coverage.entries.reviewed", words=_words_of(draft, reviewed))
        return {
            "rows": draft.rows,
            "counts": coverage_views.counts(draft.map),
            "unplaced": [e for e in draft.entries if e.kind == "sentences" and not e.accounts],
            "section_entries": [e for e in draft.entries if e.kind == "sections"],
            "entry_of": {e.key: e for e in draft.entries},
            "failure": draft.map.failure,
            "sections": _sections(draft.rows),
            "notice": notice,
        }

    def typed_of(self, draft: CoverageDraft, row: Row | None) -> Typed:
        key = row.key if row is not None else ""
        return Typed.of(row, text("pages.coverage.message.default", number=key))

    def form(self, draft: CoverageDraft, row: Row | None, typed: Typed) -> dict[str, Any]:
        number = row.number if row is not None else 0
        numbers = [r.number for r in draft.rows]
        at = numbers.index(number) if number in numbers else -1
        place = coverage_views.where(draft.text, draft.map, number) if row is not None else None
        entry = draft.entry(row.covered.entry or "") if row is not None else None
        return {
            "entry": entry,
            "section_entry": _section_entry(draft, row) if row is not None else None,
            "groups": coverage_views.groups(draft.map.targets),
            "statuses": STATUSES,
            "alongside": place.alongside if place is not None else (),
            "previous": numbers[at - 1] if at > 0 else None,
            "next": numbers[at + 1] if 0 <= at < len(numbers) - 1 else None,
            "problems": row.problems if row is not None else (),
        }

    def read(self, form: Form, draft: CoverageDraft, key: str) -> Typed:
        return coverage_views.read_typed(form)

    def edited(self, draft: CoverageDraft, key: str, typed: Typed) -> str | None:
        row = self.known(draft, key) if key != NEW else None
        if not typed.message:
            typed.message = text("pages.coverage.message.default", number=key)
        if row is None:
            return None
        if typed.status == THROUGH_SECTION:
            return _through_section(draft, row, typed)
        said = _classification(typed, draft.map)
        if said is None:
            return None
        try:
            return sentence_classified(draft.text, draft.map.sentences, row.number, said)
        except InputError as exc:
            typed.errors["status"] = exc.message.get(language())
            return None

    def saved_as(self, draft: CoverageDraft, key: str, typed: Typed) -> str:
        return key


class EntryRemoval(Removal):
    """An entry of the map removed after a question that shows it as it now stands; refused
    while it accounts for a sentence of the decision (its sentence's form sets it)."""

    template = "coverage_remove.html.j2"

    @property
    def segment(self) -> str:
        return "coverage/entries"

    def row_of(self, draft: CoverageDraft, key: str) -> Entry | None:
        return draft.entry(key)

    def known(self, draft: CoverageDraft, key: str) -> Entry:
        found = draft.entry(key)
        if found is None:
            raise Refused(404, text("pages.coverage.entries.unknown", place=key, year=draft.year))
        return found

    def dropped(self, draft: CoverageDraft, row: Entry) -> str:
        try:
            return entry_removed(draft.text, row.kind, row.index)
        except InputError as exc:
            raise Refused(422, exc.text(language())) from None

    def refusals(self, shown: CoverageDraft, row: Entry) -> list[Refusal]:
        if not row.accounts or row.kind == "sections":  # a section's sentences: unclassified
            return []
        numbers = ", ".join(str(n) for n in row.accounts)
        said = text("pages.coverage.entries.accounts", numbers=numbers)
        return [Refusal(said, f"/calls/drafts/{shown.year}/coverage/{row.accounts[0]}{query()}")]

    def message(self, key: str) -> str:
        return text("pages.coverage.entries.remove.message", place=key)

    def named(self, key: str, row: Entry) -> str:
        return row.words

    def done(self, year: str, key: str) -> str:
        return f"/calls/drafts/{year}/coverage{query(removed=key)}#check"

    def asked(self, shown: CoverageDraft, row: Entry | None, key: str) -> dict[str, Any]:
        left = row.accounts if row is not None and row.kind == "sections" else ()
        return {"key": key, "entry": row, "left": left}


def coverage_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The coverage map's pages of the calls folder's drafts: every editor's, the table
    saying which entry was removed or confirmed, an entry confirmed, and an entry removed
    after a question."""
    editor = CoverageEditor(folder)
    router = APIRouter(include_in_schema=False)
    router.include_router(section_pages(folder))  # first: `…/coverage/sections` is no sentence

    @router.get("/calls/drafts/{year}/coverage", response_class=HTMLResponse)
    async def listing(
        request: Request, year: str, removed: str | None = None, reviewed: str | None = None
    ) -> Response:
        def build(signed: Who) -> Response:
            draft = editor.draft(year)
            values = editor.listed(draft, removed, reviewed)
            return editor.page(editor.template("list"), request, signed, draft, **values)

        return await editor.gate.signed_in_page(request, build, year=year)

    @router.post("/calls/drafts/{year}/coverage/entries/{key}/reviewed")
    async def reviewed(request: Request, year: str, key: str) -> Response:
        """An entry copied from last year confirmed against this text, at the revision the
        page was shown at; else the table again, saying why."""

        def answer(signed: Who, form: Form) -> Response:
            draft = editor.draft(year)
            entry = EntryRemoval(editor).known(draft, key)
            revision = str(form.get("revision") or "")
            back = str(form.get("back") or "")  # the sentence's form it was asked from
            problem, stale = None, revision != draft.revision
            if not stale and not entry.accounts:
                problem = text("pages.coverage.entries.nothing", words=entry.words)
            elif not stale and entry.review:
                edited = entry_reviewed(draft.text, entry.kind, entry.index)
                message = text("pages.coverage.entries.reviewed.message", place=key)
                try:
                    editor.write(signed, draft, edited, message, revision)
                except StaleRevision:
                    draft, stale = editor.draft(year), True
                else:
                    return RedirectResponse(_reviewed(year, entry, back), status_code=303)
            elif not stale:  # confirmed already: nothing to save
                return RedirectResponse(_reviewed(year, entry, back), status_code=303)
            if stale:
                problem = text("pages.coverage.entries.stale", words=entry.words)
            state = FormState[Typed](problem=problem, stale=stale)
            values = editor.listed(draft, None, None)
            return editor.page(editor.template("list"), request, signed, draft, state, **values)

        return await editor.gate.signed_in_form(request, answer, year=year)

    router.include_router(editor.router())
    EntryRemoval(editor).add_to(router)
    return router


THROUGH_SECTION = "section"
"""A sentence's form's status that gives the sentence to its section's entry: its own entry
goes."""


def _section_entry(draft: CoverageDraft, row: Row) -> Entry | None:
    """The entry of `sections:` that marks the sentence ROW's section, when one does."""
    heading = words(row.covered.section)
    found = [e for e in draft.entries if e.kind == "sections" and words(e.words) == heading]
    return found[-1] if found else None  # of two, the map reads the later


def _through_section(draft: CoverageDraft, row: Row, typed: Typed) -> str | None:
    """The coverage map without the sentence ROW's own entry, so its section's entry accounts
    for it; refused beside the status when its section has none, when it has no entry of its
    own, or when that entry accounts for a sentence whose section has none (the same words
    elsewhere in the text, which would be left unclassified)."""
    section = _section_entry(draft, row)
    own = draft.entry(row.covered.entry or "")
    rows = {r.number: r for r in draft.rows}
    left = [
        n
        for n in (own.accounts if own is not None else ())
        if _section_entry(draft, rows[n]) is None
    ]
    problem = None
    if section is None:
        problem = text("pages.coverage.through_section.none", section=row.covered.section)
    elif own is None or own.kind != "sentences":
        problem = text("pages.coverage.through_section.already", section=section.words)
    elif left:
        others = ", ".join(str(n) for n in left)
        problem = text("pages.coverage.through_section.shared", numbers=others)
    if problem is not None or own is None:
        typed.errors["status"] = problem or ""
        return None
    return entry_removed(draft.text, "sentences", own.index)


def _reviewed(year: str, entry: Entry, back: str) -> str:
    """Where a confirmed entry leads: back to the form of the sentence BACK it was confirmed
    on, else the table at the first sentence it accounts for (or at its section's entry)."""
    if back.isdigit() and int(back) in entry.accounts:
        return f"/calls/drafts/{year}/coverage/{back}{query(saved='1')}#check"
    at = f"#sentence-{entry.accounts[0]}" if entry.accounts else "#check"
    if entry.kind == "sections":
        at = f"#section-entry-{entry.index}"
    address = f"/calls/drafts/{year}/coverage{query(reviewed=entry.key)}"
    return f"{address}{at}"


def _words_of(draft: CoverageDraft, key: str) -> str:
    """The words of the entry at the place KEY, as the notice names it (the place itself
    when the map has none there now)."""
    found = draft.entry(key)
    return found.words if found is not None else key


def _classification(typed: Typed, mapped: DraftMap) -> Classification | None:
    """The status the form says, or None with the problems beside its fields: encoded needs
    an id of the policy ticked, not encoded its reason; descriptive, when no words are
    given, is said in the map's own (Swedish) words."""
    if typed.status not in STATUSES:
        typed.errors["status"] = text("pages.coverage.status.needed")
        return None
    status: Status = typed.status  # type: ignore[assignment]
    if status == "encoded":
        known = {t.id for t in mapped.targets}
        unknown = [link for link in typed.links if link not in known]
        if unknown:
            typed.errors["links"] = text("pages.coverage.links.unknown", ids=", ".join(unknown))
        elif not typed.links:
            typed.errors["links"] = text("pages.coverage.links.needed")
        order = [t.id for t in mapped.targets]
        links = tuple(
            sorted(dict.fromkeys(typed.links), key=lambda i: order.index(i) if i in order else 0)
        )
        return None if typed.errors else Classification(status, links)
    if status == "not_encoded" and not typed.reason:
        typed.errors["reason"] = text("pages.coverage.reason.needed")
        return None
    reason = typed.reason or text("pages.coverage.descriptive.default", "sv")
    return Classification(status, reason=reason)


def _sections(rows: list[Row]) -> list[tuple[str, list[Row]]]:
    """The rows under their headings, in the decision's order."""
    out: list[tuple[str, list[Row]]] = []
    for row in rows:
        heading = row.covered.section
        if not out or out[-1][0] != heading:
            out.append((heading, []))
        out[-1][1].append(row)
    return out
