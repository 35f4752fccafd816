from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class Idea(Base):
    """A customer's proposal on the idea board. `status` is set by staff with a
    public `status_note`; `status_round` counts changes, so each change's notices
    have keys of their own."""

    __tablename__ = "idea"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    status_note: Mapped[str | None] = mapped_column(Text)
    status_round: Mapped[int] = mapped_column(default=0)
    proposer_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channel.id"))
    # The message an "Add to ideas" button turned into this idea (one idea per message).
    source_message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"), unique=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
