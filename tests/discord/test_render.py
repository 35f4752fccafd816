"""Rendering rules that need no server: limits, splitting, escaping, commands text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.outgoing import Button, Field, OutgoingMessage
from integrations.discord import commands, render, translate
from integrations.discord.permissions import PERMISSIONS, invite_url

words = st.lists(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Cc")), min_size=1, max_size=30
    ),
    max_size=300,
)


@given(words, st.sampled_from([" ", "\n"]), st.integers(min_value=40, max_value=2000))
def test_split_keeps_every_word_within_the_limit(ws: list[str], sep: str, limit: int) -> None:
    text = sep.join(ws)
    chunks = render.split_text(text, limit)
    assert all(len(c) <= limit for c in chunks)
    assert " ".join(chunks).split() == text.split()


def test_a_word_longer_than_the_limit_is_cut_not_lost() -> None:
    chunks = render.split_text("a" * 4500, 2000)
    assert [len(c) for c in chunks] == [2000, 2000, 500]


def embed_size(embed: dict[str, object]) -> int:
    size = len(str(embed.get("title", ""))) + len(str(embed.get("description", "")))
    size += len(str((embed.get("footer") or {}).get("text", "")))  # type: ignore[union-attr]
    for f in embed.get("fields", []):  # type: ignore[union-attr]
        size += len(f["name"]) + len(f["value"])
    return size


def test_rich_message_respects_embed_limits_and_keeps_text() -> None:
    long_quote = " ".join(f"q{i}" for i in range(3000))
    msg = OutgoingMessage(
        text="A customer asked:",
        title="T" * 300,
        quote=long_quote,
        fields=tuple(Field(f"f{i}", "v" * 1500) for i in range(30)),
        buttons=tuple(Button(f"b{i}", f"question:claim:{i}") for i in range(7)),
        context="small print",
    )
    payloads = render.render(msg, link_url="https://discord.com/channels/1/2/3")
    embed = payloads[0]["embeds"][0]
    assert len(embed["title"]) <= 256
    assert len(embed.get("description", "")) <= 4096
    assert len(embed["fields"]) <= 25
    assert all(len(f["value"]) <= 1024 for f in embed["fields"])
    assert embed_size(embed) <= 6000
    assert all(len(p.get("content", "")) <= 2000 for p in payloads)
    everything = " ".join(
        [embed.get("description", "")] + [p.get("content", "") for p in payloads[1:]]
    )
    quoted = [w for w in everything.replace(">", " ").split() if w.startswith("q")]
    assert quoted == long_quote.split()
    rows = payloads[-1]["components"]
    assert sum(len(r["components"]) for r in rows) == 8  # 7 buttons + the link
    assert all(len(r["components"]) <= 5 for r in rows)
    assert rows[-1]["components"][-1]["style"] == 5


def test_mass_mentions_are_defused_everywhere() -> None:
    msg = OutgoingMessage(text="@everyone look", title="@here", quote="<@1> <@&2> @everyone")
    (payload,) = render.render(msg)
    embed = payload["embeds"][0]
    assert "@everyone" not in embed["description"] and "@here" not in embed["title"]
    assert "<@1>" not in embed["description"] and "<@&2>" not in embed["description"]
    assert payload["allowed_mentions"]["parse"] == []


def test_nonce_fits_discord() -> None:
    key = "outbox:" + "x" * 500
    assert len(render.nonce(key, 0)) <= 25
    assert render.nonce(key, 0) != render.nonce(key, 1)
    assert render.nonce(key, 0) == render.nonce(key, 0)


def test_command_text_keeps_multiword_values_together() -> None:
    data = {
        "name": "presence",
        "options": [
            {
                "type": 1,
                "name": "search",
                "options": [
                    {"type": 3, "name": "query", "value": "api keys"},
                    {"type": 3, "name": "customer", "value": "Acme Oy"},
                ],
            }
        ],
    }
    assert translate.command_text(data) == 'search "api keys" Acme Oy'
    role = {
        "name": "presence",
        "options": [
            {
                "type": 1,
                "name": "staff-role",
                "options": [
                    {"type": 3, "name": "action", "value": "add"},
                    {"type": 8, "name": "role", "value": "5"},
                ],
            }
        ],
    }
    assert translate.command_text(role) == "staff-role add <@&5>"


def test_staff_roles_by_name_or_id() -> None:
    assert translate.is_staff([10], ["Support"], ["support"])
    assert translate.is_staff([10], ["Other"], ["discord:10"])
    assert not translate.is_staff([10], ["Other"], ["Support"])
    assert not translate.is_staff([10], ["Support"], [])


def test_emoji_names_round_trip() -> None:
    for name in ("eyes", "white_check_mark", "ticket"):
        assert translate.emoji_name(translate.emoji_for(name)) == name


def test_invite_url_has_exact_permissions_and_scopes() -> None:
    url = invite_url("123")
    assert f"permissions={PERMISSIONS}" in url
    assert "scope=bot+applications.commands" in url
    assert PERMISSIONS == 309237730368


def test_autocomplete_choices_filter_and_cap() -> None:
    from bot.config import CustomerConfig, PresenceConfig

    cfg = PresenceConfig(customers=tuple(CustomerConfig(name=f"Cust {i}") for i in range(40)))
    assert len(commands.choices(cfg, "customer", "cust")) == 25
    assert commands.choices(cfg, "customer", "cust 3") == [
        ("Cust 3", "Cust 3"),
        *[(f"Cust {i}", f"Cust {i}") for i in range(30, 40)],
    ]
