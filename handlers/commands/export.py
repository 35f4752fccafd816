"""`config export` (typed `export`): an admin writes a customer's archive from chat.

The command only checks, audits and answers at once; the export itself runs
after the command's transaction commits, in a thread with its own event loop and
its own read-only engine, so neither the event loop nor the processor's
transaction (on SQLite: the one write lock) waits for it. It streams like
`presence export` (bounded memory, db/data_rights/export.py), one export at a
time per worker, into a new folder under PRESENCE_EXPORT_DIR named after the
customer and the time: chat never chooses a path. The folder appears under its
name only once complete (written as `NAME.partial`, then renamed). When done, the
admin gets a second private answer with the folder and the counts."""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bot.clock import Clock
from bot.commands.parse import tokenize
from bot.errors import UsageError
from bot.outgoing import Destination, OutgoingMessage
from bot.settings import load_settings
from db.data_rights.export import export_customer
from db.data_rights.reader import read_engine
from db.engine import make_engine, make_sessionmaker
from db.models import AuditEntry
from db.outbox import enqueue
from handlers.commands.caller import Call, customer, handles

log = logging.getLogger(__name__)

_DATE = re.compile(r"(?:since=)?(\d{4}-\d{2}-\d{2})", re.I)
# Exports stream in bounded memory; running them one after another keeps it so
# however many admins ask at once.
_ONE_AT_A_TIME = threading.Lock()
_RUNNING: set[threading.Thread] = set()
# Set while the worker shuts down: a running export stops at its next batch of
# messages (its partial folder removed, the admin told) rather than holding the
# shutdown for minutes or leaving half a folder behind.
_STOPPING = threading.Event()


class ExportStopped(Exception):
    """The worker is shutting down."""


def _check_stopping(done: int, total: int) -> None:
    del done, total
    if _STOPPING.is_set():
        raise ExportStopped


def export_dir() -> Path:
    """PRESENCE_EXPORT_DIR, read when asked (it is not part of the config file)."""
    return load_settings(dotenv=False).export_dir


def _name_and_since(raw: str, since: str | None) -> tuple[str, str | None]:
    """The customer text takes the rest of the line, so a trailing date (typed
    `since=2026-01-01`, or Discord's second option) is split off here."""
    words = [t.text for t in tokenize(raw)]
    last = words[-1] if len(words) > 1 else ""
    if since is None and (last.lower().startswith("since=") or _DATE.fullmatch(last)):
        since = words.pop()
    return " ".join(words), since


def _since(raw: str | None) -> datetime | None:
    if raw is None:
        return None
    raw = raw.strip()
    raw = raw[6:] if raw.lower().startswith("since=") else raw
    m = _DATE.fullmatch(raw)
    try:
        if m is None:
            raise ValueError
        return datetime.fromisoformat(m.group(1)).replace(tzinfo=UTC)
    except ValueError:
        shown = raw[:30].replace("`", "'")
        raise UsageError(f"since must be a date like 2026-01-01 (got `{shown}`).") from None


