"""Archive search: filters, ranking, snippets, and customers kept apart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.models import Customer
from db.search import Filters, Scope, search_messages, terms
from tests.conftest import TestBot


async def _seed(bot: TestBot) -> None:
    p = bot.platform
    a = await p.post("ACME", "ANNA", "Acme secret: our invoice export fails for project Falcon")
    bot.clock.advance(timedelta(minutes=1))
    await p.post("ACME", "EVE", "Fixed the invoice export, please retry", thread=a)
    bot.clock.advance(timedelta(minutes=1))
    await p.post("ACME", "ANNA", "thanks, that fixed it!", thread=a)
    bot.clock.advance(timedelta(hours=2))
    await p.post("BOREALIS", "SVEN", "Borealis private: invoice export fails for project Osprey")
    await bot.settle()


async def _search(bot: TestBot, query: str, **kw):  # type: ignore[no-untyped-def]
    assert bot.app.sessions is not None
    async with bot.app.sessions() as s:
        return await search_messages(s, query, **kw)


async def _customer_id(bot: TestBot, name: str) -> int:
    assert bot.app.sessions is not None
    async with bot.app.sessions() as s:
        cid = await s.scalar(select(Customer.id).where(Customer.name == name))
    assert cid is not None
    return int(cid)


async def test_filters_narrow_the_results(testbot: TestBot) -> None:
    await _seed(testbot)
    assert len(await _search(testbot, "invoice export")) == 3
    only_acme = await _search(testbot, "invoice export", filters=Filters(customer="Acme Oy"))
    assert {h.customer for h in only_acme} == {"Acme Oy"}
    by_eve = await _search(testbot, "invoice", filters=Filters(author="local:EVE"))
    assert [h.author for h in by_eve] == ["Eve"]
    in_channel = await _search(testbot, "invoice", filters=Filters(channel="local:BOREALIS"))
    assert len(in_channel) == 1 and in_channel[0].customer == "Borealis AB"
    late = await _search(
        testbot, "invoice", filters=Filters(since=testbot.clock.now() - timedelta(minutes=5))
    )
    assert len(late) == 1 and late[0].customer == "Borealis AB"
    resolved = await _search(testbot, "invoice", filters=Filters(status="resolved"))
    assert {h.customer for h in resolved} == {"Acme Oy"}
    hits = await _search(testbot, "falcon")
    assert "*Falcon*" in hits[0].snippet


HOSTILE = [
    "falcon OR osprey",
    'osprey"',
    '" OR 1=1 --',
    "osprey') OR ('1'='1",
    "NEAR(osprey falcon)",
    "text:osprey",
    "osprey*",
    "{osprey}",
    "' UNION SELECT text FROM message --",
    "osprey; DROP TABLE message;",
    "\x00osprey",
    "o" * 10_000 + " osprey",
]


@pytest.mark.parametrize("query", HOSTILE)
async def test_a_customer_never_sees_another_customers_conversation(
    testbot: TestBot, query: str
) -> None:
    await _seed(testbot)
    acme = Scope.customer(await _customer_id(testbot, "Acme Oy"))
    hits = await _search(testbot, query, scope=acme)
    assert all("Osprey" not in h.snippet and h.customer == "Acme Oy" for h in hits)
    # Even naming the other customer as a filter cannot widen the scope.
    hits = await _search(testbot, query, scope=acme, filters=Filters(customer="Borealis AB"))
    assert hits == []


async def test_customers_see_only_resolved_conversations(testbot: TestBot) -> None:
    await _seed(testbot)
    borealis = Scope.customer(await _customer_id(testbot, "Borealis AB"))
    assert await _search(testbot, "osprey", scope=borealis) == []  # still open
    acme = Scope.customer(await _customer_id(testbot, "Acme Oy"))
    assert len(await _search(testbot, "falcon", scope=acme)) == 1


def test_terms_drop_operators() -> None:
    assert terms('"a" OR b* NEAR(c) -d') == ["a", "or", "b", "near", "c", "d"]
    assert terms("päivä fakturan") == ["päivä", "fakturan"]
