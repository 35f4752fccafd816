from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class Installation(Base):
    """A workspace (Slack team) or server (Discord guild) Presence is installed in."""

    __tablename__ = "installation"
    __table_args__ = (UniqueConstraint("platform", "workspace_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200))
    bot_user_id: Mapped[str | None] = mapped_column(String(64))
    # OAuth installs keep their bot token here; single-token mode leaves it empty.
    bot_token: Mapped[str | None] = mapped_column(String(512))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    installed_at: Mapped[datetime]
