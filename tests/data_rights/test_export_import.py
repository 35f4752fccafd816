"""Export → import into a fresh installation → export again: the same archive."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

from bot.config import parse_config
from bot.events import Attachment
from db.data_rights.export import export_customer
from db.data_rights.importer import import_export
from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade_async
from db.seed import apply_config
from tests.conftest import T0, TestBot
from tests.data_rights.conftest import dr_config_dict


async def _history(bot: TestBot) -> None:
    p, clock = bot.platform, bot.clock
    q1 = await p.post(
        "ACME",
        "ANNA",
        "Our invoice for October shows the wrong VAT number, can you fix it?",
        attachments=[Attachment("invoice-oct.pdf", 48_213, "application/pdf", "https://x/1")],
    )
    await bot.settle()
    await p.edit_as(
        "ANNA", q1, "Our invoice for October shows the wrong VAT number, can you fix it today?"
    )
    clock.advance(timedelta(minutes=9))
    await p.post("ACME", "EVE", "Yes, I'll send a corrected invoice within the hour.", thread=q1)
    clock.advance(timedelta(minutes=20))
    await p.post("ACME", "ANNA", "Thanks, that fixed it!", thread=q1)
    clock.advance(timedelta(hours=1))
    q2 = await p.post("ACME", "ANNA_D", "Does the API support webhooks for payment events?")
    await bot.settle()
    clock.advance(timedelta(minutes=45))
    await p.post("ACME", "BOB", "It does: see /v2/webhooks, event payment.succeeded.", thread=q2)
    oops = await p.post("ACME", "ANNA", "ignore this, wrong channel")
    await bot.settle()
    await p.delete_as(oops)
    await p.post("BOREALIS", "SVEN", "How do I rotate our API token without downtime?")
    await bot.settle()


def _read(out: Path) -> dict[str, str]:
    files = {}
    for f in sorted(out.rglob("*")):
        if f.is_file():
            files[str(f.relative_to(out))] = f.read_text(encoding="utf-8")
    manifest = json.loads(files["manifest.json"])
    manifest.pop("exported_at")
    files["manifest.json"] = json.dumps(manifest, sort_keys=True)
    return files


async def test_export_import_round_trip_is_equal(
    drbot: TestBot, second_db_url: str, tmp_path: Path
) -> None:
    await _history(drbot)
    now = drbot.clock.now()
    assert drbot.app.sessions is not None
    first = tmp_path / "first"
    async with drbot.app.sessions() as s:
        summary = await export_customer(s, "Acme Oy", first, now=now)
    assert summary.messages == 6 and summary.questions == 2

    # What a reader gets: JSON lines, one transcript per conversation, metrics.
    lines = [json.loads(x) for x in (first / "conversations.jsonl").read_text().splitlines()]
    assert len(lines) == summary.conversations == len(list((first / "transcripts").iterdir()))
    transcripts = "\n".join(f.read_text() for f in (first / "transcripts").iterdir())
    assert "**Anna Virtanen** · 2026-11-24 08:00:00 UTC" in transcripts
    assert "_(edited 2026-11-24 08:00:00 UTC)_" in transcripts
    assert "> earlier version" in transcripts
    assert "attachment: invoice-oct.pdf (application/pdf, 47 kB)" in transcripts
    assert "_(deleted on the platform" in transcripts
    assert "**Eve** (staff)" in transcripts
    assert "rotate our API token" not in transcripts  # another customer
    with (first / "metrics" / "summary.csv").open() as f:
        [row] = list(csv.DictReader(f))
    assert row["questions"] == "2" and row["answered"] == "2"
    assert row["median_first_response_seconds"] == f"{(9 * 60 + 45 * 60) / 2:.3f}"

    # --since keeps what was written from then on.
    async with drbot.app.sessions() as s:
        later = await export_customer(
            s, "Acme Oy", tmp_path / "since", T0 + timedelta(hours=1), now=now
        )
    kept = (tmp_path / "since" / "conversations.jsonl").read_text()
    assert later.messages == 3 and "webhooks for payment events" in kept
    assert "VAT number" not in kept

    # A fresh installation: migrated, the same config applied, then the import.
    await upgrade_async(second_db_url)
    engine = make_engine(second_db_url)
    try:
        sessions = make_sessionmaker(engine)
        async with sessions.begin() as s:
            await apply_config(s, parse_config(dr_config_dict()), now)
        imported = await import_export(sessions, first, now=now)
        assert (imported.messages, imported.questions) == (6, 2)
        again = await import_export(sessions, first, now=now)
        assert (again.messages, again.questions, again.skipped) == (0, 0, 6)
        second = tmp_path / "second"
        async with sessions() as s:
            await export_customer(s, "Acme Oy", second, now=now)
    finally:
        await engine.dispose()
    a, b = _read(first), _read(second)
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name
