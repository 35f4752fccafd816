"""Who a forget request is about, and the stable pseudonym that replaces their name.

One human may have several identities (Slack and Discord) joined by `linked_to`
(config `[[people]] also = [...]`); they are forgotten together and share one
pseudonym. The pseudonym is an HMAC of the root person's id under a random key
made once per installation and kept in the database (an `installation` row of
platform "presence"), so repeated exports and forgets give the same name, and
the name reveals nothing about the id without the key."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.dialect import insert_ignoring_conflicts
from db.models import Installation, Person

KEY_PLATFORM = "presence"
KEY_WORKSPACE = "pseudonym-key"
PSEUDONYM_PREFIX = "Erased person "


async def pseudonym_key(session: AsyncSession, now: datetime) -> bytes:
    """The installation's pseudonym key, created on first use (race-safe)."""
    stmt = select(Installation.data).where(
        Installation.platform == KEY_PLATFORM, Installation.workspace_id == KEY_WORKSPACE
    )
    data = await session.scalar(stmt)
    if data is None:
        await session.execute(
            insert_ignoring_conflicts(session, Installation),
            [
                {
                    "platform": KEY_PLATFORM,
                    "workspace_id": KEY_WORKSPACE,
                    "name": "pseudonym key (data rights)",
                    "data": {"key": secrets.token_hex(32)},
                    "installed_at": now,
                }
            ],
        )
        data = await session.scalar(stmt)
    assert data is not None
    return bytes.fromhex(str(data["key"]))


def pseudonym(key: bytes, root_person_id: int) -> str:
    digest = hmac.new(key, f"person:{root_person_id}".encode(), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:10]


async def find_people(
    session: AsyncSession, *, qualified: str | None = None, email: str | None = None
) -> list[Person]:
    """The identities a request names, before following links."""
    stmt = select(Person)
    if qualified is not None:
        stmt = stmt.where(Person.qualified == qualified)
    elif email is not None:
        stmt = stmt.where(func.lower(Person.email) == email.strip().lower())
    else:
        return []
    return list((await session.scalars(stmt)).all())


async def linked_groups(session: AsyncSession, people: Sequence[Person]) -> list[list[Person]]:
    """Each named identity with every identity linked to the same human, grouped by
    the root identity (the one the others point to)."""
    groups: dict[int, dict[int, Person]] = {}
    for person in people:
        root = person
        seen = {root.id}
        while root.linked_to is not None and root.linked_to not in seen:
            parent = await session.get(Person, root.linked_to)
            if parent is None:
                break
            seen.add(parent.id)
            root = parent
        members = groups.setdefault(root.id, {root.id: root})
        frontier = [root.id]
        while frontier:
            linked = (
                await session.scalars(
                    select(Person).where(or_(*[Person.linked_to == i for i in frontier]))
                )
            ).all()
            frontier = [p.id for p in linked if p.id not in members]
            for p in linked:
                members.setdefault(p.id, p)
    return [sorted(g.values(), key=lambda p: p.id) for g in groups.values()]
