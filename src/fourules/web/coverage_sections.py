"""The sections' entries of a draft's coverage map in forms, under
`/calls/drafts/{year}/coverage/sections`: a whole section of the decision marked descriptive
(coverage.yaml's `sections:`, each a heading and what the section describes). A table of the
entries beside the decision's headings, and a form per entry (`…/sections/new` for one not yet
written) that picks the heading from those of the decision's text (the file the policy
quotes) and says what the section describes; the entry is removed from its form after a
question (`web/coverage_pages.EntryRemoval`).

A save is one change to coverage.yaml (`policy_item_edits`: a new entry last among the
sections, an entry changed in place, its `review: true` dropped: a person has now set it
against this text); the other entries, comments and style stay as written. The table, the
forms, their saves and the check beside them are every editor's (`web/editor.Editor`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from fastapi import APIRouter

from fourules.authoring.coverage import COVERAGE_FILE
from fourules.authoring.coverage_edits import still_a_map
from fourules.authoring.policy_item_edits import item_added, item_changed
from fourules.authoring.sentences import split, words
from fourules.calls.repository import CallsRepository
from fourules.errors import InputError
from fourules.texts import language, text
from fourules.use_cases import calls as uc
from fourules.web.editor import NEW, DraftFile, Editor, Items
from fourules.web.gate import Form, field_text
from fourules.web.lists import ByPlace, entries
from fourules.web.source_picker import quoted_file
from fourules.web.text_views import policy_of


@dataclass(frozen=True)
class SectionRow(ByPlace):
    """An entry of `sections:` as written: its place, its heading and what the section
    describes, and whether it is still to review."""

    index: int
    section: str
    descriptive: str
    review: bool


def section_rows(data: Any) -> list[SectionRow]:
    out = []
    for i, entry in enumerate(entries(data, "sections")):
        out.append(
            SectionRow(
                index=i,
                section=str(entry.get("section") or ""),
                descriptive=" ".join(str(entry.get("descriptive") or "").split()),
                review=entry.get("review") is True,
            )
        )
    return out


@dataclass(frozen=True)
class Heading:
    """A heading of the decision's text and how many of its sentences stand under it."""

    words: str
    sentences: int


class SectionsDraft(DraftFile[SectionRow]):
    """The draft's coverage.yaml as one revision has it, and the headings of the text the
    policy quotes."""

    def __init__(self, repository: CallsRepository, year: str, items: Items) -> None:
        super().__init__(repository, year, COVERAGE_FILE, items)
        self.quoted = quoted_file(policy_of(self.files))
        counted: dict[str, int] = {}
        for sentence in split(self.files.get(self.quoted, "")):
            if sentence.section:
                counted[sentence.section] = counted.get(sentence.section, 0) + 1
        self.headings = tuple(Heading(h, n) for h, n in counted.items())


@dataclass
class SectionTyped:
    """A section's form as sent (or as the entry stands), with problems beside its fields."""

    kept: ClassVar[tuple[str, ...]] = ("descriptive", "message")
    """What a refusal shows back of the form."""
    section: str = ""
    descriptive: str = ""
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)


class SectionEditor(Editor[SectionsDraft, SectionTyped]):
    """The sections' table and forms; an entry's key is its place in the list."""

    items = Items("coverage/sections", "pages.coverage_sections", "index", section_rows)
    typed = SectionTyped
    drafts = SectionsDraft

    def saved(self, key: str) -> str:
        return text("pages.coverage_sections.saved")

    def table(self, draft: SectionsDraft, removed: str | None) -> dict[str, Any]:
        taken = {words(r.section) for r in draft.rows}
        return {
            "rows": draft.rows,
            "headings": draft.headings,
            "open": [h for h in draft.headings if words(h.words) not in taken],
            "quoted": draft.quoted,
        }

    def typed_of(self, draft: SectionsDraft, row: SectionRow | None) -> SectionTyped:
        if row is None:
            return SectionTyped(message=text("pages.coverage_sections.message.new"))
        message = text("pages.coverage_sections.message.default", section=row.section)
        return SectionTyped(row.section, row.descriptive, message)

    def form(
        self, draft: SectionsDraft, row: SectionRow | None, typed: SectionTyped
    ) -> dict[str, Any]:
        headings = [h.words for h in draft.headings]
        if typed.section and typed.section not in headings:  # as written: kept on offer
            headings.append(typed.section)
        return {"headings": headings, "counts": {h.words: h.sentences for h in draft.headings}}

    def read(self, form: Form, draft: SectionsDraft, key: str) -> SectionTyped:
        return SectionTyped(
            section=" ".join(field_text(form, "section").split()),
            descriptive=" ".join(field_text(form, "descriptive").split()),
            message=field_text(form, "message"),
        )

    def edited(self, draft: SectionsDraft, key: str, typed: SectionTyped) -> str | None:
        row = draft.row(key) if key != NEW else None
        if not typed.message:
            typed.message = text("pages.coverage_sections.message.default", section=typed.section)
        headings = {h.words for h in draft.headings}
        written = row.section if row is not None else None
        if not typed.section:
            typed.errors["section"] = text("pages.coverage_sections.section.needed")
        elif typed.section not in headings and typed.section != written:
            typed.errors["section"] = text(
                "pages.coverage_sections.section.unknown", section=typed.section, file=draft.quoted
            )
        else:
            other = next(
                (
                    r
                    for r in draft.rows
                    if words(r.section) == words(typed.section) and r.key != key
                ),
                None,
            )
            if other is not None:
                typed.errors["section"] = text(
                    "pages.coverage_sections.section.taken",
                    section=typed.section,
                    place=other.index + 1,
                )
        if not typed.descriptive:
            typed.errors["descriptive"] = text("pages.coverage_sections.descriptive.needed")
        if typed.errors:
            return None
        entry = {"section": typed.section, "descriptive": typed.descriptive}
        try:
            if row is None:
                edited = item_added(
                    draft.text, "sections", entry, before=("sentences",), where=COVERAGE_FILE
                )
            else:
                edited = item_changed(draft.text, "sections", row.index, entry, where=COVERAGE_FILE)
            still_a_map(edited)
        except InputError as exc:
            typed.errors["descriptive"] = exc.text(language())
            return None
        return edited

    def saved_as(self, draft: SectionsDraft, key: str, typed: SectionTyped) -> str:
        return str(len(draft.rows)) if key == NEW else key


def section_pages(folder: uc.CallsFolder) -> APIRouter:
    """The sections' pages of the calls folder's drafts: every editor's."""
    return SectionEditor(folder).router()
