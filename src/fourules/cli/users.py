"""The people who may write the call: `fourules user add|remove|list --calls DIR`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fourules.cli.command import Run, runs
from fourules.cli.common import command_group, write
from fourules.errors import InputError
from fourules.texts import both, text

if TYPE_CHECKING:
    from fourules.accounts.store import Account, Accounts

user_app = command_group("user", "Keep the accounts that sign in to write and publish the call.")

CallsOption = Annotated[
    Path,
    typer.Option(
        "--calls",
        help="The calls folder; its accounts are in DIR/.fourules/accounts.json (mode 0600).",
    ),
]
RoleOption = Annotated[
    str,
    typer.Option(
        "--role", help="editor (writes drafts) or publisher (publishes, and may also edit)."
    ),
]


def open_accounts(calls: Path) -> Accounts:
    """The calls folder's accounts, or a refusal saying which extra to install."""
    try:
        import argon2  # noqa: F401  (the hasher the accounts need)

        from fourules.accounts.store import Accounts
    except ImportError:
        raise InputError(both("accounts.needs_extra")) from None
    return Accounts(calls)


def role_words(account: Account) -> str:
    """The account's role, in words."""
    return text(f"accounts.role.{account.role}")


@user_app.command("add")
@runs()
def add_command(
    run: Run,
    name: Annotated[
        str, typer.Argument(help="The user's name (no spaces, at most 64 characters).")
    ],
    role: RoleOption,
    calls: CallsOption,
) -> None:
    """Add a user; the password (12 characters or more) is stored as an Argon2id hash.

    The password is asked twice without echo at a terminal, else read as one line from
    standard input.
    """
    from fourules.accounts.names import check_name
    from fourules.accounts.roles import role as checked_role

    accounts = open_accounts(calls)
    chosen = checked_role(role)
    name = check_name(name)
    if accounts.user(name) is not None:  # before the password is asked for
        raise InputError(both("accounts.user_exists", name=name), name)
    added = accounts.add_user(name, chosen, _password())
    write(
        text("accounts.user_added", name=added.name, role=role_words(added), file=accounts.path)
        + "\n"
    )


@user_app.command("remove")
@runs()
def remove_command(
    run: Run,
    name: Annotated[str, typer.Argument(help="The user to remove.")],
    calls: CallsOption,
) -> None:
    """Remove a user: their sessions are refused from their next request on."""
    open_accounts(calls).remove_user(name)
    write(text("accounts.user_removed", name=name) + "\n")


@user_app.command("list")
@runs()
def list_command(
    run: Run,
    calls: CallsOption,
) -> None:
    """List the users and the API tokens: names, roles, when made (never a hash)."""
    from fourules.output.view import Table, View

    accounts = open_accounts(calls)
    header = [
        text("accounts.column.name"),
        text("accounts.column.role"),
        text("accounts.column.created"),
    ]
    blocks = tuple(
        Table.of(text(title), header, [[a.name, role_words(a), a.created] for a in every])
        for title, every in (
            ("accounts.users", accounts.users()),
            ("accounts.tokens", accounts.tokens()),
        )
    )
    run.respond(None, lambda: View(blocks=blocks))  # no --format: a table


def _password() -> str:
    """The new password: asked twice without echo at a terminal, else standard input's
    first line."""
    from fourules.accounts.passwords import check_password

    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass(text("accounts.password_prompt"))
        if getpass.getpass(text("accounts.password_again")) != first:
            raise InputError(both("accounts.passwords_differ"))
        return check_password(first)
    line = sys.stdin.readline()
    return check_password(line.removesuffix("\n").removesuffix("\r"), "stdin")
