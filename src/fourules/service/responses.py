"""JSON responses: the command line's bytes (`json_bytes`), never an encoding error, and
cache validators for the answers that only change with the installed policies."""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fourules.output.canonical import json_bytes

CACHE = "public, max-age=300, must-revalidate"
"""For GET answers that only change when the policies do: a cache may keep them five
minutes, then revalidates with the ETag (a replica with other policies answers afresh)."""


def json_response(
    value: Any,
    *,
    status: int = 200,
    media_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> Response:
    return Response(json_bytes(value), status_code=status, media_type=media_type, headers=headers)


def cached(request: Request, value: Any) -> Response:
    """A deterministic GET answer with an ETag (its bytes' hash; weak, as gzip may re-encode
    the bytes on the way) and Cache-Control; `304 Not Modified` when the client holds them."""
    body = json_bytes(value)
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": "W/" + tag, "Cache-Control": CACHE}
    given = request.headers.get("if-none-match", "")
    if tag in (t.strip().removeprefix("W/") for t in given.split(",")) or given.strip() == "*":
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
