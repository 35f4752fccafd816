from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class Customer(Base):
    """A customer organisation (account) with its tier and account owner."""

    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    tier: Mapped[str] = mapped_column(String(32), default="standard")
    owner: Mapped[str | None] = mapped_column(String(100))  # qualified user id
    timezone: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8))
    triage: Mapped[bool] = mapped_column(default=True)
    # What its questions open with: a low-priority account's DMs may wait out quiet hours.
    priority: Mapped[str] = mapped_column(String(16), default="normal", server_default="normal")
    source: Mapped[str] = mapped_column(String(16), default="config")  # config | chat
    created_at: Mapped[datetime]
