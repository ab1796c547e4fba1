"""`fourules serve`: the HTTP service, with its decision log and the log's checkpoints."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fourules.cli.command import command
from fourules.cli.plugins import loaded_plugins_line
from fourules.errors import InputError
from fourules.texts import both

if TYPE_CHECKING:
    from fourules.decision_log.log import DecisionLog

_EVERY = re.compile(r"([1-9][0-9]*)(m?)")


def serve_command(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; loopback unless you choose otherwise.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")
    ] = 8000,
    decision_log: Annotated[
        Path | None,
        typer.Option("--decision-log", help="Append one JSON line per decision to this file."),
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
        typer.Option(
            "--cors-origin",
            help="A browser origin allowed to call the service (repeat for several); none by default.",
        ),
    ] = None,
) -> None:
    """Run the HTTP service (routes and contract: docs/service.md, /openapi.json)."""
    with command(ctx, None) as run:
        try:
            import uvicorn

            from fourules.server import create_app
        except ImportError:
            raise InputError(both("serve.needs_extra")) from None
        ev = run.evaluator()
        for year in ev.policy_ids():  # a broken policy is reported before the server starts
            ev.load_policy(year)
        log = _decision_log(decision_log, checkpoint_key, checkpoint_every)
        # Whoever starts the server sees whether its scores hold points not from the decisions.
        typer.echo(f"fourules: {loaded_plugins_line(ev)}", err=True)
    app: Any = create_app(
        ev,
        decision_log=log,
        max_body=max_body,
        max_applications=max_applications,
        request_timeout=request_timeout or None,
        cors_origins=tuple(cors_origin or ()),
    )
    if log is not None:
        app = _closing(app, log)
    uvicorn.run(app, host=host, port=port, log_level="info")


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
