"""`presence route --replay FILE` and `presence eval routing`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from bot.errors import PresenceError
from bot.routing.replay import ArchivedQuestion, Replayer, evaluate, read_questions

DEFAULT_DATA = Path("../shared/data/stackexchange-beer/questions.jsonl")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def _questions(path: Path) -> Iterator[ArchivedQuestion]:
    try:
        with path.open(encoding="utf-8") as f:
            yield from read_questions(f, str(path))
    except OSError as e:
        raise _fail(f"cannot read {path}: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise _fail(f"{path} is not UTF-8 text") from None


def route(
    replay: Annotated[
        Path | None,
        typer.Option(help="JSONL questions in time order; ranks each from what came before"),
    ] = None,
) -> None:
    """Rank experts for questions replayed from an archive, one JSON line per question."""
    if replay is None:
        raise _fail("nothing to route: give --replay FILE")
    replayer = Replayer()
    out = sys.stdout
    try:
        for q in _questions(replay):
            ranked = replayer.rank(q)
            out.write(json.dumps({"id": q.raw_id, "ranked": ranked}) + "\n")
            replayer.learn(q)
    except PresenceError as e:
        raise _fail(e.user_message) from None
    out.flush()


def eval_routing(
    data: Annotated[Path, typer.Option(help="stackexchange-beer questions.jsonl")] = DEFAULT_DATA,
    seed: Annotated[int, typer.Option(help="seed of the random baseline")] = 0,
    json_out: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")] = False,
) -> None:
    """Replay in time order; hit@1, hit@3 and MRR against the actual answerers."""
    try:
        scores = evaluate(_questions(data), seed=seed)
    except PresenceError as e:
        raise _fail(e.user_message) from None
    results = {name: s.means() for name, s in scores.items()}
    scored = scores["presence"].questions
    if json_out:
        typer.echo(json.dumps({"questions_scored": scored, "systems": results}))
        return
    typer.echo(f"routing replay over {data} ({scored} answered questions scored)")
    typer.echo(f"{'system':<14}{'hit@1':>8}{'hit@3':>8}{'MRR':>8}")
    for name, m in results.items():
        typer.echo(f"{name:<14}{m['hit@1']:>8.3f}{m['hit@3']:>8.3f}{m['mrr']:>8.3f}")
    base = results["most-active"]["hit@3"]
    if base > 0:
        typer.echo(f"hit@3 vs most-active: {results['presence']['hit@3'] / base:.2f}x")


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("route")(route)
    eval_app.command("routing")(eval_routing)
