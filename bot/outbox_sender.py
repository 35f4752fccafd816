"""Sends outbox rows through the platforms, with retries and backoff.

A row is claimed (status 'sending', with a lease) and committed before the
platform call, then marked sent with the platform's message id. The row's key
goes to the platform as an idempotency key, so the one unsafe moment — a crash
after the platform posted but before the row was marked — does not post twice."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.outgoing import destination_from_dict, message_from_dict
from bot.ports import ChatPlatform, SendError
from bot.refs import MessageRef
from bot.tasks import RoundLoop
from db.models import OutboxMessage
from db.outbox import claim_due, next_due, release_sending, target_states

log = logging.getLogger(__name__)

MAX_BACKOFF = 300.0


def backoff_seconds(attempts: int, retry_after: float | None) -> float:
    if retry_after is not None:
        return max(0.0, retry_after)
    base: float = min(MAX_BACKOFF, 2.0 ** min(attempts, 12))
    return float(base * (0.5 + random.random() / 2))


class _Outcome:
    __slots__ = ("error", "ref", "retry_in", "dead", "wait_for_target")

    def __init__(self) -> None:
        self.ref: MessageRef | None = None
        self.error: str | None = None
        self.retry_in: float | None = None
        self.dead = False
        self.wait_for_target = False


class OutboxSender:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        platforms: Mapping[str, ChatPlatform],
        clock: Clock,
        *,
        concurrency: int = 4,
        batch_size: int = 50,
        lease: timedelta = timedelta(seconds=60),
        poll_interval: float = 1.0,
        release_on_start: bool = False,
    ):
        self._sessions = sessions
        self._platforms = platforms
        self._clock = clock
        self._concurrency = asyncio.Semaphore(concurrency)
        self._batch_size = batch_size
        self._lease = lease
        self._poll = poll_interval
        self._release_on_start = release_on_start
        self._loop = RoundLoop("outbox", self._round, self._sleep_for, log=log)
        self._released = False
        self._warned_platforms: set[str] = set()
        self.sent = 0
        self.failed = 0

    def wake(self) -> None:
        self._loop.wake()

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def _round(self) -> bool:
        if self._release_on_start and not self._released:
            async with self._sessions.begin() as session:
                released = await release_sending(session)
            self._released = True
            if released:
                log.info("outbox: %d message(s) interrupted mid-send will be retried", released)
        return await self.send_due()

    async def _sleep_for(self) -> float:
        try:
            async with self._sessions() as session:
                due = await next_due(session)
        except Exception:
            return self._poll
        if due is None:
            return self._poll
        wait = (due - self._clock.now()).total_seconds()
        return max(0.01, min(self._poll, wait))

    async def send_due(self) -> bool:
        """One round: claim due rows, send them, record the outcomes. True if any."""
        now = self._clock.now()
        async with self._sessions.begin() as session:
            rows = await claim_due(session, now, limit=self._batch_size, lease=self._lease)
            claimed = [_Claim.of(row) for row in rows]
            targets = await target_states(session, [c.target_key for c in claimed if c.target_key])
        if not claimed:
            return False
        found: dict[int, _Outcome] = {}

        async def run_lane(lane: list[_Claim]) -> None:
            for claim in lane:
                found[claim.id] = await self._attempt(claim, targets)

        await asyncio.gather(*(run_lane(lane) for lane in _lanes(claimed)))
        await self._record(claimed, [found[c.id] for c in claimed])
        return True

    async def _attempt(
        self, claim: _Claim, targets: Mapping[str, tuple[str, dict[str, Any] | None]]
    ) -> _Outcome:
        out = _Outcome()
        platform = self._platforms.get(claim.platform)
        if platform is None:
            if claim.platform not in self._warned_platforms:
                self._warned_platforms.add(claim.platform)
                log.warning(
                    "outbox: platform %r is not connected; its messages wait until it is",
                    claim.platform,
                )
            out.retry_in = 60.0
            out.error = f"platform {claim.platform} not connected"
            return out
        async with self._concurrency:
            try:
                if claim.op == "update":
                    status, target = targets.get(claim.target_key or "", ("missing", None))
                    if status in ("pending", "sending"):
                        out.wait_for_target = True
                        return out
                    if target is None:
                        out.dead = True
                        out.error = f"nothing to update: {claim.target_key} is {status}"
                        return out
                    ref = MessageRef(**target)
                    await platform.update(ref, message_from_dict(claim.message))
                    out.ref = ref
                elif claim.op == "react":
                    ref = MessageRef(**claim.destination["ref"])
                    await platform.react(ref, claim.message["text"])
                    out.ref = ref
                else:
                    out.ref = await platform.send(
                        destination_from_dict(claim.destination),
                        message_from_dict(claim.message),
                        idempotency_key=claim.key,
                        resend=claim.attempts > 1,
                    )
            except SendError as e:
                out.error = e.reason
                if e.retryable:
                    out.retry_in = backoff_seconds(claim.attempts, e.retry_after)
                else:
                    out.dead = True
            except Exception as e:  # a bug or an unexpected library error: retry later
                log.exception("outbox: unexpected error sending %s", claim.key)
                out.error = f"{type(e).__name__}: {e}"[:500]
                out.retry_in = backoff_seconds(claim.attempts, None)
        return out

    async def _record(self, claims: list[_Claim], outcomes: list[_Outcome]) -> None:
        now = self._clock.now()
        async with self._sessions.begin() as session:
            ids = [c.id for c in claims]
            rows = {
                r.id: r
                for r in await session.scalars(
                    select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                )
            }
            for claim, out in zip(claims, outcomes, strict=True):
                row = rows.get(claim.id)
                if row is None:
                    continue
                if out.wait_for_target:
                    # The message to edit is not out yet; not a failed attempt.
                    row.status, row.claimed_at = "pending", None
                    row.attempts = max(0, row.attempts - 1)
                    row.next_attempt_at = now + timedelta(seconds=0.2)
                elif out.ref is not None and out.error is None:
                    row.status, row.sent_at = "sent", now
                    row.sent_ref = _ref_dict(out.ref)
                    row.last_error = None
                    self.sent += 1
                elif out.dead:
                    row.status, row.last_error = "dead", out.error
                    self.failed += 1
                    log.error("outbox: giving up on %s (%s): %s", row.key, row.purpose, out.error)
                else:
                    row.status, row.claimed_at = "pending", None
                    row.last_error = out.error
                    row.next_attempt_at = now + timedelta(seconds=out.retry_in or 1.0)
                    log.info(
                        "outbox: %s will be retried in %.1fs (%s)",
                        row.key,
                        out.retry_in or 1.0,
                        out.error,
                    )


class _Claim:
    """What a send needs from a row, read inside the claiming transaction so the
    platform call happens with no database connection held."""

    __slots__ = ("id", "key", "platform", "op", "destination", "message", "target_key", "attempts")

    def __init__(self, row: OutboxMessage):
        self.id = row.id
        self.key = row.key
        self.platform = row.platform
        self.op = row.op
        self.destination = row.destination
        self.message = row.message
        self.target_key = row.target_key
        self.attempts = row.attempts

    @classmethod
    def of(cls, row: OutboxMessage) -> _Claim:
        return cls(row)


def _lanes(claims: list[_Claim]) -> list[list[_Claim]]:
    """Claims grouped so that messages posted into one thread, or answering one
    command, go out one after another in the order they were queued (an incident's
    update before its resolution, a command's "started" before its "done"); all else
    in parallel. Top-level posts (triage cards, DMs) are separate items whose order
    readers do not follow, and serialising them would make one busy triage channel
    the pace of every round; edits and reactions target one message each."""
    lanes: dict[tuple[Any, ...], list[_Claim]] = {}
    alone: list[list[_Claim]] = []
    for claim in claims:  # claimed in id order, the order they were queued
        d = claim.destination
        if claim.op != "send" or d.get("kind") not in ("thread", "reply"):
            alone.append([claim])
            continue
        place = (
            claim.platform,
            d.get("kind"),
            d.get("channel_id"),
            d.get("thread_id"),
            d.get("user_id"),
            d.get("handle"),
        )
        lanes.setdefault(place, []).append(claim)
    return [*lanes.values(), *alone]


def _ref_dict(ref: MessageRef) -> dict[str, Any]:
    return {
        "platform": ref.platform,
        "channel_id": ref.channel_id,
        "message_id": ref.message_id,
        "thread_id": ref.thread_id,
    }
