"""`digest`: a customer's week (their own, or any customer's for staff) or, with
`staff`, the staff's day; the same content the schedule posts."""

from __future__ import annotations

from bot.commands import Level
from bot.errors import NotAllowed, UsageError
from bot.outgoing import OutgoingMessage
from db.directory import channel_by_qualified
from db.models import Customer
from handlers import digests
from handlers.commands.caller import Call, customer, handles


@handles("loop digest")
async def show(call: Call) -> OutgoingMessage:
    which = (call.args.get("which") or "").strip()
    if which.lower() == "staff":
        if call.level < Level.STAFF:
            raise NotAllowed("The staff digest is for staff only.")
        return digests.render_staff_day(await digests.staff_day(call.ctx, call.ctx.now))
    found: Customer | None = None
    if which:
        if call.level < Level.STAFF:
            raise NotAllowed("You can see your own organisation's digest only: `/presence digest`.")
        found = await customer(call, which)
    else:
        channel = await channel_by_qualified(call.ctx.session, call.ev.channel.qualified)
        cid = (channel.customer_id if channel else None) or call.person.customer_id
        found = await call.ctx.session.get(Customer, cid) if cid else None
        if found is None:
            raise UsageError("Whose digest? `/presence digest Acme Oy`, or `digest staff`.")
    week = await digests.customer_week(call.ctx, found.id, call.ctx.now)
    return digests.render_customer_week(found.name, week)
