"""Chat changes to configuration, stored as overrides of the config file.

The file is the baseline (db/seed.py applies it at every start); each chat change
is a `chat_override` row, applied again right after the baseline, so a restart
keeps it and `config show` can tell which value came from where. Scopes:

| scope                 | keys                                   | applied to          |
|-----------------------|----------------------------------------|---------------------|
| `customer:<name>`     | tier, owner, timezone, priority        | the customer row    |
| `channel:<qualified>` | watched, customer, sensitivity         | the channel row     |
| `expert:<qualified>`  | active, topics, hours, away            | the expert row      |
| `sla:<tier>`          | first_response, next_response, resolution (seconds) | the SLA policies |

Chat changes apply live. Customer, channel and expert changes are written to their
rows in the same transaction, so every worker reads them at once. SLA targets live
in the config each worker holds in memory: every change bumps a version row
(`presence:overrides`/`version`, hidden from `config show`), and `LiveOverrides`,
called by the processor at the start of each batch, reloads them when the version
moved, in this worker and in every other one.
"""

from __future__ import annotations

import dataclasses
import weakref
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import PresenceConfig
from bot.refs import parse_qualified
from bot.services import Services
from bot.sla_config import SlaConfig
from db.dialect import insert_ignoring_conflicts
from db.directory import channel_by_qualified, person_by_qualified
from db.models import Channel, ChatOverride, Customer, Expert, Person

SLA_TARGETS = ("first_response", "next_response", "resolution")
# The version row: a counter every change bumps, so workers notice changes with one
# indexed read (the unique (scope, key) index) instead of reading every override.
VERSION_SCOPE, VERSION_KEY = "presence:overrides", "version"


async def store(
    session: AsyncSession, scope: str, key: str, value: Any, *, by: str, now: datetime
) -> None:
    row: ChatOverride | None = await session.scalar(
        select(ChatOverride).where(ChatOverride.scope == scope, ChatOverride.key == key)
    )
    if row is None:
        row = ChatOverride(scope=scope, key=key, value={"v": value}, set_by=by, set_at=now)
        session.add(row)
    else:
        row.value = {"v": value}
        row.set_by = by
        row.set_at = now
    await _bump(session, by=by, now=now)
    await session.flush()


