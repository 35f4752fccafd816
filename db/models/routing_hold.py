from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class RoutingHold(Base):
    """An expert's DM about a question, held back (quiet hours, or the low-priority
    batching window) until `release_at`. The sweeper claims due rows and sends one
    DM per expert for all of them; `released_at` marks a row done, so a held DM is
    delivered once however many sweepers run. No text is kept here: the DM is built
    from the question when it goes out."""

    __tablename__ = "routing_hold"
    __table_args__ = (Index("ix_routing_hold_due", "released_at", "release_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    user: Mapped[str] = mapped_column(String(100))  # the expert's qualified id
    key: Mapped[str] = mapped_column(String(200))  # the DM's outbox key when sent alone
    reason: Mapped[str] = mapped_column(String(16))  # quiet | batch
    held_at: Mapped[datetime]
    release_at: Mapped[datetime]
    released_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(16))  # sent | digest | dropped | moved
