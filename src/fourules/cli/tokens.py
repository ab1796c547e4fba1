"""The API's bearer tokens: `fourules token create|revoke NAME --calls DIR`."""

from __future__ import annotations

from typing import Annotated

import typer

from fourules.cli.command import Run, runs
from fourules.cli.common import command_group, write
from fourules.cli.users import CallsOption, RoleOption, open_accounts, role_words
from fourules.texts import text

token_app = command_group(
    "token", "Make and revoke the bearer tokens API clients write the call with."
)


@token_app.command("create")
@runs()
def create_command(
    run: Run,
    name: Annotated[
        str,
        typer.Argument(help="The token's name: who or what holds it (the author of its saves)."),
    ],
    role: RoleOption,
    calls: CallsOption,
) -> None:
    """Make a token and print it once, as the last word of the output: only its SHA-256 is
    kept, so a lost token is revoked and made anew."""
    from fourules.accounts.roles import role as checked_role

    accounts = open_accounts(calls)
    account, token = accounts.create_token(name, checked_role(role))
    write(
        text("accounts.token_created", name=account.name, role=role_words(account)) + f"\n{token}\n"
    )


@token_app.command("revoke")
@runs()
def revoke_command(
    run: Run,
    name: Annotated[str, typer.Argument(help="The token to revoke, by its name.")],
    calls: CallsOption,
) -> None:
    """Revoke a token: it is refused from its next request on."""
    open_accounts(calls).revoke_token(name)
    write(text("accounts.token_revoked", name=name) + "\n")
