"""Only the newest matches are ranked (a common word matches a third of a large
archive): with the candidates cut to a few, a search returns the newest matches
that meet the filters, on SQLite and PostgreSQL; a phrase (found by its word
pairs on PostgreSQL) only where its words stand side by side and in order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import db.search.postgres as pg
import db.search.sqlite as lite
from db.engine import make_engine, make_sessionmaker
from db.models import Channel, Conversation, Customer, Message, Person, Question
from db.search import Filters, search_messages

T0 = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
CANDIDATES = 4


async def seed(url: str) -> dict[str, list[int]]:
    """40 messages; which hold the phrase "webhook token", the words apart, and
    which of the phrase ones are in resolved conversations, oldest first."""
    engine = make_engine(url)
    found: dict[str, list[int]] = {"phrase": [], "apart": [], "resolved phrase": []}
    async with make_sessionmaker(engine).begin() as s:
        org = Customer(name="Acme Oy", tier="gold", created_at=T0)
        s.add(org)
        await s.flush()
        ch = Channel(qualified="local:C1", platform="local", platform_id="C1", customer_id=org.id)
        who = Person(qualified="local:U1", platform="local", platform_id="U1", first_seen_at=T0)
        s.add_all([ch, who])
        await s.flush()
        for k in range(40):
            at = T0 + timedelta(minutes=k)
            conv = Conversation(
                channel_id=ch.id,
                root_message_id=f"r{k}",
                customer_id=org.id,
                started_at=at,
                last_message_at=at,
            )
            s.add(conv)
            await s.flush()
            kind = "phrase" if k % 3 == 0 else "apart" if k % 3 == 1 else "none"
            body = {
                "phrase": "the webhook token expired",
                "apart": "a token for the webhook",
                "none": "invoice export",
            }[kind]
            msg = Message(
                conversation_id=conv.id,
                channel_id=ch.id,
                platform_message_id=f"m{k}",
                author_id=who.id,
                text=body,
                attachments=[],
                created_at=at,
            )
            s.add(msg)
            await s.flush()
            resolved = k % 2 == 0
            s.add(
                Question(
                    conversation_id=conv.id,
                    message_id=msg.id,
                    channel_id=ch.id,
                    customer_id=org.id,
                    asker_id=who.id,
                    state="resolved" if resolved else "open",
                    created_at=at,
                )
            )
            if kind in found:
                found[kind].append(msg.id)
            if kind == "phrase" and resolved:
                found["resolved phrase"].append(msg.id)
    await engine.dispose()
    return found


async def test_only_the_newest_matches_are_ranked(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pg, "RANKED_CANDIDATES", CANDIDATES)
    monkeypatch.setattr(lite, "RANKED_CANDIDATES", CANDIDATES)
    found = await seed(db_url)
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as s:
            phrase = await search_messages(s, '"webhook token"', limit=50)
            assert {h.message_id for h in phrase} == set(found["phrase"][-CANDIDATES:])
            words = await search_messages(s, "webhook token", limit=50)
            both = sorted(found["phrase"] + found["apart"])
            assert {h.message_id for h in words} == set(both[-CANDIDATES:])
            resolved = await search_messages(
                s, '"webhook token"', filters=Filters(status="resolved"), limit=50
            )
            assert {h.message_id for h in resolved} == set(found["resolved phrase"][-CANDIDATES:])
            # Written as one word with an underscore, the phrase is the same pair.
            joined = await search_messages(s, '"webhook_token expired"', limit=50)
            assert {h.message_id for h in joined} == set(found["phrase"][-CANDIDATES:])
            assert await search_messages(s, '"token webhook"', limit=50) == []
            longer = await search_messages(s, '"the webhook token"', limit=50)
            assert {h.message_id for h in longer} == set(found["phrase"][-CANDIDATES:])
            other = await search_messages(s, '"for the webhook"', limit=50)
            assert {h.message_id for h in other} == set(found["apart"][-CANDIDATES:])
            # Its pairs are there ("the webhook", "webhook token"), not in a row.
            assert await search_messages(s, '"for the webhook token"', limit=50) == []
    finally:
        await engine.dispose()
