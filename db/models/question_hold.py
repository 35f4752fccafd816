from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class QuestionHold(Base):
    """A pause on a question's reminders: `snooze` until a time, or `wait` (on the
    customer) until they write again. The open hold is the one not yet released."""

    __tablename__ = "question_hold"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # snooze | wait
    until: Mapped[datetime | None]
    set_by: Mapped[str] = mapped_column(String(100))
    set_at: Mapped[datetime]
    released_at: Mapped[datetime | None]
