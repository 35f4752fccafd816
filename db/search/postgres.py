"""PostgreSQL: `message_fts_doc` (migration 0008) holds one tsvector a message, its
words, word pairs and facets, under one GIN index, so the words, a phrase's pairs
and the filters are one tsquery that GIN intersects. The newest RANKED_CANDIDATES
documents that match are picked, those that meet the conditions are ranked with
ts_rank, and only the returned page gets a ts_headline."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.search import rows
from db.search.facets import Groups
from db.search.query import RANKED_CANDIDATES, Hit


def words_tsquery(groups: list[tuple[str, ...]]) -> str:
    # Words only (no operator characters), so to_tsquery sees lexemes and the
    # operators put here: <-> within a phrase, & between groups.
    return " & ".join("(" + " <-> ".join(g) + ")" if len(g) > 1 else g[0] for g in groups)


def facets_tsquery(facets: Groups) -> str:
    """tsquery input of quoted lexemes with a space ('k 7'), as the triggers
    write them; the values are digits or hex, so no quote can occur."""
    return " & ".join(
        "(" + " | ".join(f"'{f.kind} {f.value}'" for f in alternatives) + ")"
        for alternatives in facets
    )


class _Walk:
    """Where candidates come from and in which order, newest first. A date filter
    walks the message time index back from its end (the planner cannot know that
    the newest ids are past it); otherwise the documents' ids."""

    def __init__(self, where: list[str]) -> None:
        dates = [c for c in where if c.startswith("m.created_at")]
        if dates:
            self.source = "message m JOIN message_fts_doc d ON d.id = m.id"
            self.key = "m.created_at"
            self.where = " AND ".join(dates)
        else:
            self.source = "message_fts_doc d"
            self.key = "d.id"
            self.where = "TRUE"

    def newest(self, match: str, limit: str) -> str:
        return (
            f"SELECT d.id, d.doc, {self.key} AS k FROM {self.source}"
            f" WHERE {match} AND {self.where} ORDER BY {self.key} DESC, d.id DESC LIMIT {limit}"
        )


async def search(
    session: AsyncSession,
    groups: list[tuple[str, ...]],
    facets: Groups,
    where: list[str],
    params: dict[str, Any],
    limit: int,
) -> list[Hit]:
    params["q"] = words_tsquery(groups)
    params["candidates"] = RANKED_CANDIDATES
    params["limit"] = limit
    walk = _Walk(where)
    # asyncpg prepares each statement; after five runs PostgreSQL may switch to a
    # generic plan, made without the tsquery and dates, that walks a whole index
    # for a rare word (seconds). Each search gets its own plan instead (for the
    # rest of this transaction; planning costs about a millisecond).
    await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    if any(len(g) > 1 for g in groups):
        wanted = await _with_pairs(session, groups, params)
    else:
        wanted = "to_tsquery('simple', :q)"
    if facets:
        params["facets"] = facets_tsquery(facets)
        wanted = f"({wanted} && CAST(:facets AS tsquery))"
    match = f"d.doc @@ {wanted}"
    # The candidates are picked on the document alone: its facets carry the
    # conversation's and the questions' values, and joining those tables there
    # lets the planner count a filter twice (facet and condition), think the
    # matches rare and start from the questions. The conditions are what decide,
    # on the candidates.
    pick = walk.newest(match, ":candidates")
    conversation = " JOIN conversation c ON c.id = m.conversation_id"
    ranked = (
        "SELECT m.id, ts_rank(p.doc, to_tsquery('simple', :q)) AS score"
        f" FROM ({pick}) p JOIN message m ON m.id = p.id{conversation}"
        f" WHERE {' AND '.join(where)}"
        " ORDER BY score DESC, m.id DESC LIMIT :limit"
    )
    # The headline is cut for the page alone: ts_headline re-parses the text.
    sql = (
        rows.SELECT.format(
            snippet="ts_headline('simple', m.text, to_tsquery('simple', :q), "
            "'StartSel=*,StopSel=*,MaxWords=24,MinWords=12')"
        )
        + f" FROM ({ranked}) page JOIN message m ON m.id = page.id"
        + rows.JOINS
        + " ORDER BY page.score DESC, m.id DESC"
    )
    return rows.hits(session, (await session.execute(text(sql), params)).all())


async def _pairs(session: AsyncSession, groups: list[tuple[str, ...]]) -> dict[int, list[str]]:
    """The word pairs of each phrase ('webhook  token'), by its index in groups,
    cut by the same parser and pair function the documents were (migration
    0008), so a pair here is exactly a pair there."""
    phrases = {i: " ".join(g) for i, g in enumerate(groups) if len(g) > 1}
    sql = (
        "SELECT p.n, array_agg(pair) FROM unnest(CAST(:phrases AS text[]))"
        " WITH ORDINALITY AS p(phrase, n),"
        " unnest(tsvector_to_array(message_fts_bigrams(to_tsvector('simple', p.phrase)))) pair"
        " GROUP BY p.n"
    )
    order = list(phrases)
    found = await session.execute(text(sql), {"phrases": list(phrases.values())})
    return {order[int(n) - 1]: list(pairs) for n, pairs in found}


def _quoted(lexeme: str) -> str:
    # tsquery input: a quoted lexeme, its quotes doubled and backslashes escaped.
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


async def _with_pairs(
    session: AsyncSession, groups: list[tuple[str, ...]], params: dict[str, Any]
) -> str:
    """The tsquery that picks candidates when the query has phrases. A phrase of
    one pair is that pair: GIN finds its few messages, where with the words it
    finds every message holding both and each must be read to see whether they
    stand side by side (0.5 s for a rare phrase of two common words). A longer
    phrase is its pairs and itself (pairs can occur apart). The pair alone also
    keeps the planner right: with the words beside it, it counts the pair as
    rare as pair and words together, and reads 50,000 matches of a common one."""
    pairs = await _pairs(session, groups)
    rest = [g for i, g in enumerate(groups) if len(pairs.get(i, ())) != 1]
    lexemes = [pair for found in pairs.values() for pair in found]
    parts = []
    if rest:
        params["rest"] = words_tsquery(rest)
        parts.append("to_tsquery('simple', :rest)")
    if lexemes:
        params["pairs"] = " & ".join(_quoted(p) for p in lexemes)
        parts.append("CAST(:pairs AS tsquery)")
    return "(" + " && ".join(parts) + ")" if parts else "to_tsquery('simple', :q)"
