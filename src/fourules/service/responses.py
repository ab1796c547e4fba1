"""JSON responses: the command line's bytes, never an encoding error, and cache validators
for the answers that only change with the installed policies."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fourules.output.canonical import plain, to_json

CACHE = "public, max-age=300, must-revalidate"
"""For GET answers that only change when the policies do: a cache may keep them five
minutes, then revalidates with the ETag (a replica with other policies answers afresh)."""


def encode(value: Any) -> bytes:
    """The canonical JSON (`to_json`) as UTF-8. Text that is not valid Unicode (a lone
    surrogate) is refused when read, but should any reach an answer, it is escaped
    (`\\ud800`) rather than fail the response."""
    text = to_json(value)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(plain(value), ensure_ascii=True, indent=2) + "\n").encode("ascii")


def json_response(
    value: Any,
    *,
    status: int = 200,
    media_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> Response:
    return Response(encode(value), status_code=status, media_type=media_type, headers=headers)


def cached(request: Request, value: Any) -> Response:
    """A deterministic GET answer with an ETag (its bytes' hash; weak, as gzip may re-encode
    the bytes on the way) and Cache-Control; `304 Not Modified` when the client holds them."""
    body = encode(value)
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": "W/" + tag, "Cache-Control": CACHE}
    given = request.headers.get("if-none-match", "")
    if tag in (t.strip().removeprefix("W/") for t in given.split(",")) or given.strip() == "*":
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
