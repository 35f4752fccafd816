"""staff command suite: snippets, CSAT ratings, chat overrides, notes, replies, holds

A branch off 0002 (the SLA clocks are 0003, another branch); the app upgrades to
all heads.

Revision ID: 0004
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "snippet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snippet")),
        sa.UniqueConstraint("name", name=op.f("uq_snippet_name")),
    )
    op.create_table(
        "csat_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("asker_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=True),
        sa.Column("offered_at", _TS, nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("rated_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_csat_rating_question_id_question")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_csat_rating_customer_id_customer")
        ),
        sa.ForeignKeyConstraint(
            ["asker_id"], ["person.id"], name=op.f("fk_csat_rating_asker_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["person.id"], name=op.f("fk_csat_rating_expert_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_csat_rating")),
        sa.UniqueConstraint("question_id", name=op.f("uq_csat_rating_question_id")),
    )
    op.create_index(op.f("ix_csat_rating_customer_id"), "csat_rating", ["customer_id"])
    op.create_index(op.f("ix_csat_rating_asker_id"), "csat_rating", ["asker_id"])
    op.create_index(op.f("ix_csat_rating_offered_at"), "csat_rating", ["offered_at"])
    op.create_table(
        "chat_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=250), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("set_by", sa.String(length=100), nullable=False),
        sa.Column("set_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_override")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_chat_override_scope_key")),
    )
    op.create_table(
        "question_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_question_note_question_id_question")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["person.id"], name=op.f("fk_question_note_author_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_note")),
    )
    op.create_index(op.f("ix_question_note_question_id"), "question_note", ["question_id"])
    op.create_table(
        "staff_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("sent_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_staff_reply_question_id_question")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["person.id"], name=op.f("fk_staff_reply_author_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channel.id"], name=op.f("fk_staff_reply_channel_id_channel")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_reply")),
    )
    op.create_index(op.f("ix_staff_reply_question_id"), "staff_reply", ["question_id"])
    op.create_index(op.f("ix_staff_reply_author_id"), "staff_reply", ["author_id"])
    op.create_table(
        "question_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("until", _TS, nullable=True),
        sa.Column("set_by", sa.String(length=100), nullable=False),
        sa.Column("set_at", _TS, nullable=False),
        sa.Column("released_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_question_hold_question_id_question")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_hold")),
    )
    op.create_index(op.f("ix_question_hold_question_id"), "question_hold", ["question_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_question_hold_question_id"), table_name="question_hold")
    op.drop_table("question_hold")
    op.drop_index(op.f("ix_staff_reply_author_id"), table_name="staff_reply")
    op.drop_index(op.f("ix_staff_reply_question_id"), table_name="staff_reply")
    op.drop_table("staff_reply")
    op.drop_index(op.f("ix_question_note_question_id"), table_name="question_note")
    op.drop_table("question_note")
    op.drop_table("chat_override")
    op.drop_index(op.f("ix_csat_rating_offered_at"), table_name="csat_rating")
    op.drop_index(op.f("ix_csat_rating_asker_id"), table_name="csat_rating")
    op.drop_index(op.f("ix_csat_rating_customer_id"), table_name="csat_rating")
    op.drop_table("csat_rating")
    op.drop_table("snippet")
