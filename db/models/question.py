from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base

OPEN_STATES = ("open", "acknowledged", "answered", "reopened")


class Question(Base):
    """A customer question and its life: state, owner, SLA due times, and why the
    owner was chosen."""

    __tablename__ = "question"
    __table_args__ = (
        Index("ix_question_state_due", "state", "next_due_at"),
        Index("ix_question_offer_due", "offer_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), unique=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    state: Mapped[str] = mapped_column(String(16), default="open")
    summary: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16), default="question")
    language: Mapped[str | None] = mapped_column(String(8))
    score: Mapped[float] = mapped_column(default=0.0)
    topic: Mapped[str | None] = mapped_column(String(64))
    topic_confidence: Mapped[float | None]
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    routing: Mapped[dict[str, Any]] = mapped_column(default=dict)  # ranked candidates + reasons
    sla: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the policy applied
    created_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    first_response_due: Mapped[datetime | None]
    resolution_due: Mapped[datetime | None]
    warn_due: Mapped[datetime | None]
    warned_at: Mapped[datetime | None]
    breached_at: Mapped[datetime | None]
    escalation_step: Mapped[int] = mapped_column(default=0)
    # The earliest instant the sweeper must look at this question again.
    next_due_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # The response clock (first response, then next response after each customer
    # follow-up). warn_due/warned_at/breached_at/escalation_step above belong to the
    # clock that is running now; they reset when a next-response clock starts.
    clock_state: Mapped[str] = mapped_column(String(16), default="running")
    response_kind: Mapped[str] = mapped_column(String(16), default="first")
    response_started_at: Mapped[datetime | None]
    next_response_due: Mapped[datetime | None]
    # Waiting on the customer: both clocks stop; what they had left is kept here.
    paused_at: Mapped[datetime | None]
    pause_reason: Mapped[str | None] = mapped_column(String(200))
    response_left_s: Mapped[float | None]
    resolution_left_s: Mapped[float | None]
    paused_s: Mapped[float] = mapped_column(default=0.0)  # business seconds paused, total
    last_customer_message_at: Mapped[datetime | None]
    last_staff_message_at: Mapped[datetime | None]
    nudged_at: Mapped[datetime | None]
    stale_closed_at: Mapped[datetime | None]
    resolution_breached_at: Mapped[datetime | None]
    breach_late: Mapped[bool] = mapped_column(default=False)
    breaches: Mapped[int] = mapped_column(default=0)
    # Measured in the policy's business time, pauses excluded.
    ttfr_s: Mapped[float | None]
    ttr_s: Mapped[float | None]
    # Routing's offer to the assignee: when it moves to the next candidate if nobody
    # took or answered it (handlers/offers.py); None when no offer is running.
    offer_due_at: Mapped[datetime | None]
