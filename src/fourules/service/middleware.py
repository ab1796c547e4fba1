"""Around every request: its id, HEAD answered as GET without the body, and its metrics.

`X-Request-ID` is echoed when the client sends a usable one (printable ASCII, at most 128
characters), else generated; it is in every response's headers, in every problem
document and in the access log a proxy keeps, so one id follows a request through every
system. A pure ASGI middleware: it never buffers a body.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fourules.service.operations import Metrics

REQUEST_ID = "x-request-id"
_USABLE_ID = re.compile(rb"^[\x21-\x7e]{1,128}$")


class Traced:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(REQUEST_ID.encode(), b"")
        request_id = given.decode() if _USABLE_ID.match(given) else uuid.uuid4().hex
        head = scope["method"] == "HEAD"
        # The application sees GET; the server, which knows the request was HEAD, sends no body.
        # Kept in the request's own state, which the error handler of a crash sees too.
        scope.setdefault("state", {})["request_id"] = request_id
        inner: dict[str, Any] = {**scope, "method": "GET" if head else scope["method"]}
        status = 500
        start = time.perf_counter()

        async def answer(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        self.metrics.in_progress.inc()
        try:
            await self.app(inner, receive, answer)
        finally:
            self.metrics.in_progress.dec()
            route = getattr(inner.get("route"), "path", None) or "unmatched"
            self.metrics.observe(route, scope["method"], status, time.perf_counter() - start)
