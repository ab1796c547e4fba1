"""The decision's text of a draft, under `/calls/drafts/{year}/text`: `document.txt` shown
sentence by sentence under its headings, numbered as the coverage map and the source
pickers number them (`authoring/sentences.py`), and, when the year has one, the proofread
transcription a scanned decision is quoted from (`transcription.txt`, as 2024's); each
replaced by pasting it into its box or uploading it as a .txt file (UTF-8 or
Windows-1252; a PDF, a Word file or bytes that are not text are refused, saying what to
do).

A save is one commit of that file (the use case `save_file`, against the revision the page
was shown at): its lines end in LF, the rest stays as the author wrote it. A stale save or
a refusal loses nothing: the text typed comes back, beside the file as it now is. After a
save the draft's check stands beside the text, with the quotes the text no longer holds,
each linking to the form where that quote is used.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fourules.evaluation.evaluator import Evaluator
from fourules.texts import text
from fourules.use_cases import calls as uc
from fourules.web import text_views, views
from fourules.web.call_views import Kept
from fourules.web.editor import DraftChecks, FormState
from fourules.web.gate import Form, Gate, Refused, Who, query
from fourules.web.item_links import Links, mounted
from fourules.web.pages import Uploaded, read_posted
from fourules.web.source_picker import quoted_file, sections
from fourules.web.text_views import TEXT_FILES, NotText

FORM_FIELDS = 8
"""A text's form: its token, language, revision, text, file and message."""


def _typed(form: Form) -> str | None:
    """What a refusal shows back of the form: the text typed."""
    return text_views.as_typed(str(form.get("text") or "")) or None


class TextGate(Gate):
    """The calls pages' gate (`web/gate.py`), for a form that may carry a file: read as
    multipart too; a form larger than the limit is refused naming the largest file saved."""

    def __init__(self, folder: uc.CallsFolder, limit: int) -> None:
        super().__init__(folder, limit, kept=_typed)

    async def read(self, request: Request) -> Form:
        declared = request.headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > self.limit:
            most = views.size(self.folder.repository.max_bytes)
            raise Refused(413, text("pages.text.too_big", limit=most))
        return await read_posted(request, self.limit, FORM_FIELDS)


def text_pages(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The decision's text of the calls folder's drafts."""
    router = APIRouter(include_in_schema=False)
    repository = folder.repository
    most = repository.max_bytes
    # A text box's text is sent percent-encoded (up to three bytes a byte), beside a file.
    gate = TextGate(folder, 3 * most + 64 * 1024)
    checks = DraftChecks(repository)
    address = "/calls/drafts/{year}/text"

    def text_page(request: Request, signed: Who, year: str, state: FormState[Kept]) -> HTMLResponse:
        """The text page: a file's box as typed (`state.typed`), or the notice that a text
        was just saved, which leads to the page that re-cites the policy and the coverage
        map against it."""
        kept = state.typed
        revision, files, check = checks.draft(year, kept)
        policy = text_views.policy_of(files)
        names = text_views.text_files(policy, files)
        if kept is not None and kept.name not in names:
            names.append(kept.name)
        links = Links(year, mounted(request.app))
        return gate.page(
            "text_edit.html.j2",
            request,
            signed,
            state.status(),
            year=year,
            revision=revision,
            check=check,
            notice=state.notice,
            recite=state.notice is not None,  # the page's one notice: a text saved
            quoted=quoted_file(policy),
            files=[_file(name, files, kept) for name in names],
            quote_problems=text_views.quote_problems(check, policy, links),
            transcription_problems=text_views.transcription_problems(check),
            coverage_problems=sum(p.check == "coverage" for p in check.problems),
            limit=views.size(most),
        )

    @router.get(address, response_class=HTMLResponse)
    async def show(request: Request, year: str, saved: str | None = None) -> Response:
        def build(signed: Who) -> Response:
            notice = text("pages.text.saved", name=saved) if saved in TEXT_FILES else None
            return text_page(request, signed, year, FormState(notice=notice))

        return await gate.signed_in_page(request, build, year=year)

    @router.post(f"{address}/{{name}}", response_class=HTMLResponse)
    async def save(request: Request, year: str, name: str) -> Response:
        def answer(signed: Who, form: Form) -> Response:
            if name not in TEXT_FILES:
                said = text("pages.text.unknown_file", name=name, files=", ".join(TEXT_FILES))
                raise Refused(404, said, _typed(form))
            typed = text_views.as_typed(str(form.get("text") or ""))
            message = str(form.get("message") or "").strip()
            kept = Kept(name, typed, message or text("pages.text.message.default", name=name))
            upload = form.get("upload")
            if isinstance(upload, Uploaded) and (upload.name or upload.content):
                try:
                    kept.text = text_views.text_of(upload.name, upload.content)
                except NotText as exc:
                    kept.errors["upload"] = exc.message
                    return text_page(request, signed, year, FormState(kept))
            data = kept.text.encode("utf-8")
            if len(data) > most:
                size = views.size(len(data))
                kept.errors["text"] = text(
                    "pages.text.too_big.text", size=size, limit=views.size(most)
                )
            elif not kept.text.strip():
                kept.errors["text"] = text("pages.text.empty")
            if kept.errors:
                return text_page(request, signed, year, FormState(kept))
            revision = str(form.get("revision") or "")
            state = checks.kept_saved(signed.person, year, kept, revision)
            if state is not None:
                return text_page(request, signed, year, state)
            done = f"/calls/drafts/{year}/text{query(saved=name)}#check"
            return RedirectResponse(done, status_code=303)

        return await gate.signed_in_form(request, answer, year=year)

    return router


def _file(name: str, files: dict[str, str], kept: Kept | None) -> dict[str, Any]:
    """A text file on the page: its sentences as saved, and its box (what was typed, after
    a refusal or a stale save, with the file as it now is)."""
    mine = kept if kept is not None and kept.name == name else None
    saved = files.get(name)
    return {
        "name": name,
        "exists": saved is not None,
        "sections": sections(saved or ""),
        "text": mine.text if mine is not None else saved or "",
        "message": mine.message
        if mine is not None
        else text("pages.text.message.default", name=name),
        "errors": mine.errors if mine is not None else {},
        "stale": mine.stale if mine is not None else False,
        "current": mine.current if mine is not None else None,
    }
