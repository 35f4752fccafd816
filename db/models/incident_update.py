from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class IncidentUpdate(Base):
    """One update of an incident; each is posted once to every linked thread
    (`external_id` keeps a polled update from being stored twice)."""

    __tablename__ = "incident_update"
    __table_args__ = (UniqueConstraint("incident_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
