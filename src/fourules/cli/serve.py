"""`fourules serve` and `fourules verify`: the HTTP service, and checking decision records."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fourules.cli.common import (
    Format,
    FormatOption,
    LangOption,
    fail,
    reported_errors,
    resolve_lang,
    respond,
)
from fourules.cli.state import evaluator
from fourules.output.view import Table, View


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
    try:
        import uvicorn

        from fourules.service.app import create_app
    except ImportError:
        fail(
            "the service needs the service extra (FastAPI, uvicorn, …): pip install 'fourules[service]'"
        )
    with reported_errors():
        ev = evaluator(ctx)
        ev.policy_ids()  # a broken policy is reported before the server starts
    app = create_app(
        ev,
        decision_log=decision_log,
        max_body=max_body,
        max_applications=max_applications,
        request_timeout=request_timeout or None,
        cors_origins=tuple(cors_origin or ()),
    )
    uvicorn.run(app, host=host, port=port, log_level="info")


def verify_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A decision log written with --decision-log.")],
    format: FormatOption = Format.table,
    lang: LangOption = None,
) -> None:
    """Re-evaluate every decision record: does it reproduce, and if not, did the policy or the engine change?

    Exit 0 when every record reproduces, 1 when any does not, 2 when the log is malformed.
    """
    from fourules.service.decision_log import verify

    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        results = verify(file, evaluator(ctx))
    sv = chosen == "sv"
    header = [
        "Rad" if sv else "Line",
        "Ansökan" if sv else "Application",
        "Policy",
        "Utfall" if sv else "Verdict",
        "Detalj" if sv else "Detail",
    ]
    rows = [[str(r.line), r.application_id or "", r.policy, r.verdict, r.detail] for r in results]
    view = View(blocks=(Table.of(str(file), header, rows),))
    respond(format, results, lambda: view, chosen)
    if any(r.verdict != "reproduces" for r in results):
        raise typer.Exit(1)
