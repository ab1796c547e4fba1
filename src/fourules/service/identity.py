"""Who asks, on the routes that write the call (`/v1/calls…`): the `Person` a request
identifies.

- `Authorization: Bearer <token>`: a token of the calls folder's accounts
  (`fourules token create`), compared with the stored digests; a token that is not one of
  them is refused (401), never tried as anything else;
- else the trusted proxy's user header (`--trusted-proxy`, `--user-header`): believed only
  when the connection's peer is one of the trusted proxies (`accounts/proxy.py`) and it names
  an account of the folder;
- else no one: 401, with `WWW-Authenticate: Bearer` (RFC 6750).

Reads need an identity too: a draft is not public. What the identity may do (its role, the
two-people rule) is the use case's (`use_cases/calls.py`). A token is never logged or
echoed: a refusal says only that the token is not the server's.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from fourules.errors import InputError
from fourules.service.problems import ProblemError
from fourules.texts import both
from fourules.use_cases.calls import CallsFolder, Person

SCHEME = "bearerAuth"
"""The OpenAPI security scheme the calls routes declare."""

bearer = HTTPBearer(
    scheme_name=SCHEME,
    description="A token made with `fourules token create NAME --role editor|publisher "
    "--calls DIR`, shown once. Behind the city's proxy the proxy's user header identifies "
    "the person instead (docs/service.md).",
    auto_error=False,
)

_log = logging.getLogger("fourules.service.identity")


def identity(folder: CallsFolder) -> Callable[..., Awaitable[Person]]:
    """The dependency that gives the person asking, or refuses the request (401)."""

    async def asking(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Person:
        if credentials is not None:
            # The accounts file is read (and re-read when it changed) off the event loop.
            person = await run_in_threadpool(_token_person, folder, credentials.credentials)
            if person is None:
                raise _unauthorized("api.calls.token_refused", 'Bearer error="invalid_token"')
            return person
        if folder.user_header is not None:
            peer = request.client.host if request.client is not None else None
            named = request.headers.get(folder.user_header)
            proxied = await run_in_threadpool(_proxied_person, folder, peer, named)
            if proxied is not None:
                return proxied
        raise _unauthorized("api.calls.no_identity", "Bearer")

    return asking


def _token_person(folder: CallsFolder, token: str) -> Person | None:
    try:
        account = folder.accounts.verify_token(token)
    except InputError as exc:  # the operator's file is unreadable: theirs to fix, not the client's
        raise _accounts_unreadable(exc) from None
    return None if account is None else folder.person(account)


def _proxied_person(folder: CallsFolder, peer: str | None, named: str | None) -> Person | None:
    try:
        return folder.proxied(peer, named)
    except InputError as exc:
        raise _accounts_unreadable(exc) from None


def _accounts_unreadable(exc: InputError) -> ProblemError:
    # The file's place and reason are for the operator's log; the client learns only that
    # the server cannot identify anyone now.
    _log.error("the calls folder's accounts cannot be read: %s", exc.text("en"))
    return ProblemError(500, "accounts-unreadable", [(None, both("api.calls.accounts_unreadable"))])


def _unauthorized(key: str, challenge: str) -> ProblemError:
    return ProblemError(
        401,
        "unauthorized",
        [("header.authorization", both(key))],
        headers={"WWW-Authenticate": challenge},
    )
