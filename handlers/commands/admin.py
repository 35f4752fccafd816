"""Admin from chat: watch, unwatch, customer set, expert add|remove|topics|hours|
away, sla set. Every change is audited and stored as an override (overrides.py)
so it survives restarts and shows up as a chat change in `config show`; it is in
force at once, in every worker, without a restart."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.calendar.hours import parse_hours
from bot.commands import Level, UserMention
from bot.commands.refs import read_user
from bot.durations import format_duration
from bot.errors import NotFound, UsageError
from bot.priorities import PRIORITIES
from db.models import Customer
from handlers.commands.caller import Call, channel, handles, require, staff_person
from handlers.commands.overrides import customer_named, ensure_expert, live_for, store

_TOPIC_MAX = 20


async def keep(call: Call, scope: str, key: str, value: object) -> None:
    await store(call.ctx.session, scope, key, value, by=call.actor, now=call.ctx.now)
    call.ctx.audit(call.actor, "config.changed", scope[:100], None, key=key, value=value)


@handles("watch")
async def watch(call: Call) -> str:
    where = await channel(call, call.args["channel"], create=True)
    name = " ".join(call.args["customer"].split())[:200]
    found = await customer_named(call.ctx.session, name)
    if found is None:
        found = Customer(name=name, source="chat", created_at=call.ctx.now)
        call.ctx.session.add(found)
        await call.ctx.session.flush()
    where.customer_id = found.id
    where.watched = True
    await keep(call, f"channel:{where.qualified}", "watched", True)
    await keep(call, f"channel:{where.qualified}", "customer", found.name)
    return f"Watching {where.name or where.qualified} for {found.name}."


@handles("unwatch")
async def unwatch(call: Call) -> str:
    where = await channel(call, call.args["channel"])
    if not where.watched:
        return f"{where.name or where.qualified} is not watched."
    where.watched = False
    await keep(call, f"channel:{where.qualified}", "watched", False)
    return f"No longer watching {where.name or where.qualified}."


async def _split_customer(call: Call) -> tuple[Customer, str]:
    """`customer set tier Acme Oy gold`: the longest run of words naming a customer."""
    words = [call.args["customer"], *call.args["value"].split()]
    for cut in range(len(words) - 1, 0, -1):
        found = await customer_named(call.ctx.session, " ".join(words[:cut]))
        if found is not None:
            return found, " ".join(words[cut:])
    raise NotFound(f"I don't know a customer called {call.args['customer'][:60]!r}.")


@handles("customer set")
async def customer_set(call: Call) -> str:
    found, value = await _split_customer(call)
    field = call.args["field"]
    stored: str
    if field == "owner":
        who = read_user(value)
        if who is None:
            raise UsageError("The owner is a person: mention them, e.g. `@amy`.")
        stored = (await staff_person(call, who)).qualified
    elif field == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise UsageError(f"{value[:60]!r} is not a time zone; e.g. Europe/Helsinki.") from None
        stored = value
    elif field == "priority":
        stored = value.lower()
        if stored not in PRIORITIES:
            raise UsageError(f"A priority is one of {', '.join(PRIORITIES)}.")
    else:
        if not value or len(value) > 32 or " " in value:
            raise UsageError("A tier is one word, e.g. `gold`.")
        stored = value.lower()
    before = getattr(found, field)
    setattr(found, field, stored)
    await keep(call, f"customer:{found.name}", field, stored)
    return f"{found.name}: {field} is now {stored} (was {before or 'not set'})."


def _topics(raw: str | None) -> list[str]:
    topics = [t.strip(",").lower() for t in (raw or "").split() if t.strip(",")]
    if len(topics) > _TOPIC_MAX or any(len(t) > 64 for t in topics):
        raise UsageError(f"At most {_TOPIC_MAX} topics, each one short word.")
    return list(dict.fromkeys(topics))


@handles("expert add")
async def expert_add(call: Call) -> str:
    who = await staff_person(call, call.args["user"])
    topics = _topics(call.args.get("topics"))
    expert = await ensure_expert(call.ctx.session, who, call.ctx.now)
    expert.active = True
    if topics:
        expert.topics = topics
    scope = f"expert:{who.qualified}"
    await keep(call, scope, "active", True)
    if topics:
        await keep(call, scope, "topics", topics)
    shown = ", ".join(expert.topics) or "no topics yet"
    return f"{who.name or who.qualified} is an expert ({shown})."


@handles("expert remove")
async def expert_remove(call: Call) -> str:
    who = await staff_person(call, call.args["user"])
    expert = await ensure_expert(call.ctx.session, who, call.ctx.now)
    expert.active = False
    await keep(call, f"expert:{who.qualified}", "active", False)
    return f"{who.name or who.qualified} no longer gets questions routed."


@handles("expert topics")
async def expert_topics(call: Call) -> str:
    who = await staff_person(call, call.args["user"])
    topics = _topics(call.args["topics"])
    expert = await ensure_expert(call.ctx.session, who, call.ctx.now)
    expert.topics = topics
    await keep(call, f"expert:{who.qualified}", "topics", topics)
    return f"{who.name or who.qualified}'s topics: {', '.join(topics) or 'none'}."


@handles("expert hours")
async def expert_hours(call: Call) -> str:
    who = await staff_person(call, call.args["user"])
    hours = " ".join(call.args["hours"].split())[:200]
    parse_hours(hours)  # a ConfigError names the bad part
    expert = await ensure_expert(call.ctx.session, who, call.ctx.now)
    expert.hours = hours
    await keep(call, f"expert:{who.qualified}", "hours", hours)
    return f"{who.name or who.qualified} works {hours}."


@handles("expert away")
async def expert_away(call: Call) -> str:
    mention: UserMention | None = call.args.get("user")
    who = call.person if mention is None else await staff_person(call, mention)
    if who.id != call.person.id:
        require(call, Level.LEAD, "Marking someone else away")
    away = call.args["state"] == "on"
    expert = await ensure_expert(call.ctx.session, who, call.ctx.now)
    expert.away = away
    await keep(call, f"expert:{who.qualified}", "away", away)
    name = "You are" if who.id == call.person.id else f"{who.name or who.qualified} is"
    return f"{name} {'away: no new questions' if away else 'back: questions are routed again'}."


@handles("sla set")
async def sla_set(call: Call) -> str:
    tier = call.args["tier"].lower()
    if len(tier) > 32:
        raise UsageError("A tier is one short word, or * for every tier.")
    target = call.args["target"]
    length: timedelta = call.args["duration"]
    await keep(call, f"sla:{tier}", target, int(length.total_seconds()))
    # In force here for the very next event; every other worker reloads SLA targets
    # at its next batch, when it sees the overrides version move (LiveOverrides).
    live = live_for(call.ctx.services)
    if live is not None:
        live.apply_now(tier, target, int(length.total_seconds()))
    return (
        f"SLA {tier}: {target.replace('_', ' ')} is now {format_duration(length)} "
        "for questions opened from now on (`config show` marks it)."
    )
