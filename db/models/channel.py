from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class Channel(Base):
    """A platform channel; watched ones are mapped to a customer."""

    __tablename__ = "channel"

    id: Mapped[int] = mapped_column(primary_key=True)
    qualified: Mapped[str] = mapped_column(String(100), unique=True)  # "slack:C0123"
    platform: Mapped[str] = mapped_column(String(16))
    platform_id: Mapped[str] = mapped_column(String(64))
    workspace_id: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    watched: Mapped[bool] = mapped_column(default=False)
    sensitivity: Mapped[str | None] = mapped_column(String(16))
