"""Engine and session setup for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.settings import normalise_database_url
from db import write_turns
from db.sqlite_cursor import one_hop_connection_class


def is_sqlite(url_or_engine: str | AsyncEngine) -> bool:
    if isinstance(url_or_engine, AsyncEngine):
        return url_or_engine.dialect.name == "sqlite"
    return make_url(normalise_database_url(url_or_engine)).get_backend_name() == "sqlite"


def make_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    url = normalise_database_url(url)
    if is_sqlite(url):
        return _sqlite_engine(url)
    return create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def _sqlite_engine(url: str) -> AsyncEngine:
    engine = create_async_engine(url, connect_args={"timeout": 60})
    one_hop = one_hop_connection_class()

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        if one_hop is not None and type(dbapi_conn) is one_hop.__base__:
            # Same layout, cursors that run a statement in one trip to the driver's
            # thread instead of four (db/sqlite_cursor.py).
            dbapi_conn.__class__ = one_hop
        # Let SQLAlchemy, not the driver, decide when transactions begin, so that
        # the "begin" hook below can take the write lock up front.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    # A deferred transaction that later upgrades to a writer fails at once with
    # SQLITE_BUSY when another writer holds the lock (the busy timeout does not
    # apply to upgrades). Taking the lock at BEGIN makes writers wait their turn,
    # first on the process's own lock (db/write_turns.py), then on SQLite's.
    write_turns.install(engine, "BEGIN IMMEDIATE")

    return engine


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
