"""`config show`: the effective configuration, each chat-changed value marked, and
anything that looks like a secret masked."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.data_rights import retention_lines
from bot.durations import format_duration
from db.models import Channel, Customer, Expert, Person
from handlers.commands.caller import Call, handles
from handlers.commands.overrides import all_overrides, sla_changes, with_sla

_SECRET = re.compile(
    r"(xox[a-z]-[\w-]+|xapp-[\w-]+|[A-Za-z0-9_-]{24,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{20,}"
    r"|(?<=://)[^/\s:@]+:[^/\s@]+(?=@))"
)


def mask(text: str) -> str:
    """Tokens (Slack xox*/xapp, Discord bot tokens) and URL passwords, masked."""
    return _SECRET.sub(lambda m: m.group(0)[:4] + "****", text)


@handles("config show")
async def config_show(call: Call) -> str:
    session = call.ctx.session
    rows = await all_overrides(session)
    # The stored SLA changes again over the live config: a change made earlier in
    # this same batch shows before the worker's next reload (idempotent otherwise).
    config = with_sla(call.ctx.services.config, sla_changes(rows))
    chat = {(o.scope, o.key): o for o in rows}

    def mark(scope: str, key: str) -> str:
        o = chat.get((scope, key))
        return f" _(chat: {o.set_by}, {o.set_at:%Y-%m-%d})_" if o else ""

    s = config.support
    lines = [
        "*Configuration* (file values are the baseline; _(chat …)_ marks a chat change)",
        f"support: {s.timezone} · {s.hours} · triage {s.triage_channel or '-'} · "
        f"leads {', '.join(s.leads) or '-'} · admins {', '.join(s.admins) or '-'}",
        f"detection: sensitivity {config.detection.sensitivity} (a channel's own, set with "
        "`config sensitivity`, shows beside it)",
    ]
    for c in (await session.scalars(select(Customer).order_by(Customer.name))).all():
        scope = f"customer:{c.name}"
        chans = (
            await session.scalars(
                select(Channel).where(Channel.customer_id == c.id, Channel.watched.is_(True))
            )
        ).all()
        where = ", ".join(
            (ch.name or ch.qualified)
            + mark(f"channel:{ch.qualified}", "watched")
            + (
                f" sensitivity {ch.sensitivity}{mark(f'channel:{ch.qualified}', 'sensitivity')}"
                if ch.sensitivity
                else ""
            )
            for ch in chans
        )
        origin = " [added in chat]" if c.source == "chat" else ""
        lines.append(
            f"customer {c.name}{origin}: tier {c.tier}{mark(scope, 'tier')} · owner "
            f"{c.owner or '-'}{mark(scope, 'owner')} · tz {c.timezone or '-'}"
            f"{mark(scope, 'timezone')} · channels {where or '-'}"
        )
    experts = await session.execute(
        select(Expert, Person.qualified, Person.name).join(Person, Person.id == Expert.person_id)
    )
    for e, qualified, name in experts.all():
        scope = f"expert:{qualified}"
        state = "active" if e.active else "removed"
        lines.append(
            f"expert {name or qualified}: {state}{mark(scope, 'active')} · topics "
            f"{', '.join(e.topics) or '-'}{mark(scope, 'topics')} · hours {e.hours or '-'}"
            f"{mark(scope, 'hours')} · {'away' if e.away else 'in'}{mark(scope, 'away')}"
        )
    for p in config.sla:
        scope = f"sla:{p.tier}"
        nxt = format_duration(p.next_response) if p.next_response else "-"
        res = format_duration(p.resolution) if p.resolution else "-"
        lines.append(
            f"sla {p.tier}{'/' + p.priority if p.priority else ''} ({p.calendar}): first "
            f"{format_duration(p.first_response)}{mark(scope, 'first_response')} · next "
            f"{nxt}{mark(scope, 'next_response')} · resolution {res}{mark(scope, 'resolution')}"
        )
    pending = [
        f"{scope} {key}={o.value.get('v')}"
        for (scope, key), o in chat.items()
        if scope.startswith("sla:")
    ]
    if pending:
        lines.append(
            "SLA chat changes (in force for questions opened since the change): "
            + "; ".join(pending)
        )
    csat = config.csat
    lines.append(
        f"csat: {'on' if csat.enabled else 'off'} · sample {csat.sample:g} · cooldown "
        f"{format_duration(csat.cooldown)}"
    )
    lines += retention_lines(config)  # how long message text is kept (docs/data.md)
    return mask("\n".join(lines))
