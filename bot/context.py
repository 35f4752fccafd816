"""The unit of work one event is handled in: one database transaction, the
services, and the verbs handlers use to speak (outbox) and to account (audit)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.outgoing import Destination, OutgoingMessage
from bot.services import Services
from db.models import AuditEntry
from db.outbox import enqueue_rows, outbox_platform, outbox_row


@dataclass
class Context:
    session: AsyncSession
    services: Services
    now: datetime
    said: int = field(default=0)

    async def say(
        self,
        key: str,
        to: Destination,
        msg: OutgoingMessage,
        *,
        purpose: str,
        question_id: int | None = None,
    ) -> None:
        await self._put(
            outbox_row(
                key=key, to=to, msg=msg, now=self.now, purpose=purpose, question_id=question_id
            )
        )

    async def edit(
        self,
        key: str,
        target_key: str,
        msg: OutgoingMessage,
        *,
        purpose: str,
        question_id: int | None = None,
    ) -> None:
        """Update the message sent under `target_key` in place (chat.update / PATCH),
        on whichever platform it went to. Nothing happens if it was never sent."""
        platform = await self._platform_of(target_key)
        if platform is None:
            return
        await self._put(
            outbox_row(
                key=key,
                to=Destination("channel", platform),
                msg=msg,
                now=self.now,
                purpose=purpose,
                question_id=question_id,
                op="update",
                target_key=target_key,
            )
        )

    async def _platform_of(self, target_key: str) -> str | None:
        return await outbox_platform(self.session, target_key)

    async def _put(self, row: dict[str, Any]) -> None:
        """Queue one outbox row; written at once here (the processor's event
        context collects them into one INSERT instead)."""
        await enqueue_rows(self.session, [row])
        self.said += 1

    def audit(
        self, actor: str, action: str, subject: str, reason: str | None = None, **detail: Any
    ) -> None:
        self.session.add(
            AuditEntry(
                at=self.now,
                actor=actor,
                action=action,
                subject=subject,
                reason=reason,
                detail=detail,
            )
        )


@dataclass
class CollectingContext(Context):
    """Collects what is said and writes it in one multi-row INSERT when the caller
    is done (`flush_said`), in the same transaction: the processor per event (a
    question says three things: one statement instead of three), the SLA sweeper
    per batch. An edit may target a row collected here and not written yet."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    async def _platform_of(self, target_key: str) -> str | None:
        mine = next((r["platform"] for r in self.rows if r["key"] == target_key), None)
        return mine if mine is not None else await super()._platform_of(target_key)

    async def _put(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        self.said += 1

    async def flush_said(self) -> None:
        rows, self.rows = self.rows, []
        await enqueue_rows(self.session, rows)