async def _bump(session: AsyncSession, *, by: str, now: datetime) -> None:
    # The first change ever creates the row: two workers' first changes at once must
    # not both insert it (the second waits, then inserts nothing).
    await session.execute(
        insert_ignoring_conflicts(session, ChatOverride).values(
            scope=VERSION_SCOPE, key=VERSION_KEY, value={"v": 0}, set_by=by, set_at=now
        )
    )
    # FOR UPDATE (PostgreSQL; SQLite has one writer anyway) and read afresh: two
    # workers' changes at once give two increments, never one lost.
    row: ChatOverride | None = await session.scalar(
        select(ChatOverride)
        .where(ChatOverride.scope == VERSION_SCOPE, ChatOverride.key == VERSION_KEY)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert row is not None
    row.value = {"v": _as_int(row.value.get("v")) + 1}
    row.set_by, row.set_at = by, now


def _as_int(value: Any) -> int:
    return value if isinstance(value, int) else 0


async def overrides_version(session: AsyncSession) -> int:
    """How many chat changes were ever stored (0: none)."""
    value: dict[str, Any] | None = await session.scalar(
        select(ChatOverride.value).where(
            ChatOverride.scope == VERSION_SCOPE, ChatOverride.key == VERSION_KEY
        )
    )
    return _as_int((value or {}).get("v"))


async def all_overrides(session: AsyncSession) -> list[ChatOverride]:
    """Every chat change (not the version row)."""
    rows = await session.scalars(
        select(ChatOverride)
        .where(ChatOverride.scope != VERSION_SCOPE)
        .order_by(ChatOverride.scope, ChatOverride.key)
    )
    return list(rows.all())


def sla_changes(rows: list[ChatOverride]) -> dict[str, dict[str, int]]:
    sla: dict[str, dict[str, int]] = {}
    for row in rows:
        kind, _, tier = row.scope.partition(":")
        value = row.value.get("v")
        if kind == "sla" and isinstance(value, int):
            sla.setdefault(tier, {})[row.key] = value
    return sla


# Each worker's reloader by its Services (by id: a mutable dataclass is unhashable),
# so `sla set` can reach the one of the worker it runs in.
_LIVE: weakref.WeakValueDictionary[int, LiveOverrides] = weakref.WeakValueDictionary()


class LiveOverrides:
    """Keeps a running worker's SLA policies equal to the file's plus the stored
    chat changes, whichever worker made them. `refresh` costs one indexed read
    when nothing changed; the processor calls it at the start of each batch, so a
    change made in another worker is in force from this worker's next batch (the
    sweeper shares the same `Services`, and reads SLA targets from the questions
    anyway). The worker that runs `sla set` applies it at once (`apply_now`), for
    the next event of the same batch too."""

    def __init__(self, baseline: PresenceConfig, services: Services, version: int) -> None:
        self._baseline = baseline  # the file, before any chat change
        self._services = services
        self.version = version
        self.reloads = 0
        _LIVE[id(services)] = self

    def apply_now(self, tier: str, target: str, seconds: int) -> None:
        self._services.config = with_sla(self._services.config, {tier: {target: seconds}})
        # Reload from the database at the next batch whatever the version says: if
        # this batch rolls back, the change it applied here is undone there.
        self.version = -1

    async def refresh(self, session: AsyncSession) -> None:
        version = await overrides_version(session)
        if version == self.version:
            return
        changes = sla_changes(await all_overrides(session))
        self._services.config = with_sla(self._baseline, changes)
        self.version = version
        self.reloads += 1


def live_for(services: Services) -> LiveOverrides | None:
    """The reloader of the worker holding `services` (None outside a running App)."""
    found = _LIVE.get(id(services))
    return found if found is not None and found._services is services else None


async def apply_overrides(
    session: AsyncSession, config: PresenceConfig, now: datetime
) -> PresenceConfig:
    """Re-apply every stored chat change over the baseline; returns the config with
    chat SLA changes in it (the rest lives in rows)."""
    rows = await all_overrides(session)
    for row in rows:
        kind, _, name = row.scope.partition(":")
        value = row.value.get("v")
        if kind == "customer":
            await _customer(session, name, row.key, value)
        elif kind == "channel":
            await _channel(session, name, row.key, value, now)
        elif kind == "expert":
            await _expert(session, name, row.key, value, now)
    await session.flush()
    return with_sla(config, sla_changes(rows))


def with_sla(config: PresenceConfig, changes: dict[str, dict[str, int]]) -> PresenceConfig:
    if not changes:
        return config
    policies = list(config.sla)
    for tier, targets in changes.items():
        deltas = {k: timedelta(seconds=v) for k, v in targets.items() if k in SLA_TARGETS}
        hit = False
        for i, p in enumerate(policies):
            if p.tier == tier and p.priority is None:
                policies[i] = dataclasses.replace(p, **deltas)  # type: ignore[arg-type]
                hit = True
        if not hit:
            base = config.sla_for(tier, "normal") if tier != "*" else SlaConfig()
            policies.append(dataclasses.replace(base, tier=tier, priority=None, **deltas))  # type: ignore[arg-type]
    return dataclasses.replace(config, sla=tuple(policies))


async def customer_named(session: AsyncSession, name: str) -> Customer | None:
    found: Customer | None = await session.scalar(
        select(Customer).where(func.lower(Customer.name) == name.lower())
    )
    return found


async def _customer(session: AsyncSession, name: str, key: str, value: Any) -> None:
    found = await customer_named(session, name)
    if found is not None and key in ("tier", "owner", "timezone", "priority"):
        setattr(found, key, value)


async def _channel(
    session: AsyncSession, qualified: str, key: str, value: Any, now: datetime
) -> None:
    channel = await channel_by_qualified(session, qualified)
    if channel is None:
        try:
            platform, ident = parse_qualified(qualified)
        except ValueError:
            return
        channel = Channel(qualified=qualified, platform=platform, platform_id=ident, watched=False)
        session.add(channel)
    if key == "watched":
        channel.watched = bool(value)
    elif key == "sensitivity":
        channel.sensitivity = value if isinstance(value, str) else None
    elif key == "customer" and isinstance(value, str):
        customer = await customer_named(session, value)
        if customer is None:
            customer = Customer(name=value, source="chat", created_at=now)
            session.add(customer)
            await session.flush()
        channel.customer_id = customer.id
    await session.flush()


async def ensure_expert(session: AsyncSession, person: Person, now: datetime) -> Expert:
    expert: Expert | None = await session.scalar(
        select(Expert).where(Expert.person_id == person.id)
    )
    if expert is None:
        expert = Expert(person_id=person.id, source="chat", updated_at=now, languages=["en"])
        session.add(expert)
        await session.flush()
    return expert


async def _expert(
    session: AsyncSession, qualified: str, key: str, value: Any, now: datetime
) -> None:
    person = await person_by_qualified(session, qualified)
    if person is None:
        return
    expert = await ensure_expert(session, person, now)
    if key in ("active", "away"):
        setattr(expert, key, bool(value))
    elif key == "topics" and isinstance(value, list):
        expert.topics = [str(t) for t in value]
    elif key == "hours" and isinstance(value, str):
        expert.hours = value
    expert.updated_at = now
