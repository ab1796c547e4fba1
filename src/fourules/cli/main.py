"""The `fourules` command: composed from one module per command, each imported only when
its command runs (or its own help is asked for), so a command pays only for what it uses."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command_from_info, get_group_from_info
from typer.models import CommandInfo, TyperInfo

from fourules.cli.options import repeatable

if TYPE_CHECKING:  # typer's own click, which its groups are typed against
    from typer._click import Command, Context, HelpFormatter


@dataclass(frozen=True)
class LazyCommand:
    """Where a command lives, and the first paragraph of its help: what `fourules --help`
    shows without importing it (a test holds it equal to the command's own)."""

    module: str
    attribute: str
    summary: str


COMMANDS: dict[str, LazyCommand] = {
    "policies": LazyCommand(
        "fourules.cli.policies", "policies", "List the policy years available."
    ),
    "show": LazyCommand(
        "fourules.cli.policies",
        "show",
        "Show one year's policy: parameters, administrations, quotas and every rule with its "
        "source.",
    ),
    "evaluate": LazyCommand(
        "fourules.cli.evaluate",
        "evaluate",
        "Evaluate applications against one year's policy. Exit 0 whatever the outcome, 2 on "
        "bad input.",
    ),
    "schema": LazyCommand(
        "fourules.cli.schema",
        "schema",
        "Print the JSON Schema of a contract (application, evaluation, policy, …).",
    ),
    "round": LazyCommand(
        "fourules.cli.rounds",
        "round_command",
        "Evaluate every application of a round, with the round's quotas, duplicates and totals.",
    ),
    "audit": LazyCommand(
        "fourules.cli.rounds",
        "audit_command",
        "Audit a decided round against its year's rules: every discrepancy with its row.",
    ),
    "allocate": LazyCommand(
        "fourules.cli.rounds",
        "allocate_command",
        "Draft an allocation proposal within the budget (method: docs/rounds.md).",
    ),
    "convert": LazyCommand(
        "fourules.cli.rounds",
        "convert_command",
        "Convert a round between JSON, CSV and XLSX, under a year (--year, else the round's own\n"
        "when the run knows it): its own fields and the criteria an assessor may fill in.",
    ),
    "plugins": LazyCommand(
        "fourules.cli.plugins",
        "plugins_command",
        "List loaded plugins, their hooks and scorers (with the years each applies to), the\n"
        "installed entry-point plugins (loaded or not, and how to load them), and failures.",
    ),
    "diff": LazyCommand(
        "fourules.cli.diff",
        "diff_command",
        "Every difference between two policies, with sources; optionally replayed and witnessed.",
    ),
    "new": LazyCommand(
        "fourules.cli.new",
        "new_command",
        "Copy a year's policy, decision text and cases to DIR/YEAR as a draft, with REVIEW.md.",
    ),
    "check": LazyCommand(
        "fourules.cli.check",
        "check_command",
        "Check a year's call before it ships: the policy validates, every quote is in the\n"
        "decision's text, no rule is dead or has a gap, and every case holds.",
    ),
    "coverage": LazyCommand(
        "fourules.cli.coverage",
        "coverage_command",
        "Show every sentence of the year's quoted text: encoded (by which ids), deliberately\n"
        "not encoded (why), descriptive, or unclassified; which are still to review (copied "
        "from\nlast year) and which descriptive ones bear the marks of a norm; with the counts.",
    ),
    "prove": LazyCommand(
        "fourules.cli.prove",
        "prove_command",
        "Prove the caps, that no rule leaves a gap, that every branch can fire and every\n"
        "mandatory criterion can fail, and the year's own properties (properties.yaml).",
    ),
    "readings": LazyCommand(
        "fourules.cli.readings",
        "readings_command",
        "List the rules that rest on a reading of the decision, with their alternatives; with\n"
        "--replay, the applications each alternative would decide differently (outcome, "
        "maximum\ngrant, score), the administrations whose quota verdict changes, and the "
        "places in a draft\nallocation (ranked, within the given budgets or those the round's "
        "document states).",
    ),
    "doctor": LazyCommand(
        "fourules.cli.doctor",
        "doctor_command",
        "Report the Python, durable-rules and the engine's self-check. Exit 1 if the engine\n"
        "and its oracle disagree on any fact.",
    ),
    "serve": LazyCommand(
        "fourules.cli.serve",
        "serve_command",
        "Run the HTTP service (routes and contract: docs/service.md, /openapi.json).",
    ),
    "verify": LazyCommand(
        "fourules.cli.log",
        "verify_command",
        "Re-evaluate every decision record and check the logs' hash chains and signed checkpoints.",
    ),
    "log": LazyCommand(
        "fourules.cli.log",
        "log_app",
        "Sign decision logs: a key pair, and checkpoints an auditor checks (docs/decision-log.md).",
    ),
    "user": LazyCommand(
        "fourules.cli.users",
        "user_app",
        "Keep the accounts that sign in to write and publish the call.",
    ),
    "token": LazyCommand(
        "fourules.cli.tokens",
        "token_app",
        "Make and revoke the bearer tokens API clients write the call with.",
    ),
}
"""Every command, in the order `fourules --help` lists them; a `typer.Typer` is a group."""


class LazyGroup(TyperGroup):
    """The command group whose commands are imported on demand: the one that runs, or
    every one when all their own helps are needed; the list in `fourules --help` is
    written from `COMMANDS` alone."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands: MutableMapping[str, Command] = _Commands(self.commands, self)
        self._listing = False

    def list_commands(self, ctx: Context) -> list[str]:
        return list(self.commands)  # the names alone: nothing imported

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        lazy = COMMANDS.get(cmd_name)
        if self._listing and lazy is not None:
            # What a listing reads of a command (name, help), without importing it.
            return TyperCommand(name=cmd_name, help=lazy.summary)
        return self.commands.get(cmd_name)

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def load(self, name: str, lazy: LazyCommand) -> Command:
        """The command itself, built as `app.command(name)` or `app.add_typer` would."""
        target = getattr(importlib.import_module(lazy.module), lazy.attribute)
        if isinstance(target, typer.Typer):
            return get_group_from_info(
                TyperInfo(target),
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=self.rich_markup_mode,
                suggest_commands=self.suggest_commands,
            )
        return get_command_from_info(
            CommandInfo(name=name, cls=TyperCommand, callback=target),
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=self.rich_markup_mode,
        )


class _Commands(MutableMapping[str, "Command"]):
    """The group's commands by name: every declared name is a key from the start; a
    command's module is imported when the command is first looked up."""

    def __init__(self, loaded: Mapping[str, Command], group: LazyGroup) -> None:
        self._declared = dict(COMMANDS)
        self._loaded = dict(loaded)
        self._group = group

    def __getitem__(self, name: str) -> Command:
        if name not in self._loaded:
            self._loaded[name] = self._group.load(name, self._declared[name])
        return self._loaded[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self._declared and name not in self._loaded:
            raise KeyError(name)
        self._declared.pop(name, None)
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        yield from self._declared
        yield from (name for name in self._loaded if name not in self._declared)

    def __len__(self) -> int:
        return len(self._declared.keys() | self._loaded.keys())


app = typer.Typer(
    name="fourules",
    cls=LazyGroup,
    help="Stockholm's calls for local development projects (LUM) and study trips (MUL), as code.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from fourules.version import fourules_version

        typer.echo(f"fourules {fourules_version()}")
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
        repeatable(
            "--policies",
            "Also read policy years from this folder (of year folders, or one year folder). "
            "Adds to FOURULES_POLICY_PATH.",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Evaluate applications against a year's call; show, compare and embed the rules."""
    ctx.obj = {"lang": lang, "plugins": plugins, "policies": policies or []}
