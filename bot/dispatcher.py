"""Routes each neutral event to its handlers, keyed by the event's class."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.context import Context

Handler = Callable[[Any, Context], Awaitable[None]]


class Dispatcher:
    def __init__(self) -> None:
        self._handlers: dict[type[Any], list[Handler]] = {}

    def on(self, event_type: type[Any], handler: Handler) -> None:
        self._handlers.setdefault(event_type, []).append(handler)

    async def dispatch(self, event: Any, ctx: Context) -> None:
        for handler in self._handlers.get(type(event), ()):
            await handler(event, ctx)
