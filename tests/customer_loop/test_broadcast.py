"""Broadcasts on the local platform: a preview to confirm, then one message per
channel through the outbox; 429s are waited out and nothing is sent twice; the
delivery report counts sent and failed, with why."""

from __future__ import annotations

from datetime import timedelta

from bot.ports import RateLimited, SendError
from tests.conftest import TestBot
from tests.customer_loop.conftest import LoopBotFactory, answers, last_buttons

N = 50


def _customers() -> list[dict[str, object]]:
    return [
        {
            "name": f"Customer {i:02d}",
            "tier": "gold" if i % 5 == 0 else "standard",
            "channels": [f"local:C{i:02d}"],
        }
        for i in range(1, N + 1)
    ]


def _announcements(bot: TestBot) -> dict[str, int]:
    seen: dict[str, int] = {}
    for m in bot.platform.sent:
        if m.msg is not None and m.msg.title == "📣 Announcement" and m.to is not None:
            seen[m.to.channel_id or ""] = seen.get(m.to.channel_id or "", 0) + 1
    return seen


async def _drain(bot: TestBot, expected: int, rounds: int = 40) -> None:
    """Let retries come due (the clock is fake) until `expected` announcements are out."""
    for _ in range(rounds):
        await bot.settle()
        if sum(_announcements(bot).values()) >= expected:
            break
        bot.clock.advance(timedelta(seconds=3))
        bot.app.outbox.wake()  # type: ignore[union-attr]
    await bot.settle()


async def test_broadcast_to_50_channels_through_429s_once_each(
    loopbot_factory: LoopBotFactory,
) -> None:
    bot: TestBot = await loopbot_factory(customers=_customers())
    p = bot.platform
    await p.command("ANNA", "broadcast all Maintenance tonight", channel_id="C01")
    await bot.settle()
    assert "leads" in answers(bot, "ANNA")[-1]

    await p.command("LEAD", "broadcast all Maintenance on Sunday 02:00-03:00 UTC.")
    await bot.settle()
    preview = answers(bot, "LEAD")[-1]
    assert "Broadcast #1 will go to 50 channel(s) of 50 customer(s)" in preview
    assert last_buttons(bot, "LEAD") == ["broadcast:send:1", "broadcast:cancel:1"]
    assert _announcements(bot) == {}  # nothing goes out before the confirm

    p.fail_next(*[RateLimited(retry_after=2.0) for _ in range(12)])
    await p.press("LEAD", "broadcast:send:1")
    await p.press("LEAD", "broadcast:send:1")  # a double click sends nothing twice
    await _drain(bot, N)
    got = _announcements(bot)
    assert sorted(got) == [f"C{i:02d}" for i in range(1, N + 1)]
    assert set(got.values()) == {1}
    assert p._failures == []  # every injected 429 was met, and waited out
    told = answers(bot, "LEAD")
    assert sum("is on its way to 50 channel(s)" in t for t in told) == 1
    assert sum("was already sent" in t for t in told) == 1

    await p.command("LEAD", "broadcast report 1")
    await bot.settle()
    assert answers(bot, "LEAD")[-1].startswith("Broadcast #1 to 50 channel(s): 50 sent, 0 failed")


async def test_broadcast_to_a_tier_reports_failures_with_reasons(
    loopbot_factory: LoopBotFactory,
) -> None:
    bot: TestBot = await loopbot_factory(customers=_customers())
    p = bot.platform
    await p.command("LEAD", "broadcast tier:gold New export formats are live.")
    await bot.settle()
    assert "10 channel(s) of 10 customer(s)" in answers(bot, "LEAD")[-1]
    p.fail_next(SendError("channel_not_found", retryable=False))
    await p.press("LEAD", "broadcast:send:1")
    await _drain(bot, 10, rounds=5)
    assert sum(_announcements(bot).values()) == 9
    await p.command("LEAD", "broadcast report 1")
    await bot.settle()
    report = answers(bot, "LEAD")[-1]
    assert "9 sent, 1 failed, 0 still trying" in report
    assert "channel_not_found" in report

    await p.command("LEAD", "broadcast nobody-we-know Hello")
    await bot.settle()
    assert "don't know a customer" in answers(bot, "LEAD")[-1]
    await p.command("LEAD", 'broadcast "Customer 03,Customer 04" Hello you two')
    await bot.settle()
    assert "2 channel(s) of 2 customer(s)" in answers(bot, "LEAD")[-1]
    await p.press("LEAD", "broadcast:cancel:2")
    await bot.settle()
    assert "cancelled" in answers(bot, "LEAD")[-1]
