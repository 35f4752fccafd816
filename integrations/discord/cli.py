"""`presence discord ...`: setup helpers for the Discord side."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from integrations.discord.permissions import PERMISSION_BITS, PERMISSIONS, invite_url


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    discord_app = typer.Typer(help="Discord setup: the invite URL and what it grants.")
    app.add_typer(discord_app, name="discord")

    @discord_app.command()
    def invite(
        client_id: Annotated[
            str | None,
            typer.Option(help="Application id (default: DISCORD_APPLICATION_ID)."),
        ] = None,
        guild_id: Annotated[
            str | None, typer.Option(help="Preselect this server in the invite.")
        ] = None,
        explain: Annotated[
            bool, typer.Option("--explain", help="List each permission and why.")
        ] = False,
    ) -> None:
        """Print the OAuth2 URL that adds Presence to a server (scopes bot and
        applications.commands, the exact permission integer)."""
        ident = (client_id or os.environ.get("DISCORD_APPLICATION_ID", "")).strip()
        if not ident.isdigit():
            print(
                "presence discord invite: give --client-id or set DISCORD_APPLICATION_ID "
                "to the numeric application id from the Developer Portal",
                file=sys.stderr,
            )
            raise typer.Exit(2)
        if guild_id is not None and not guild_id.strip().isdigit():
            print(
                "presence discord invite: --guild-id must be a numeric server id", file=sys.stderr
            )
            raise typer.Exit(2)
        print(invite_url(ident, guild_id=guild_id.strip() if guild_id else None))
        if explain:
            print(f"permissions {PERMISSIONS}:")
            for name, (bit, why) in PERMISSION_BITS.items():
                print(f"  {bit:>14}  {name}: {why}")
