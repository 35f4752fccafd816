"""The data-rights epoch: a token that changes whenever text leaves the archive
(a forget, a retention purge), written in the same transaction as the erasure.

Workers keep caches built from message text (the routing history behind "similar
past conversations", the live conversation groupers). A forget run from the CLI,
or a purge on another worker, cannot reach into their memory; instead each worker
compares this token with the one it built its caches under (one indexed read per
batch) and rebuilds them when it changed. A random token rather than a counter:
two erasures committing at once need no read-modify-write to both be seen."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.dialect import insert_ignoring_conflicts
from db.models import Installation

# An `installation` row, like the pseudonym key (db/data_rights/identity.py): no
# migration, and it travels with the database (backups, restores).
EPOCH_PLATFORM = "presence"
EPOCH_WORKSPACE = "data-rights-epoch"


async def current_epoch(session: AsyncSession) -> tuple[str, datetime | None]:
    """The token now ("" before the first erasure), and when it was set."""
    row = (
        await session.execute(
            select(Installation.data, Installation.installed_at).where(
                Installation.platform == EPOCH_PLATFORM,
                Installation.workspace_id == EPOCH_WORKSPACE,
            )
        )
    ).first()
    if row is None:
        return "", None
    at = row.installed_at
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return str((row.data or {}).get("epoch", "")), at


async def bump_epoch(session: AsyncSession, now: datetime) -> str:
    """A new token, in the caller's transaction: it is seen exactly when the erasure
    it announces is."""
    token = secrets.token_hex(8)
    await session.execute(
        insert_ignoring_conflicts(session, Installation),
        [
            {
                "platform": EPOCH_PLATFORM,
                "workspace_id": EPOCH_WORKSPACE,
                "name": "data-rights epoch (caches of erased text)",
                "data": {"epoch": ""},
                "installed_at": now,
            }
        ],
    )
    await session.execute(
        update(Installation)
        .where(
            Installation.platform == EPOCH_PLATFORM, Installation.workspace_id == EPOCH_WORKSPACE
        )
        .values(data={"epoch": token}, installed_at=now)
    )
    return token
