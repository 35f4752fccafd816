from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class Component(Base):
    """One part of the service customers can check (API, dashboard...), declared by
    staff or read from a Statuspage summary (`external_id` set)."""

    __tablename__ = "component"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    # operational | degraded_performance | partial_outage | major_outage | under_maintenance
    status: Mapped[str] = mapped_column(String(32), default="operational")
    source: Mapped[str] = mapped_column(String(16), default="manual")  # manual | statuspage
    updated_at: Mapped[datetime]
