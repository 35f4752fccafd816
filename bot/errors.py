"""Errors that carry a message fit to show a person."""

from __future__ import annotations


class PresenceError(Exception):
    """An error whose text is safe and friendly enough to show the user as is."""

    @property
    def user_message(self) -> str:
        return str(self)


class ConfigError(PresenceError):
    """Bad settings or a bad config file: one line naming what is wrong."""


class UsageError(PresenceError):
    """A malformed command or unknown argument."""


class NotAllowed(PresenceError):
    """The caller lacks the permission level a command needs."""


class NotFound(PresenceError):
    """An unknown question, user, channel or customer."""
