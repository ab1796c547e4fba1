"""What the decision's text page shows and reads (`web/text_pages.py`): the draft's text
files (the decision's text, and the proofread transcription a scanned decision is quoted
from), a text as a file sent is read (UTF-8 or Windows-1252; a PDF, a Word file or bytes
that are not text refused, saying what to do), and the check's problems about the
quotes, each with the page where that quote is used."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fourules.authoring.yaml_edits import read
from fourules.calls.files import POLICY_FILE
from fourules.errors import InputError
from fourules.texts import text
from fourules.use_cases.check import CheckDocument
from fourules.web.gate import query
from fourules.web.item_links import Links, items_of
from fourules.web.source_picker import quoted_file

DOCUMENT = "document.txt"
TRANSCRIPTION = "transcription.txt"
TEXT_FILES = (DOCUMENT, TRANSCRIPTION)
"""The draft's files of the decision's words (calls/files.py's names)."""

_SIGNATURES = (
    (b"%PDF", "pdf"),
    (b"PK\x03\x04", "package"),  # .docx, .odt, .pages: a zip of parts
    (b"\xd0\xcf\x11\xe0", "package"),  # .doc: an OLE compound file
    (b"{\\rtf", "rtf"),
)
"""How a document that is not plain text starts, and what the refusal calls it."""
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r", "\f"} | {"\x7f"}
"""Characters no text of a decision has: a file holding them is no text."""


class NotText(Exception):
    """A file sent that is not a text: `message` says what it is and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def as_typed(typed: str) -> str:
    """A text as the files hold it: lines ending in LF (a browser sends a text box's lines
    ending in CRLF; an old Mac file in CR), and no byte-order mark; the rest (trailing
    spaces, blank lines at the end) as the author wrote it."""
    return typed.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def text_of(name: str, raw: bytes) -> str:
    """The text of a file sent (its NAME for the refusal): UTF-8, else Windows-1252, as
    `as_typed` has it; refused (`NotText`) when it is empty, a document of another kind or
    no text at all."""
    shown = name or text("pages.text.upload.unnamed")
    if not raw:
        raise NotText(text("pages.text.upload.empty", name=shown))
    kind = next((k for start, k in _SIGNATURES if raw.startswith(start)), None)
    if kind is not None:
        raise NotText(text(f"pages.text.upload.{kind}", name=shown))
    decoded: str | None = None
    for encoding in ("utf-8", "cp1252"):
        try:
            decoded = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if decoded is None or any(c in _CONTROL for c in decoded):
        raise NotText(text("pages.text.upload.binary", name=shown))
    return as_typed(decoded)


def policy_of(files: dict[str, str]) -> Any:
    """The draft's policy.yaml as plain values; empty when it does not read (the check
    says why)."""
    try:
        return read(files.get(POLICY_FILE, ""), POLICY_FILE)
    except InputError:
        return {}


def text_files(policy: Any, files: dict[str, str]) -> list[str]:
    """The draft's text files to show: the decision's text, and the transcription when the
    policy names one or the draft has it."""
    named = quoted_file(policy) == TRANSCRIPTION
    return [DOCUMENT, *([TRANSCRIPTION] if named or TRANSCRIPTION in files else [])]


@dataclass(frozen=True)
class QuoteProblem:
    """A problem of the check's with a quote (or a figure in it): what it is about, the
    item that uses the quote (`parameters.cap.project`, when one does) and the page where
    it is edited (an editor's form, else policy.yaml's box on the draft's page)."""

    field: str
    line: int | None
    message: str
    item: str | None
    address: str


def quote_problems(check: CheckDocument, policy: Any, links: Links) -> list[QuoteProblem]:
    """The check's problems with the quotes, each with where the quote is used."""
    box = f"/calls/drafts/{links.year}{query()}#file-{POLICY_FILE}"
    out = []
    for p in check.problems:
        if p.check != "quote":
            continue
        items = items_of(p.field, policy)
        served = links.first(items)
        item, address = served if served is not None else (items[0] if items else None, box)
        out.append(QuoteProblem(p.field, p.line, p.message, item, address))
    return out


def transcription_problems(check: CheckDocument) -> list[dict[str, Any]]:
    """The check's words of the transcription that are not the scan's, each with its line."""
    return [
        {"line": p.line, "message": p.message} for p in check.problems if p.check == "transcription"
    ]