def target(base: Path, name: str, now: datetime) -> Path:
    """A new folder directly under `base` for this export; never outside it."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "customer"
    stem = f"{slug}-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    out = base / stem
    n = 2
    while out.exists() or out.with_name(out.name + ".partial").exists():
        out, n = base / f"{stem}-{n}", n + 1
    assert out.resolve().parent == base.resolve(), out
    return out


@dataclass
class ExportJob:
    database_url: str = field(repr=False)  # may carry a password
    customer: str
    customer_id: int
    out: Path
    since: datetime | None
    retention_days: int | None
    clock: Clock
    actor: str
    to: Destination
    key: str

    def start(self) -> None:
        thread = threading.Thread(target=self._run, name=f"export-{self.customer_id}", daemon=True)
        _RUNNING.add(thread)
        thread.start()

    def _run(self) -> None:
        try:
            with _ONE_AT_A_TIME:
                asyncio.run(self.run())
        except Exception:
            log.exception("export of %s could not report back", self.customer)
        finally:
            _RUNNING.discard(threading.current_thread())

    async def run(self) -> None:
        partial = self.out.with_name(self.out.name + ".partial")
        detail: dict[str, Any] = {"dir": str(self.out)}
        engine = read_engine(self.database_url)
        try:
            async with make_sessionmaker(engine)() as session:
                summary = await export_customer(
                    session,
                    self.customer,
                    partial,
                    self.since,
                    now=self.clock.now(),
                    retention_days=self.retention_days,
                    progress=_check_stopping,
                )
            partial.rename(self.out)
            detail |= {
                "conversations": summary.conversations,
                "messages": summary.messages,
                "questions": summary.questions,
                "people": summary.people,
            }
            action = "customer.export_written"
            text = (
                f"Export of {self.customer} written to {self.out}/: "
                f"{summary.conversations} conversation(s), {summary.messages} message(s), "
                f"{summary.questions} question(s), {summary.people} people."
            )
        except ExportStopped:
            shutil.rmtree(partial, ignore_errors=True)
            action, detail["error"] = "customer.export_failed", "stopped"
            text = (
                f"The export of {self.customer} was stopped: Presence shut down before it "
                "was written, and nothing was kept. Please ask again."
            )
        except Exception as e:
            ref = uuid.uuid4().hex[:8]
            log.exception("export of %s failed ref=%s", self.customer, ref)
            shutil.rmtree(partial, ignore_errors=True)
            action, detail["error"] = "customer.export_failed", type(e).__name__
            text = (
                f"The export of {self.customer} failed ({type(e).__name__}, ref {ref}); "
                "nothing was kept. The log has the details."
            )
        finally:
            await engine.dispose()
        await self._report(action, detail, text)

    async def _report(self, action: str, detail: dict[str, Any], text: str) -> None:
        engine = make_engine(self.database_url, pool_size=1)
        try:
            async with make_sessionmaker(engine).begin() as session:
                now = self.clock.now()
                await enqueue(
                    session,
                    key=self.key,
                    to=self.to,
                    msg=OutgoingMessage(text=text),
                    now=now,
                    purpose="reply",
                )
                session.add(
                    AuditEntry(
                        at=now,
                        actor=self.actor,
                        action=action,
                        subject=f"customer:{self.customer_id}",
                        detail=detail,
                    )
                )
        finally:
            await engine.dispose()


def stop_exports(timeout: float = 30.0) -> bool:
    """At shutdown: running exports stop at their next batch and report; True when
    all are done within `timeout` seconds."""
    _STOPPING.set()
    try:
        return wait_for_exports(timeout)
    finally:
        _STOPPING.clear()  # another App in this process (tests) may export again


def wait_for_exports(timeout: float = 60.0) -> bool:
    """Until the exports started in this process are done (shutdown, tests)."""
    for thread in list(_RUNNING):
        thread.join(timeout)
    return not _RUNNING


@handles("config export")
async def export(call: Call) -> str:
    name, raw_since = _name_and_since(call.args["customer"], call.args.get("since"))
    since = _since(raw_since)
    found = await customer(call, name)
    base = export_dir()
    base.mkdir(parents=True, exist_ok=True)
    out = target(base, found.name, call.ctx.now)
    session = call.ctx.session
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    user = call.ev.author.user
    job = ExportJob(
        database_url=url,
        customer=found.name,
        customer_id=found.id,
        out=out,
        since=since,
        retention_days=call.ctx.services.config.retention_days_for(found.name),
        clock=call.ctx.services.clock,
        actor=call.actor,
        to=Destination.private(user.platform, call.ev.channel.id, user.id),
        key=f"export:{call.ev.event_key}",
    )
    call.ctx.audit(
        call.actor,
        "customer.exported",
        f"customer:{found.id}",
        None,
        dir=str(out),
        since=since.date().isoformat() if since else None,
    )
    # Only once the command (and its audit row) is committed; a rolled back batch
    # is handled again, and starts it then.
    event.listen(session.sync_session, "after_commit", lambda _s: job.start(), once=True)
    when = f" from {since:%Y-%m-%d}" if since else ""
    return (
        f"Exporting {found.name}{when} to {out}/ in the background; "
        "you will get the counts here when it is written."
    )
