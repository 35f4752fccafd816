"""The platform contract: what every surface of Presence must do the same way.

Each scenario below is written once against the neutral `Driver`
(tests/contract/drivers.py) and runs on three platforms, each through the real
`bot.app.App` (ingest, processor, outbox) on SQLite and on PostgreSQL:

- `local`: integrations/local, driven in-process;
- `slack`: the real slack-bolt adapter in HTTP mode, signed deliveries over real
  sockets, Web API calls to tests/fakes/slack_server.py;
- `discord`: the real discord.py adapter against tests/fakes/discord_server.py
  (REST, and a zlib-stream gateway speaking the real protocol).

The contract, as a customer and the supplier's staff see it:

1. A customer's question in a watched channel gives exactly one DM to the expert,
   one card in the triage channel and one acknowledgement in the question's
   thread; the DM and the card carry Take and Resolve buttons for that question.
2. The platform delivering the same event again changes nothing: no second
   question, no second message, no edit.
3. Take pressed by staff claims the question and the triage card is edited in
   place, never posted again.
4. A staff reply in the question's thread is its first response.
5. ✅ by staff on the question resolves it.
6. A customer pressing a staff button is refused privately, and nothing public
   happens and nothing changes.
7. A customer's `@everyone`, `<!channel>` or `@here` re-posted in the DM and the
   card pings nobody.
8. Chatter opens no question and makes Presence say nothing.
9. `/presence help` is answered privately, at the caller's level.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from db.models import Question
from tests.contract.drivers import MASS, Driver, Posted

QUESTION = "How do I rotate my API key?"


async def questions(app: App) -> list[Question]:
    assert app.sessions is not None
    async with app.sessions() as session:
        return list((await session.scalars(select(Question).order_by(Question.id))).all())


async def ask(driver: Driver, text: str = QUESTION) -> tuple[Posted, Question]:
    root = await driver.post("customer", text)
    await driver.settle()
    [q] = await questions(driver.app)
    return root, q


async def test_a_question_gives_one_dm_one_triage_card_one_acknowledgement(
    driver: Driver,
) -> None:
    root, q = await ask(driver)
    assert q.state == "open"
    [dm] = driver.dms("staff")
    [card] = driver.triage()
    [ack] = driver.thread(root)
    for shown in (dm, card):
        assert "rotate my API key" in shown.text
        assert f"question:claim:{q.id}" in shown.action_ids
        assert f"question:resolve:{q.id}" in shown.action_ids
        assert {"Take", "Resolve"} <= set(shown.labels)
    assert ack.text.strip()
    assert driver.dms("customer") == [] and driver.private("customer") == []


async def test_a_redelivered_event_changes_nothing(driver: Driver) -> None:
    root, _ = await ask(driver)
    before = driver.footprint()
    assert before
    ingest = driver.app.ingest
    assert ingest is not None
    dropped = ingest.duplicates
    await driver.redeliver_last()
    await driver.settle()
    assert ingest.duplicates == dropped + 1  # it did arrive again, and was dropped
    assert len(await questions(driver.app)) == 1
    assert driver.footprint() == before
    assert len(driver.dms("staff")) == 1 and len(driver.triage()) == 1
    assert len(driver.thread(root)) == 1


async def test_take_claims_and_edits_the_triage_card_in_place(driver: Driver) -> None:
    _, q = await ask(driver)
    [card] = driver.triage()
    await driver.press("staff", f"question:claim:{q.id}")
    await driver.settle()
    [after] = await questions(driver.app)
    assert after.state == "acknowledged"
    assert after.assignee_id is not None and after.acknowledged_at is not None
    [edited] = driver.triage()
    assert edited.id == card.id and edited.edits >= 1
    assert edited.text != card.text


async def test_a_staff_reply_in_the_thread_is_the_first_response(driver: Driver) -> None:
    root, q = await ask(driver)
    assert q.first_response_at is None
    await driver.post("staff", "Settings, then API, then Rotate.", thread=root)
    await driver.settle()
    [after] = await questions(driver.app)
    assert after.first_response_at is not None
    assert after.state == "answered"


async def test_a_check_mark_by_staff_resolves(driver: Driver) -> None:
    root, _ = await ask(driver)
    await driver.react("staff", root, "white_check_mark")
    await driver.settle()
    [after] = await questions(driver.app)
    assert after.state == "resolved" and after.resolved_at is not None
    [card] = driver.triage()
    assert card.edits >= 1 and "resolved" in card.text.lower()


async def test_a_customer_pressing_a_staff_button_is_refused_privately(driver: Driver) -> None:
    _, q = await ask(driver)
    before = driver.footprint()
    await driver.press("customer", f"question:claim:{q.id}")
    await driver.settle()
    [after] = await questions(driver.app)
    assert after.state == "open" and after.assignee_id == q.assignee_id
    assert after.acknowledged_at is None
    assert driver.footprint() == before
    [refusal] = driver.private("customer")
    assert "Only staff" in refusal.text


async def test_broadcast_words_in_a_question_ping_nobody(driver: Driver) -> None:
    root, _ = await ask(driver, "@everyone <!channel> @here how do I rotate my API key?")
    [dm] = driver.dms("staff")
    [card] = driver.triage()
    assert "rotate my API key" in dm.text and "rotate my API key" in card.text
    assert driver.thread(root)
    pinged = driver.pings()
    assert not {p for p in pinged if p in MASS or p.startswith("role:")}, pinged


async def test_chatter_opens_no_question(driver: Driver) -> None:
    await driver.post("customer", "thanks all, have a nice weekend")
    await driver.settle()
    assert await questions(driver.app) == []
    assert driver.footprint() == []
    assert driver.dms("staff") == [] and driver.triage() == []


async def test_help_is_answered_privately(driver: Driver) -> None:
    await driver.command("customer", "help")
    await driver.settle()
    [answer] = driver.private("customer")
    assert "/presence help" in answer.text
    assert "Ask your question right here" in answer.text  # the customer's level
    assert "/presence take" not in answer.text
    await driver.command("staff", "help")
    await driver.settle()
    # Long answers may come in parts (Discord caps a message at 2000 characters).
    for_staff = "\n".join(said.text for said in driver.private("staff"))
    assert "/presence take" in for_staff  # staff see the verbs for question work
    assert driver.footprint() == []
    assert await questions(driver.app) == []
