from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class StaffReply(Base):
    """A reply typed on the staff side for a customer's thread. It waits as
    `pending` until its author confirms (the first time they reply into a shared
    channel), then `sent`; a pending one is never sent by anything else."""

    __tablename__ = "staff_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending|sent|cancelled
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
