"""customer loop: idea board (ideas, votes, comments), service status (components,
incidents, their updates and linked questions), broadcasts

A branch off 0002 (0003 and 0004 are branches too); the app upgrades to all heads.

Revision ID: 0005
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "broadcast",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("sent_at", _TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast")),
    )
    op.create_table(
        "component",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_component")),
        sa.UniqueConstraint("external_id", name=op.f("uq_component_external_id")),
        sa.UniqueConstraint("name", name=op.f("uq_component_name")),
    )
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("impact", sa.String(length=16), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("opened_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("resolved_at", _TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
        sa.UniqueConstraint("external_id", name=op.f("uq_incident_external_id")),
    )
    op.create_index(op.f("ix_incident_status"), "incident", ["status"], unique=False)
    op.create_table(
        "incident_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_incident_update_incident_id_incident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_update")),
        sa.UniqueConstraint(
            "incident_id", "external_id", name=op.f("uq_incident_update_incident_id_external_id")
        ),
    )
    op.create_index(
        op.f("ix_incident_update_incident_id"), "incident_update", ["incident_id"], unique=False
    )
    op.create_table(
        "idea",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_note", sa.Text(), nullable=True),
        sa.Column("status_round", sa.Integer(), nullable=False),
        sa.Column("proposer_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.Integer(), nullable=True),
        sa.Column("source_message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channel.id"], name=op.f("fk_idea_channel_id_channel")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_idea_customer_id_customer")
        ),
        sa.ForeignKeyConstraint(
            ["proposer_id"], ["person.id"], name=op.f("fk_idea_proposer_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["source_message_id"], ["message.id"], name=op.f("fk_idea_source_message_id_message")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea")),
        sa.UniqueConstraint("source_message_id", name=op.f("uq_idea_source_message_id")),
    )
    op.create_index(op.f("ix_idea_customer_id"), "idea", ["customer_id"], unique=False)
    op.create_index(op.f("ix_idea_proposer_id"), "idea", ["proposer_id"], unique=False)
    op.create_index(op.f("ix_idea_status"), "idea", ["status"], unique=False)
    op.create_table(
        "idea_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["person.id"], name=op.f("fk_idea_comment_author_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["idea.id"], name=op.f("fk_idea_comment_idea_id_idea")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_comment")),
    )
    op.create_index(op.f("ix_idea_comment_idea_id"), "idea_comment", ["idea_id"], unique=False)
    op.create_table(
        "idea_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_idea_vote_customer_id_customer")
        ),
        sa.ForeignKeyConstraint(["idea_id"], ["idea.id"], name=op.f("fk_idea_vote_idea_id_idea")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_idea_vote_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_vote")),
        sa.UniqueConstraint("idea_id", "person_id", name=op.f("uq_idea_vote_idea_id_person_id")),
    )
    op.create_index(op.f("ix_idea_vote_customer_id"), "idea_vote", ["customer_id"], unique=False)
    op.create_index(op.f("ix_idea_vote_idea_id"), "idea_vote", ["idea_id"], unique=False)
    op.create_index(op.f("ix_idea_vote_person_id"), "idea_vote", ["person_id"], unique=False)
    op.create_table(
        "incident_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_incident_link_incident_id_incident")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_incident_link_question_id_question")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_link")),
        sa.UniqueConstraint(
            "incident_id", "question_id", name=op.f("uq_incident_link_incident_id_question_id")
        ),
    )
    op.create_index(
        op.f("ix_incident_link_incident_id"), "incident_link", ["incident_id"], unique=False
    )
    op.create_index(
        op.f("ix_incident_link_question_id"), "incident_link", ["question_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_incident_link_question_id"), table_name="incident_link")
    op.drop_index(op.f("ix_incident_link_incident_id"), table_name="incident_link")
    op.drop_table("incident_link")
    op.drop_index(op.f("ix_idea_vote_person_id"), table_name="idea_vote")
    op.drop_index(op.f("ix_idea_vote_idea_id"), table_name="idea_vote")
    op.drop_index(op.f("ix_idea_vote_customer_id"), table_name="idea_vote")
    op.drop_table("idea_vote")
    op.drop_index(op.f("ix_idea_comment_idea_id"), table_name="idea_comment")
    op.drop_table("idea_comment")
    op.drop_index(op.f("ix_idea_status"), table_name="idea")
    op.drop_index(op.f("ix_idea_proposer_id"), table_name="idea")
    op.drop_index(op.f("ix_idea_customer_id"), table_name="idea")
    op.drop_table("idea")
    op.drop_index(op.f("ix_incident_update_incident_id"), table_name="incident_update")
    op.drop_table("incident_update")
    op.drop_index(op.f("ix_incident_status"), table_name="incident")
    op.drop_table("incident")
    op.drop_table("component")
    op.drop_table("broadcast")
