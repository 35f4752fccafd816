from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class Message(Base):
    """A logged message. Deleted messages keep their row (marked) so counts and
    timings stay true; their text leaves the search index."""

    __tablename__ = "message"
    __table_args__ = (UniqueConstraint("channel_id", "platform_message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"), index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"))
    platform_message_id: Mapped[str] = mapped_column(String(64))
    thread_id: Mapped[str | None] = mapped_column(String(64))
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    author_name: Mapped[str | None] = mapped_column(String(200))  # as it was when written
    author_is_staff: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str] = mapped_column(Text, default="")
    attachments: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(index=True)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]


class MessageEdit(Base):
    """The text a message had before an edit."""

    __tablename__ = "message_edit"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    previous_text: Mapped[str] = mapped_column(Text)
    edited_at: Mapped[datetime]
