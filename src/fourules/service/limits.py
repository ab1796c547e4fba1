"""What one request may cost: its body's size and type, its number of applications, its time.

A body over `max_body` bytes is refused while it arrives (413), a body that is not JSON
before it is read (415), more than `max_applications` applications before any is
evaluated (413). The work runs in the thread pool under a deadline: past
`request_timeout` seconds the client gets a 503 problem document at once, and the work
stops at its next application (a round at its next one too) without logging a decision.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from starlette.requests import Request

from fourules.service.problems import ProblemError
from fourules.text import LANGS, LocalText
from fourules.texts import both, text

T = TypeVar("T")

DEFAULT_MAX_BODY = 2 * 1024 * 1024
"""Largest request body accepted (bytes): a round of about 5 000 applications."""
DEFAULT_MAX_APPLICATIONS = 10_000
DEFAULT_REQUEST_TIMEOUT = 30.0


@dataclass(frozen=True)
class Limits:
    max_body: int = DEFAULT_MAX_BODY
    max_applications: int = DEFAULT_MAX_APPLICATIONS
    request_timeout: float | None = DEFAULT_REQUEST_TIMEOUT
    """Seconds; None: no limit."""


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing a wrong content type or a body over the limit early."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json" and not ctype.endswith("+json"):
        said = {
            lang: text("api.media_type", lang, given=ctype or text("api.media_type.none", lang))
            for lang in LANGS
        }
        raise ProblemError(
            415, "unsupported-media-type", [("header.content-type", LocalText(**said))]
        )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise _too_large(both("api.too_large.declared", size=declared, limit=limit))
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(both("api.too_large.streamed", limit=limit))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(message: LocalText) -> ProblemError:
    return ProblemError(413, "body-too-large", [("body", message)])


def check_count(data: Any, limit: int) -> None:
    """At most `limit` applications: a list of them, or a round's `applications`."""
    applications = data.get("applications") if isinstance(data, dict) else data
    if isinstance(applications, list) and len(applications) > limit:
        field = "body.applications" if isinstance(data, dict) else "body"
        message = both("api.too_many", count=len(applications), limit=limit)
        raise ProblemError(413, "too-many-applications", [(field, message)])


class TimedOut(Exception):
    """The request's time is up."""


class Deadline:
    """When a request's time is up; `check()` raises TimedOut after it."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.at = math.inf if seconds is None else time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise TimedOut


async def run_bounded(work: Callable[[Deadline], T], seconds: float | None) -> T:
    """`work(deadline)` in the thread pool; past the deadline, a 503 problem at once. The
    thread is left to notice the deadline at its next check and stop."""
    deadline = Deadline(seconds)
    try:
        with anyio.fail_after(seconds):
            return await anyio.to_thread.run_sync(work, deadline, abandon_on_cancel=True)
    except (TimeoutError, TimedOut):
        raise ProblemError(
            503,
            "timeout",
            [(None, both("api.timeout", seconds=f"{seconds:g}"))],
            headers={"Retry-After": "1"},
        ) from None
