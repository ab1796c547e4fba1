"""What a parameter and a quota share, as policy.yaml writes them and as their forms type them
(`web/param_views.py`, `web/quota_views.py`): a description in both languages, a source in
the decision's words (a section, a quote, a note; picked on the form sentence by sentence,
`web/source_picker.py`), and the form of a new one's key; and what the editors of
policy.yaml's items share beyond every editor's (`web/editor.py`): the draft's policy.yaml
with the decision's sentences to cite, the table, a form as an item stands, a new item's
key checked, and the quote kept from the sentence picked."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, Self, TypeVar

from fourules.authoring.policy_item_edits import folded
from fourules.authoring.sentences import Sentence
from fourules.calls.files import POLICY_FILE
from fourules.calls.repository import CallsRepository
from fourules.errors import PolicyError
from fourules.texts import text
from fourules.web.editor import NEW, CountingEditor, DraftFile, Items
from fourules.web.gate import Form
from fourules.web.source_picker import Picker, number

KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
"""A new item's key: lower-case words joined by dots (`cap.study_trip`, `quota.projects`)."""
RESERVED = {NEW}
"""Keys the pages' addresses use (`…/parameters/new`)."""
FIELD_OF = {"description": "description_sv", "source": "sentences"}
"""Where on an item's form a check's problem about its description or source is shown."""
NOTE_COLUMN = 8
"""Where the lines of a parameter's or a quota's source note start, as the policies write
them (`  - id:` and `  cap.project:` keep their keys at 4, their source's at 6)."""


@dataclass(frozen=True)
class Sourced(ABC):
    """An item as policy.yaml writes it: its description, and its source."""

    description: dict[str, str]
    section: str
    quote: str
    note: str

    @property
    @abstractmethod
    def key(self) -> str:
        """What names it in its address and in policy.yaml (a parameter's name, a quota's
        id)."""

    @staticmethod
    def fields_of(entry: dict[str, Any]) -> dict[str, Any]:
        """ENTRY's description and source as written, the fields every item has (a part
        that is no mapping is empty)."""
        found = entry.get("source")
        source: dict[str, Any] = found if isinstance(found, dict) else {}
        return {
            "description": Bilingual.written_of(entry.get("description")),
            "section": str(source.get("section") or ""),
            "quote": str(source.get("quote") or ""),
            "note": str(source.get("note") or ""),
        }


@dataclass(frozen=True)
class Bilingual:
    """A text a form asks for in Swedish and in English, in its fields NAME_sv and NAME_en
    (`title_sv`, `title_en`): declared once, as one field of the form."""

    sv: str = ""
    en: str = ""

    @staticmethod
    def written_of(value: Any) -> dict[str, str]:
        """A text in both languages as written (`{sv: …, en: …}`); empty when it is not."""
        if isinstance(value, dict):
            return {str(k): str(v) for k, v in value.items() if v is not None}
        return {}

    @classmethod
    def of(cls, written: Mapping[str, str]) -> Bilingual:
        """The text as policy.yaml writes it (`written_of`'s `{sv: …, en: …}`)."""
        return cls(written.get("sv", ""), written.get("en", ""))

    @classmethod
    def read(cls, get: Callable[[str], str], name: str) -> Bilingual:
        """The form's fields NAME_sv and NAME_en, each as GET reads it."""
        return cls(get(f"{name}_sv"), get(f"{name}_en"))

    def written(self) -> dict[str, str]:
        """As policy.yaml writes it: `{sv: …, en: …}`."""
        return {"sv": self.sv, "en": self.en}

    def folded(self) -> Bilingual:
        """Each on one line, as the policies write them."""
        return Bilingual(" ".join(self.sv.split()), " ".join(self.en.split()))

    def needed(self, errors: dict[str, str], name: str, said: str) -> None:
        """The text is needed in both languages: SAID in ERRORS beside each of the fields
        NAME_sv and NAME_en left empty."""
        for lang, given in self.written().items():
            if not given:
                errors[f"{name}_{lang}"] = said


@dataclass
class SourcedTyped:
    """An item's form as sent (or as the item stands): its description in each language,
    the sentence picked and the quote kept from it, the save's message, and the problems
    beside its fields."""

    kept: ClassVar[tuple[str, ...]] = ("description_sv", "description_en", "quote", "message")
    """What a refusal shows back of the form."""
    description: Bilingual = field(default_factory=Bilingual)
    sentence: int | None = None
    quote: str = ""
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    note: str | None = None
    """The source's note as typed; None on a form without the field (the note is kept)."""

    def written(self, section: str, quote: str, note: str = "") -> dict[str, Any]:
        """Its description, and its source (the sentence's SECTION, the QUOTE kept from it,
        and the note typed when it says other than NOTE, the one written: folded as the
        policies fold theirs, or removed when emptied), as policy.yaml writes them."""
        source: dict[str, Any] = {"section": section, "quote": quote}
        said = " ".join((self.note or "").split())
        if self.note is not None and said != " ".join(note.split()):
            source["note"] = folded(said, NOTE_COLUMN) if said else None
        return {
            "description": self.description.written(),
            "source": source,
        }

    def described(self, words: str) -> None:
        """A description is needed in each language: beside a field left empty, the
        catalogue's `WORDS.description.needed` says so."""
        self.description.needed(self.errors, "description", text(f"{words}.description.needed"))

    @staticmethod
    def fields_of(row: Sourced, sentence: int | None, message: str) -> dict[str, Any]:
        """The fields every item's form has, as ROW stands (SENTENCE: the one its quote
        cites)."""
        return {
            "description": Bilingual.of(row.description),
            "sentence": sentence,
            "quote": row.quote,
            "message": message,
        }

    @staticmethod
    def fields_sent(form: Form) -> dict[str, Any]:
        """The fields every item's form has, as sent."""
        return {
            "description": Bilingual.read(
                lambda name: str(form.get(name) or "").strip(), "description"
            ),
            "sentence": number(str(form.get("sentence") or "")),
            "quote": str(form.get("quote") or ""),
            "message": str(form.get("message") or ""),
            "note": None if form.get("note") is None else str(form.get("note")),
        }


