"""Data rights for admins: export a customer's archive, forget a person, retention,
backups. The storage work lives in db/data_rights; this package holds the CLI and
the entry points other surfaces (the `/presence export` command) call."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import PresenceConfig
from db.data_rights.export import ExportSummary
from db.data_rights.export import export_customer as _export

__all__ = ["ExportSummary", "export_customer", "retention_lines"]


async def export_customer(
    session: AsyncSession,
    name: str,
    out_dir: Path,
    since: datetime | None = None,
    *,
    now: datetime,
    config: PresenceConfig | None = None,
) -> ExportSummary:
    """Write customer `name`'s archive to `out_dir` (see docs/data.md) and say what
    was written; `ExportSummary.line()` is a sentence fit for a chat reply.
    Raises UsageError for an unknown customer."""
    days = config.retention_days_for(name) if config is not None else None
    return await _export(session, name, out_dir, since, now=now, retention_days=days)


def retention_lines(config: PresenceConfig) -> list[str]:
    """How long message text is kept, per customer and by default (for `config show`)."""
    default = config.retention.default_days
    lines = [
        "retention default: "
        + (f"{default} days" if default is not None else "kept until forgotten")
    ]
    for c in config.customers:
        days = config.retention_days_for(c.name)
        where = "own limit" if c.retention_days is not None else "default"
        kept = f"{days} days" if days is not None else "kept until forgotten"
        lines.append(f"retention {c.name}: {kept} ({where})")
    return lines
