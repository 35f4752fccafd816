"""Slack's failures -> the port's SendError / RateLimited, with a reason a person
can act on. Secrets never appear in a reason: only Slack's error code, the
method and the channel or user id."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.ports import RateLimited, SendError

# Errors that mean the token itself is unusable: every later call would fail too.
AUTH_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}
)
# Errors about one destination: other channels still work.
DESTINATION_ERRORS = frozenset(
    {"channel_not_found", "not_in_channel", "is_archived", "user_not_found", "cannot_dm_bot"}
)
_RETRYABLE = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}
)

_ADVICE = {
    "channel_not_found": "the channel does not exist or the app cannot see it; "
    "invite the app to it or fix the channel id in the config",
    "not_in_channel": "the app is not a member of the channel; invite it with /invite @Presence",
    "is_archived": "the channel is archived; unarchive it or remove it from the config",
    "invalid_auth": "Slack rejected the bot token; check SLACK_BOT_TOKEN (or reinstall the app)",
    "not_authed": "no bot token was sent; set SLACK_BOT_TOKEN",
    "account_inactive": "the bot token belongs to a deactivated app or workspace",
    "token_revoked": "the bot token was revoked; reinstall the app",
    "token_expired": "the bot token expired; reinstall the app or enable token rotation",
    "missing_scope": "the app lacks a scope; reinstall it from slack/manifest.yml",
    "msg_too_long": "the message is too long for Slack",
    "invalid_blocks": "Slack rejected the message layout",
    "user_not_found": "the user does not exist in this workspace",
    "cannot_dm_bot": "a bot user cannot be sent a direct message",
    "message_not_found": "the message to update no longer exists",
    "cant_update_message": "the app may only update its own messages",
    "expired_url": "the reply link of the command expired (30 minutes)",
}


class SlackSendError(SendError):
    """A SendError that keeps Slack's error code, so the sender can tell a dead
    token from a dead channel."""

    def __init__(self, reason: str, *, retryable: bool, code: str | None = None):
        super().__init__(reason, retryable=retryable)
        self.code = code


def _retry_after(headers: Any) -> float:
    try:
        return max(float(headers.get("Retry-After", "1")), 0.0)
    except (TypeError, ValueError, AttributeError):
        return 1.0


def from_api_error(exc: SlackApiError, *, method: str, target: str | None = None) -> SendError:
    response = exc.response
    status = getattr(response, "status_code", 200)
    code = str((response.data or {}).get("error") if response is not None else "") or "error"
    where = f"{method}" + (f" to {target}" if target else "")
    if status == 429 or code == "ratelimited":
        return RateLimited(_retry_after(response.headers), f"Slack rate limit on {where}")
    if status >= 500 or code in _RETRYABLE:
        return SlackSendError(
            f"Slack failed {where}: {code} (HTTP {status})", retryable=True, code=code
        )
    advice = _ADVICE.get(code, "Slack refused the call")
    return SlackSendError(f"Slack {where}: {code}: {advice}", retryable=False, code=code)


def from_http(status: int, headers: Any, text: str, *, what: str) -> SendError | None:
    """A response_url POST (no SlackApiError there): None when it worked."""
    if status < 300:
        return None
    if status == 429:
        return RateLimited(_retry_after(headers), f"Slack rate limit on {what}")
    if status >= 500:
        return SendError(f"Slack failed {what}: HTTP {status}", retryable=True)
    code = text.strip()[:60] or f"HTTP {status}"
    return SendError(f"Slack {what}: {code}: {_ADVICE.get(code, 'refused')}", retryable=False)


def from_transport(exc: BaseException, *, method: str) -> SendError:
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return SendError(f"Slack {method} timed out", retryable=True)
    if isinstance(exc, aiohttp.ClientError | OSError):
        return SendError(f"cannot reach Slack for {method}: {type(exc).__name__}", retryable=True)
    return SendError(f"Slack {method} failed: {type(exc).__name__}", retryable=True)
