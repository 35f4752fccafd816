"""`presence group --jsonl FILE` and `presence eval grouping`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.grouping.types import GroupMessage

DEFAULT_DATA = Path("../shared/data/irc-disentanglement")


def _fail(message: str) -> typer.Exit:
    print(f"error: {message}", file=sys.stderr)
    return typer.Exit(2)


def _id(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _fail(f"{where}: 'id' must be a string or an integer")
    return str(value)


def _messages(path: Path) -> Iterator[tuple[Any, GroupMessage]]:
    """(original id, message) per input line; ids are echoed back as given."""
    try:
        fh = sys.stdin if str(path) == "-" else path.open(encoding="utf-8")
    except OSError as exc:
        raise _fail(f"cannot read {path}: {exc.strerror}") from None
    with fh:
        for n, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            where = f"{path}:{n}"
            try:
                row = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise _fail(f"{where}: not JSON ({exc.msg})") from None
            if not isinstance(row, dict) or "id" not in row:
                raise _fail(f"{where}: expected an object with 'id', 'ts', 'user', 'text'")
            ts, user, text = row.get("ts"), row.get("user"), row.get("text")
            if ts is not None and (isinstance(ts, bool) or not isinstance(ts, int | float)):
                raise _fail(f"{where}: 'ts' must be a number (seconds) or null")
            if user is not None and not isinstance(user, str):
                raise _fail(f"{where}: 'user' must be a string or null")
            if text is not None and not isinstance(text, str):
                raise _fail(f"{where}: 'text' must be a string or null")
            parent = row.get("thread_parent")
            staff = row.get("is_staff")
            mentions = row.get("mentions") or []
            if not isinstance(mentions, list) or not all(isinstance(m, str) for m in mentions):
                raise _fail(f"{where}: 'mentions' must be a list of strings")
            yield (
                row["id"],
                GroupMessage(
                    id=_id(row["id"], where),
                    ts=None if ts is None else float(ts),
                    user=user,
                    text=text or "",
                    is_staff=staff if isinstance(staff, bool) else None,
                    thread_parent=None if parent is None else _id(parent, where),
                    mentions=tuple(mentions),
                ),
            )


def group(
    jsonl: Annotated[Path, typer.Option("--jsonl", help="JSON lines: id, ts, user, text")],
    window: Annotated[int, typer.Option(help="earlier messages considered")] = 100,
    explain: Annotated[bool, typer.Option(help="add the reason and score")] = False,
) -> None:
    """Group one channel's messages into conversations: parent id per message."""
    from bot.grouping.grouper import Grouper

    if window < 1:
        raise _fail("--window must be at least 1")
    grouper = Grouper.load(window=window)
    original: dict[str, Any] = {}
    out = sys.stdout
    for raw_id, msg in _messages(jsonl):
        if msg.id in original:
            raise _fail(f"{jsonl}: duplicate id {raw_id!r}")
        original[msg.id] = raw_id
        d = grouper.decide(msg)
        row: dict[str, Any] = {"id": raw_id, "parent": original.get(d.parent, d.parent)}
        if explain:
            row.update(reason=d.reason, score=round(d.score, 3))
        out.write(json.dumps(row) + "\n")
        # ids older than the window can no longer be chosen as a parent
        if len(original) > 20 * window + 1000:
            for k in list(original)[: len(original) - 10 * window - 500]:
                del original[k]
    out.flush()


def eval_grouping(
    data: Annotated[Path, typer.Option(help="irc-disentanglement folder")] = DEFAULT_DATA,
    window: Annotated[int, typer.Option(help="earlier messages considered")] = 100,
    json_out: Annotated[Path | None, typer.Option("--json", help="also write scores here")] = None,
) -> None:
    """Link P/R/F and conversation scores on streams the model was not trained on."""
    from bot.grouping.data import DataError, load_streams
    from bot.grouping.evaluate import evaluate, predict_with, previous_message
    from bot.grouping.grouper import Grouper

    try:
        streams = [s for s in load_streams(data) if not s.trained_on]
    except DataError as exc:
        raise _fail(str(exc)) from None
    if not streams:
        raise _fail(f"{data}: no evaluation streams (all are training streams)")
    model = evaluate(streams, predict_with(lambda: Grouper.load(window=window)))
    base = evaluate(streams, previous_message)
    header = f"{'channel':<16}{'system':<10}{'msgs':>6}  {'P':>5} {'R':>5} {'F':>5}"
    header += f"  {'VI':>5} {'1-1':>5} {'exF':>5}"
    print(f"evaluation streams: {len(streams)} (none trained on; see docs/grouping.md)")
    print(header)
    result: dict[str, dict[str, dict[str, float]]] = {}
    chans = sorted(model.per_channel)
    for ch in [*chans, "overall"]:
        for name, rep in (("model", model), ("prev-msg", base)):
            sc = rep.overall if ch == "overall" else rep.per_channel[ch]
            d = sc.as_dict()
            result.setdefault(ch, {})[name] = d
            print(
                f"{ch:<16}{name:<10}{int(d['messages']):>6}  {d['link_p']:5.1f} {d['link_r']:5.1f}"
                f" {d['link_f']:5.1f}  {d['vi']:5.1f} {d['one_to_one']:5.1f} {d['exact_f']:5.1f}"
            )
    rate = model.lines / model.seconds if model.seconds else 0.0
    print(f"model speed: {rate:.0f} lines/s over {model.lines} lines")
    if json_out is not None:
        json_out.write_text(json.dumps({"streams": [s.id for s in streams], **result}, indent=1))


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("group")(group)
    eval_app.command("grouping")(eval_grouping)
