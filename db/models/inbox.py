from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class InboxEvent(Base):
    """Every event received, under its platform-given key. The unique key is what
    makes redeliveries harmless; `status` is what makes a crash recoverable."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|done|failed
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime]
    handled_at: Mapped[datetime | None]
