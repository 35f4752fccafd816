"""Which handler runs for which event."""

from __future__ import annotations

from bot.dispatcher import Dispatcher
from bot.events import (
    ButtonPressed,
    CommandInvoked,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    ReactionAdded,
)
from handlers.actions import on_button, on_reaction
from handlers.commands import on_command
from handlers.log import on_deleted, on_edited
from handlers.messages import on_message


def default_dispatcher() -> Dispatcher:
    d = Dispatcher()
    d.on(MessagePosted, on_message)
    d.on(MessageEdited, on_edited)
    d.on(MessageDeleted, on_deleted)
    d.on(ReactionAdded, on_reaction)
    d.on(ButtonPressed, on_button)
    d.on(CommandInvoked, on_command)
    return d
