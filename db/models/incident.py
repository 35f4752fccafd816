from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class Incident(Base):
    """A service incident, opened by staff or read from a Statuspage summary. While
    it is open, new questions that match it are linked to it."""

    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(Text)
    # investigating | identified | monitoring | resolved (Statuspage's words)
    status: Mapped[str] = mapped_column(String(32), default="investigating", index=True)
    impact: Mapped[str] = mapped_column(String(16), default="minor")
    # Component names it affects; with the title, what a question is matched on.
    components: Mapped[list[Any]] = mapped_column(default=list)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    opened_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
