from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class ChatOverride(Base):
    """A setting changed from chat. The config file is the baseline applied at each
    start; these rows are applied over it afterwards, so chat changes survive
    restarts and `config show` can say which value came from where."""

    __tablename__ = "chat_override"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(250))  # "customer:Acme Oy", "sla:gold"
    key: Mapped[str] = mapped_column(String(64))  # "tier", "first_response"
    value: Mapped[dict[str, Any]]  # {"v": ...}: JSON columns want an object on every engine
    set_by: Mapped[str] = mapped_column(String(100))
    set_at: Mapped[datetime]
