"""PostgreSQL: `message_fts_doc` (migration 0008) holds one tsvector a message, its
words and its facets, under one GIN index, so the words and the filters are one
tsquery that GIN intersects. The newest RANKED_CANDIDATES documents that match
are picked, those that meet the conditions are ranked with ts_rank, and only the
returned page gets a ts_headline."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.search import rows
from db.search.facets import Groups
from db.search.query import RANKED_CANDIDATES, Hit

# The newest messages a phrase is first looked for in: a phrase in one in forty
# of them fills the candidates there (about 10 ms to read); and the most a second
# look reads when the first found some.
PHRASE_WINDOW = 20_000
PHRASE_WINDOW_MAX = 80_000


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
    wanted = "to_tsquery('simple', :q)"
    if facets:
        params["facets"] = facets_tsquery(facets)
        wanted = f"({wanted} && CAST(:facets AS tsquery))"
    walk = _Walk(where)
    # asyncpg prepares each statement; after five runs PostgreSQL may switch to a
    # generic plan, made without the tsquery and dates, that walks a whole index
    # for a rare word (seconds). Each search gets its own plan instead (for the
    # rest of this transaction; planning costs about a millisecond).
    await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    match = f"d.doc @@ {wanted}"
    if any(len(g) > 1 for g in groups):
        match = await _phrase(session, groups, match, walk, params)
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


async def _phrase(
    session: AsyncSession,
    groups: list[tuple[str, ...]],
    match: str,
    walk: _Walk,
    params: dict[str, Any],
) -> str:
    """How to pick a phrase's candidates. GIN knows which messages hold all the
    words, not whether side by side: the document tells. The planner reckons a
    phrase as common as its words together, so for a rare phrase of common words
    it walks the newest documents and reads them all (half a second), and told
    otherwise it reads every document with the words where a common phrase is
    found among the newest few thousand. So the newest PHRASE_WINDOW documents
    are read first; if they hold enough matches, those are the candidates; if
    they hold a few, a window that many times longer (at most PHRASE_WINDOW_MAX);
    else GIN's documents with all the words, read and tested."""
    window = PHRASE_WINDOW
    while True:
        params["window"] = window
        recent = (
            (
                await session.execute(
                    text(
                        f"SELECT d.id FROM ({walk.newest('TRUE', ':window')}) d"
                        f" WHERE {match} ORDER BY d.k DESC, d.id DESC LIMIT :candidates"
                    ),
                    params,
                )
            )
            .scalars()
            .all()
        )
        if len(recent) >= params["candidates"]:
            params["recent"] = list(recent)
            return "d.id = ANY(:recent)"
        # As many rows again as the matches found so far say the rest needs.
        longer = int(window * params["candidates"] / max(len(recent), 1) * 1.3)
        if window > PHRASE_WINDOW or not recent or longer > PHRASE_WINDOW_MAX:
            break
        window = longer
    # Told twice, the planner reckons the phrase rare enough to start from GIN.
    params["all_words"] = " & ".join(w for g in groups for w in g)
    return match + " AND d.doc @@ to_tsquery('simple', :all_words)"
