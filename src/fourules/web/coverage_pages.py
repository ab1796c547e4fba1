"""A draft's coverage map in the browser, under `/calls/drafts/{year}/coverage`: every
sentence of the decision's text (the file the policy quotes, numbered as `fourules
coverage` numbers it) with its status in `coverage.yaml` — encoded (by which ids, each
linking to its editor where one is served), deliberately not encoded (why), descriptive,
or unclassified; still to review when copied from last year — and the map's problems
beside it; and a form per sentence (`…/coverage/{number}`) that sets its status: encoded
by ids ticked from the policy's, not encoded because of a reason, or descriptive.

A save is one change to coverage.yaml made by `authoring/coverage_edits.py` (the sentence's
entry changed, or a new one written where the map's matching puts it; the other entries,
comments and style stay as written). The table, the forms, their saves (a stale one shows
the sentence as it now stands beside what was typed) and the check beside them are every
editor's (`web/editor.Editor`); this module says what is the coverage map's own.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from fourules.authoring.coverage import COVERAGE_FILE
from fourules.authoring.coverage_edits import (
    STATUSES,
    Classification,
    Status,
    sentence_classified,
)
from fourules.calls.repository import CallsRepository
from fourules.errors import InputError
from fourules.evaluation.evaluator import Evaluator
from fourules.texts import language, text
from fourules.use_cases import calls as uc
from fourules.web import coverage_views
from fourules.web.coverage_views import DraftMap, DraftMaps, Row, Typed
from fourules.web.editor import NEW, DraftFile, Editor, FormState, Items
from fourules.web.gate import Form, Refused, Who
from fourules.web.item_links import Links, mounted
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
        return {
            "rows": draft.rows,
            "counts": coverage_views.counts(draft.map),
            "unplaced": coverage_views.unplaced(draft.map),
            "failure": draft.map.failure,
            "sections": _sections(draft.rows),
        }

    def typed_of(self, draft: CoverageDraft, row: Row | None) -> Typed:
        key = row.key if row is not None else ""
        return Typed.of(row, text("pages.coverage.message.default", number=key))

    def form(self, draft: CoverageDraft, row: Row | None, typed: Typed) -> dict[str, Any]:
        number = row.number if row is not None else 0
        numbers = [r.number for r in draft.rows]
        at = numbers.index(number) if number in numbers else -1
        place = coverage_views.where(draft.text, draft.map, number) if row is not None else None
        return {
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


def coverage_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The coverage map's pages of the calls folder's drafts."""
    return CoverageEditor(folder).router()


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
