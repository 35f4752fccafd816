"""The command contract: one test per verb of `/presence` (bot/commands/spec.py and
spec_loop.py), each written once against the neutral `Driver` and run on the local
platform, on Slack (slack-bolt over HTTP) and on Discord (discord.py over the
gateway), through the whole of Presence.

Each test shows what the person typing sees (their private answer), what others
see (the card, the customer's thread, a DM, `config show`) and at least one
refusal or bad argument. The world has one person per level: the customer
(customer), Sam (`second`, staff), Erin (`staff`, the expert every question is
routed to), Tess (`third`, lead) and Ada (`fourth`, admin).

One started Presence per platform serves the module (SQLite; storage on both
engines is covered by tests/commands); each test asks its own question, five hours
after the last so it never joins an earlier conversation. After every test, no
note typed on the staff side has reached anything a customer can read, checked on
every call the platform received."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest
import pytest_asyncio
from sqlalchemy import select

from bot.clock import FakeClock
from bot.commands.spec import EXPANSIONS, VERBS
from db.models import Person, Question
from tests.contract.conftest import DRIVERS
from tests.contract.drivers import Driver, Posted, Role, Said, World

pytestmark = pytest.mark.asyncio(loop_scope="module")

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOTE = "internal-only-7f3a"  # in every note and resolve note: must never reach a customer
WORLD_ROLES: dict[str, Role] = {"staff": "second", "lead": "third", "admin": "fourth"}

# ---- the running platform, and what a test does with it --------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=sorted(DRIVERS))
async def d(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Driver]:
    path = tmp_path_factory.mktemp(f"verbs-{request.param}") / "presence.db"
    world = World(
        clock=FakeClock(START),
        team=("second", "third", "fourth"),
        leads=("third",),
        admins=("fourth",),
    )
    async with DRIVERS[request.param](f"sqlite+aiosqlite:///{path}", world) as driver:
        yield driver


@pytest_asyncio.fixture(autouse=True, loop_scope="module")
async def _notes_stay_inside(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    yield
    if "d" in request.fixturenames:  # not the guard, which starts no platform
        driver: Driver = request.getfixturevalue("d")
        leaked = [c for c in driver.customer_side() if NOTE in c]
        assert leaked == [], leaked


TESTED: set[str] = set()
Test = Callable[..., Awaitable[None]]


def verb(*names: str) -> Callable[[Test], Test]:
    """Registers which verbs (or aliases) a test covers, for the guard below."""
    TESTED.update(names)
    return lambda fn: fn


async def run(d: Driver, who: Role, text: str) -> str:
    """`/presence <text>` typed by `who`: everything they alone were answered."""
    before = {s.id for s in d.private(who)}
    await d.command(who, text)
    await d.settle()
    new = [s for s in d.private(who) if s.id not in before]
    assert new, f"no private answer to {text!r} on {d.name}"
    # Slack carries a message twice (the fallback text and its blocks): once here.
    return "\n".join("\n".join(dict.fromkeys(s.text.splitlines())) for s in new)


def one_line(answer: str) -> bool:
    return "\n" not in answer.strip() and len(answer) <= 300


async def press_new(d: Driver, who: Role, label: str, before: set[str]) -> None:
    """Press the button labelled `label` on the private answer `who` got last."""
    [shown] = [s for s in d.private(who) if s.id not in before and label in s.labels]
    await d.press(who, dict(shown.buttons)[label])
    await d.settle()


_asked = itertools.count(1)


def clock(d: Driver) -> FakeClock:
    return cast(FakeClock, d.app.clock)


async def questions(d: Driver) -> list[Question]:
    assert d.app.sessions is not None
    async with d.app.sessions() as s:
        return list((await s.scalars(select(Question).order_by(Question.id))).all())


async def question(d: Driver, qid: int) -> Question:
    assert d.app.sessions is not None
    async with d.app.sessions() as s:
        q = await s.get(Question, qid)
        assert q is not None
        return q


async def ask(d: Driver, text: str | None = None) -> tuple[Posted, int]:
    """The customer asks a new question (routed to Erin); its root and number."""
    clock(d).advance(timedelta(hours=5))
    before = len(await questions(d))
    root = await d.post("customer", text or f"How do I rotate API key number {next(_asked)}?")
    await d.settle()
    now = await questions(d)
    assert len(now) == before + 1, "the customer's message opened no question"
    return root, now[-1].id


async def name_of(d: Driver, who: Role) -> str:
    """What Presence calls `who` (their name on the platform)."""
    qualified = f"{d.name}:{d.mention(who).strip('<@!>')}"
    assert d.app.sessions is not None
    async with d.app.sessions() as s:
        found = await s.scalar(select(Person.name).where(Person.qualified == qualified))
    assert found, f"Presence has not met {who} on {d.name}"
    return str(found)


def refused(answer: str, level: str) -> bool:
    return f"needs the {level} level" in answer


# ---- the guard -------------------------------------------------------------------


def test_every_verb_and_alias_has_a_contract_test() -> None:
    names = {v.name for v in VERBS}
    assert sorted(names - TESTED) == [], "add a contract test for these verbs"
    aliases = {a for v in VERBS for a in v.aliases} | set(EXPANSIONS)
    assert sorted(aliases - TESTED) == [], "add these aliases to their verb's test"


# ---- everyone --------------------------------------------------------------------


@verb("help")
async def test_help(d: Driver) -> None:
    mine = await run(d, "customer", "help")
    assert "/presence status" in mine and "/presence take" not in mine
    staff = await run(d, "second", "help")
    assert "/presence take" in staff and "/presence sla set" not in staff
    admin = await run(d, "fourth", "help")
    assert "/presence sla set" in admin and "/presence watch" in admin
    one = await run(d, "customer", "help assign")
    assert "Example: `/presence assign 12 @erin`" in one and refused(one, "staff")
    unknown = await run(d, "customer", "help frobnicate")
    assert "frobnicate" in unknown and one_line(unknown)
    assert d.footprint() == []  # help is private: nothing public was said


@verb("status", "show")
async def test_status(d: Driver) -> None:
    _, q = await ask(d)
    mine = await run(d, "customer", f"status {q}")
    assert mine.startswith(f"Your question #{q}") and "reply expected by" in mine
    staff = await run(d, "second", f"show {q}")
    assert staff.startswith(f"#{q} · Acme Oy (gold)")
    assert "can't find question #99999" in await run(d, "customer", "status 99999")


@verb("rate")
async def test_rate(d: Driver) -> None:
    root, q = await ask(d)
    assert "not resolved yet" in await run(d, "customer", f"rate {q} 4")
    await run(d, "staff", f"resolve {q}")
    assert "Only the person who asked" in await run(d, "second", f"rate {q} 1")
    assert "4/5" in await run(d, "customer", f"rate {q} 4 quick and clear")
    bad = await run(d, "customer", f"rate {q} 9")
    assert "1, 2, 3, 4" in bad and "4/5" not in bad


# ---- staff: question work --------------------------------------------------------


@verb("take")
async def test_take(d: Driver) -> None:
    _, q = await ask(d)
    [card] = [c for c in d.triage() if f"question:claim:{q}" in c.action_ids]
    answer = await run(d, "customer", f"take {q}")
    assert answer == "`take` needs the staff level: only staff can run it."
    assert (await question(d, q)).state == "open"
    assert await run(d, "second", f"take #{q}") == f"You have question #{q}."
    after = await question(d, q)
    assert after.state == "acknowledged" and after.acknowledged_at is not None
    [edited] = [c for c in d.triage() if c.id == card.id]
    assert edited.edits > card.edits and edited.text != card.text  # edited in place


@verb("assign", "pass")
async def test_assign(d: Driver) -> None:
    _, q = await ask(d)  # routed to Erin
    assert refused(await run(d, "customer", f"assign {q}"), "staff")
    await run(d, "second", f"show {q}")  # Presence meets Sam
    dms = len(d.dms("second"))
    answer = await run(d, "staff", f"assign {q} {d.mention('second')}")
    assert answer.startswith(f"Question #{q} assigned to")
    assert len(d.dms("second")) == dms + 1  # Sam hears of it, by DM
    assert f"owner {await name_of(d, 'second')}" in await run(d, "staff", f"show {q}")
    assert "not on the staff" in await run(d, "staff", f"assign {q} {d.mention('customer')}")
    # `pass`: to the next fitting candidate; Erin is the only expert.
    passed = await run(d, "second", f"pass {q}")
    assert passed.startswith(f"Question #{q} passed to")


@verb("resolve")
async def test_resolve(d: Driver) -> None:
    root, q = await ask(d)
    assert refused(await run(d, "customer", f"resolve {q}"), "staff")
    answer = await run(d, "staff", f"resolve {q} {NOTE}: fixed in 4.2.1")
    assert answer == f"Question #{q} resolved."
    assert (await question(d, q)).state == "resolved"
    [card] = [c for c in d.triage() if f"#{q}" in c.text or f"question:resolve:{q}" in c.text]
    assert card.edits >= 1 and "resolved" in card.text.lower()
    assert NOTE in await run(d, "second", f"show {q}")


@verb("reopen")
async def test_reopen(d: Driver) -> None:
    _, q = await ask(d)
    assert "still open" in await run(d, "staff", f"reopen {q}")
    await run(d, "staff", f"resolve {q}")
    assert refused(await run(d, "customer", f"reopen {q}"), "staff")
    assert await run(d, "staff", f"reopen {q}") == f"Question #{q} reopened."
    assert (await question(d, q)).state == "reopened"


@verb("snooze")
async def test_snooze(d: Driver) -> None:
    _, q = await ask(d)
    assert "snoozed for 2h" in await run(d, "staff", f"snooze {q} 2h")
    after = await question(d, q)
    assert after.next_due_at is not None
    assert after.next_due_at >= clock(d).now() + timedelta(hours=2)
    assert "30m, 2h or 3d" in await run(d, "staff", f"snooze {q} soon")
    assert refused(await run(d, "customer", f"snooze {q} 1h"), "staff")


@verb("wait")
async def test_wait(d: Driver) -> None:
    _, q = await ask(d)
    assert "waiting on the customer" in await run(d, "staff", f"wait {q}")
    assert (await question(d, q)).clock_state == "paused"
    assert refused(await run(d, "customer", f"wait {q}"), "staff")


@verb("priority")
async def test_priority(d: Driver) -> None:
    _, q = await ask(d)
    assert "now high priority (was normal)" in await run(d, "second", f"priority {q} high")
    assert (await question(d, q)).priority == "high"
    assert " · high · " in await run(d, "second", f"show {q}")
    bad = await run(d, "second", f"priority {q} extreme")
    assert "one of low, normal, high, urgent" in bad
    assert refused(await run(d, "customer", f"priority {q} urgent"), "staff")


@verb("topic")
async def test_topic(d: Driver) -> None:
    _, q = await ask(d)
    assert "topic set to api" in await run(d, "second", f"topic {q} api")
    assert (await question(d, q)).topic == "api"
    assert "topics are: api" in await run(d, "second", f"topic {q} gardening")
    assert refused(await run(d, "customer", f"topic {q} api"), "staff")


@verb("link")
async def test_link(d: Driver) -> None:
    _, q = await ask(d)
    url = "https://github.com/acme/app/issues/7"
    assert url in await run(d, "second", f"link {q} {url}")
    assert url in await run(d, "staff", f"show {q}")
    assert "http(s) link" in await run(d, "second", f"link {q} javascript:alert(1)")
    assert refused(await run(d, "customer", f"link {q} {url}"), "staff")


@verb("queue", "mine")
async def test_queue(d: Driver) -> None:
    _, q = await ask(d)
    assert f"#{q} · Acme Oy" in await run(d, "second", "queue")
    assert f"#{q}" in await run(d, "second", "queue Acme Oy")
    assert f"#{q}" not in await run(d, "second", "mine")
    await run(d, "second", f"take {q}")
    assert f"#{q}" in await run(d, "second", "mine")
    assert "don't know a customer" in await run(d, "second", "queue Initech")
    assert refused(await run(d, "customer", "queue"), "staff")


@verb("note")
async def test_note(d: Driver) -> None:
    root, q = await ask(d)
    thread = len(d.thread(root))
    answer = await run(d, "staff", f"note {q} {NOTE}: customer is on the legacy plan")
    assert "the customer never sees it" in answer
    assert NOTE in await run(d, "second", f"show {q}")
    assert NOTE not in await run(d, "customer", f"status {q}")
    assert len(d.thread(root)) == thread  # nothing said where the customer reads
    assert refused(await run(d, "customer", f"note {q} hello"), "staff")


@verb("reply")
async def test_reply(d: Driver) -> None:
    root, q = await ask(d)
    assert refused(await run(d, "customer", f"reply {q} hi"), "staff")
    thread = len(d.thread(root))
    before = {s.id for s in d.private("second")}
    confirm = await run(d, "second", f"reply {q} We fixed the export, please retry.")
    assert "Send this to the customer?" in confirm
    assert len(d.thread(root)) == thread  # nothing goes out before the click
    await press_new(d, "second", "Send to customer", before)
    replies = [s for s in d.thread(root) if "We fixed the export, please retry." in s.text]
    assert len(replies) == 1
    # The leak check after each test sees the customer's thread: this reply is there.
    assert any("We fixed the export, please retry." in c for c in d.customer_side())
    assert (await question(d, q)).first_response_at is not None
    # Once confirmed for this channel, the next reply goes straight out.
    assert "Sent to the customer" in await run(d, "second", f"reply {q} One more thing.")
    assert len([s for s in d.thread(root) if "One more thing." in s.text]) == 1


@verb("search")
async def test_search(d: Driver) -> None:
    await ask(d, "How do I rotate the zanzibar API key?")
    found = await run(d, "second", "search zanzibar")
    assert "Acme Oy" in found and "zanzibar" in found.lower()
    assert "Nothing found" in await run(d, "second", "search quetzalcoatl")
    assert one_line(await run(d, "second", "search"))


# ---- snippets --------------------------------------------------------------------


@verb("snippet list")
async def test_snippet_list(d: Driver) -> None:
    await run(d, "staff", "snippet add listed Hello there")
    assert "`listed`: Hello there" in await run(d, "second", "snippet list")
    assert refused(await run(d, "customer", "snippet list"), "staff")


@verb("snippet send")
async def test_snippet_send(d: Driver) -> None:
    root, q = await ask(d)
    await run(d, "staff", "snippet add eta Hi {customer}, {owner} will reply by {due}.")
    await run(d, "staff", f"take {q}")
    before = {s.id for s in d.private("staff")}
    answer = await run(d, "staff", f"snippet send {q} eta")
    if "Send this to the customer?" in answer:  # Erin's first reply into this channel
        await press_new(d, "staff", "Send to customer", before)
    erin = await name_of(d, "staff")
    [sent] = [s for s in d.thread(root) if f"Hi Acme Oy, {erin} will reply by " in s.text]
    assert "{" not in sent.text
    assert "No snippet called" in await run(d, "staff", f"snippet send {q} nosuch")
    assert refused(await run(d, "customer", f"snippet send {q} eta"), "staff")


@verb("snippet add")
async def test_snippet_add(d: Driver) -> None:
    assert "saved" in await run(d, "staff", "snippet add Restart Please restart, {customer}.")
    assert "exists" in await run(d, "staff", "snippet add restart again")
    assert refused(await run(d, "second", "snippet add x y"), "expert")
    assert "`restart`: Please restart" in await run(d, "second", "snippet list")


@verb("snippet edit")
async def test_snippet_edit(d: Driver) -> None:
    await run(d, "staff", "snippet add greet Hi")
    assert "updated" in await run(d, "staff", "snippet edit greet Hi {customer}!")
    assert "`greet`: Hi {customer}!" in await run(d, "second", "snippet list")
    assert "No snippet called" in await run(d, "staff", "snippet edit nosuch x")
    assert refused(await run(d, "second", "snippet edit greet Bye"), "expert")


@verb("snippet remove")
async def test_snippet_remove(d: Driver) -> None:
    await run(d, "staff", "snippet add gone bye")
    assert refused(await run(d, "second", "snippet remove gone"), "expert")
    assert "removed" in await run(d, "staff", "snippet remove gone")
    assert "`gone`" not in await run(d, "second", "snippet list")


# ---- leads and admins: reports and configuration from chat ------------------------


@verb("stats")
async def test_stats(d: Driver) -> None:
    _, q = await ask(d)
    await run(d, "staff", f"resolve {q}")
    overall = await run(d, "third", "stats")
    assert overall.startswith("*Last 30d*") and "questions" in overall
    assert "Acme Oy" in await run(d, "third", "stats customer 7d")
    assert f"{await name_of(d, 'staff')}: " in await run(d, "fourth", "stats expert")
    assert refused(await run(d, "staff", "stats"), "lead")


@verb("watch")
async def test_watch(d: Driver) -> None:
    where = d.channel_mention("initech-support")
    assert refused(await run(d, "third", f"watch {where} customer=Initech"), "admin")
    answer = await run(d, "fourth", f"watch {where} customer=Initech")
    assert answer.startswith("Watching ") and answer.endswith(" for Initech.")
    shown = await run(d, "third", "config show")
    assert "customer Initech [added in chat]" in shown


@verb("config sensitivity")
async def test_config_sensitivity(d: Driver) -> None:
    here = d.channel_mention()
    assert refused(await run(d, "staff", f"config sensitivity {here} eager"), "lead")
    assert "sensitivity balanced (0.5)" in await run(d, "third", f"config sensitivity {here}")
    try:
        answer = await run(d, "third", f"config sensitivity {here} quiet")
        assert "sensitivity is now quiet (0.7)" in answer and one_line(answer)
        assert "from 0 to 1" in await run(d, "third", f"config sensitivity {here} loud")
    finally:
        assert "back to balanced" in await run(d, "third", f"config sensitivity {here} default")


@verb("unwatch")
async def test_unwatch(d: Driver) -> None:
    here = d.channel_mention()
    assert refused(await run(d, "third", f"unwatch {here}"), "admin")
    assert "No longer watching" in await run(d, "fourth", f"unwatch {here}")
    try:
        before = len(await questions(d))
        clock(d).advance(timedelta(hours=5))
        await d.post("customer", "How do I rotate the API key while unwatched?")
        await d.settle()
        assert len(await questions(d)) == before  # not watched: no question, at once
        assert "is not watched" in await run(d, "fourth", f"unwatch {here}")
    finally:
        assert "Watching" in await run(d, "fourth", f"watch {here} customer=Acme Oy")
    await ask(d)  # watched again: questions open again


@verb("customer set")
async def test_customer_set(d: Driver) -> None:
    assert refused(await run(d, "staff", "customer set tier Acme Oy silver"), "lead")
    answer = await run(d, "third", "customer set tier Acme Oy silver")
    assert "tier is now silver (was gold)" in answer
    try:
        _, q = await ask(d)  # in force at once
        assert (await run(d, "second", f"show {q}")).startswith(f"#{q} · Acme Oy (silver)")
        assert "customer Acme Oy: tier silver _(chat:" in await run(d, "third", "config show")
        bad = await run(d, "third", "customer set timezone Acme Oy Mars/Base")
        assert "not a time zone" in bad
    finally:
        await run(d, "third", "customer set tier Acme Oy gold")


@verb("expert add")
async def test_expert_add(d: Driver) -> None:
    await run(d, "second", "help")  # Presence meets Sam
    assert refused(await run(d, "staff", f"expert add {d.mention('second')}"), "lead")
    answer = await run(d, "third", f"expert add {d.mention('second')} billing onboarding")
    assert answer == f"{await name_of(d, 'second')} is an expert (billing, onboarding)."
    try:
        # Sam is an expert now: an expert's verb is his at once.
        assert "saved" in await run(d, "second", "snippet add sams Hello from Sam")
        sam = await name_of(d, "second")
        assert f"expert {sam}: active _(chat:" in await run(d, "third", "config show")
    finally:
        await run(d, "third", f"expert remove {d.mention('second')}")
    # Met here, not by whichever test ran before: the module's tests run in any order.
    await run(d, "customer", "help")
    assert "not on the staff" in await run(d, "third", f"expert add {d.mention('customer')}")


@verb("expert remove")
async def test_expert_remove(d: Driver) -> None:
    await run(d, "second", "help")
    await run(d, "third", f"expert add {d.mention('second')} api")
    await run(d, "staff", "expert away on")  # Sam would get the next API question
    try:
        assert refused(await run(d, "staff", f"expert remove {d.mention('second')}"), "lead")
        answer = await run(d, "third", f"expert remove {d.mention('second')}")
        assert answer == f"{await name_of(d, 'second')} no longer gets questions routed."
        sam, erin = len(d.dms("second")), len(d.dms("staff"))
        await ask(d)
        assert len(d.dms("second")) == sam  # removed: routed nothing, at once
        assert len(d.dms("staff")) == erin + 1  # the only expert left, though away
        assert refused(await run(d, "second", "snippet add again x"), "expert")
    finally:
        await run(d, "staff", "expert away off")


@verb("expert topics")
async def test_expert_topics(d: Driver) -> None:
    assert refused(await run(d, "staff", f"expert topics {d.mention('staff')} api"), "lead")
    answer = await run(d, "third", f"expert topics {d.mention('staff')} api webhooks")
    assert answer == f"{await name_of(d, 'staff')}'s topics: api, webhooks."
    assert "topics api, webhooks _(chat:" in await run(d, "third", "config show")
    await run(d, "third", f"expert topics {d.mention('staff')} api")


@verb("expert hours")
async def test_expert_hours(d: Driver) -> None:
    who = d.mention("staff")
    assert refused(await run(d, "staff", f"expert hours {who} Mon-Fri 09:00-17:00"), "lead")
    answer = await run(d, "third", f"expert hours {who} Mon-Sun 00:00-23:59")
    assert answer == f"{await name_of(d, 'staff')} works Mon-Sun 00:00-23:59."
    assert "bad business hours" in await run(d, "third", f"expert hours {who} whenever")


@verb("expert away")
async def test_expert_away(d: Driver) -> None:
    assert refused(await run(d, "second", "expert away on"), "expert")
    await run(d, "second", "help")
    await run(d, "third", f"expert add {d.mention('second')} api")  # a second API expert
    try:
        assert "You are away" in await run(d, "staff", "expert away on")
        sam, erin = len(d.dms("second")), len(d.dms("staff"))
        await ask(d)
        assert len(d.dms("staff")) == erin  # away: the question went to Sam
        assert len(d.dms("second")) == sam + 1
        marking = await run(d, "staff", f"expert away on {d.mention('second')}")
        assert "needs the lead level" in marking
        sam_is = f"{await name_of(d, 'second')} is away"
        assert sam_is in await run(d, "third", f"expert away on {d.mention('second')}")
    finally:
        assert "You are back" in await run(d, "staff", "expert away off")
        await run(d, "third", f"expert remove {d.mention('second')}")


@verb("sla set")
async def test_sla_set(d: Driver) -> None:
    assert refused(await run(d, "third", "sla set gold first_response 2h"), "admin")
    answer = await run(d, "fourth", "sla set gold first_response 2h")
    assert "first response is now 2h for questions opened from now on" in answer
    try:
        _, q = await ask(d)  # no restart: the next question has the new target
        asked = await question(d, q)
        assert asked.first_response_due is not None
        assert asked.first_response_due - asked.created_at == timedelta(hours=2)
        assert "sla:gold first_response=7200" in await run(d, "third", "config show")
        bad = await run(d, "fourth", "sla set gold first_response soon")
        assert "30m, 2h or 3d" in bad
    finally:
        await run(d, "fourth", "sla set gold first_response 30m")


@verb("config show")
async def test_config_show(d: Driver) -> None:
    shown = await run(d, "third", "config show")
    assert shown.startswith("*Configuration*") and "customer Acme Oy" in shown
    assert f"expert {await name_of(d, 'staff')}: active" in shown and "sla *" in shown
    assert refused(await run(d, "staff", "config show"), "lead")


@verb("config export", "export")
async def test_config_export(d: Driver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESENCE_EXPORT_DIR", str(tmp_path))
    _, q = await ask(d)
    assert refused(await run(d, "third", "export Acme Oy"), "admin")
    assert "since must be a date" in await run(d, "fourth", "export Acme Oy since=yesterday")
    assert "don't know a customer" in await run(d, "fourth", "export Initech Corp")
    before = {s.id for s in [*d.private("fourth"), *d.dms("fourth")]}
    started = await run(d, "fourth", "export Acme Oy")
    assert "Exporting Acme Oy to " in started and "in the background" in started
    # The export runs in a thread; its counts follow to Ada alone (privately where the
    # platform can still answer, else by DM).
    done: list[Said] = []
    for _ in range(200):
        await d.settle()
        new = [s for s in [*d.private("fourth"), *d.dms("fourth")] if s.id not in before]
        done = [s for s in new if "Export of Acme Oy written to" in s.text]
        if done:
            break
        await asyncio.sleep(0.05)
    assert done, "no counts after the export"
    written = await asyncio.to_thread(lambda: list(tmp_path.iterdir()))
    assert written, "nothing written to the export directory"


# ---- the customer loop -----------------------------------------------------------


async def _idea(d: Driver, text: str) -> int:
    answer = await run(d, "customer", f"idea {text}")
    number = answer.split("#", 1)[1].split()[0].strip(".,:*")
    return int(number)


@verb("loop idea", "idea")
async def test_idea(d: Driver) -> None:
    n = next(_asked)
    answer = await run(d, "customer", f"idea export the audit log {n} as CSV")
    assert "#" in answer
    assert one_line(await run(d, "customer", "idea"))


@verb("loop ideas", "ideas")
async def test_ideas(d: Driver) -> None:
    n = next(_asked)
    await run(d, "customer", f"idea dark mode for the dashboard {n}")
    board = await run(d, "customer", "ideas new")
    assert f"dark mode for the dashboard {n}" in board


@verb("loop idea-show", "idea-show")
async def test_idea_show(d: Driver) -> None:
    n = next(_asked)
    number = await _idea(d, f"webhooks for invoice events {n}")
    shown = await run(d, "customer", f"idea-show {number}")
    assert f"webhooks for invoice events {n}" in shown
    assert "can't find" in (await run(d, "customer", "idea-show 99999")).lower()


@verb("loop idea-comment", "idea-comment")
async def test_idea_comment(d: Driver) -> None:
    n = next(_asked)
    number = await _idea(d, f"single sign-on with okta {n}")
    await run(d, "customer", f"idea-comment {number} We need this for 300 seats.")
    assert "300 seats" in await run(d, "second", f"idea-show {number}")


@verb("loop idea-status", "idea-status")
async def test_idea_status(d: Driver) -> None:
    n = next(_asked)
    number = await _idea(d, f"bulk user import {n}")
    assert refused(await run(d, "customer", f"idea-status {number} planned"), "staff")
    await run(d, "second", f"idea-status {number} planned Coming in Q3")
    assert "Coming in Q3" in await run(d, "customer", f"idea-show {number}")


@verb("loop incident", "incident", "status incident")
async def test_incident(d: Driver) -> None:
    assert refused(await run(d, "customer", "incident open API errors"), "staff")
    opened = await run(d, "second", "incident open API errors on login")
    number = int(opened.split("#", 1)[1].split()[0].strip(".,:*"))
    assert "API errors on login" in await run(d, "customer", "status")
    await run(d, "second", f"status incident update {number} Rolling back the deploy.")
    resolved = await run(d, "second", f"incident resolve {number} All good.")
    assert f"Incident #{number} resolved" in resolved


@verb("loop component", "component", "status component")
async def test_component(d: Driver) -> None:
    assert refused(await run(d, "customer", "component API degraded"), "staff")
    await run(d, "second", "component Billing degraded")
    assert "Billing" in await run(d, "customer", "status")
    await run(d, "second", "status component Billing operational")
    bad = await run(d, "second", "component Billing exploded")
    assert "operational" in bad


@verb("loop broadcast", "broadcast")
async def test_broadcast(d: Driver) -> None:
    assert refused(await run(d, "staff", "broadcast all Maintenance tonight."), "lead")
    before = {s.id for s in d.private("third")}
    preview = await run(d, "third", "broadcast all Maintenance on Sunday 02:00 UTC.")
    assert "Acme Oy" in preview
    said = len(d.customer_side())
    await press_new(d, "third", "Send it", before)
    await d.settle()
    assert any("Maintenance on Sunday" in c for c in d.customer_side()[said:])


@verb("loop digest", "digest")
async def test_digest(d: Driver) -> None:
    assert "Acme Oy" in await run(d, "customer", "digest")
    assert await run(d, "second", "digest staff")
    assert "staff only" in await run(d, "customer", "digest staff")
