"""The idea board on the local platform: propose, duplicate turned into a vote,
one vote per person, status changes heard once in every voting customer's channel."""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import Idea, IdeaVote
from tests.conftest import TestBot
from tests.customer_loop.conftest import answers, last_buttons


async def _count(bot: TestBot, model: type, *where: object) -> int:
    assert bot.app.sessions is not None
    async with bot.app.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _notices(bot: TestBot, channel: str) -> list[str]:
    return [
        m.text
        for m in bot.platform.said_to("channel", channel)
        if m.msg is not None and (m.msg.title or "").startswith("Idea #1:")
    ]


async def test_duplicate_becomes_vote_and_ship_notice_once_per_channel(loopbot: TestBot) -> None:
    p = loopbot.platform
    await p.command("ANNA", "idea Export invoices to CSV from the billing page", channel_id="ACME")
    await loopbot.settle()
    assert "your idea is #1" in answers(loopbot, "ANNA")[-1].lower()
    # The idea's card (its discussion thread) is in Acme's channel.
    assert any("New idea #1" in m.text for m in p.said_to("channel", "ACME"))

    await p.command(
        "SVEN", "idea It would be great to export our invoices as CSV", channel_id="BOREALIS"
    )
    await loopbot.settle()
    offer = answers(loopbot, "SVEN")[-1]
    assert "#1" in offer and "Export invoices" in offer
    assert last_buttons(loopbot, "SVEN") == ["idea:vote:1", "idea:publish:2"]
    await p.press("SVEN", "idea:vote:1", channel_id="BOREALIS")
    await loopbot.settle()
    told = answers(loopbot, "SVEN")[-1]
    assert "2 votes" in told and "Acme Oy" in told and "Borealis AB" in told
    # The duplicate was not created: one idea on the board, its draft gone.
    assert await _count(loopbot, Idea) == 1
    # One vote per person, however often they press.
    await p.press("SVEN", "idea:vote:1", channel_id="BOREALIS")
    await loopbot.settle()
    assert "already voted" in answers(loopbot, "SVEN")[-1]
    assert await _count(loopbot, IdeaVote, IdeaVote.idea_id == 1) == 2

    await p.command("SVEN", "idea-status 1 shipped", channel_id="BOREALIS")
    await loopbot.settle()
    assert "staff" in answers(loopbot, "SVEN")[-1]
    assert _notices(loopbot, "BOREALIS") == []

    await p.command("EVE", "idea-status 1 shipped Released in 4.3", channel_id="TRIAGE")
    await loopbot.settle()
    assert "2 customer channel(s)" in answers(loopbot, "EVE")[-1]
    assert len(_notices(loopbot, "ACME")) == 1
    assert len(_notices(loopbot, "BOREALIS")) == 1
    notice = next(
        m for m in p.said_to("channel", "ACME") if m.msg and m.msg.title == "Idea #1: shipped"
    )
    assert notice.msg is not None and notice.msg.context == "Released in 4.3"
    # A redelivered press or a settle later says nothing again.
    await loopbot.settle()
    assert len(_notices(loopbot, "ACME")) == 1


async def test_board_lists_with_vote_buttons_and_hides_organisations(loopbot_factory) -> None:  # type: ignore[no-untyped-def]
    bot: TestBot = await loopbot_factory()  # show_organisations defaults to off
    p = bot.platform
    await p.command("ANNA", "idea Dark mode for the dashboard", channel_id="ACME")
    await p.command("SVEN", "idea Single sign-on with Okta", channel_id="BOREALIS")
    await bot.settle()
    await p.press("ANNA", "idea:vote:2", channel_id="ACME")
    await bot.settle()
    await p.command("ANNA", "ideas top", channel_id="ACME")
    await bot.settle()
    listing = answers(bot, "ANNA")[-1]
    first, second = listing.splitlines()[:2]
    assert first.startswith("#2") and "2 votes from 2 organisations" in first
    assert second.startswith("#1")
    assert "Acme Oy" not in listing and "Borealis AB" not in listing
    assert last_buttons(bot, "ANNA") == ["idea:vote:2", "idea:vote:1"]
    await p.command("SVEN", "ideas mine", channel_id="BOREALIS")
    await bot.settle()
    assert answers(bot, "SVEN")[-1].count("#") == 1

    # The discussion is shared by every customer: authors appear by role, not name.
    await p.command("ANNA", "idea-comment 2 We need this for our auditors.", channel_id="ACME")
    await p.command("EVE", "idea-status 2 planned Scheduled for Q1.", channel_id="TRIAGE")
    await bot.settle()
    await p.command("SVEN", "idea-show 2", channel_id="BOREALIS")
    await bot.settle()
    shown = answers(bot, "SVEN")[-1].splitlines()
    assert shown[0] == "planned · 2 votes from 2 organisations"
    assert "💬 a customer: We need this for our auditors." in shown
    assert "📌 staff: planned: Scheduled for Q1." in shown
    assert not any("Anna" in line or "Acme" in line for line in shown)

    # `ideas status`: every idea along its way, the planned one after the new one.
    await p.command("SVEN", "ideas status", channel_id="BOREALIS")
    await bot.settle()
    lines = answers(bot, "SVEN")[-1].splitlines()
    assert [line.split(" · ")[:2] for line in lines] == [["#1", "new"], ["#2", "planned"]]


async def test_add_to_ideas_from_a_detected_idea(loopbot: TestBot) -> None:
    p = loopbot.platform
    await p.post("ACME", "ANNA", "It would be great if we could export invoices as CSV")
    await loopbot.settle()
    offer = [m for m in p.said_to("ephemeral", "ACME") if m.msg and m.msg.buttons]
    assert len(offer) == 1
    action = offer[0].msg.buttons[0].action_id  # type: ignore[union-attr]
    assert action.startswith("idea:add:")
    # Someone else cannot publish another customer's words.
    await p.press("SVEN", action, channel_id="BOREALIS")
    await loopbot.settle()
    assert "Only its author" in answers(loopbot, "SVEN")[-1]
    await p.press("ANNA", action, channel_id="ACME")
    await loopbot.settle()
    assert "#1" in answers(loopbot, "ANNA")[-1]
    await p.press("ANNA", action, channel_id="ACME")
    await loopbot.settle()
    assert "already idea #1" in answers(loopbot, "ANNA")[-1]