class Sourcing(Protocol):
    """The form of an item that cites the decision's text."""

    kept: ClassVar[tuple[str, ...]]
    errors: dict[str, str]
    message: str
    sentence: int | None
    quote: str

    @classmethod
    def of(cls, row: Any, sentence: int | None, message: str) -> Self:
        """The form as ROW stands (None: a new item's, empty), citing SENTENCE."""
        ...


S = TypeVar("S", bound=Sourced)
F = TypeVar("F", bound=Sourcing)


class PolicyDraft(DraftFile[S]):
    """The draft's policy.yaml as one revision has it, its items of one kind, and the
    sentences of the decision's text their quotes are held to."""

    def __init__(self, repository: CallsRepository, year: str, items: Items) -> None:
        super().__init__(repository, year, POLICY_FILE, items)
        self.picker = Picker(self.data, self.files)


class PolicyEditor(CountingEditor[PolicyDraft[S], F]):
    """The editor of policy.yaml's items of one kind, each citing the decision's text: its
    form, as an item stands, cites the sentence its quote is in; as sent, the quote is kept
    from the sentence picked."""

    drafts: Callable[[CallsRepository, str, Items], PolicyDraft[S]] = PolicyDraft

    def listed(self, draft: PolicyDraft[S]) -> dict[str, Any]:
        """The table's own values beside the items (none: none)."""
        return {}

    def table(self, draft: PolicyDraft[S], removed: str | None) -> dict[str, Any]:
        """The items, how many of the check's problems concern each, the file their quotes
        are held to, the notice after a removal, and the editor's own (`listed`)."""
        return {
            "rows": draft.rows,
            "counts": self.counts(draft),
            "quoted": draft.picker.quoted,
            "notice": self.removal_notice(removed),
        } | self.listed(draft)

    def new_key(
        self, draft: PolicyDraft[S], key: str, errors: dict[str, str], form: re.Pattern[str] = KEY
    ) -> None:
        """A new item's KEY: of the FORM policy.yaml's keys have, no word of the pages'
        addresses, and no key of an item the draft has; else, in ERRORS beside its field,
        the catalogue's `….invalid` or `….taken`."""
        field, words = self.items.key, self.items.words
        named: dict[str, Any] = {field: key or "–"}
        if not form.match(key) or key in RESERVED:
            errors[field] = text(f"{words}.{field}.invalid", **named)
        elif draft.row(key) is not None:
            errors[field] = text(f"{words}.{field}.taken", **named)

    def typed_of(self, draft: PolicyDraft[S], row: S | None) -> F:
        words = self.items.words
        if row is None:
            return self.typed.of(None, None, text(f"{words}.message.new"))
        named: dict[str, Any] = {self.items.key: row.key}
        message = text(f"{words}.message.default", **named)
        return self.typed.of(row, draft.picker.cited(row.section, row.quote), message)

    def picked(self, draft: PolicyDraft[S], key: str, typed: F) -> tuple[Sentence, str] | None:
        """The sentence picked and the quote kept from it (the whole sentence when the
        quote was left as the item had it and another sentence was picked); None, with
        `typed.errors`, when none was picked or the quote is not the sentence's words."""
        row = draft.row(key) if key != NEW else None
        before = row.quote if row is not None else None
        words = self.items.words
        return draft.picker.picked(typed.sentence, typed.quote, before, typed.errors, words)

    def cited(self, draft: PolicyDraft[S], key: str, typed: F) -> tuple[Sentence, str] | None:
        """The sentence picked and the quote kept from it (`picked`; the form then shows that
        quote), the save's message the house's when none was typed; None when the form has
        a problem beside a field."""
        picked = self.picked(draft, key, typed)
        if picked is not None:
            typed.quote = picked[1]
        if not typed.message.strip():
            named: dict[str, Any] = {self.items.key: self.saved_as(draft, key, typed)}
            typed.message = text(f"{self.items.words}.message.default", **named)
        return None if typed.errors else picked


def refusal(year: str, edited: str | dict[str, Any]) -> PolicyError | None:
    """Why the policy model refuses the draft's policy.yaml as EDITED (its text, or its
    data as read), None when it loads: an edit that would break a policy that loads is
    refused beside the form's field, never saved."""
    from pathlib import Path

    from fourules.policy.model import policy_of, policy_text

    file = Path(year) / POLICY_FILE  # the policy's id names its folder
    try:
        if isinstance(edited, str):
            policy_text(edited, str(file))  # remembered: the save loads the same text
        else:
            policy_of(edited, file)
    except PolicyError as exc:
        return exc
    return None
