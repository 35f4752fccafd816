from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class IdeaComment(Base):
    """The idea's discussion: comments and staff's public status notes, in order."""

    __tablename__ = "idea_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(16), default="comment")  # comment | status
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
