"""`rate`: a customer's satisfaction with a resolved question, with a comment."""

from __future__ import annotations

from handlers import csat
from handlers.commands.caller import Call, handles, question


@handles("rate")
async def rate(call: Call) -> str:
    q = await question(call, call.args["question"])
    return await csat.rate(
        call.ctx, q, call.person, int(call.args["score"]), call.args.get("comment")
    )
