"""A cursor for aiosqlite that costs one trip to the driver's thread per statement.

aiosqlite runs every sqlite3 call on its own thread, and SQLAlchemy's adapter
makes four calls per statement (create the cursor, execute, fetch the rows,
close), each a hand-off to that thread and back through the event loop. With
about twenty statements per question that was some eighty thread hops, and on a
busy 2-core machine each costs a scheduling round. This cursor does all four in
one function run on the driver's thread, and hands back the rows, the
description, the row count and the last row id together.

It relies on internals of SQLAlchemy's asyncio adapter and of aiosqlite;
`one_hop_connection_class` checks for them and returns None when they are not
there, and the engine then uses the stock cursor."""

from __future__ import annotations

import collections
import functools
import sqlite3
from collections.abc import Sequence
from typing import Any


@functools.cache
def one_hop_connection_class() -> type[Any] | None:
    """The adapter connection class whose cursors make one hop, or None when this
    SQLAlchemy/aiosqlite pair lacks what it builds on."""
    # Only on the releases it was written and tested against: internals can change
    # in meaning without changing name, which the attribute check below cannot see.
    import aiosqlite
    import sqlalchemy

    if not (sqlalchemy.__version__.startswith("2.1.") and aiosqlite.__version__.startswith("0.2")):
        return None
    try:
        from sqlalchemy.dialects.sqlite.aiosqlite import (
            AsyncAdapt_aiosqlite_connection,
            AsyncAdapt_aiosqlite_cursor,
        )
    except ImportError:
        return None
    from sqlalchemy.util import EMPTY_DICT

    needed = ("_execute_async", "_executemany_async", "_async_soft_close", "_rows")
    if not all(hasattr(AsyncAdapt_aiosqlite_cursor, n) for n in needed):
        return None

    class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
        __slots__ = ("_desc", "_rowcount", "_lastrowid", "_arraysize")

        def __init__(self, adapt_connection: Any) -> None:
            self._adapt_connection = adapt_connection
            self._connection = adapt_connection._connection  # aiosqlite.Connection
            self._cursor = None  # type: ignore[assignment]  # sqlite3 cursors live in one hop
            self._soft_closed_memoized = EMPTY_DICT
            self._rows = collections.deque()
            self._desc: Any = None
            self._rowcount = -1
            self._lastrowid = 0
            self._arraysize = 1

        @property
        def description(self) -> Any:
            return self._desc

        @property
        def rowcount(self) -> int:
            return self._rowcount

        @property
        def lastrowid(self) -> int:
            return self._lastrowid

        @property
        def arraysize(self) -> int:
            return self._arraysize

        @arraysize.setter
        def arraysize(self, value: int) -> None:
            self._arraysize = value

        async def _async_soft_close(self) -> None:
            return None  # the sqlite3 cursor was closed inside its hop

        async def _execute_async(self, operation: Any, parameters: Any) -> None:
            conn = self._connection
            async with self._adapt_connection._execute_mutex:
                out = await conn._execute(_run, conn._conn, operation, parameters, False)
            self._take(out)

        async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
            conn = self._connection
            async with self._adapt_connection._execute_mutex:
                out = await conn._execute(_run, conn._conn, operation, seq_of_parameters, True)
            self._take(out)

        def _take(self, out: tuple[Any, int, int | None, list[Any]]) -> None:
            self._desc, self._rowcount, lastrowid, rows = out
            self._lastrowid = lastrowid or 0
            self._rows = collections.deque(rows)

    class OneHopConnection(AsyncAdapt_aiosqlite_connection):
        __slots__ = ()
        _cursor_cls = OneHopCursor

    return OneHopConnection


def _run(
    conn: sqlite3.Connection, operation: str, parameters: Any, many: bool
) -> tuple[Any, int, int | None, list[Any]]:
    """On the driver's thread: the whole statement, start to finish."""
    cur = conn.cursor()
    try:
        if many:
            cur.executemany(operation, parameters)
        elif parameters is None:
            cur.execute(operation)
        else:
            cur.execute(operation, parameters)
        desc = cur.description
        rows: Sequence[Any] = cur.fetchall() if desc else []
        return desc, cur.rowcount, cur.lastrowid, list(rows)
    finally:
        cur.close()
