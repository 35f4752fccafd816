"""Metrics per question, expert and customer; `presence report` as table, CSV, JSON."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import typer
from typer.testing import CliRunner

from bot.report import QuestionFacts, group_rows, percentile, summary_lines
from bot.report.cli import register
from tests.conftest import TestBot
from tests.sla.helpers import sweep

T = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def _facts(expert: str, first: float | None, breaches: int = 0) -> QuestionFacts:
    return QuestionFacts(1, "Acme Oy", expert, T, "answered", first, None, breaches, False)


def test_percentiles_are_nearest_rank_and_groups_are_summarised() -> None:
    assert percentile([], 50) is None
    assert percentile([5.0, 1.0, 3.0], 50) == 3.0
    assert percentile([float(i) for i in range(1, 11)], 90) == 9.0
    facts = [_facts("Eve", 60.0 * m) for m in (1, 2, 3, 4, 100)] + [_facts("Bob", None, 2)]
    eve, bob = group_rows(facts, "expert")
    assert eve["expert"] == "Eve" and eve["first_response_median_min"] == 3.0
    assert eve["first_response_p90_min"] == 100.0 and eve["breaches"] == 0
    assert bob["answered"] == 0 and bob["first_response_median_min"] is None
    assert bob["breaches"] == 2 and bob["breached_questions"] == 1
    eve_line, bob_line = summary_lines(facts, "expert")
    assert eve_line == (
        "Eve: 5 questions · first response 3m (p90 1h40m) · resolution - · breaches 0"
    )
    assert bob_line.startswith("Bob: 1 questions") and bob_line.endswith("breaches 2")


def _cli(db_url: str, *args: str) -> tuple[int, str, str]:
    app = typer.Typer()
    app.command("noop")(lambda: None)
    register(app, typer.Typer())
    result = CliRunner().invoke(app, ["report", *args], env={"DATABASE_URL": db_url})
    return result.exit_code, result.stdout, result.stderr


async def test_report_cli_table_csv_json(slabot: TestBot, tmp_path: Path) -> None:
    p, clock = slabot.platform, slabot.clock
    fast = await p.post("ACME", "ANNA", "How do I download last month's invoice as a PDF?")
    slow = await p.post("ACME2", "ANNA", "Why does the API token rotation fail for webhooks?")
    await slabot.settle()
    clock.advance(timedelta(minutes=10))
    await p.post("ACME", "EVE", "Billing > Invoices > Download; done for you now.", thread=fast)
    await slabot.settle()
    clock.advance(timedelta(minutes=40))
    await sweep(slabot)  # the second one breaches at 30 minutes
    await p.post("ACME2", "BOB", "It needs the webhook scope; fixed it for you.", thread=slow)
    await slabot.settle()
    db_url = slabot.app.settings.database_url
    code, out, _ = await asyncio.to_thread(_cli, db_url, "--by", "question")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["question", "customer", "expert"]
    assert len(lines) == 4  # header, rule, two questions
    code, out, _ = await asyncio.to_thread(_cli, db_url, "--by", "expert", "--format", "csv")
    rows = {r["expert"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["Eve"]["first_response_median_min"] == "10.0" and rows["Eve"]["breaches"] == "0"
    assert rows["Bob"]["first_response_median_min"] == "50.0" and rows["Bob"]["breaches"] == "1"
    target = tmp_path / "report.json"
    args = ("--by", "customer", "--format", "json", "--output", str(target))
    code, out, _ = await asyncio.to_thread(_cli, db_url, *args)
    assert code == 0 and out == ""
    [acme] = json.loads(target.read_text())["rows"]
    assert acme["customer"] == "Acme Oy" and acme["questions"] == 2 and acme["breaches"] == 1
    code, _, err = await asyncio.to_thread(_cli, db_url, "--by", "team")
    assert code == 2 and err.strip().startswith("error: --by must be one of")
    code, _, err = await asyncio.to_thread(_cli, db_url, "--since", "yesterday")
    assert code == 2 and len(err.strip().splitlines()) == 1
