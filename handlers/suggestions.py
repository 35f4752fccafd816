"""What a command form suggests while staff type: customers, experts and topics
as they stand in the database, so a customer added with `watch` or an expert
added with `expert add` is offered at once, not only what the TOML file declared.

Adapters that can autocomplete (Discord) call `Suggester` with the option being
typed; it answers from the shared rows, falling back to the config when the
database cannot answer in time (autocomplete has a three-second budget)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import PresenceConfig
from db.models import Customer, Expert, Person

log = logging.getLogger(__name__)

LIMIT = 25  # Discord shows at most 25 choices
BUDGET = 1.5  # seconds; the platform gives three for the whole answer


class Suggester:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], config: Callable[[], PresenceConfig]
    ):
        self._sessions = sessions
        self._current_config = config  # read per call: chat changes swap it

    @property
    def _config(self) -> PresenceConfig:
        return self._current_config()

    async def __call__(self, platform: str, option: str, typed: str) -> list[tuple[str, str]]:
        """Up to 25 (name, value) pairs whose name contains what was typed; values of
        experts are how `platform` writes a mention of them."""
        try:
            pool = await asyncio.wait_for(self._pool(platform, option), BUDGET)
        except Exception:  # a slow or failing database must not break the form
            log.info("suggestions for %s fell back to the config file", option)
            pool = self._from_config(platform, option)
        needle = typed.casefold().strip()
        seen: set[str] = set()
        hits: list[tuple[str, str]] = []
        for name, value in pool:
            if needle in name.casefold() and value not in seen:
                seen.add(value)
                hits.append((name[:100], value[:100]))
                if len(hits) == LIMIT:
                    break
        return hits

    async def _pool(self, platform: str, option: str) -> list[tuple[str, str]]:
        async with self._sessions() as session:
            if option == "customer":
                names = await session.scalars(select(Customer.name).order_by(Customer.name))
                return [(n, n) for n in names]
            if option == "expert":
                rows = await session.execute(
                    select(Person.name, Person.qualified, Person.platform, Person.platform_id)
                    .join(Expert, Expert.person_id == Person.id)
                    .where(Expert.active.is_(True))
                    .order_by(Person.name)
                )
                return [
                    (name or qualified, _mention(platform, qualified, p, pid))
                    for name, qualified, p, pid in rows
                ]
            if option == "topic":
                declared = [t.name for t in self._config.topics]
                learned: set[str] = set()
                for topics in await session.scalars(select(Expert.topics)):
                    learned.update(str(t) for t in topics or ())
                return [(t, t) for t in [*declared, *sorted(learned - set(declared))]]
        return []

    def _from_config(self, platform: str, option: str) -> list[tuple[str, str]]:
        if option == "customer":
            return [(c.name, c.name) for c in self._config.customers]
        if option == "expert":
            out = []
            for e in self._config.experts:
                p, _, pid = e.user.partition(":")
                out.append((e.name or e.user, _mention(platform, e.user, p, pid)))
            return out
        if option == "topic":
            return [(t.name, t.name) for t in self._config.topics]
        return []


def _mention(platform: str, qualified: str, person_platform: str, platform_id: str) -> str:
    # A person on the platform being typed on is written as that platform writes a
    # mention; anyone else by their qualified id, which the grammar also accepts.
    if person_platform == platform == "discord":
        return f"<@{platform_id}>"
    if person_platform == platform == "slack":
        return f"<@{platform_id}>"
    return qualified
