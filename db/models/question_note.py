from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class QuestionNote(Base):
    """Staff-only text attached to a question: an internal note or an issue link.
    Nothing in this table is ever sent to a customer's channel."""

    __tablename__ = "question_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(16), default="note")  # note | link
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
