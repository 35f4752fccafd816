"""`presence demo`: a shared customer channel played end to end on the embedded
default (SQLite in a temporary folder, the local platform, no tokens). A fake clock
fast-forwards time so the SLA warning shows without waiting."""

from __future__ import annotations

import tempfile
import textwrap
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.config import parse_config
from bot.outgoing import OutgoingMessage
from bot.settings import Settings
from db.models import Question
from db.search import search_messages
from integrations.local import LocalMessage, LocalPlatform

CONFIG = {
    "support": {
        "timezone": "Europe/Helsinki",
        "hours": "Mon-Fri 08:00-17:00",
        "country": "FI",
        "triage_channel": "local:triage",
        "leads": ["local:lea"],
    },
    "customers": [
        {"name": "Acme Oy", "tier": "gold", "owner": "local:lea", "channels": ["local:acme"]},
        {"name": "Borealis AB", "tier": "silver", "channels": ["local:borealis"]},
    ],
    "experts": [
        {
            "user": "local:eve",
            "name": "Eve Virtanen",
            "topics": ["billing"],
            "languages": ["en", "fi"],
            "timezone": "Europe/Helsinki",
            "hours": "Mon-Fri 08:00-17:00",
            "country": "FI",
            "backup": "local:bo",
        },
        {
            "user": "local:bo",
            "name": "Bo Lindqvist",
            "topics": ["api"],
            "languages": ["en", "sv"],
            "timezone": "Europe/Stockholm",
            "hours": "Mon-Fri 08:00-17:00",
            "country": "SE",
        },
    ],
    "topics": [
        {"name": "billing", "keywords": ["invoice", "lasku", "laskun", "billing", "faktura"]},
        {"name": "api", "keywords": ["api", "token", "nyckel", "webhook", "nyckeln"]},
    ],
    "sla": [
        {"tier": "gold", "first_response": "30m", "warn_at": 0.75},
        {"tier": "*", "first_response": "4h"},
    ],
}

NAMES = {"anna": "Anna (Acme Oy)", "sven": "Sven (Borealis AB)", "eve": "Eve", "bo": "Bo"}


class Narrator:
    def __init__(self, platform: LocalPlatform, clock: FakeClock):
        self.platform = platform
        self.clock = clock
        self._seen = 0
        self._edits: dict[int, int] = {}

    def stamp(self) -> str:
        return f"{self.clock.now().astimezone(_HEL):%a %H:%M}"

    def scene(self, title: str) -> None:
        print(f"\n── {title} " + "─" * max(4, 66 - len(title)))

    def person(self, who: str, where: str, text: str) -> None:
        print(f"[{self.stamp()}] {NAMES.get(who, who)} in {where}: {text}")

    def note(self, text: str) -> None:
        print(f"   · {text}")

    async def said(self) -> None:
        for i, m in enumerate(self.platform.sent):
            if i >= self._seen:
                print(await self._render(m, "Presence"))
            elif len(m.edits) > self._edits.get(i, 0):
                print(self._update(m, m.edits[-1]))
            self._edits[i] = len(m.edits)
        self._seen = len(self.platform.sent)

    def _update(self, m: LocalMessage, msg: OutgoingMessage) -> str:
        assert m.to is not None
        where = f"DM to {m.to.user_id}" if m.to.kind == "dm" else f"#{m.to.channel_id}"
        if m.to.kind == "thread":
            where = f"thread in #{m.to.channel_id}"
        if not msg.fields:
            return f"[{self.stamp()}] Presence edits its message ({where}): {msg.text}"
        facts = {f.label: f.value for f in msg.fields}
        return (
            f"[{self.stamp()}] Presence edits its card ({where}) in place: "
            f"status {facts.get('Status')}, owner {facts.get('Owner')}"
        )

    async def _render(self, m: LocalMessage, verb: str, msg: OutgoingMessage | None = None) -> str:
        msg = msg or m.msg
        assert msg is not None and m.to is not None
        where = {
            "dm": f"DM to {m.to.user_id}",
            "thread": f"thread in #{m.to.channel_id}",
            "channel": f"#{m.to.channel_id}",
        }.get(m.to.kind, m.to.kind)
        lines = [f"[{self.stamp()}] {verb} → {where}:"]
        if msg.title:
            lines.append(f"    ┃ {msg.title}")
        lines += [f"    ┃ {line}" for line in textwrap.wrap(msg.text, 76)]
        if msg.quote:
            lines += [f"    ┃ > {line}" for line in textwrap.wrap(msg.quote, 74)]
        for f in msg.fields:
            lines.append(f"    ┃ {f.label}: {f.value}")
        if msg.context:
            lines += [f"    ┃ {line}" for line in textwrap.wrap(msg.context, 76)]
        if msg.link:
            lines.append(f"    ┃ {msg.link_label}: {await self.platform.permalink(msg.link)}")
        if msg.buttons:
            lines.append("    ┃ " + "  ".join(f"[{b.label}]" for b in msg.buttons))
        return "\n".join(lines)


