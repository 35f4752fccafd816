from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class IdeaVote(Base):
    """One person's vote for one idea; the customer is the voter's organisation at
    the time, whose channels hear when the idea changes status."""

    __tablename__ = "idea_vote"
    __table_args__ = (UniqueConstraint("idea_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    created_at: Mapped[datetime]
