from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class Expert(Base):
    """A staff member who answers questions: topics, languages, hours, capacity."""

    __tablename__ = "expert"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), unique=True)
    topics: Mapped[list[Any]] = mapped_column(default=list)
    languages: Mapped[list[Any]] = mapped_column(default=list)
    timezone: Mapped[str | None] = mapped_column(String(64))
    hours: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(8))
    days_off: Mapped[list[Any]] = mapped_column(default=list)  # ISO dates
    capacity: Mapped[int] = mapped_column(default=5)
    backup: Mapped[str | None] = mapped_column(String(100))  # qualified user id
    away: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    source: Mapped[str] = mapped_column(String(16), default="config")
    updated_at: Mapped[datetime]
