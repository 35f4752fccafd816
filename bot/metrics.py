"""Prometheus metrics, read from counters the components keep anyway.

Nothing is measured on the hot path: the collector reads plain integers at scrape
time, so an idle Prometheus costs nothing and a busy one costs one read each."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from threading import Thread
from typing import Any

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

Reading = tuple[str, str, str, Callable[[], float]]  # kind, name, help, read


class _Collector(Collector):
    def __init__(self, readings: list[Reading]):
        self._readings = readings

    def collect(self) -> Iterator[Any]:
        for kind, name, text, read in self._readings:
            try:
                value = float(read())
            except Exception:  # a component not started yet
                continue
            family = CounterMetricFamily if kind == "counter" else GaugeMetricFamily
            yield family(name, text, value=value)


class MetricsServer:
    def __init__(self, readings: list[Reading]):
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(_Collector(readings))
        self._server: Any = None
        self._thread: Thread | None = None
        self.url: str | None = None

    def start(self, host: str, port: int) -> str:
        self._server, self._thread = start_http_server(port, addr=host, registry=self.registry)
        bound = self._server.server_port
        self.url = f"http://{host}:{bound}/metrics"
        log.info("metrics at %s", self.url)
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def core_readings(ingest: Any, processor: Any, outbox: Any, sweeper: Any) -> list[Reading]:
    return [
        ("counter", "presence_events_stored", "Events stored (new keys)", lambda: ingest.stored),
        (
            "counter",
            "presence_events_redelivered",
            "Redeliveries acked and dropped",
            lambda: ingest.duplicates,
        ),
        ("gauge", "presence_ingest_queued", "Events waiting to be stored", lambda: ingest.queued),
        ("counter", "presence_events_handled", "Events handled", lambda: processor.handled),
        (
            "counter",
            "presence_handler_failures",
            "Handler failures (retried)",
            lambda: processor.failures,
        ),
        ("counter", "presence_outbox_sent", "Platform messages sent", lambda: outbox.sent),
        (
            "counter",
            "presence_outbox_dead",
            "Platform messages that cannot be sent",
            lambda: outbox.failed,
        ),
        ("counter", "presence_sla_steps", "SLA warnings and escalations", lambda: sweeper.steps),
    ]
