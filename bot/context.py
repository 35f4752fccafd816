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
from db.outbox import enqueue, outbox_platform


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
        await enqueue(
            self.session,
            key=key,
            to=to,
            msg=msg,
            now=self.now,
            purpose=purpose,
            question_id=question_id,
        )
        self.said += 1

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
        platform = await outbox_platform(self.session, target_key)
        if platform is None:
            return
        await enqueue(
            self.session,
            key=key,
            to=Destination("channel", platform),
            msg=msg,
            now=self.now,
            purpose=purpose,
            question_id=question_id,
            op="update",
            target_key=target_key,
        )
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
