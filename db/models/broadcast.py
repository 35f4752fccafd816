from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class Broadcast(Base):
    """An announcement to many customer channels: drafted with a preview, sent on
    confirm through the outbox (one row per channel, keyed `bc:<id>:<channel>`)."""

    __tablename__ = "broadcast"

    id: Mapped[int] = mapped_column(primary_key=True)
    audience: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    channels: Mapped[list[Any]] = mapped_column(default=list)  # qualified channel ids
    state: Mapped[str] = mapped_column(String(16), default="draft")  # draft | sent | cancelled
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
