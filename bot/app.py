"""The running Presence: storage, ingest, processing, the outbox, the sweeper and
the platform adapters, wired explicitly in one place."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock, SystemClock
from bot.config import PresenceConfig
from bot.ingest import Ingest
from bot.outbox_sender import OutboxSender
from bot.ports import EventSink, PlatformAdapter
from bot.processor import Processor
from bot.routing.history import ResolvedHistory
from bot.routing.topics import TopicModel
from bot.services import QuestionDetector, Services
from bot.settings import Settings
from db.engine import is_sqlite, make_engine, make_sessionmaker
from db.inbox import pending_count
from db.migrate import upgrade_async
from db.models import Person, Question
from db.outbox import outbox_busy
from db.seed import apply_config

log = logging.getLogger(__name__)

AdapterFactory = Callable[[Settings, EventSink, PresenceConfig], PlatformAdapter]


def _slack(settings: Settings, sink: EventSink, config: PresenceConfig) -> PlatformAdapter:
    from integrations import slack  # bot/ never imports a platform library at import time

    adapter: PlatformAdapter = slack.create(settings, sink, config)
    return adapter


def _discord(settings: Settings, sink: EventSink, config: PresenceConfig) -> PlatformAdapter:
    from integrations import discord

    adapter: PlatformAdapter = discord.create(settings, sink, config)
    return adapter


def configured_adapters(settings: Settings) -> dict[str, AdapterFactory]:
    out: dict[str, AdapterFactory] = {}
    if settings.slack_enabled:
        out["slack"] = _slack
    if settings.discord_enabled:
        out["discord"] = _discord
    return out


def default_detector() -> QuestionDetector:
    from bot.detection import Detector

    detector: QuestionDetector = Detector.load()
    # Models and language tables load lazily; pay for them now, not on the first
    # customer's question.
    detector.detect("Is this thing on?")
    return detector


class App:
    def __init__(
        self,
        settings: Settings,
        config: PresenceConfig,
        *,
        clock: Clock | None = None,
        platforms: Mapping[str, PlatformAdapter] | None = None,
        detector: QuestionDetector | None = None,
        migrate: bool = True,
    ):
        self.settings = settings
        self.config = config
        self.clock = clock or SystemClock()
        self._given_platforms = dict(platforms or {})
        self._detector = detector
        self._migrate = migrate
        self.platforms: dict[str, PlatformAdapter] = {}
        self.engine: AsyncEngine | None = None
        self.sessions: async_sessionmaker[AsyncSession] | None = None
        self.ingest: Ingest | None = None
        self.processor: Processor | None = None
        self.outbox: OutboxSender | None = None
        self.sweeper: Any = None
        self.retention: Any = None
        self.loop_tasks: Any = None  # handlers/loop_tasks.py: status polling, digests
        self.services: Services | None = None
        self.overrides: Any = None  # handlers.commands.overrides.LiveOverrides
        self.metrics: Any = None

    @property
    def sink(self) -> EventSink:
        assert self.ingest is not None, "App.start() first"
        return self.ingest

    async def start(self) -> None:
        from handlers.commands.overrides import LiveOverrides, apply_overrides, overrides_version
        from handlers.grouping import LiveGroupers
        from handlers.registry import default_dispatcher
        from handlers.sweeper import Sweeper

        s = self.settings
        if self._migrate:
            await upgrade_async(s.database_url)
        self.engine = make_engine(s.database_url)
        self.sessions = make_sessionmaker(self.engine)
        baseline = self.config
        async with self.sessions.begin() as session:
            await apply_config(session, self.config, self.clock.now())
            # Chat changes (/presence watch, customer set, sla set...) over the file.
            self.config = await apply_overrides(session, self.config, self.clock.now())
            version = await overrides_version(session)
        detector: QuestionDetector
        if self._detector is not None:
            detector = self._detector
        else:
            detector = await asyncio.to_thread(default_detector)
        self.services = Services(
            config=self.config,
            clock=self.clock,
            detector=detector,
            history=ResolvedHistory(),
            topics=TopicModel(
                {t.name: (*t.keywords, *t.examples) for t in self.config.topics} or None
            ),
            groupers=await asyncio.to_thread(LiveGroupers.warmed),
        )
        await self._load_history()
        # Chat changes made later, by this worker or another, apply from the next batch.
        self.overrides = LiveOverrides(baseline, self.services, version)
        self.outbox = OutboxSender(
            self.sessions,
            self.platforms,
            self.clock,
            concurrency=s.outbox_workers,
            lease=timedelta(seconds=s.outbox_lease),
            release_on_start=is_sqlite(self.engine),
        )
        self.processor = Processor(
            self.sessions,
            default_dispatcher(),
            self.services,
            self.clock,
            # SQLite has one writer: a short transaction lets the next ack's store in
            # sooner. PostgreSQL locks rows, so larger batches cost nothing there.
            batch_size=4 if is_sqlite(self.engine) else 16,
            on_said=self.outbox.wake,
            before_batch=self.overrides.refresh,
        )
        self.sweeper = Sweeper(
            self.sessions,
            self.services,
            self.clock,
            interval=s.sweep_interval,
            on_said=self.outbox.wake,
        )
        self.ingest = Ingest(
            self.sessions,
            self.clock,
            max_pending=s.ingest_queue_size,
            on_stored=self.processor.wake,
        )
        self.ingest.start()
        self.processor.start()  # first round handles what a crash left pending
        self.sweeper.start()
        from handlers.retention import RetentionSweeper

        self.retention = RetentionSweeper(self.sessions, self.config, self.clock)
        self.retention.start()  # only runs when a retention limit is configured
        from handlers.loop_tasks import LoopTasks

        self.loop_tasks = LoopTasks(
            self.sessions, self.services, self.clock, on_said=self.outbox.wake
        )
        self.loop_tasks.start()
        from handlers.suggestions import Suggester

        for name, adapter in self._given_platforms.items():
            self.platforms[name] = adapter
        for name, factory in configured_adapters(s).items():
            if name not in self.platforms:
                self.platforms[name] = factory(s, self.ingest, self.config)
        services = self.services
        for name, adapter in self.platforms.items():
            attach = getattr(adapter, "attach", None)
            if callable(attach):
                attach(self.ingest)
            provide = getattr(adapter, "provide_suggestions", None)
            if callable(provide):
                provide(Suggester(self.sessions, lambda: services.config))
            await adapter.start()
            log.info("%s adapter connected", name)
        # Only now: a message left pending by a crash must find its platform connected.
        self.outbox.start()
        self._start_metrics()
        self._write_ready_file()

    def _start_metrics(self) -> None:
        if self.settings.metrics_port is None:
            return
        from bot.metrics import MetricsServer, core_readings

        self.metrics = MetricsServer(
            core_readings(self.ingest, self.processor, self.outbox, self.sweeper)
        )
        self.metrics.start(self.settings.metrics_host, self.settings.metrics_port)

    async def _load_history(self) -> None:
        assert self.sessions is not None and self.services is not None
        async with self.sessions() as session:
            rows = (
                await session.execute(
                    select(Question, Person.qualified)
                    .join(Person, Person.id == Question.assignee_id, isouter=True)
                    .where(Question.state == "resolved")
                    .order_by(Question.resolved_at.desc())
                    .limit(self.services.history.max_items)
                )
            ).all()
        for q, who in reversed(rows):
            if q.resolved_at is not None:
                self.services.history.add(
                    q.summary,
                    [q.topic] if q.topic else [],
                    [who] if who else [],
                    q.resolved_at,
                    ref=str(q.id),
                )

    def ready_info(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "pid": os.getpid(),
            "adapters": sorted(self.platforms),
            "metrics_url": self.metrics.url if self.metrics is not None else None,
        }
        for adapter in self.platforms.values():
            info.update(adapter.ready_info())
        return info

    def _write_ready_file(self) -> None:
        path = self.settings.ready_file
        if path is None:
            return
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.ready_info()))
        tmp.replace(path)  # readers never see a half-written file

    async def wait_idle(self, seconds: float = 30.0) -> None:
        """Until everything received is handled and everything due now is sent
        (messages waiting on a retry later are not waited for)."""
        async with asyncio.timeout(seconds):
            while not await self._idle():
                assert self.processor is not None and self.outbox is not None
                self.processor.wake()
                self.outbox.wake()
                await asyncio.sleep(0.02)

    async def _idle(self) -> bool:
        assert self.sessions is not None and self.ingest is not None
        if self.ingest.queued:
            return False
        async with self.sessions() as session:
            if await pending_count(session):
                return False
            return not await outbox_busy(session, self.clock.now())

    async def stop(self) -> None:
        """Stop receiving, finish storing and handling what arrived, then stop."""
        for adapter in self.platforms.values():
            try:
                await adapter.stop()
            except Exception:
                log.exception("adapter failed to stop cleanly")
        if self.ingest is not None:
            await self.ingest.stop()
        if self.processor is not None:
            await self.processor.stop()  # lets the round in progress finish
            try:
                # Handle what arrived before the adapters stopped; a bounded number of
                # rounds, never cut mid-transaction. What is left stays pending.
                for _ in range(50):
                    if not await self.processor.process_batch():
                        break
            except Exception:
                log.exception("could not finish handling events; they stay pending")
        if self.retention is not None:
            await self.retention.stop()
        if self.loop_tasks is not None:
            await self.loop_tasks.stop()
        if self.sweeper is not None:
            await self.sweeper.stop()
        if self.outbox is not None:
            await self.outbox.stop()
        if self.metrics is not None:
            self.metrics.stop()
        if self.engine is not None:
            await self.engine.dispose()
