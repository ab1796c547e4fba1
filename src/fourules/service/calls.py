"""Writing the call over HTTP (`fourules serve --calls DIR`): the routes under `/v1/calls`,
an adapter over the use cases of `use_cases/calls.py`, which hold the rules.

    GET  /v1/calls                               listCalls        published years and drafts
    POST /v1/calls/drafts                        startDraft       {"year": "2026", "from": "2024"}
    GET  /v1/calls/drafts/{year}/files/{name}    readDraftFile    the file's bytes, ETag
    PUT  /v1/calls/drafts/{year}/files/{name}    saveDraftFile    If-Match required
    DELETE /v1/calls/drafts/{year}/files/{name}  removeDraftFile  If-Match required
    GET  /v1/calls/drafts/{year}/check           checkDraft       `fourules check`
    POST /v1/calls/drafts/{year}/publish         publishDraft     If-Match: the checked revision
    GET  /v1/calls/{year}/history                callHistory      each change, newest first,
                                                                  its rules' diff in words

Every route needs an identity (`identity.py`; a draft is not public); what it may do is
the use case's. A draft's revision is its ETag (`"<revision>"`); a save or a publication
names the revision it was made against in `If-Match` (428 without it), and a stale one is
refused with 412 and nothing written (`problems.refused`).
"""

# No `from __future__ import annotations`: the routes' parameters are annotated with the
# router's own identity dependency, a local name FastAPI could not resolve from a string.
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from pydantic import ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from fourules.calls.files import FILES, POLICY_FILE
from fourules.calls.repository import CallsList, DraftCall, NoFile
from fourules.errors import InputError, NotAllowed
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.inputs import read_json
from fourules.service.api import Language
from fourules.service.identity import identity
from fourules.service.limits import read_body
from fourules.service.problems import ProblemError, refusals, refused, validation_errors
from fourules.service.responses import json_response
from fourules.texts import both, text
from fourules.use_cases import calls as uc
from fourules.use_cases.check import CheckDocument
from fourules.use_cases.documents import Document

DRAFT_REQUEST_BYTES = 4096
"""The largest body `startDraft` reads: two years."""

MEDIA_TYPES = {
    ".yaml": "text/yaml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".json": "application/json",
}
"""A draft's file is sent as what its name says it is."""

NO_STORE = {"Cache-Control": "no-store"}
"""A draft changes with every save, and is not public: no cache keeps it."""

PATH = {"year": "path.year", "name": "path.name"}
"""The request's names for the places the use cases name, on the routes under a draft."""

TAG = {
    "name": "calls",
    "description": "Next year's call written in the calls folder (`fourules serve --calls "
    "DIR`): drafts, their files and checks, publication by a second person, history. "
    "Needs an identity (`bearerAuth`, or the city's proxy).",
}

READ = refusals(401, 404, 405, 422)


IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='The draft\'s revision the change was made against, as its ETag gave it: "<revision>".',
    ),
]
XMessage = Annotated[
    str | None,
    Header(alias="X-Message", description="The change's message (UTF-8); or `?message=`."),
]
MessageQuery = Annotated[
    str | None,
    Query(description="The change's message; else one naming the file (a save) or the version."),
]


