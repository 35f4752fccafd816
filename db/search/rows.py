"""The columns a hit shows, and turning their rows into `Hit`s."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.base import UTCDateTime
from db.search.query import Hit, message_url

SELECT = """
    SELECT m.id, m.conversation_id, cu.name, ch.qualified, m.author_name, m.created_at,
           {snippet}, m.platform_message_id, m.thread_id,
           ch.platform, ch.platform_id, ch.workspace_id
"""
JOINS = """
    JOIN conversation c ON c.id = m.conversation_id
    JOIN channel ch ON ch.id = m.channel_id
    LEFT JOIN customer cu ON cu.id = c.customer_id
"""


def hits(session: AsyncSession, rows: Any) -> list[Hit]:
    when = UTCDateTime()
    dialect = session.get_bind().dialect
    out = []
    for row in rows:
        mid, conv, cust, chan, author, created, snip, pmid, thread = row[:9]
        platform, channel_id, workspace = row[9:]
        if isinstance(created, str):
            created = datetime.fromisoformat(created)
        at = when.process_result_value(created, dialect)
        assert at is not None
        url = message_url(platform, workspace, channel_id, pmid, thread)
        out.append(Hit(mid, conv, cust, chan, author, at, snip or "", pmid, thread, url))
    return out
