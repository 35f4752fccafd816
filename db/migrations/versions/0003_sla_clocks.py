"""SLA clocks: clock state, pause, next response, stale handling, metrics

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = sa.DateTime(timezone=True)


def _columns() -> list[sa.Column[object]]:
    return [
        sa.Column("clock_state", sa.String(16), nullable=False, server_default="running"),
        sa.Column("response_kind", sa.String(16), nullable=False, server_default="first"),
        sa.Column("response_started_at", _WHEN, nullable=True),
        sa.Column("next_response_due", _WHEN, nullable=True),
        sa.Column("paused_at", _WHEN, nullable=True),
        sa.Column("pause_reason", sa.String(200), nullable=True),
        sa.Column("response_left_s", sa.Float(), nullable=True),
        sa.Column("resolution_left_s", sa.Float(), nullable=True),
        sa.Column("paused_s", sa.Float(), nullable=False, server_default="0"),
        sa.Column("last_customer_message_at", _WHEN, nullable=True),
        sa.Column("last_staff_message_at", _WHEN, nullable=True),
        sa.Column("nudged_at", _WHEN, nullable=True),
        sa.Column("stale_closed_at", _WHEN, nullable=True),
        sa.Column("resolution_breached_at", _WHEN, nullable=True),
        sa.Column("breach_late", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("breaches", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("ttfr_s", sa.Float(), nullable=True),
        sa.Column("ttr_s", sa.Float(), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("question", schema=None) as batch_op:
        for column in _columns():
            batch_op.add_column(column)
    # Questions already answered before this migration have no response clock running.
    op.execute("UPDATE question SET clock_state = 'met' WHERE first_response_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("question", schema=None) as batch_op:
        for column in reversed(_columns()):
            batch_op.drop_column(column.name)
