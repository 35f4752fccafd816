"""search facets: the values search filters by, indexed beside the words

A filter (customer, channel, author, expert, topic, status, a customer's resolved
scope, a date range) becomes more terms of the full-text query, so the index
intersects them with the words and a search never walks the matches of a common
word testing each against the conversation and its questions. The SQL conditions
stay on the candidates: the facet terms only narrow, they decide nothing alone.

SQLite: `message_fts` gets a second column, `facets`, whose text (`k7 h14 a1234
d20250131 m202501 y2025 s<hex state> t<hex topic> x<assignee id>`) is kept in
`message_fts_facets` so a delete can hand FTS5 the values it indexed; the external
content is the view `message_fts_content`. PostgreSQL: `message_fts_doc` holds
one tsvector a message, its words (the generated `message.search` of 0002 goes),
its word pairs (`'webhook  token'`, for phrases) and its facets (`'k 7'`; the
text parser never makes a lexeme with a space), under one GIN index; a
question's change rewrites these small rows, not the messages.

Triggers keep the facets true when a message is written or deleted, when a
question is added, removed or changes state, topic or assignee, and when a
conversation changes customer or channel.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sqlite_facets(m: str) -> str:
    """The facet text of message row `m` (a trigger's new/old or a table alias)."""
    day = f"replace(substr({m}.created_at, 1, 10), '-', '')"
    questions = (
        "SELECT group_concat('s' || hex(q.state)"
        " || CASE WHEN q.topic IS NULL THEN '' ELSE ' t' || hex(q.topic) END"
        " || CASE WHEN q.assignee_id IS NULL THEN '' ELSE ' x' || q.assignee_id END, ' ')"
        f" FROM question q WHERE q.conversation_id = {m}.conversation_id"
    )
    return (
        "ifnull((SELECT 'k' || ifnull(c.customer_id, 0) || ' h' || c.channel_id"
        f" FROM conversation c WHERE c.id = {m}.conversation_id), '')"
        f" || ' a' || {m}.author_id || ' d' || {day} || ' m' || substr({day}, 1, 6)"
        f" || ' y' || substr({day}, 1, 4) || ifnull(' ' || ({questions}), '')"
    )


def _sqlite_reindex(conversation: str) -> list[str]:
    """Statements that re-index the messages of one conversation."""
    rows = (
        " FROM message m JOIN message_fts_facets f ON f.id = m.id"
        f" WHERE m.conversation_id = {conversation}"
    )
    return [
        "INSERT INTO message_fts(message_fts, rowid, text, facets)"
        " SELECT 'delete', m.id, m.text, f.facets" + rows + ";",
        "UPDATE message_fts_facets SET facets = (SELECT "
        + _sqlite_facets("m")
        + " FROM message m WHERE m.id = message_fts_facets.id)"
        f" WHERE id IN (SELECT id FROM message WHERE conversation_id = {conversation});",
        "INSERT INTO message_fts(rowid, text, facets) SELECT m.id, m.text, f.facets" + rows + ";",
    ]


def _sqlite_index(m: str) -> list[str]:
    return [
        f"INSERT INTO message_fts_facets(id, facets) SELECT {m}.id, {_sqlite_facets(m)}"
        f" WHERE {m}.deleted_at IS NULL;",
        f"INSERT INTO message_fts(rowid, text, facets) SELECT {m}.id, {m}.text, facets"
        f" FROM message_fts_facets WHERE id = {m}.id;",
    ]


def _sqlite_unindex(m: str) -> list[str]:
    # What was indexed is exactly what message_fts_facets holds a row for.
    return [
        "INSERT INTO message_fts(message_fts, rowid, text, facets)"
        f" SELECT 'delete', {m}.id, {m}.text, facets FROM message_fts_facets WHERE id = {m}.id;",
        f"DELETE FROM message_fts_facets WHERE id = {m}.id;",
    ]


def _trigger(name: str, when: str, body: list[str]) -> str:
    return f"CREATE TRIGGER {name} {when} BEGIN " + " ".join(body) + " END"


_QUESTION_CHANGED = (
    "old.conversation_id IS NOT new.conversation_id OR old.state IS NOT new.state"
    " OR old.topic IS NOT new.topic OR old.assignee_id IS NOT new.assignee_id"
)

_SQLITE_UP = [
    "DROP TRIGGER IF EXISTS message_fts_au",
    "DROP TRIGGER IF EXISTS message_fts_ad",
    "DROP TRIGGER IF EXISTS message_fts_ai",
    "DROP TABLE IF EXISTS message_fts",
    "CREATE TABLE message_fts_facets (id INTEGER PRIMARY KEY, facets TEXT NOT NULL)",
    "CREATE VIEW message_fts_content AS SELECT m.id, m.text, f.facets"
    " FROM message m JOIN message_fts_facets f ON f.id = m.id",
    "CREATE VIRTUAL TABLE message_fts USING fts5(text, facets, content='message_fts_content',"
    " content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO message_fts_facets(id, facets) SELECT m.id, "
    + _sqlite_facets("m")
    + " FROM message m WHERE m.deleted_at IS NULL",
    "INSERT INTO message_fts(message_fts) VALUES ('rebuild')",
    _trigger("message_fts_ai", "AFTER INSERT ON message", _sqlite_index("new")),
    _trigger("message_fts_ad", "AFTER DELETE ON message", _sqlite_unindex("old")),
    _trigger(
        "message_fts_au",
        "AFTER UPDATE OF text, deleted_at, conversation_id, author_id, created_at ON message",
        _sqlite_unindex("old") + _sqlite_index("new"),
    ),
    _trigger(
        "message_fts_question_ai",
        "AFTER INSERT ON question",
        _sqlite_reindex("new.conversation_id"),
    ),
    _trigger(
        "message_fts_question_ad",
        "AFTER DELETE ON question",
        _sqlite_reindex("old.conversation_id"),
    ),
    _trigger(
        "message_fts_question_au",
        "AFTER UPDATE OF conversation_id, state, topic, assignee_id ON question"
        f" WHEN {_QUESTION_CHANGED}",
        _sqlite_reindex("old.conversation_id") + _sqlite_reindex("new.conversation_id"),
    ),
    _trigger(
        "message_fts_conversation_au",
        "AFTER UPDATE OF customer_id, channel_id ON conversation WHEN"
        " old.customer_id IS NOT new.customer_id OR old.channel_id IS NOT new.channel_id",
        _sqlite_reindex("new.id"),
    ),
]

_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS message_fts_conversation_au",
    "DROP TRIGGER IF EXISTS message_fts_question_au",
    "DROP TRIGGER IF EXISTS message_fts_question_ad",
    "DROP TRIGGER IF EXISTS message_fts_question_ai",
    "DROP TRIGGER IF EXISTS message_fts_au",
    "DROP TRIGGER IF EXISTS message_fts_ad",
    "DROP TRIGGER IF EXISTS message_fts_ai",
    "DROP TABLE IF EXISTS message_fts",
    "DROP VIEW IF EXISTS message_fts_content",
    "DROP TABLE IF EXISTS message_fts_facets",
    # As migration 0002 left it.
    "CREATE VIRTUAL TABLE message_fts USING fts5(text, content='message', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO message_fts(rowid, text) SELECT id, text FROM message WHERE deleted_at IS NULL",
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

# The facet lexemes hold a space: the text parser never makes one, so no word a
# person writes can be mistaken for a facet. The document lives in its own small
# table: a question's change rewrites those rows, not the messages (whose six
# indexes an update would each touch).
# Word pairs, as two lexemes with two spaces between ('webhook  token'): GIN
# then finds a phrase by its pairs, where it otherwise finds every message with
# the words and reads each to see whether they stand side by side.
_PG_BIGRAMS = """
CREATE FUNCTION message_fts_bigrams(words tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE AS $$
SELECT array_to_tsvector(coalesce(array_agg(DISTINCT a.lexeme || '  ' || b.lexeme), '{}'))
FROM unnest(words) a, unnest(a.positions) pa, unnest(words) b, unnest(b.positions) pb
WHERE pb = pa + 1
$$
"""

_PG_DOC_OF = """
CREATE FUNCTION message_fts_doc_of(body text, conv integer, author integer, created timestamptz)
RETURNS tsvector LANGUAGE sql STABLE AS $$
SELECT words || message_fts_bigrams(words) || array_to_tsvector(
    ARRAY['a ' || author, 'd ' || day, 'm ' || left(day, 6), 'y ' || left(day, 4)]
    || coalesce((SELECT ARRAY['k ' || coalesce(c.customer_id, 0), 'h ' || c.channel_id]
        FROM conversation c WHERE c.id = conv), '{}')
    || coalesce((SELECT array_agg(f) FROM question q, LATERAL unnest(ARRAY[
            's ' || encode(convert_to(q.state, 'UTF8'), 'hex'),
            't ' || encode(convert_to(q.topic, 'UTF8'), 'hex'),
            'x ' || q.assignee_id]) f
        WHERE q.conversation_id = conv AND f IS NOT NULL), '{}'))
FROM to_tsvector('simple', body) words, to_char(created AT TIME ZONE 'UTC', 'YYYYMMDD') day
$$
"""

_PG_REINDEX = """
CREATE FUNCTION message_fts_reindex(conv integer[]) RETURNS void LANGUAGE sql AS $$
UPDATE message_fts_doc d
SET doc = message_fts_doc_of(m.text, m.conversation_id, m.author_id, m.created_at)
FROM message m WHERE m.id = d.id AND m.conversation_id = ANY(conv)
$$
"""

# A deleted message has no document: its words leave the index. Inserts are
# taken a statement at a time (a batch of messages or questions is one INSERT
# into the documents, one UPDATE of them), changes a row at a time.
_PG_MESSAGE_INSERTED = """
CREATE FUNCTION message_fts_messages_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO message_fts_doc (id, doc)
    SELECT id, message_fts_doc_of(text, conversation_id, author_id, created_at)
    FROM new_rows WHERE deleted_at IS NULL;
    RETURN NULL;
END
$$
"""

_PG_MESSAGE_ROW = """
CREATE FUNCTION message_fts_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM message_fts_doc WHERE id = OLD.id;
    IF TG_OP = 'UPDATE' AND NEW.deleted_at IS NULL THEN
        INSERT INTO message_fts_doc (id, doc) VALUES (NEW.id,
            message_fts_doc_of(NEW.text, NEW.conversation_id, NEW.author_id, NEW.created_at));
    END IF;
    RETURN NULL;
END
$$
"""

_PG_QUESTIONS_INSERTED = """
CREATE FUNCTION message_fts_questions_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM message_fts_reindex(ARRAY(SELECT DISTINCT conversation_id FROM new_rows));
    RETURN NULL;
END
$$
"""

_PG_QUESTION_ROW = """
CREATE FUNCTION message_fts_question() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM message_fts_reindex(ARRAY[OLD.conversation_id, NEW.conversation_id]);
    ELSE
        PERFORM message_fts_reindex(ARRAY[OLD.conversation_id]);
    END IF;
    RETURN NULL;
END
$$
"""

_PG_CONVERSATION_ROW = """
CREATE FUNCTION message_fts_conversation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM message_fts_reindex(ARRAY[NEW.id]);
    RETURN NULL;
END
$$
"""

_PG_UP = [
    # message.search (0002) gives way to the document below, which holds its words.
    "ALTER TABLE message DROP COLUMN IF EXISTS search",
    # No foreign key: the triggers keep it in step, and a key would cost every
    # insert a lookup.
    "CREATE TABLE message_fts_doc (id integer PRIMARY KEY, doc tsvector NOT NULL)",
    _PG_BIGRAMS,
    _PG_DOC_OF,
    _PG_REINDEX,
    _PG_MESSAGE_INSERTED,
    _PG_MESSAGE_ROW,
    _PG_QUESTIONS_INSERTED,
    _PG_QUESTION_ROW,
    _PG_CONVERSATION_ROW,
    "INSERT INTO message_fts_doc (id, doc) SELECT id,"
    " message_fts_doc_of(text, conversation_id, author_id, created_at)"
    " FROM message WHERE deleted_at IS NULL",
    "CREATE INDEX message_fts_doc_gin ON message_fts_doc USING gin (doc)",
    "CREATE TRIGGER message_fts_messages_inserted AFTER INSERT ON message"
    " REFERENCING NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION message_fts_messages_inserted()",
    "CREATE TRIGGER message_fts_message AFTER DELETE OR UPDATE OF text, deleted_at,"
    " conversation_id, author_id, created_at ON message"
    " FOR EACH ROW EXECUTE FUNCTION message_fts_message()",
    "CREATE TRIGGER message_fts_questions_inserted AFTER INSERT ON question"
    " REFERENCING NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION message_fts_questions_inserted()",
    "CREATE TRIGGER message_fts_question_del AFTER DELETE ON question"
    " FOR EACH ROW EXECUTE FUNCTION message_fts_question()",
    "CREATE TRIGGER message_fts_question_upd AFTER UPDATE OF conversation_id, state, topic,"
    " assignee_id ON question FOR EACH ROW WHEN ("
    "OLD.conversation_id IS DISTINCT FROM NEW.conversation_id"
    " OR OLD.state IS DISTINCT FROM NEW.state OR OLD.topic IS DISTINCT FROM NEW.topic"
    " OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id)"
    " EXECUTE FUNCTION message_fts_question()",
    "CREATE TRIGGER message_fts_conversation AFTER UPDATE OF customer_id, channel_id"
    " ON conversation FOR EACH ROW WHEN (OLD.customer_id IS DISTINCT FROM NEW.customer_id"
    " OR OLD.channel_id IS DISTINCT FROM NEW.channel_id)"
    " EXECUTE FUNCTION message_fts_conversation()",
]

_PG_DOWN = [
    "DROP TRIGGER IF EXISTS message_fts_conversation ON conversation",
    "DROP TRIGGER IF EXISTS message_fts_question_upd ON question",
    "DROP TRIGGER IF EXISTS message_fts_question_del ON question",
    "DROP TRIGGER IF EXISTS message_fts_questions_inserted ON question",
    "DROP TRIGGER IF EXISTS message_fts_message ON message",
    "DROP TRIGGER IF EXISTS message_fts_messages_inserted ON message",
    "DROP FUNCTION IF EXISTS message_fts_conversation()",
    "DROP FUNCTION IF EXISTS message_fts_question()",
    "DROP FUNCTION IF EXISTS message_fts_questions_inserted()",
    "DROP FUNCTION IF EXISTS message_fts_message()",
    "DROP FUNCTION IF EXISTS message_fts_messages_inserted()",
    "DROP FUNCTION IF EXISTS message_fts_reindex(integer[])",
    "DROP FUNCTION IF EXISTS message_fts_doc_of(text, integer, integer, timestamptz)",
    "DROP FUNCTION IF EXISTS message_fts_bigrams(tsvector)",
    "DROP TABLE IF EXISTS message_fts_doc",
    # As migration 0002 left it.
    "ALTER TABLE message ADD COLUMN search tsvector GENERATED ALWAYS AS "
    "(CASE WHEN deleted_at IS NULL THEN to_tsvector('simple', text) END) STORED",
    "CREATE INDEX ix_message_search ON message USING gin (search)",
]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for stmt in _SQLITE_UP if sqlite else _PG_UP:
        op.execute(stmt)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for stmt in _SQLITE_DOWN if sqlite else _PG_DOWN:
        op.execute(stmt)
