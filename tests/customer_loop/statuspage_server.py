"""A Statuspage-compatible summary served from 127.0.0.1 (port 0), editable by the test."""

from __future__ import annotations

from typing import Any

from aiohttp import web


def summary(incidents: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "page": {"id": "p1", "name": "Example", "url": "http://127.0.0.1/"},
        "status": {"indicator": "minor" if incidents else "none", "description": "…"},
        "components": [
            {
                "id": "c-api",
                "name": "API",
                "status": "partial_outage" if incidents else "operational",
            },
            {"id": "c-dash", "name": "Dashboard", "status": "operational"},
        ],
        "incidents": incidents or [],
    }


def incident(*updates: tuple[str, str, str], status: str = "investigating") -> dict[str, Any]:
    return {
        "id": "inc-1",
        "name": "Elevated API error rates",
        "status": status,
        "impact": "major",
        "created_at": "2026-11-24T07:50:00Z",
        "updated_at": "2026-11-24T07:55:00Z",
        "resolved_at": "2026-11-24T09:00:00Z" if status == "resolved" else None,
        "components": [{"id": "c-api", "name": "API"}],
        # Statuspage lists an incident's updates newest first.
        "incident_updates": [
            {"id": uid, "status": st, "body": body, "created_at": f"2026-11-24T07:5{i}:00Z"}
            for i, (uid, st, body) in reversed(list(enumerate(updates)))
        ],
    }


class StatusServer:
    def __init__(self) -> None:
        self.body: Any = summary()
        self.status = 200
        self.hits = 0
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def _handle(self, request: web.Request) -> web.Response:
        self.hits += 1
        if self.status != 200:
            return web.Response(status=self.status, text="nope")
        if isinstance(self.body, str):
            return web.Response(text=self.body, content_type="application/json")
        return web.json_response(self.body)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/api/v2/summary.json", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/api/v2/summary.json"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