class DraftRequest(Document):
    """What `startDraft` is asked: the draft's year, and the year it starts from (a year
    of the calls folder, or a year the server serves, such as the built-in 2024)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    year: str = Field(pattern=r"^[0-9]{4}$", description="The draft's year, e.g. 2026.")
    source: str = Field(
        alias="from", pattern=r"^[0-9]{4}$", description="The year it starts from, e.g. 2024."
    )


def calls_router(evaluator: Evaluator, folder: uc.CallsFolder) -> APIRouter:
    """The `/v1/calls` routes over the calls folder `folder`. `evaluator` must have the
    folder on its policy path (`Evaluator(policy_path=[folder, …])`, as `fourules serve
    --calls` builds it), so that a published year is served at once."""
    router = APIRouter(prefix="/v1", tags=["calls"])
    Asking = Annotated[uc.Person, Depends(identity(folder))]

    def change_asked(
        person: Asking,
        lang: Language,
        if_match: IfMatch = None,
        x_message: XMessage = None,
        message: MessageQuery = None,
    ) -> Change:
        """A write: who asks, the revision it was made against (If-Match, required) and
        its commit message (X-Message or ?message=, else None)."""
        return Change(person, _revision(if_match), _message(x_message, message))

    Changing = Annotated[Change, Depends(change_asked)]
    repository = folder.repository

    def draft_known(year: str) -> None:
        """A draft (or a published year, whose refusal the use case words) of `year`,
        else a 404; a malformed year is left to the use case (a 422 naming it)."""
        if not (len(year) == 4 and year.isascii() and year.isdigit()):
            return
        listing = uc.calls(repository)
        if year not in {d.year for d in listing.drafts} | {p.year for p in listing.published}:
            raise ProblemError(
                404, "unknown-draft", [("path.year", both("calls.no_draft", year=year))]
            )

    @router.get(
        "/calls",
        operation_id="listCalls",
        summary="The published years and the drafts of the calls folder.",
        response_model=CallsList,
        responses=refusals(401, 405, 422),
    )
    def listing(person: Asking, lang: Language) -> Response:
        return json_response(uc.calls(repository), headers=NO_STORE)

    @router.post(
        "/calls/drafts",
        operation_id="startDraft",
        summary="Start the draft of a year from a year there is (`fourules new`).",
        status_code=201,
        response_model=DraftCall,
        responses={
            201: {"headers": _headers("Location", "ETag")},
            **refusals(400, 401, 403, 405, 413, 415, 422),
        },
        openapi_extra=_json_body(DraftRequest),
    )
    async def start(request: Request, person: Asking, lang: Language) -> Response:
        raw = await read_body(request, DRAFT_REQUEST_BYTES)
        try:
            data = read_json(raw, where="body")
        except InputError as exc:  # as every route refuses a body that is not JSON
            raise ProblemError.of_input(exc, 400, "malformed-json") from None
        try:
            asked = DraftRequest.model_validate(data)
        except ValidationError as exc:
            raise _invalid_body(exc) from None
        with _answered({"year": "body.year", "from": "body.from"}):
            draft = await run_in_threadpool(
                uc.start_draft, repository, evaluator, person, asked.year, asked.source
            )
        headers = {
            "Location": f"/v1/calls/drafts/{draft.year}/files/{POLICY_FILE}",
            "ETag": _tag(draft.revision),
        }
        return json_response(draft, status=201, headers=headers)

    @router.get(
        "/calls/drafts/{year}/files/{name}",
        operation_id="readDraftFile",
        summary="A file of a draft, as it is now; its ETag is the draft's revision.",
        response_class=Response,
        responses={200: _file_response(), **READ},
    )
    def read(year: str, name: str, person: Asking, lang: Language) -> Response:
        draft_known(year)
        try:
            found = uc.read_file(repository, year, name)
        except InputError as exc:
            if name in FILES and str(exc.where).startswith("drafts/"):
                # a file the draft may hold but does not
                raise ProblemError(404, "unknown-file", [("path.name", exc.message)]) from None
            raise refused(exc, PATH) from None
        headers = {"ETag": _tag(found.revision), **NO_STORE}
        return Response(found.data, media_type=media_type(name), headers=headers)

    @router.put(
        "/calls/drafts/{year}/files/{name}",
        operation_id="saveDraftFile",
        summary="Save a file of a draft against the revision in If-Match, then check the draft.",
        response_model=uc.Saved,
        responses={
            200: {"headers": _headers("ETag")},
            **refusals(401, 403, 404, 405, 412, 413, 422, 428),
        },
        openapi_extra=_file_body(),
    )
    async def save(request: Request, year: str, name: str, change: Changing) -> Response:
        draft_known(year)
        data = await _file(request, repository.max_bytes)
        said = change.message or _saved_message(name)
        with _answered(PATH):
            saved = await run_in_threadpool(
                uc.save_file, repository, change.person, year, name, data, said, change.revision
            )
        return json_response(saved, headers={"ETag": _tag(saved.revision), **NO_STORE})

    @router.delete(
        "/calls/drafts/{year}/files/{name}",
        operation_id="removeDraftFile",
        summary="Remove a file of a draft against the revision in If-Match (never policy.yaml), "
        "then check the draft.",
        response_model=uc.Saved,
        responses={
            200: {"headers": _headers("ETag")},
            **refusals(401, 403, 404, 405, 412, 422, 428),
        },
    )
    def remove(year: str, name: str, change: Changing) -> Response:
        draft_known(year)
        said = change.message or _both("calls.remove.message", name=name)
        try:
            removed = uc.remove_file(repository, change.person, year, name, said, change.revision)
        except NoFile as exc:  # a file the draft may hold but does not
            raise ProblemError(404, "unknown-file", [("path.name", exc.message)]) from None
        except (InputError, NotAllowed) as exc:
            raise refused(exc, PATH) from None
        return json_response(removed, headers={"ETag": _tag(removed.revision), **NO_STORE})

    @router.get(
        "/calls/drafts/{year}/check",
        operation_id="checkDraft",
        summary="Every check of the draft (`fourules check`); its ETag is the revision checked.",
        response_model=CheckDocument,
        responses={200: {"headers": _headers("ETag")}, **READ},
    )
    def checked(year: str, person: Asking, lang: Language) -> Response:
        draft_known(year)
        with _answered(PATH):
            revision = uc.read_file(repository, year, POLICY_FILE).revision
            document = uc.check_draft(repository, year)
        return json_response(document, headers={"ETag": _tag(revision), **NO_STORE})

    @router.post(
        "/calls/drafts/{year}/publish",
        operation_id="publishDraft",
        summary="Publish the draft as the revision in If-Match (the one seen checked), by a "
        "publisher who did not make its last change.",
        response_model=uc.Published,
        responses=refusals(401, 403, 404, 405, 412, 422, 428),
    )
    def publish(year: str, change: Changing) -> Response:
        draft_known(year)
        with _answered(PATH):
            published = uc.publish(
                repository, evaluator, change.person, year, change.revision, change.message
            )
        return json_response(published)

    @router.get(
        "/calls/{year}/history",
        operation_id="callHistory",
        summary="Every change to a year, its draft and its published versions, newest first; "
        "each change to policy.yaml with what it changed in the rules (`fourules diff`).",
        response_model=uc.CallHistory,
        responses=READ,
    )
    def history(year: str, person: Asking, lang: Language) -> Response:
        with _answered(PATH):
            document = uc.history(repository, year)
        if not document.changes:
            raise ProblemError(
                404, "unknown-year", [("path.year", both("api.calls.no_history", year=year))]
            )
        return json_response(document, headers=NO_STORE)

    return router


def media_type(name: str) -> str:
    """The media type of a draft's file, by its name."""
    suffix = name[name.rfind(".") :] if "." in name else ""
    return MEDIA_TYPES.get(suffix, "text/plain; charset=utf-8")


