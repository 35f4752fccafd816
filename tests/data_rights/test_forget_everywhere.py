"""After `presence forget`, nothing anyone can ask returns the person's words or
name: the customer's weekly digest, the staff digest, `stats`, `search` (in chat
and on the command line) and the export. The customer's question count and
median first response are the same before and after."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bot.cli import app as presence_cli
from bot.data_rights.cli import register
from integrations.local import LocalMessage
from tests.conftest import TestBot
from tests.data_rights.test_forget import SECRET, _history

NAMES = ("Anna Virtanen", "Virtanen", "anna.v")
FIELDS = ("Questions asked", "Answered", "Median first response")


def _shown(m: LocalMessage) -> str:
    msg = m.current
    if msg is None:
        return m.text
    parts = [msg.title or "", msg.text, msg.quote or "", msg.context or ""]
    return "\n".join(parts + [f"{f.label}: {f.value}" for f in msg.fields])


async def _ask(bot: TestBot, user: str, text: str) -> str:
    """`/presence <text>`; everything `user` is answered, as shown."""
    before = len(bot.platform.sent)
    await bot.platform.command(user, text)
    await bot.settle()
    mine = [
        _shown(m)
        for m in bot.platform.sent[before:]
        if m.to is not None and m.to.user_id == user and m.to.kind in ("ephemeral", "reply")
    ]
    assert len(mine) == 1, [m.text for m in bot.platform.sent[before:]]
    return mine[0]


def _cli(args: list[str]) -> str:
    """`presence <args>` in its own process-like run (own engine and loop)."""
    if args[0] in ("export", "forget"):
        app, eval_app = typer.Typer(), typer.Typer()
        register(app, eval_app)
        result = CliRunner().invoke(app, args)
    else:
        result = CliRunner().invoke(presence_cli, args)
    assert result.exit_code == 0, result.output
    return result.output


async def _everything(bot: TestBot, out: Path) -> dict[str, str]:
    """What staff and admins can ask, by question."""
    seen = {
        "customer digest": await _ask(bot, "EVE", "digest Acme Oy"),
        "staff digest": await _ask(bot, "EVE", "digest staff"),
        "stats": await _ask(bot, "LEAD", "stats customer 30d"),
        "stats experts": await _ask(bot, "LEAD", "stats expert 30d"),
        "chat search": await _ask(bot, "EVE", f"search {SECRET.lower()}"),
        "chat search name": await _ask(bot, "EVE", "search virtanen"),
        "chat search billing": await _ask(bot, "EVE", "search billing"),
    }
    seen["cli search"] = await asyncio.to_thread(_cli, ["search", SECRET.lower()])
    seen["cli search name"] = await asyncio.to_thread(_cli, ["search", "virtanen"])
    seen["cli search billing"] = await asyncio.to_thread(_cli, ["search", "billing", "--json"])
    await asyncio.to_thread(_cli, ["export", "--customer", "Acme Oy", "--out", str(out)])
    seen["export"] = await asyncio.to_thread(_read_all, out)
    return seen


def _read_all(out: Path) -> str:
    return "\n".join(f.read_text() for f in sorted(out.rglob("*")) if f.is_file())


def _numbers(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.startswith(FIELDS)]


async def test_after_forget_no_query_returns_them_and_metrics_stay(
    drbot: TestBot, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.delenv("PRESENCE_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no presence.toml, no .env here
    await _history(drbot)
    before = await _everything(drbot, tmp_path / "before")
    # Each query did show her words or name: the checks below can fail.
    for what in ("customer digest", "chat search", "cli search", "export"):
        assert SECRET in before[what], what
    assert "Virtanen" in before["export"] and "anna.v" in before["export"]
    assert re.search(r"\bAnna\b", before["chat search billing"])
    assert re.search(r"\bAnna\b", before["cli search billing"])

    forgotten = await asyncio.to_thread(
        _cli, ["forget", "--user", "local:ANNA", "--yes", "--by", "dpo"]
    )
    assert "their messages erased: 3" in forgotten, forgotten
    after = await _everything(drbot, tmp_path / "after")

    assert after["chat search"].strip() == f"Nothing found for '{SECRET.lower()}'."
    assert after["chat search name"].strip() == "Nothing found for 'virtanen'."
    for what, shown in after.items():
        shown = re.sub(r"Nothing found for '\w+'", "", shown)  # the query, echoed
        assert SECRET not in shown and SECRET.lower() not in shown, what
        assert not any(name in shown for name in NAMES), what
        assert not re.search(r"\bAnna\b", shown), (what, shown)
    assert "no matches" in after["cli search"] and "no matches" in after["cli search name"]
    assert "and press Export" in after["chat search billing"]  # Eve's words stay
    # Question count and median first response: exactly as before.
    assert _numbers(after["customer digest"]) == _numbers(before["customer digest"])
    assert len(_numbers(before["customer digest"])) == 3
    assert after["staff digest"] == before["staff digest"]
    assert after["stats"] == before["stats"] and "Acme Oy" in after["stats"]
    assert after["stats experts"] == before["stats experts"]
    for name in ("summary.csv",):
        assert (tmp_path / "after" / "metrics" / name).read_text() == (
            tmp_path / "before" / "metrics" / name
        ).read_text()
