"""Service status verbs: `status incident open|update|resolve`, `status component <name>
<state>` (also without `status`), and
`status` without a question number, which now shows the service's state too."""

from __future__ import annotations

from bot.commands import Level
from bot.errors import NotFound, UsageError
from bot.outgoing import OutgoingMessage
from db.models import Incident
from handlers import status
from handlers.commands import work
from handlers.commands.caller import Call, handles


@handles("status")
async def show_status(call: Call) -> str | OutgoingMessage:
    """`status 12` is the question's status (handlers/commands/work.py); plain
    `status` answers "is anything down?" first, then, for a customer, their
    own questions."""
    if call.args.get("question") is not None or not await status.has_status_data(call.ctx):
        return await work.status(call)
    service = await status.current(call.ctx)
    if call.level == Level.CUSTOMER:
        mine = await work.status(call)
        return OutgoingMessage(
            text=f"{service.text}\n\nYour questions:\n{mine}", title=service.title
        )
    return service


async def _numbered(call: Call, text: str) -> tuple[Incident, str]:
    number, _, rest = text.strip().partition(" ")
    number = number.lstrip("#")
    if not number.isdigit() or len(number) > 9:
        raise UsageError("Which incident? e.g. `/presence status incident update 2 rolling back`.")
    inc = await call.ctx.session.get(Incident, int(number))
    if inc is None:
        raise NotFound(f"I can't find incident #{number}.")
    return inc, rest.strip()


@handles("loop incident")
async def incident(call: Call) -> str:
    action, text = call.args["action"], call.args["text"]
    if action == "open":
        inc = await status.open_incident(call.ctx, text, call.actor)
        return (
            f"Incident #{inc.id} is open: {inc.title}. New questions that match it are "
            f"linked to it; `/presence status incident update {inc.id} …` reaches their threads."
        )
    inc, body = await _numbered(call, text)
    if inc.status == status.RESOLVED:
        return f"Incident #{inc.id} is already resolved; open a new one if needed."
    if action == "update":
        if not body:
            raise UsageError(
                f"What is the update? e.g. `/presence status incident update {inc.id} …`"
            )
        await status.record_update(call.ctx, inc, "update", body, call.actor)
        n = len(await status.linked_questions(call.ctx, inc.id))
        return f"Update posted to incident #{inc.id} and {n} linked thread(s)."
    body = body or "This incident has been resolved."
    await status.record_update(call.ctx, inc, status.RESOLVED, body, call.actor)
    n = len(await status.linked_questions(call.ctx, inc.id))
    return f"Incident #{inc.id} resolved; {n} linked thread(s) told."


@handles("loop component")
async def component(call: Call) -> str:
    return await status.set_component(call.ctx, call.args["name"], call.args["state"], call.actor)
