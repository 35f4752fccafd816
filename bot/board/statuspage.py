"""A Statuspage-compatible summary (`/api/v2/summary.json`) read into neutral
values; anything malformed is a ValueError with one readable line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

RESOLVED = frozenset({"resolved", "postmortem", "completed"})


@dataclass(frozen=True)
class PageComponent:
    id: str
    name: str
    status: str


@dataclass(frozen=True)
class PageUpdate:
    id: str
    status: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class PageIncident:
    id: str
    name: str
    status: str
    impact: str
    components: tuple[str, ...]
    updates: tuple[PageUpdate, ...]  # oldest first
    created_at: datetime
    resolved_at: datetime | None

    @property
    def resolved(self) -> bool:
        return self.status in RESOLVED


@dataclass(frozen=True)
class Summary:
    indicator: str
    description: str
    components: tuple[PageComponent, ...]
    incidents: tuple[PageIncident, ...]


def _when(value: Any, where: str) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"{where} must be an ISO time")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{where} is not an ISO time: {value[:40]!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _str(obj: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = obj.get(key, default)
    if value is None and default is not None:
        return default
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValueError(f"{where}.{key} must be a string")
    return str(value)


def parse_summary(data: Any) -> Summary:
    if not isinstance(data, dict):
        raise ValueError("summary must be a JSON object")
    status = data.get("status") or {}
    if not isinstance(status, dict):
        raise ValueError("summary.status must be an object")
    comps = data.get("components")
    incs = data.get("incidents")
    comps = [] if comps is None else comps
    incs = [] if incs is None else incs
    if not isinstance(comps, list) or not isinstance(incs, list):
        raise ValueError("summary.components and summary.incidents must be arrays")
    components = []
    for i, c in enumerate(comps):
        where = f"components[{i}]"
        if not isinstance(c, dict):
            raise ValueError(f"{where} must be an object")
        if c.get("group") is True:  # a group only holds other components
            continue
        components.append(
            PageComponent(
                _str(c, "id", where),
                _str(c, "name", where),
                _str(c, "status", where, "operational"),
            )
        )
    by_id = {c.id: c.name for c in components}
    incidents = []
    for i, raw in enumerate(incs):
        where = f"incidents[{i}]"
        if not isinstance(raw, dict):
            raise ValueError(f"{where} must be an object")
        updates = []
        for j, u in enumerate(raw.get("incident_updates") or []):
            uw = f"{where}.incident_updates[{j}]"
            if not isinstance(u, dict):
                raise ValueError(f"{uw} must be an object")
            updates.append(
                PageUpdate(
                    _str(u, "id", uw),
                    _str(u, "status", uw, "update"),
                    _str(u, "body", uw, ""),
                    _when(u.get("created_at"), f"{uw}.created_at"),
                )
            )
        updates.sort(key=lambda u: u.created_at)
        affected = []
        for c in raw.get("components") or []:
            if isinstance(c, dict) and (c.get("name") or by_id.get(str(c.get("id")))):
                affected.append(str(c.get("name") or by_id.get(str(c.get("id")))))
        resolved_at = raw.get("resolved_at")
        incidents.append(
            PageIncident(
                id=_str(raw, "id", where),
                name=_str(raw, "name", where),
                status=_str(raw, "status", where, "investigating"),
                impact=_str(raw, "impact", where, "minor"),
                components=tuple(affected),
                updates=tuple(updates),
                created_at=_when(raw.get("created_at"), f"{where}.created_at"),
                resolved_at=_when(resolved_at, f"{where}.resolved_at") if resolved_at else None,
            )
        )
    return Summary(
        indicator=_str(status, "indicator", "status", "none"),
        description=_str(status, "description", "status", ""),
        components=tuple(components),
        incidents=tuple(incidents),
    )
