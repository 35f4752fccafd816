"""`broadcast <audience> <message>` (a preview to confirm) and
`broadcast report <id>` (the delivery report)."""

from __future__ import annotations

from bot.errors import UsageError
from bot.outgoing import OutgoingMessage
from handlers import broadcast
from handlers.commands.caller import Call, handles


@handles("loop broadcast")
async def run(call: Call) -> str | OutgoingMessage:
    audience, text = call.args["audience"], call.args["text"]
    if audience.lower() == "report":
        number = text.strip().lstrip("#")
        if not number.isdigit() or len(number) > 9:
            raise UsageError("Which broadcast? e.g. `/presence broadcast report 4`.")
        return await broadcast.report(call.ctx, int(number))
    return await broadcast.draft(call.ctx, audience, text, call.person)
