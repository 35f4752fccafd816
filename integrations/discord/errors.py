"""Discord errors -> the outbox's SendError / RateLimited.

discord.py already sleeps through short 429s (per route and global) and retries
5xx a few times. The client is built with `max_ratelimit_timeout`, so a wait
longer than that surfaces here as discord.RateLimited instead of blocking every
send in the process; the outbox then retries that one row later.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import discord

from bot.ports import RateLimited, SendError

UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
CANNOT_DM = 50007
THREAD_ALREADY_CREATED = 160004


def code_of(exc: discord.HTTPException) -> int:
    return int(exc.code or 0)


def _retry_after(exc: discord.HTTPException) -> float:
    response: Any = exc.response
    try:
        return float(response.headers.get("Retry-After", "1"))
    except (AttributeError, TypeError, ValueError):
        return 1.0


def to_send_error(exc: BaseException, what: str) -> SendError:
    """A SendError naming what failed and why, never the token."""
    if isinstance(exc, discord.RateLimited):
        return RateLimited(exc.retry_after, f"{what}: rate limited by Discord")
    if isinstance(exc, discord.Forbidden):
        code = code_of(exc)
        if code == CANNOT_DM:
            reason = f"{what}: the user does not accept direct messages from the bot"
        else:
            reason = (
                f"{what}: Discord refused (403, code {code}): the bot lacks a permission "
                "(View Channel, Send Messages, Send Messages in Threads, Create Public "
                "Threads, Embed Links, Add Reactions or Read Message History)"
            )
        return SendError(reason, retryable=False)
    if isinstance(exc, discord.NotFound):
        code = code_of(exc)
        thing = {UNKNOWN_CHANNEL: "unknown channel", UNKNOWN_MESSAGE: "unknown message"}.get(
            code, f"not found (code {code})"
        )
        return SendError(f"{what}: {thing}", retryable=False)
    if isinstance(exc, discord.DiscordServerError):
        return SendError(f"{what}: Discord server error {exc.status}", retryable=True)
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:
            return RateLimited(_retry_after(exc), f"{what}: rate limited by Discord")
        return SendError(
            f"{what}: Discord answered {exc.status} (code {code_of(exc)}): {exc.text[:200]}",
            retryable=exc.status >= 500,
        )
    if isinstance(exc, aiohttp.ClientError | OSError | asyncio.TimeoutError):
        return SendError(f"{what}: cannot reach Discord ({type(exc).__name__})", retryable=True)
    return SendError(f"{what}: {type(exc).__name__}", retryable=True)
