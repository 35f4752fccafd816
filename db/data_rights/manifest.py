"""The export's manifest (customer, channels, people, counts) and summary CSV."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.data_rights.metrics import SUMMARY_COLUMNS, CustomerMetrics
from db.data_rights.passes import chunks
from db.models import Channel, Person


def iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


async def people_of(session: AsyncSession, ids: dict[int, str]) -> list[dict[str, Any]]:
    out = []
    for batch in chunks(sorted(ids)):
        for p in (await session.scalars(select(Person).where(Person.id.in_(batch)))).all():
            linked = await session.get(Person, p.linked_to) if p.linked_to else None
            out.append(
                {
                    "id": p.qualified,
                    "name": p.name,
                    "email": p.email,
                    "timezone": p.timezone,
                    "is_staff": p.is_staff,
                    "is_bot": p.is_bot,
                    "linked_to": linked.qualified if linked else None,
                    "erased_at": iso(p.erased_at),
                }
            )
    return sorted(out, key=lambda p: p["id"])


async def channels_of(session: AsyncSession, customer_id: int) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(Channel.qualified, Channel.name, Channel.workspace_id)
        .where(Channel.customer_id == customer_id)
        .order_by(Channel.qualified)
    )
    return [{"id": q, "name": n, "workspace": w} for q, n, w in rows]


def write_files(out_dir: Path, manifest: dict[str, Any], metrics: CustomerMetrics) -> None:
    (out_dir / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    with (out_dir / "metrics" / "summary.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(SUMMARY_COLUMNS)
        w.writerow(metrics.row())
