"""Hostile command strings and a harness that runs one through the real handler in a
transaction that is rolled back, so thousands of them cost milliseconds each."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands.spec import EXPANSIONS, VERBS
from bot.context import Context
from bot.events import Author, CommandInvoked
from bot.refs import ChannelRef, UserRef
from db.directory import ensure_person
from handlers.commands.run import Outcome, run_command
from tests.conftest import TestBot

# Everything a command can change; a refused command must leave all of it as it was.
WATCHED_TABLES = (
    "question",
    "customer",
    "channel",
    "expert",
    "person",
    "snippet",
    "chat_override",
    "question_note",
    "staff_reply",
    "question_hold",
    "csat_rating",
    "audit",
    "outbox",
)

HOSTILE = [
    "<@U0EVIL>",
    "<@!123456789012345678>",
    "<@&42>",
    "<!channel>",
    "<!here>",
    "@everyone",
    "@here",
    "<#C0NOPE|general>",
    "#nowhere",
    "local:NOBODY",
    "slack:U0GHOST",
    "discord:1",
    "'; DROP TABLE question; --",
    '" OR 1=1 --',
    "{customer}{owner}{due}{0}{__class__}",
    "%s%n%x",
    "${jndi:ldap://x}",
    "\x00",
    "\u202e\u200b\u200d",
    "🙂🔥",
    "ｔａｋｅ",
    "Ω≈ç√",
    "1",
    "#1",
    "2",
    "0",
    "-1",
    "999999999999",
    "9999999999999999999999",
    "2h",
    "0m",
    "99999d",
    "https://github.com/acme/app/issues/7",
    "javascript:alert(1)",
    "http://",
    '"unclosed',
    "customer=Acme Oy",
    "mine",
    "on",
    "gold",
    "first_response",
    "billing",
    "Acme",
    "Oy",
    "*",
    "\n",
    "`code`",
    "a" * 300,
]

WORDS = sorted({v.name.split()[0] for v in VERBS} | {w for v in VERBS for w in v.name.split()})
WORDS += sorted(EXPANSIONS)

token = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(HOSTILE),
    st.text(min_size=1, max_size=12),
    st.integers(min_value=-5, max_value=10**13).map(str),
)
structured = st.builds(
    lambda verb, rest: " ".join([verb, *rest]),
    st.sampled_from(WORDS),
    st.lists(token, max_size=6),
)
huge = st.builds(lambda t, n: (t or "x") * n, st.text(max_size=5), st.integers(1, 2000))
commands = st.one_of(structured, structured, structured, st.text(max_size=200), huge)
callers = st.sampled_from(["ANNA", "EVE", "BOB", "LEAD", "ADMIN", "STRANGER"])


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class Harness:
    """Runs commands through `run_command` with the real services, each inside a
    savepoint rolled back afterwards, so every example starts from the same state:
    the baseline snapshot taken once. A refused command that issued no write
    statement provably changed nothing; one that did is compared with the baseline."""

    def __init__(self, bot: TestBot, session: AsyncSession, baseline: dict[str, Any]):
        self.bot = bot
        self.session = session
        self.baseline = baseline
        self.statements: list[str] = []
        self.n = 0
        self.compared = 0

    @classmethod
    async def open(cls, bot: TestBot) -> Harness:
        app = bot.app
        assert app.sessions is not None and app.engine is not None
        session = app.sessions()
        await session.begin()
        for user in USERS:
            await ensure_person(session, author(bot, user), bot.clock.now())
        await session.flush()
        harness = cls(bot, session, await snapshot(session))
        event.listen(app.engine.sync_engine, "before_cursor_execute", harness._seen)
        return harness

    async def close(self) -> None:
        assert self.bot.app.engine is not None
        event.remove(self.bot.app.engine.sync_engine, "before_cursor_execute", self._seen)
        await self.session.rollback()
        await self.session.close()

    def _seen(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(statement)

    async def run(self, user: str, command: str) -> tuple[Outcome, bool]:
        """(outcome, changed): whether a refused command left anything changed."""
        app = self.bot.app
        assert app.services is not None
        self.n += 1
        ev = CommandInvoked(
            event_key=f"fuzz:{self.n}",
            channel=ChannelRef("local", "D", "home"),
            author=author(self.bot, user),
            name="presence",
            text=command,
            occurred_at=self.bot.clock.now(),
        )
        ctx = Context(self.session, app.services, self.bot.clock.now())
        outer = await self.session.begin_nested()
        self.statements.clear()
        try:
            outcome = await run_command(ev, ctx)
            await self.session.flush()
            changed = False
            wrote = any(s.lstrip().upper().startswith(WRITES) for s in self.statements)
            if not outcome.ok and wrote:
                self.compared += 1
                changed = await snapshot(self.session) != self.baseline
            return outcome, changed
        finally:
            await outer.rollback()


USERS = ("ANNA", "EVE", "BOB", "LEAD", "ADMIN", "STRANGER")


def author(bot: TestBot, user: str) -> Author:
    member = bot.platform.members.get(user)
    if member is None:
        return Author(UserRef("local", user), None, False)
    return Author(member.user, member.name, member.is_staff)


async def snapshot(session: AsyncSession) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for table in WATCHED_TABLES:
        rows = (await session.execute(text(f"SELECT * FROM {table} ORDER BY id"))).all()
        out[table] = [tuple(r) for r in rows]
    return out
