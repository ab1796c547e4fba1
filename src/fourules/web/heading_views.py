"""What the heading's page shows and reads (`web/heading_pages.py`): the heading of a draft's
policy.yaml as written (read as YAML, so a draft whose policy does not load still shows it)
— the year's id and version, its name in both languages, the decision's `document:` — the
form as sent, each field held to what the policy model allows (`policy.model.Document`),
and the check's problems about the heading, each beside its field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import ValidationError

from fourules.calls.files import FILES
from fourules.policy.model import Document
from fourules.texts import text
from fourules.use_cases.check import CheckDocument
from fourules.web.editor import problem_shown, under
from fourules.web.policy_items import Bilingual

HEADING = "heading"
"""The one item of the heading's page (`/calls/drafts/{year}/heading`)."""
TEXTS = tuple(name for name in FILES if name.endswith(".txt"))
"""The files of a year folder that may hold the decision's text or its transcription."""
FIELD_OF = {
    "title": "document_title",
    "issuer": "issuer",
    "addressee": "addressee",
    "reference": "reference",
    "file": "file",
    "transcription": "transcription",
}
"""Where on the form a part of the document is shown (the form's field of each key)."""
WORDS = ("document_title", "issuer", "addressee", "reference")
"""The document's texts the form asks for, each needed (`Document`: all four required)."""


@dataclass(frozen=True)
class HeadingRow:
    """The heading as policy.yaml writes it: the year's id and version, its name, and the
    decision's document (its keys as written)."""

    id: str
    version: str
    title: dict[str, str]
    document: dict[str, str]

    @property
    def key(self) -> str:
        return HEADING

    @property
    def transcription(self) -> str:
        return self.document.get("transcription", "")


def rows(policy: Any) -> list[HeadingRow]:
    """The heading of policy.yaml, as the one row of its page."""
    policy = policy if isinstance(policy, dict) else {}
    found = policy.get("document")
    document = found if isinstance(found, dict) else {}
    return [
        HeadingRow(
            id=str(policy.get("id") or ""),
            version=str(policy.get("version") or ""),
            title=Bilingual.written_of(policy.get("title")),
            document={str(k): " ".join(str(v).split()) for k, v in document.items() if v},
        )
    ]


@dataclass
class HeadingTyped:
    """The form as sent (or as the heading stands), with the problems beside its fields.
    TRANSCRIPTION None: the form does not offer it (the document names one, which is
    removed with its file after a question, never by emptying a field)."""

    kept: ClassVar[tuple[str, ...]] = (
        "title_sv",
        "title_en",
        "document_title",
        "reference",
        "message",
    )
    """What a refusal shows back of the form."""
    title: Bilingual = field(default_factory=Bilingual)
    document_title: str = ""
    issuer: str = ""
    addressee: str = ""
    reference: str = ""
    file: str = ""
    transcription: str | None = None
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, row: HeadingRow, message: str) -> HeadingTyped:
        d = row.document
        return cls(
            title=Bilingual.of(row.title),
            document_title=d.get("title", ""),
            issuer=d.get("issuer", ""),
            addressee=d.get("addressee", ""),
            reference=d.get("reference", ""),
            file=d.get("file", ""),
            transcription=None if row.transcription else "",
            message=message,
        )

    def document(self) -> dict[str, str | None]:
        """The document's keys as the form says them (a transcription it does not offer
        left as written; an empty one none)."""
        said: dict[str, str | None] = {
            "title": self.document_title,
            "issuer": self.issuer,
            "addressee": self.addressee,
            "reference": self.reference,
            "file": self.file or None,
        }
        if self.transcription is not None:
            said["transcription"] = self.transcription or None
        return said


def read_typed(form: Mapping[str, Any]) -> HeadingTyped:
    """The form as sent: each text on one line, as the policies write them."""

    def get(name: str) -> str:
        return " ".join(str(form.get(name) or "").split())

    return HeadingTyped(
        title=Bilingual.read(get, "title"),
        document_title=get("document_title"),
        issuer=get("issuer"),
        addressee=get("addressee"),
        reference=get("reference"),
        file=get("file"),
        transcription=get("transcription") if "transcription" in form else None,
        message=str(form.get("message") or ""),
    )


def checked(typed: HeadingTyped, row: HeadingRow, files: Mapping[str, str]) -> None:
    """TYPED's problems beside its fields: a name or a text of the document left empty, a
    file the draft does not hold (or the text named its own transcription), and what the
    policy model's `Document` refuses."""
    _filled(typed)
    _files(typed, files)
    said = {k: v for k, v in typed.document().items() if v is not None}
    if row.transcription and typed.transcription is None:
        said["transcription"] = row.transcription
    try:
        Document.model_validate(said)
    except ValidationError as exc:
        for error in exc.errors():
            where = FIELD_OF.get(str(error["loc"][0]) if error["loc"] else "", "document_title")
            typed.errors.setdefault(where, text("pages.heading.refused", problem=error["msg"]))


def _filled(typed: HeadingTyped) -> None:
    """The call's name in both languages and the document's texts, each needed."""
    typed.title.needed(typed.errors, "title", text("pages.heading.needed"))
    for name in WORDS:
        if not getattr(typed, name):
            typed.errors[name] = text("pages.heading.needed")


def _files(typed: HeadingTyped, files: Mapping[str, str]) -> None:
    """The text's file and the transcription's: text files the draft holds, not the same."""
    for name in ("file", "transcription"):
        said = getattr(typed, name)
        if said and (said not in TEXTS or said not in files):
            held = ", ".join(n for n in TEXTS if n in files) or "–"
            typed.errors[name] = text("pages.heading.file.unknown", file=said, files=held)
    if typed.transcription and typed.transcription == typed.file:
        typed.errors["transcription"] = text("pages.heading.transcription.same")


HEADING_KEYS = {"id": "id", "version": "version", "title": "title_sv"}
"""Where on the form a check's problem about the heading's own keys is shown."""


def concerning(check: CheckDocument) -> list[dict[str, Any]]:
    """The check's problems about the heading (`document.reference`, `title.en`, `id`),
    each with the part of the form it concerns (`anchor`)."""
    out = []
    for p in check.problems:
        below = under(p.field, "document")
        if below is not None:
            anchor = FIELD_OF.get(below.split(".")[0], "document_title")
        elif p.field.split(".")[0] in HEADING_KEYS:
            head, _, lang = p.field.partition(".")
            anchor = (
                f"title_{lang}" if head == "title" and lang in ("sv", "en") else HEADING_KEYS[head]
            )
        else:
            continue
        out.append(problem_shown(p) | {"anchor": anchor})
    return out