_HEL = ZoneInfo("Europe/Helsinki")


async def run_demo(keep: Path | None = None) -> None:
    with tempfile.TemporaryDirectory(prefix="presence-demo-") as tmp:
        db_file = keep or Path(tmp) / "presence.db"
        if db_file.exists():
            db_file.unlink()
        # Tuesday 24 Nov 2026, 09:02 in Helsinki: inside business hours.
        clock = FakeClock(datetime(2026, 11, 24, 7, 2, tzinfo=UTC))
        platform = LocalPlatform(clock=clock)
        platform.add_user("anna", "Anna Korhonen", timezone="Europe/Helsinki")
        platform.add_user("sven", "Sven Berg", timezone="Europe/Stockholm")
        platform.add_user("eve", "Eve Virtanen", staff=True, timezone="Europe/Helsinki")
        platform.add_user("bo", "Bo Lindqvist", staff=True, timezone="Europe/Stockholm")
        platform.add_user("lea", "Lea Nieminen", staff=True, timezone="Europe/Helsinki")
        settings = replace(
            Settings(), database_url=f"sqlite+aiosqlite:///{db_file}", sweep_interval=3600
        )
        app = App(settings, parse_config(CONFIG), clock=clock, platforms={"local": platform})
        print("Presence demo: SQLite at", db_file, "· local platform · no tokens needed")
        await app.start()
        try:
            await _play(app, platform, clock)
        finally:
            await app.stop()


async def _play(app: App, platform: LocalPlatform, clock: FakeClock) -> None:
    n = Narrator(platform, clock)

    async def say(who: str, channel: str, text: str, thread: object = None) -> object:
        n.person(who, f"#{channel}" + (" (thread)" if thread else ""), text)
        ref = await platform.post(channel, who, text, thread=thread)  # type: ignore[arg-type]
        await app.wait_idle()
        await n.said()
        return ref

    n.scene("Chatter in a shared channel is left alone")
    await say("anna", "acme", "Morning all! 👋")
    await say("sven", "borealis", "haha, that was a great weekend 😄")
    n.note("no question opened: greetings and chatter need no answer from the supplier")

    n.scene("A customer asks (English)")
    q1 = await say("anna", "acme", "How do I download last month's invoice as a PDF?")
    await say("anna", "acme", "We need it for our accounting today.", thread=q1)
    n.note("the follow-up in the thread does not open a second question")

    n.scene("Another customer asks (Swedish)")
    q2 = await say("sven", "borealis", "Hej! Hur byter jag API-nyckeln utan driftstopp?")

    n.scene("23 minutes pass: the SLA warning fires before the 30-minute target")
    clock.advance(timedelta(minutes=23))
    assert app.sweeper is not None
    await app.sweeper.sweep()
    await app.wait_idle()
    await n.said()

    n.scene("The expert answers in the thread and the customer confirms")
    clock.advance(timedelta(minutes=2))
    await say(
        "eve",
        "acme",
        "Hi Anna! Billing → Invoices → pick the month → Download PDF. Admins only.",
        thread=q1,
    )
    clock.advance(timedelta(minutes=3))
    await say("anna", "acme", "Kiitos, that fixed it!", thread=q1)

    n.scene("Bo takes the Swedish question with one click and answers")
    assert app.sessions is not None
    async with app.sessions() as session:
        swedish = await session.scalar(select(Question.id).order_by(Question.id.desc()))
    n.person("bo", "his DM", "presses [Take]")
    await platform.press("bo", f"question:claim:{swedish}")
    await app.wait_idle()
    await n.said()
    await say(
        "bo",
        "borealis",
        "Hej Sven! Skapa en ny nyckel först, byt sedan, och återkalla den gamla.",
        thread=q2,
    )
    await platform.react_as("sven", q2, "white_check_mark")  # type: ignore[arg-type]
    n.person("sven", "#borealis", "reacts ✅ to his question")
    await app.wait_idle()
    await n.said()

    n.scene("Later, staff search the archive")
    assert app.sessions is not None
    async with app.sessions() as session:
        hits = await search_messages(session, "invoice pdf")
    print(f'$ presence search "invoice pdf"   → {len(hits)} hit(s)')
    for h in hits:
        when = h.created_at.astimezone(_HEL)
        print(f"    {when:%Y-%m-%d %H:%M} {h.customer} · {h.author}: {h.snippet}")
    print("\nDemo finished: every question was acknowledged, owned, answered and resolved.")
