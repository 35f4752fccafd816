"""Whom a customer's message is addressed to, when it opens with mentions.

"@mikko can you check our SSO settings?" asks the customer's own colleague, not
the supplier: opening a question would DM an expert, start an SLA clock and tell
the customer when to expect an answer nobody was asked for. Only people Presence
knows as the customer's side count; a mention of staff, of the bot or of someone
never seen leaves the message to detection (an unanswered customer costs more
than a question dismissed)."""

from __future__ import annotations

from bot.commands.refs import leading_users
from bot.context import Context
from bot.events import MessagePosted
from db.directory import person_by_qualified


def _addressed(ev: MessagePosted) -> list[str]:
    """Qualified ids of the people the message opens with. Discord keeps `<@id>` in
    the text; Slack's text reads `@Name`, so there the first of the event's mentions
    (in the order written) is the one at the start."""
    leading = [m.qualified(ev.channel.platform) for m in leading_users(ev.text)]
    if leading:
        return [q for q in leading if q]
    if ev.text.lstrip().startswith("@") and ev.mentions:
        return [ev.mentions[0].qualified]
    return []


async def asks_a_colleague(ctx: Context, ev: MessagePosted) -> bool:
    addressed = _addressed(ev)
    if not addressed:
        return False
    for qualified in addressed:
        person = await person_by_qualified(ctx.session, qualified)
        if person is None or person.is_staff or person.is_bot:
            return False
    return True
