"""SQLite: FTS5 walks the index newest first (`ORDER BY rowid DESC`) with the
words and the filters' facets in one MATCH, and stops at RANKED_CANDIDATES
matches that meet the conditions; those are ranked here (BM25's term-frequency
and length parts) with Python snippets. bm25() and snippet() would read every
match of every term: seconds for a common phrase."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.search import rows, text_match
from db.search.facets import Groups
from db.search.query import RANKED_CANDIDATES, Hit, needs_conversation


def match(groups: list[tuple[str, ...]], facets: Groups) -> str:
    """The FTS5 query: every word or phrase in the text column, every facet group
    in the facets column. Words hold no quote (query.phrases), facet values are
    digits or hex, so each is one FTS5 string and nothing else."""
    words = " AND ".join('"' + " ".join(g) + '"' for g in groups)
    out = f"text : ({words})"
    if facets:
        ors = [
            "(" + " OR ".join(f'"{f.kind}{f.value}"' for f in alternatives) + ")"
            for alternatives in facets
        ]
        out += " AND facets : (" + " AND ".join(ors) + ")"
    return out


def sqlite_time(value: datetime) -> str:
    # SQLAlchemy stores SQLite datetimes as naive UTC text in this exact form; a raw
    # text() query must compare against the same form.
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


async def search(
    session: AsyncSession,
    groups: list[tuple[str, ...]],
    facets: Groups,
    where: list[str],
    params: dict[str, Any],
    limit: int,
) -> list[Hit]:
    for key in ("since", "until"):
        if key in params:
            params[key] = sqlite_time(params[key])
    params["match"] = match(groups, facets)
    params["candidates"] = RANKED_CANDIDATES
    conversation = (
        " CROSS JOIN conversation c ON c.id = m.conversation_id"
        if needs_conversation(where)
        else ""
    )
    # CROSS JOIN keeps the FTS index the outer loop: walked newest first, it stops
    # after `candidates` matches that pass the conditions.
    found = [
        (int(mid), str(body))
        for mid, body in await session.execute(
            text(
                "SELECT m.id, m.text FROM message_fts f"
                " CROSS JOIN message m ON m.id = f.rowid"
                + conversation
                + f" WHERE message_fts MATCH :match AND {' AND '.join(where)}"
                " ORDER BY f.rowid DESC LIMIT :candidates"
            ),
            params,
        )
    ]
    if not found:
        return []
    ranked = text_match.rank(found, groups)[:limit]
    bodies = dict(found)
    ids = ", ".join(str(int(mid)) for mid in ranked)  # our own integers, not input
    shown = (
        await session.execute(
            text(
                rows.SELECT.format(snippet="''")
                + " FROM message m"
                + rows.JOINS
                + f" WHERE m.id IN ({ids})"
            )
        )
    ).all()
    order = {mid: i for i, mid in enumerate(ranked)}
    shown = sorted(shown, key=lambda r: order[r[0]])
    return [
        replace(h, snippet=text_match.snippet(bodies[h.message_id], groups))
        for h in rows.hits(session, shown)
    ]
