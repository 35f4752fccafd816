"""Broadcasts: a lead drafts an announcement for some customers' channels, sees a
preview with the exact audience, confirms, and it goes out through the outbox
(one row per channel, so retries and 429s never send one twice); the delivery
report reads those rows back."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.context import Context
from bot.errors import NotFound, UsageError
from bot.outgoing import Button, Destination, OutgoingMessage
from bot.refs import parse_qualified
from db.models import Broadcast, Channel, Customer, OutboxMessage, Person

MAX_TEXT = 3000


async def audience_channels(ctx: Context, audience: str) -> tuple[list[str], list[str]]:
    """(qualified channel ids, customer names) the audience names; watched channels only."""
    query = select(Channel, Customer).join(Customer, Customer.id == Channel.customer_id)
    query = query.where(Channel.watched.is_(True))
    word = audience.strip()
    if word.lower() == "all":
        pass
    elif word.lower().startswith("tier:"):
        tier = word.split(":", 1)[1].strip().lower()
        if not tier:
            raise UsageError("Which tier? e.g. `broadcast tier:gold …`")
        query = query.where(func.lower(Customer.tier) == tier)
    else:
        names = [n.strip().lower() for n in word.split(",") if n.strip()]
        known = set(
            (
                await ctx.session.scalars(
                    select(func.lower(Customer.name)).where(func.lower(Customer.name).in_(names))
                )
            ).all()
        )
        missing = [n for n in names if n not in known]
        if missing:
            raise NotFound(f"I don't know a customer called {missing[0][:60]!r}.")
        query = query.where(func.lower(Customer.name).in_(names))
    rows = (await ctx.session.execute(query.order_by(Customer.name, Channel.id))).all()
    channels = [c.qualified for c, _ in rows]
    customers = list(dict.fromkeys(cu.name for _, cu in rows))
    return channels, customers


async def draft(ctx: Context, audience: str, text: str, by: Person) -> OutgoingMessage:
    if len(text) > MAX_TEXT:
        raise UsageError(f"That message is too long ({len(text)} characters, {MAX_TEXT} max).")
    channels, customers = await audience_channels(ctx, audience)
    if not channels:
        raise NotFound(f"No watched customer channel matches {audience[:60]!r}.")
    bc = Broadcast(
        audience=audience[:300],
        text=text,
        channels=channels,
        state="draft",
        created_by=by.qualified,
        created_at=ctx.now,
    )
    ctx.session.add(bc)
    await ctx.session.flush()
    shown = ", ".join(customers[:10]) + (
        f" and {len(customers) - 10} more" if len(customers) > 10 else ""
    )
    return OutgoingMessage(
        text=f"Broadcast #{bc.id} will go to {len(channels)} channel(s) of "
        f"{len(customers)} customer(s): {shown}. This is how it will read:",
        title="Broadcast preview",
        quote=text,
        buttons=(
            Button("Send it", f"broadcast:send:{bc.id}", "primary"),
            Button("Cancel", f"broadcast:cancel:{bc.id}", "danger"),
        ),
    )


def _message(bc: Broadcast) -> OutgoingMessage:
    return OutgoingMessage(text=bc.text, title="📣 Announcement")


async def send(ctx: Context, broadcast_id: int, by: Person) -> str:
    bc = await ctx.session.get(Broadcast, broadcast_id)
    if bc is None:
        return f"I can't find broadcast #{broadcast_id}."
    if bc.state != "draft":
        return f"Broadcast #{bc.id} was already {bc.state}."
    bc.state, bc.sent_at = "sent", ctx.now
    msg = _message(bc)
    for qualified in bc.channels:
        platform, channel_id = parse_qualified(qualified)
        await ctx.say(
            f"bc:{bc.id}:{qualified}",
            Destination.channel(platform, channel_id),
            msg,
            purpose="broadcast",
        )
    ctx.audit(by.qualified, "broadcast.sent", f"broadcast:{bc.id}", None, channels=len(bc.channels))
    return (
        f"Broadcast #{bc.id} is on its way to {len(bc.channels)} channel(s). "
        f"`/presence broadcast report {bc.id}` shows the delivery."
    )


async def cancel(ctx: Context, broadcast_id: int, by: Person) -> str:
    bc = await ctx.session.get(Broadcast, broadcast_id)
    if bc is None or bc.state != "draft":
        return f"Broadcast #{broadcast_id} is not a draft; nothing to cancel."
    bc.state = "cancelled"
    ctx.audit(by.qualified, "broadcast.cancelled", f"broadcast:{bc.id}")
    return f"Broadcast #{bc.id} cancelled; nothing was sent."


async def report(ctx: Context, broadcast_id: int) -> str:
    bc = await ctx.session.get(Broadcast, broadcast_id)
    if bc is None:
        return f"I can't find broadcast #{broadcast_id}."
    if bc.state != "sent":
        return f"Broadcast #{bc.id} is {bc.state}: nothing was sent."
    rows = (
        await ctx.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.key.in_([f"bc:{bc.id}:{c}" for c in bc.channels])
            )
        )
    ).all()
    sent = [r for r in rows if r.status == "sent"]
    dead = [r for r in rows if r.status == "dead"]
    waiting = [r for r in rows if r.status in ("pending", "sending")]
    lines = [
        f"Broadcast #{bc.id} to {len(bc.channels)} channel(s): {len(sent)} sent, "
        f"{len(dead)} failed, {len(waiting)} still trying."
    ]
    for r in dead[:10]:
        lines.append(f"✗ {r.key.split(':', 2)[2]}: {(r.last_error or 'unknown')[:150]}")
    for r in waiting[:10]:
        why = f" (last try: {r.last_error[:120]})" if r.last_error else ""
        lines.append(f"… {r.key.split(':', 2)[2]}: attempt {r.attempts}{why}")
    return "\n".join(lines)
