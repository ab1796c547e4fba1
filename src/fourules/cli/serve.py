"""`fourules serve`: the HTTP service, with its decision log and the log's checkpoints."""

from __future__ import annotations

import gc
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fourules.cli.command import Run, runs
from fourules.cli.options import repeatable
from fourules.cli.plugins import loaded_plugins_line
from fourules.errors import InputError
from fourules.texts import both, text

if TYPE_CHECKING:
    from fourules.decision_log.log import DecisionLog
    from fourules.use_cases.calls import CallsFolder

_EVERY = re.compile(r"([1-9][0-9]*)(m?)")


@runs(language=False)
def serve_command(
    run: Run,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; loopback unless you choose otherwise.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")
    ] = 8000,
    decision_log: Annotated[
        Path | None,
        typer.Option(
            "--decision-log",
            help="Append one JSON line per decision to this file: the API's, and a round the "
            "pages record as decided.",
        ),
    ] = None,
    trial_log: Annotated[
        Path | None,
        typer.Option(
            "--trial-log",
            help="Append what is tried on the pages (a check, a round uploaded) to this file, "
            "a decision log of its own; not recorded when not given.",
        ),
    ] = None,
    checkpoint_key: Annotated[
        Path | None,
        typer.Option(
            "--checkpoint-key",
            help="Sign checkpoints of the decision log with this private key (log keygen).",
        ),
    ] = None,
    checkpoint_every: Annotated[
        str | None,
        typer.Option(
            "--checkpoint-every",
            help="With --checkpoint-key: a checkpoint every N records this server writes (100), "
            "or every N minutes when records were added (10m).",
        ),
    ] = None,
    max_body: Annotated[
        int, typer.Option("--max-body", min=1, help="Largest request body accepted, in bytes.")
    ] = 2 * 1024 * 1024,
    max_applications: Annotated[
        int,
        typer.Option(
            "--max-applications", min=1, help="Most applications in one request (else 413)."
        ),
    ] = 10_000,
    request_timeout: Annotated[
        float,
        typer.Option(
            "--request-timeout",
            min=0,
            help="Seconds a request may take before a 503 problem document; 0: no limit.",
        ),
    ] = 30.0,
    cors_origin: Annotated[
        list[str] | None,
        repeatable(
            "--cors-origin", "A browser origin allowed to call the service; none by default."
        ),
    ] = None,
    calls: Annotated[
        Path | None,
        typer.Option(
            "--calls",
            help="Write next year's call in this folder, a git repository created on first "
            "use (/v1/calls); its published years are served too.",
        ),
    ] = None,
    trusted_proxy: Annotated[
        list[str] | None,
        repeatable(
            "--trusted-proxy",
            "With --calls: the address or network (10.1.0.0/16) of the city's sign-in proxy, "
            "whose --user-header is believed.",
        ),
    ] = None,
    user_header: Annotated[
        str | None,
        typer.Option(
            "--user-header",
            help="With --trusted-proxy: the header the proxy names the signed-in person in "
            "(e.g. X-Remote-User).",
        ),
    ] = None,
) -> None:
    """Run the HTTP service (routes and contract: docs/service.md, /openapi.json)."""
    try:
        import uvicorn

        from fourules.server import create_app
    except ImportError:
        raise InputError(both("serve.needs_extra")) from None
    folder = _calls_folder(run.ctx, calls, tuple(trusted_proxy or ()), user_header)
    ev = run.evaluator()
    for year in ev.policy_ids():  # a broken policy is reported before the server starts
        ev.load_policy(year)
    log = _decision_log(decision_log, checkpoint_key, checkpoint_every)
    trials = _trial_log(trial_log, decision_log)
    # Whoever starts the server sees whether its scores hold points not from the decisions.
    typer.echo(f"fourules: {loaded_plugins_line(ev)}", err=True)
    app: Any = create_app(
        ev,
        decision_log=log,
        trial_log=trials,
        max_body=max_body,
        max_applications=max_applications,
        request_timeout=request_timeout or None,
        cors_origins=tuple(cors_origin or ()),
        calls=folder,
    )
    for kept in (log, trials):
        if kept is not None:
            app = _closing(app, kept)
    # The proxies trusted to name the person are trusted for the scheme too (X-Forwarded-
    # Proto): behind a TLS-terminating proxy the session cookie is then marked Secure.
    proxies = ",".join(trusted_proxy) if trusted_proxy else None
    # What the server holds from its start (modules, policies, rulesets, routes) is kept out
    # of the collector's walks, which each request's many small objects set off: a list of
    # 100 a request, 10 038-11 965 -> 11 252-12 733 applications/s (bench_service.py, three
    # runs each, in turn; one application a request within the noise).
    gc.collect()
    gc.freeze()
    uvicorn.run(app, host=host, port=port, log_level="info", forwarded_allow_ips=proxies)


