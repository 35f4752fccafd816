from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class Person(Base):
    """A platform user, staff or customer. `linked_to` joins one human's Slack and
    Discord identities so export and forget treat them as one."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    qualified: Mapped[str] = mapped_column(String(100), unique=True)  # "slack:U0123"
    platform: Mapped[str] = mapped_column(String(16))
    platform_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200))
    is_staff: Mapped[bool] = mapped_column(default=False)
    is_bot: Mapped[bool] = mapped_column(default=False)
    role_override: Mapped[str | None] = mapped_column(String(16))  # from config
    timezone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    linked_to: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    erased_at: Mapped[datetime | None]
    first_seen_at: Mapped[datetime]
