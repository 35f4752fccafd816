from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class IncidentLink(Base):
    """A question linked to an incident: its thread hears the incident's updates."""

    __tablename__ = "incident_link"
    __table_args__ = (UniqueConstraint("incident_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    created_at: Mapped[datetime]