def calls_document(doc: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with the calls routes told apart from the policies': their
    `year` is any four digits (a draft is not a year the server serves yet), and their tag
    described. Idempotent: it may be applied to the cached document again."""
    for path, item in doc.get("paths", {}).items():
        if not path.startswith("/v1/calls"):
            continue
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("name") == "year":
                    parameter["schema"] = {
                        "type": "string",
                        "pattern": "^[0-9]{4}$",
                        "description": "A year: a draft's, or one of the calls folder.",
                    }
    tags = doc.setdefault("tags", [])
    if not any(t.get("name") == TAG["name"] for t in tags):
        tags.append(TAG)
    return doc


@contextmanager
def _answered(fields: dict[str, str]) -> Iterator[None]:
    """The use case's refusals as problem documents, its places named as the route's."""
    try:
        yield
    except (InputError, NotAllowed) as exc:
        raise refused(exc, fields) from None


def _saved_message(name: str) -> str:
    """A save's message when its client gave none."""
    return _both("api.calls.saved_message", name=name)


def _both(key: str, **params: object) -> str:
    """A change's message when its client gave none: Swedish, then English, as the
    repository's own commits (the repository's readers read either)."""
    return "\n\n".join(text(key, lang, **params) for lang in ("sv", "en"))


def _tag(revision: str) -> str:
    return f'"{revision}"'


@dataclass(frozen=True)
class Change:
    """A write asked for: who, against which revision, with which commit message."""

    person: uc.Person
    revision: str
    message: str | None


def _revision(if_match: str | None) -> str:
    """The revision `If-Match` names (`"<revision>"`, or the bare revision); 428 without
    one. `*` names none: a change is always made against a revision the client saw."""
    given = (if_match or "").strip()
    if given.startswith("W/"):  # a weak tag never matches (RFC 9110 §13.1.1): stale, not missing
        return given
    given = given.strip('"').strip()
    if not given or given == "*":
        raise ProblemError(
            428, "precondition-required", [("header.if-match", both("api.calls.if_match"))]
        )
    return given


def _message(header: str | None, query: str | None) -> str | None:
    """The change's message: `X-Message` (its bytes read as UTF-8), else `?message=`."""
    if header is not None and header.strip():
        raw = header.encode("latin-1", errors="replace")
        return raw.decode("utf-8", errors="replace").strip()
    return query.strip() if query is not None and query.strip() else None


async def _file(request: Request, limit: int) -> bytes:
    """The body, a draft's file as it is: refused while it arrives once over `limit` (413)."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise _too_large(int(declared), limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(size, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: int, limit: int) -> ProblemError:
    return ProblemError(
        413, "body-too-large", [("body", both("calls.too_big", size=size, limit=limit))]
    )


def _invalid_body(exc: ValidationError) -> ProblemError:
    """`startDraft`'s body refused, every field named as the body's."""
    errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
    return ProblemError(422, "invalid-input", validation_errors(errors))


def _headers(*names: str) -> dict[str, Any]:
    said = {
        "ETag": 'The draft\'s revision, "<revision>": send it as If-Match with the next change.',
        "Location": "The draft's policy.yaml.",
    }
    return {n: {"description": said[n], "schema": {"type": "string"}} for n in names}


def _json_body(model: type[Document]) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True)
    schema["example"] = {"year": "2026", "from": "2024"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _file_body() -> dict[str, Any]:
    """A save's body: the file's bytes as they are (UTF-8 text)."""
    text_schema = {"type": "string", "description": "The file, UTF-8 text."}
    content = {m.split(";")[0]: {"schema": text_schema} for m in MEDIA_TYPES.values()}
    return {"requestBody": {"required": True, "content": content}}


def _file_response() -> dict[str, Any]:
    content = {m: {"schema": {"type": "string"}} for m in dict.fromkeys(MEDIA_TYPES.values())}
    return {
        "description": "The file's bytes, typed by its name.",
        "content": content,
        "headers": _headers("ETag"),
    }
