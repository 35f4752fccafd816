"""Socket Mode keeps receiving when Slack refreshes or drops the connection."""

from __future__ import annotations

import pytest

from tests.fakes.slack_server import FakeSlack
from tests.slack.support import CUSTOMER, SHARED, RecordingSink, Wire, eventually

pytestmark = pytest.mark.parametrize("mode", ["socket"])


@pytest.mark.parametrize("refresh", [True, False], ids=["disconnect-envelope", "dropped"])
async def test_reconnects_and_keeps_receiving(
    fake: FakeSlack, wire: Wire, sink: RecordingSink, refresh: bool
) -> None:
    assert await wire.event(fake.message_event(SHARED, CUSTOMER, "before"))
    opened = len(fake.calls("apps.connections.open"))
    await fake.drop_sockets(refresh=refresh)
    await eventually(lambda: len(fake.calls("apps.connections.open")) > opened, within=15)
    await eventually(lambda: fake.socket_connections >= 2, within=15)
    assert await wire.event(fake.message_event(SHARED, CUSTOMER, "after"))
    assert [e.text for e in sink.events] == ["before", "after"]  # type: ignore[union-attr]
