"""Alembic upgrade/downgrade, driven from code so `presence migrate` needs no ini file."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.settings import normalise_database_url
from db.engine import make_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalise_database_url(url).replace("%", "%%"))
    return cfg


# "heads": features add their migrations as branches off the schema they need, so
# parallel work never fights over one chain; a merge revision joins them later.
def upgrade(url: str, revision: str = "heads") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


@lru_cache(maxsize=1)
def head_revisions() -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


async def current_revisions(url: str) -> frozenset[str]:
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
            return frozenset(r[0] for r in rows)
    except DBAPIError:
        return frozenset()  # no alembic_version table yet
    finally:
        await engine.dispose()


async def upgrade_async(url: str, revision: str = "heads") -> None:
    """Upgrade, skipping Alembic altogether when the database is already current
    (every start checks; most find nothing to do)."""
    if revision == "heads" and await current_revisions(url) == head_revisions():
        return
    # env.py runs its own event loop; keep it off the caller's.
    await asyncio.to_thread(upgrade, url, revision)
