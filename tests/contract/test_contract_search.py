"""Archive search, the same on every platform: a customer finds their own
organisation's resolved conversations, with a link to each message, and nothing
of another organisation's, whatever they type; staff search everything.

Runs on local, Slack and Discord (tests/contract/conftest.py), on SQLite and
PostgreSQL. Organisation A ("Acme Oy") talks through the platform; organisation
B ("Bolt Ltd") is already in the archive, written in the same words, with a
marker A's customer never types: it must never reach them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import App
from db.models import Channel, Conversation, Customer, Message, Person, Question
from tests.contract.drivers import Driver, Role

SECRET = "zqbolt4455"  # in every message of B's; never in anything A's customer types
B_TEXTS = (
    # Short, so the marker is inside every snippet (PostgreSQL's shows 16 words).
    f"Invoice export to payroll webhook fails, error 502 {SECRET}",
    f"Invoice export works again after webhook token rotation {SECRET}",
)
# Per platform: B's channel and B's customer, in the platform's own id forms.
B_IDS = {
    "local": ("BOLT", "BERT"),
    "slack": ("C0BOLT0001", "U0BOLT0001"),
    "discord": ("1100000000000000999", "1200000000000000999"),
}
FAILED = "Something went wrong"


async def seed_b(app: App, platform: str) -> None:
    """Organisation B's resolved conversation, as the log would hold it."""
    channel_id, person_id = B_IDS[platform]
    at = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    assert app.sessions is not None
    async with app.sessions.begin() as s:
        bolt = Customer(name="Bolt Ltd", tier="gold", created_at=at)
        s.add(bolt)
        await s.flush()
        channel = Channel(
            qualified=f"{platform}:{channel_id}",
            platform=platform,
            platform_id=channel_id,
            workspace_id="1100000000000000000" if platform == "discord" else None,
            name="bolt-support",
            customer_id=bolt.id,
            watched=True,
        )
        bert = Person(
            qualified=f"{platform}:{person_id}",
            platform=platform,
            platform_id=person_id,
            name="Bert (Bolt)",
            customer_id=bolt.id,
            first_seen_at=at,
        )
        s.add_all([channel, bert])
        await s.flush()
        conv = Conversation(
            channel_id=channel.id,
            root_message_id="1768035600.000100",
            customer_id=bolt.id,
            started_at=at,
            last_message_at=at,
            message_count=len(B_TEXTS),
        )
        s.add(conv)
        await s.flush()
        messages = [
            Message(
                conversation_id=conv.id,
                channel_id=channel.id,
                platform_message_id=f"1768035600.00010{i}",
                author_id=bert.id,
                author_name=bert.name,
                text=text,
                attachments=[],
                created_at=at + timedelta(minutes=i),
            )
            for i, text in enumerate(B_TEXTS)
        ]
        s.add_all(messages)
        await s.flush()
        s.add(
            Question(
                conversation_id=conv.id,
                message_id=messages[0].id,
                channel_id=channel.id,
                customer_id=bolt.id,
                asker_id=bert.id,
                state="resolved",
                summary=B_TEXTS[0],
                created_at=at,
                resolved_at=at + timedelta(hours=1),
            )
        )


async def resolved_question_of_a(driver: Driver) -> str:
    """A's customer asks in the same words as B; staff resolve it. Returns the
    platform id of the question's message."""
    posted = await driver.post(
        "customer", "How do I fix the invoice export to the payroll webhook? Error 502 again"
    )
    await driver.settle()
    assert driver.app.sessions is not None
    async with driver.app.sessions() as s:
        [q] = (await s.scalars(select(Question).where(Question.state != "resolved"))).all()
    await driver.command("staff", f"resolve {q.id}")
    await driver.settle()
    async with driver.app.sessions() as s:
        assert (await s.get(Question, q.id)).state == "resolved"  # type: ignore[union-attr]
    return posted.id


async def ask(driver: Driver, who: Role, text: str) -> str:
    """Runs `/presence <text>` as `who`; the one private answer it gets."""
    before, public = len(driver.private(who)), driver.footprint()
    await driver.command(who, text)
    await driver.settle()
    after = driver.private(who)
    assert len(after) == before + 1, f"{text!r}: {len(after) - before} answers"
    assert driver.footprint() == public  # nothing said in public
    return after[-1].text


async def test_a_customer_finds_their_own_resolved_conversation_with_a_link(
    driver: Driver,
) -> None:
    await seed_b(driver.app, driver.name)
    posted = await resolved_question_of_a(driver)
    answer = await ask(driver, "customer", "search invoice export")
    assert "payroll" in answer and SECRET not in answer
    assert posted.replace(".", "") in answer  # the message's permalink / jump URL
    if driver.name == "discord":
        assert "https://discord.com/channels/" in answer
    if driver.name == "slack":
        assert "/archives/" in answer
    assert "Bolt" not in answer


async def test_a_customer_never_sees_another_organisation_whatever_they_type(
    driver: Driver,
) -> None:
    await seed_b(driver.app, driver.name)
    await resolved_question_of_a(driver)
    b_channel, b_person = B_IDS[driver.name]
    attempts = [
        # plain words both organisations wrote
        "search invoice export webhook",
        "search token rotation",
        "search works again",
        'search "invoice export"',
        # every filter, pointed at B
        'search invoice customer:"Bolt Ltd"',
        "search invoice customer=Bolt",
        f"search invoice channel:<#{b_channel}>",
        f"search invoice channel:{driver.name}:{b_channel}",
        f"search invoice author:<@{b_person}>",
        f"search invoice author:{driver.name}:{b_person}",
        "search invoice expert:@Erin topic:api status:resolved",
        "search invoice since:2026-01-01 until:2026-01-31",
        "search invoice since:2020-01-01",
        "search invoice until:2030-12-31",
        "search invoice since:yesterday",
        # the engines' query syntax, and SQL
        'search invoice" OR "token',
        "search invoic* OR webhoo*",
        "search NEAR(invoice token, 5)",
        "search text:token OR customer:Bolt",
        "search {text}:rotation",
        "search token -invoice ^works",
        "search invoice' OR '1'='1",
        "search x'); DELETE FROM message; --",
        "search invoice UNION SELECT text FROM message",
        "search %invoice% _ \\",
        "search rotation & !invoice | token:*",
        # unicode and size
        "search ｉｎｖｏｉｃｅ tökén 🧾 \u202e\u200b rotation",
        "search " + "token " * 600,
    ]
    for attempt in attempts:
        answer = await ask(driver, "customer", attempt)
        assert SECRET not in answer and b_channel not in answer, attempt
        assert FAILED not in answer, (attempt, answer)
        assert answer.strip(), attempt
    # Nothing of B, and the filters naming others were refused, not run.
    refused = await ask(driver, "customer", 'search invoice customer:"Bolt Ltd"')
    assert "for staff" in refused
    # B's conversation is really there: staff find it, with its customer.
    staff = await ask(driver, "staff", "search token rotation")
    assert SECRET in staff and "Bolt Ltd" in staff and b_channel in staff
    staff = await ask(driver, "staff", 'search invoice customer:"Bolt Ltd"')
    assert b_channel in staff and "Acme" not in staff
