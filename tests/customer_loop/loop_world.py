"""The world of the customer loop scenarios (tests/customer_loop/platforms.py):
its people, channels and config, and what a harness can do and read back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from bot.app import App
from bot.commands.spec_loop import LOOP_ALIASES
from bot.config import PresenceConfig, parse_config
from bot.settings import Settings

Who = Literal["acme", "bore", "staff", "lead"]


@dataclass(frozen=True)
class Posted:
    """A message a person posted: its platform id (Slack ts, Discord snowflake)."""

    id: str
    raw: Any = None


@dataclass(frozen=True)
class Shown:
    """One message Presence posted or answered, as the platform received it."""

    id: str
    text: str  # everything a reader sees, flattened
    fields: Mapping[str, str]  # label -> value
    buttons: tuple[str, ...]  # action ids


@dataclass(frozen=True)
class Ids:
    """The platform's own ids for the people and channels of the world."""

    people: Mapping[Who, str]
    channels: Mapping[str, str]  # "acme", "bore", "triage", "c3"… -> channel id


class LoopHarness(Protocol):
    name: str
    app: App
    ids: Ids

    async def command(self, who: Who, text: str, where: str) -> None:
        """`/presence <text>` typed in channel `where`, as the issue writes it."""
        ...

    async def post(
        self, who: Who, where: str, text: str, *, thread: Posted | None = None
    ) -> Posted:
        """A message in channel `where`, or in the thread under `thread`."""
        ...

    async def press(self, who: Who, action_id: str, where: str) -> None:
        """Press the button with that action id, last shown to `who`, in `where`."""
        ...

    def channel(self, where: str) -> list[Shown]:
        """Presence's top-level posts in a channel."""
        ...

    def thread(self, where: str, root: Posted) -> list[Shown]:
        """Presence's posts in the thread under a person's message."""
        ...

    def private(self, who: Who) -> list[Shown]:
        """What Presence answered `who` alone (command and button answers)."""
        ...

    def attempts(self, where: str) -> int:
        """Top-level posts to the channel the platform received, refused ones too."""
        ...

    def refuse_with_429(self, times: int) -> None:
        """The next `times` top-level channel posts are answered 429 (rate limited)."""
        ...

    def refused(self) -> int:
        """How many 429s the platform answered so far."""
        ...

    def refuse_for_good(self) -> str:
        """The next top-level channel post is refused for a reason that will not
        pass (the app is not in the channel); returns the words of that reason."""
        ...

    async def redeliver_last(self) -> None:
        """The platform delivers its last delivery again (Slack: the same signed
        payload; Discord: the gateway replays the event; local: the same event)."""
        ...

    async def settle(self) -> None: ...


def world_config(platform: str, ids: Ids, extra: int, tables: Mapping[str, Any]) -> PresenceConfig:
    def q(value: str) -> str:
        return f"{platform}:{value}"

    customers: list[dict[str, Any]] = [
        {"name": "Acme Oy", "tier": "gold", "channels": [q(ids.channels["acme"])]},
        {"name": "Borealis AB", "tier": "standard", "channels": [q(ids.channels["bore"])]},
    ]
    customers += [
        {"name": f"Customer {i:02d}", "channels": [q(ids.channels[f"c{i}"])]}
        for i in range(3, 3 + extra)
    ]
    data: dict[str, Any] = {
        "support": {
            "timezone": "UTC",
            "hours": "Mon-Sun 00:00-23:59",
            "triage_channel": q(ids.channels["triage"]),
            "leads": [q(ids.people["lead"])],
        },
        "customers": customers,
        "experts": [
            {
                "user": q(ids.people["staff"]),
                "name": "Erin",
                "topics": ["api", "billing"],
                "hours": "Mon-Sun 00:00-23:59",
            }
        ],
        "topics": [
            {"name": "api", "keywords": ["api", "token", "webhook"]},
            {"name": "billing", "keywords": ["invoice", "billing"]},
        ],
        "sla": [{"tier": "*", "calendar": "24/7", "first_response": "30m"}],
        "discord": {"staff_roles": ["Support"]},
        "ideas": {"show_organisations": True},
    }
    data.update(tables)
    return parse_config(data)


def world_settings(db_url: str) -> Settings:
    return replace(Settings(), database_url=db_url, sweep_interval=3600)


def discord_text(text: str) -> str:
    """Discord shows the loop's verbs in their group (`/presence loop idea`) and
    `status` takes only a question number there: the text as a person would
    fill in Discord's form for what the issue writes."""
    words = text.split()
    if words[:2] in (["status", "incident"], ["status", "component"]):
        words = words[1:]
    if words and words[0] in LOOP_ALIASES:
        words = [*LOOP_ALIASES[words[0]].split(), *words[1:]]
    return " ".join(words)
