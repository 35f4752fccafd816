from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class Conversation(Base):
    """One unit of talk: a platform thread, or top-level messages grouped together."""

    __tablename__ = "conversation"
    __table_args__ = (UniqueConstraint("channel_id", "root_message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"), index=True)
    root_message_id: Mapped[str] = mapped_column(String(64))  # platform id of the first message
    thread_id: Mapped[str | None] = mapped_column(String(64))  # platform thread, once one exists
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    started_at: Mapped[datetime]
    last_message_at: Mapped[datetime]
    message_count: Mapped[int] = mapped_column(default=0)
