"""full-text search index on message text (SQLite FTS5, PostgreSQL tsvector + GIN)

Deleted messages leave the index: their text must not be findable.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_UP = [
    # External-content FTS5: the text lives once, in `message`; the index follows it
    # through triggers. remove_diacritics 2 lets "paiva" find "päivä" as well.
    "CREATE VIRTUAL TABLE message_fts USING fts5(text, content='message', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER message_fts_ai AFTER INSERT ON message WHEN new.deleted_at IS NULL "
    "BEGIN INSERT INTO message_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER message_fts_ad AFTER DELETE ON message WHEN old.deleted_at IS NULL "
    "BEGIN INSERT INTO message_fts(message_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER message_fts_au AFTER UPDATE OF text, deleted_at ON message BEGIN "
    "INSERT INTO message_fts(message_fts, rowid, text) "
    "SELECT 'delete', old.id, old.text WHERE old.deleted_at IS NULL; "
    "INSERT INTO message_fts(rowid, text) SELECT new.id, new.text "
    "WHERE new.deleted_at IS NULL; END",
]

_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS message_fts_au",
    "DROP TRIGGER IF EXISTS message_fts_ad",
    "DROP TRIGGER IF EXISTS message_fts_ai",
    "DROP TABLE IF EXISTS message_fts",
]

_PG_UP = [
    # 'simple' keeps words as written: one channel mixes English, Finnish and Swedish,
    # and a stemmer for one language mangles the others.
    "ALTER TABLE message ADD COLUMN search tsvector GENERATED ALWAYS AS "
    "(CASE WHEN deleted_at IS NULL THEN to_tsvector('simple', text) END) STORED",
    "CREATE INDEX ix_message_search ON message USING gin (search)",
]

_PG_DOWN = [
    "DROP INDEX IF EXISTS ix_message_search",
    "ALTER TABLE message DROP COLUMN IF EXISTS search",
]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for stmt in _SQLITE_UP if sqlite else _PG_UP:
        op.execute(stmt)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for stmt in _SQLITE_DOWN if sqlite else _PG_DOWN:
        op.execute(stmt)
