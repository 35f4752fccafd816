"""The gateway intents and channel permissions Presence asks Discord for, and the
OAuth2 invite URL built from them (`presence discord invite`)."""

from __future__ import annotations

from urllib.parse import urlencode

import discord

# bit -> why Presence needs it; the sum is the invite's `permissions` integer.
PERMISSION_BITS: dict[str, tuple[int, str]] = {
    "add_reactions": (1 << 6, "acknowledge a question with a reaction"),
    "view_channel": (1 << 10, "see the customer channels it watches"),
    "send_messages": (1 << 11, "post triage cards and answers"),
    "embed_links": (1 << 14, "show messages as embeds"),
    "read_message_history": (1 << 16, "read the message a thread starts from"),
    "create_public_threads": (1 << 35, "open one thread per question"),
    "send_messages_in_threads": (1 << 38, "talk inside question threads"),
}
PERMISSIONS: int = sum(bit for bit, _ in PERMISSION_BITS.values())
SCOPES = ("bot", "applications.commands")
AUTHORIZE_URL = "https://discord.com/oauth2/authorize"


def intents() -> discord.Intents:
    """Guilds (channels, roles, threads), guild messages and their content
    (privileged: enable "Message Content Intent"), reactions. No member list:
    roles arrive with every message, lookups go through REST."""
    out = discord.Intents.none()
    out.guilds = True
    out.guild_messages = True
    out.message_content = True
    out.guild_reactions = True
    return out


def invite_url(client_id: str, *, guild_id: str | None = None) -> str:
    params = {"client_id": client_id, "permissions": str(PERMISSIONS), "scope": " ".join(SCOPES)}
    if guild_id:
        params["guild_id"] = guild_id
        params["disable_guild_select"] = "true"
    return f"{AUTHORIZE_URL}?{urlencode(params)}"