def _calls_folder(
    ctx: typer.Context, calls: Path | None, proxies: tuple[str, ...], header: str | None
) -> CallsFolder | None:
    """The calls folder the server writes, opened (created on first use) and put on the
    run's policy path, as `--policies` would, so that its published years are served; the
    operator is told which folder and how many accounts can sign in."""
    from fourules.use_cases.calls import TRUSTED_PROXY

    if calls is None:
        if proxies or header is not None:
            where = TRUSTED_PROXY if proxies else "--user-header"
            raise InputError(both("api.calls.serve.proxy_needs_calls"), where)
        return None
    if header is not None and not proxies:
        # A header believed from anyone would let any client name itself.
        raise InputError(both("api.calls.serve.header_needs_proxy"), "--user-header")
    if proxies and header is None:
        raise InputError(both("api.calls.serve.proxy_needs_header"), TRUSTED_PROXY)
    try:
        import argon2  # noqa: F401  (the accounts' hasher)

        from fourules.use_cases.calls import CallsFolder
    except ImportError:
        raise InputError(both("accounts.needs_extra")) from None
    folder = CallsFolder.open(calls, trusted_proxies=proxies, user_header=header)
    root = ctx.find_root()
    root.obj = root.obj or {}
    root.obj["policies"] = [*root.obj.get("policies", []), calls]
    users, tokens = len(folder.accounts.users()), len(folder.accounts.tokens())
    said = text("api.calls.serve.folder", folder=str(calls), users=users, tokens=tokens)
    typer.echo(f"fourules: {said}", err=True)
    if users + tokens == 0:
        typer.echo(f"fourules: {text('api.calls.serve.no_accounts', folder=str(calls))}", err=True)
    return folder


def _closing(app: Any, log: DecisionLog) -> Any:
    """The app, closing the log when the server shuts down: a last checkpoint over what it
    wrote. (uvicorn ends the process with the signal that stopped it, so this happens in
    the shutdown, not after `run`.)"""

    async def closing(scope: Any, receive: Any, send: Any) -> None:
        async def sending(message: Any) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                log.close()
            await send(message)

        await app(scope, receive, sending if scope["type"] == "lifespan" else send)

    return closing


def _trial_log(path: Path | None, decisions: Path | None) -> DecisionLog | None:
    """The pages' trial log: a file of its own, never the decision log itself, each of its
    records marked a trial."""
    from fourules.decision_log.log import DecisionLog

    if path is None:
        return None
    if decisions is not None and path.resolve() == decisions.resolve():
        raise InputError(both("serve.trial_log_is_decision_log"), "--trial-log")
    return DecisionLog(path, trials=True)


def _decision_log(path: Path | None, key: Path | None, every: str | None) -> DecisionLog | None:
    """The server's decision log, signed every N records or minutes when a key is given."""
    from fourules.decision_log.keys import load_private_key
    from fourules.decision_log.log import Checkpointing, DecisionLog

    if key is None:
        if every is not None:
            raise InputError(both("serve.every_needs_key"), "--checkpoint-every")
        return DecisionLog(path) if path is not None else None
    if path is None:
        raise InputError(both("serve.key_needs_log"), "--checkpoint-key")
    every = every or "100"
    found = _EVERY.fullmatch(every.strip())
    if found is None:
        raise InputError(both("serve.every_bad", every=repr(every)), "--checkpoint-every")
    count, minutes = int(found[1]), found[2] == "m"
    checkpointing = Checkpointing(
        load_private_key(key),
        every=None if minutes else count,
        minutes=count if minutes else None,
    )
    return DecisionLog(path, checkpointing)
