"""An engine for long reads (exports) that never holds the write lock.

`db.engine.make_engine` starts every SQLite transaction with BEGIN IMMEDIATE so
writers queue up instead of failing; an export streaming a large archive through
such a transaction would hold the one write lock for its whole run and make every
adapter's ack wait. Here SQLite transactions start deferred: in WAL mode a reader
sees one consistent snapshot and writers carry on meanwhile. PostgreSQL needs
nothing special (readers never block writers)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.settings import normalise_database_url
from db.engine import is_sqlite, make_engine


def read_engine(url: str) -> AsyncEngine:
    url = normalise_database_url(url)
    if not is_sqlite(url):
        return make_engine(url, pool_size=2)
    engine = create_async_engine(url, connect_args={"timeout": 60})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" below starts them
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout=60000")
        cur.execute("PRAGMA query_only=ON")  # a read engine: a write here is a bug
        cur.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN DEFERRED")  # a snapshot at the first read

    return engine
