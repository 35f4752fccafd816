"""render.py: Block Kit for neutral messages; customer text never pings."""

from __future__ import annotations

import json

from bot.outgoing import Button, Field, OutgoingMessage
from bot.refs import MessageRef, UserRef
from integrations.slack import render, translate

PINGS = ("<!channel>", "<!here>", "<!everyone>", "<@U", "@channel", "@here", "@everyone")


def triage_card(quote: str) -> OutgoingMessage:
    return OutgoingMessage(
        title="Question from Acme Oy",
        text="A customer asked in #acme-support",
        quote=quote,
        fields=(Field("Customer", "Acme Oy"), Field("Due", "14:30 (in 30m)")),
        buttons=(
            Button("Take", "question:claim:12", "primary"),
            Button("Assign to…", "question:assign:12"),
            Button("Resolve", "question:resolve:12"),
            Button("Not a question", "question:dismiss:12", "danger"),
        ),
        link=MessageRef("slack", "C0SHARED01", "1764370000.000100"),
    )


def test_triage_card_has_words_fields_link_and_buttons() -> None:
    blocks = render.blocks(triage_card("How do I rotate keys?"), "https://x.test/p1")
    kinds = [b["type"] for b in blocks]
    assert kinds == ["header", "section", "section", "section", "section", "actions"]
    assert blocks[2]["text"]["text"] == "> How do I rotate keys?"
    assert blocks[3]["fields"][1]["text"] == "*Due*\n14:30 (in 30m)"
    assert blocks[4]["text"]["text"] == "<https://x.test/p1|Open thread>"
    ids = [e["action_id"] for e in blocks[5]["elements"]]
    assert ids == [
        "question:claim:12",
        "question:assign:12",
        "question:resolve:12",
        "question:dismiss:12",
    ]
    assert blocks[5]["elements"][0]["style"] == "primary"
    assert "style" not in blocks[5]["elements"][1]


def test_customer_broadcasts_and_mentions_reach_nobody() -> None:
    raw = "<!channel> <!here> <!everyone> <@U0CEO|ceo> @here help &lt;!channel&gt;"
    customer_text = translate.plain_text(raw)
    msg = triage_card(customer_text)
    rendered = json.dumps(render.blocks(msg, None)) + render.fallback_text(msg)
    for ping in PINGS:
        assert ping not in rendered, ping
    # ...while the words stay readable.
    assert "channel" in rendered and "ceo" in rendered


def test_even_raw_markup_in_a_quote_is_escaped() -> None:
    quoted = render.quote("<!channel> <@U1> & <https://evil|click>")
    assert quoted == "> &lt;!channel&gt; &lt;@U1&gt; &amp; &lt;https://evil|click&gt;"


def test_intended_mentions_do_ping() -> None:
    msg = OutgoingMessage(text="New question for you", mentions=(UserRef("slack", "U0EXPERT01"),))
    assert render.blocks(msg)[0]["text"]["text"].startswith("<@U0EXPERT01> ")
    assert render.fallback_text(msg).startswith("<@U0EXPERT01>")


def test_metadata_round_trip() -> None:
    meta = render.metadata("outbox:42")
    assert render.metadata_key({"metadata": meta}) == "outbox:42"
    assert render.metadata_key({"metadata": {"event_type": "other", "event_payload": {}}}) is None


def test_limits_are_respected() -> None:
    msg = OutgoingMessage(text="x" * 5000, title="t" * 400, buttons=(Button("b" * 100, "a:1"),))
    blocks = render.blocks(msg)
    assert len(blocks[0]["text"]["text"]) == 150
    assert len(blocks[1]["text"]["text"]) == 3000
    assert len(blocks[2]["elements"][0]["text"]["text"]) == 75
