from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class OutboxMessage(Base):
    """Something Presence will say on a platform. Written in the same transaction as
    the change that caused it, sent later with retries; `key` makes it idempotent."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    op: Mapped[str] = mapped_column(String(16), default="send")  # send | update | react
    destination: Mapped[dict[str, Any]]
    message: Mapped[dict[str, Any]]
    # For "update": the key of the outbox row whose sent message is edited in place.
    target_key: Mapped[str | None] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(32), default="")  # expert_dm, triage, ack, ...
    question_id: Mapped[int | None] = mapped_column(index=True)
    # pending | sending | sent | dead (cannot succeed; kept so nothing is lost)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    sent_ref: Mapped[dict[str, Any] | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
