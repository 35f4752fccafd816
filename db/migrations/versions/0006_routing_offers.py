"""routing offers: the offer timeout on a question, DMs held in quiet hours

Merges the heads (0003 SLA clocks, 0004 command suite, 0005 customer loop) and adds
what routing needs on top; the app still upgrades to "heads", so a later branch
off any of them keeps working.

Revision ID: 0006
Revises: 0003, 0004, 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = ("0003", "0004", "0005")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offer_due_at", _TS, nullable=True))
        batch_op.create_index("ix_question_offer_due", ["offer_due_at"])
    op.create_table(
        "routing_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("user", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("held_at", _TS, nullable=False),
        sa.Column("release_at", _TS, nullable=False),
        sa.Column("released_at", _TS, nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_routing_hold_question_id_question")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_hold")),
    )
    op.create_index(op.f("ix_routing_hold_question_id"), "routing_hold", ["question_id"])
    op.create_index("ix_routing_hold_due", "routing_hold", ["released_at", "release_at"])


def downgrade() -> None:
    op.drop_index("ix_routing_hold_due", table_name="routing_hold")
    op.drop_index(op.f("ix_routing_hold_question_id"), table_name="routing_hold")
    op.drop_table("routing_hold")
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_index("ix_question_offer_due")
        batch_op.drop_column("offer_due_at")
