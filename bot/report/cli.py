"""`presence report`: SLA metrics per question, expert or customer, as a table on the
terminal or CSV/JSON for spreadsheets and scripts."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.report.metrics import GROUPINGS, group_rows
from bot.report.query import question_facts

FORMATS = ("table", "csv", "json")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def _day(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), time(0), tzinfo=UTC)
    except ValueError:
        raise _fail(f"{option} must be a date like 2026-11-01, got {value!r}") from None


def render_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no questions in this period"
    columns = list(rows[0])
    cells = [["-" if r[c] is None else str(r[c]) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


def render_csv(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


async def _rows(
    url: str, by: str, since: datetime | None, until: datetime | None, customer: str | None
) -> list[dict[str, Any]]:
    from db.engine import make_engine, make_sessionmaker

    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            facts = await question_facts(session, since=since, until=until, customer=customer)
    finally:
        await engine.dispose()
    return group_rows(facts, by)


def report(
    by: Annotated[str, typer.Option(help="question, expert or customer")] = "expert",
    since: Annotated[str | None, typer.Option(help="Asked on or after this date (UTC)")] = None,
    until: Annotated[str | None, typer.Option(help="Asked before this date (UTC)")] = None,
    customer: Annotated[str | None, typer.Option(help="Only this customer")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
    output: Annotated[Path | None, typer.Option(help="Write here instead of stdout")] = None,
) -> None:
    """SLA metrics: time to first response and to resolution (median, p90, business
    time without waiting on the customer), breaches, per expert, customer or question."""
    from bot.settings import load_settings

    if by not in GROUPINGS:
        raise _fail(f"--by must be one of {', '.join(GROUPINGS)}, got {by!r}")
    if fmt not in FORMATS:
        raise _fail(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    start, end = _day(since, "--since"), _day(until, "--until")
    rows = asyncio.run(_rows(load_settings().database_url, by, start, end, customer))
    if fmt == "json":
        text = json.dumps({"by": by, "since": since, "until": until, "rows": rows}, indent=2)
    elif fmt == "csv":
        text = render_csv(rows)
    else:
        text = render_table(rows)
    if output is None:
        typer.echo(text.rstrip("\n"))
        return
    try:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as e:
        raise _fail(f"cannot write {output}: {e.strerror or e}") from None


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("report")(report)
