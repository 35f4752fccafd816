from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class CsatRating(Base):
    """A satisfaction prompt sent after a resolve, and the customer's answer:
    `score` stays empty until they click (an unanswered prompt counts for cooldown)."""

    __tablename__ = "csat_rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    offered_at: Mapped[datetime] = mapped_column(index=True)
    score: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None]
