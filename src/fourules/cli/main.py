"""The `fourules` command: composed from one module per command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fourules import __version__
from fourules.cli.check import check_command
from fourules.cli.coverage import coverage_command
from fourules.cli.diff import diff_command
from fourules.cli.doctor import doctor_command
from fourules.cli.evaluate import evaluate
from fourules.cli.log import log_app, verify_command
from fourules.cli.new import new_command
from fourules.cli.plugins import plugins_command
from fourules.cli.policies import policies, show
from fourules.cli.prove import prove_command
from fourules.cli.readings import readings_command
from fourules.cli.rounds import allocate_command, audit_command, convert_command, round_command
from fourules.cli.schema import schema
from fourules.cli.serve import serve_command

app = typer.Typer(
    name="fourules",
    help="Stockholm's calls for local development projects (LUM) and study trips (MUL), as code.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fourules {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Default language of messages: sv or en.")
    ] = None,
    plugins: Annotated[
        str | None,
        typer.Option(
            "--plugins",
            help="Load these installed entry-point plugins (comma-separated names, as "
            "`fourules plugins` lists them); their points are not from the decisions. "
            "Default: FOURULES_PLUGINS, else none. The built-ins always load.",
        ),
    ] = None,
    policies: Annotated[
        list[Path] | None,
        typer.Option(
            "--policies",
            help="Also read policy years from this folder (of year folders, or one year "
            "folder); repeatable. Adds to FOURULES_POLICY_PATH.",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Evaluate applications against a year's call; show, compare and embed the rules."""
    ctx.obj = {"lang": lang, "plugins": plugins, "policies": policies or []}


app.command()(policies)
app.command()(show)
app.command()(evaluate)
app.command()(schema)
app.command("round")(round_command)
app.command("audit")(audit_command)
app.command("allocate")(allocate_command)
app.command("convert")(convert_command)
app.command("plugins")(plugins_command)
app.command("diff")(diff_command)
app.command("new")(new_command)
app.command("check")(check_command)
app.command("coverage")(coverage_command)
app.command("prove")(prove_command)
app.command("readings")(readings_command)
app.command("doctor")(doctor_command)
app.command("serve")(serve_command)
app.command("verify")(verify_command)
app.add_typer(log_app)
