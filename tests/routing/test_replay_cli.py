from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from bot.routing.cli import register
from bot.routing.replay import evaluate, read_questions


def q(qid: int, day: int, title: str, tags: list[str], answerers: list[str]) -> dict[str, object]:
    return {
        "id": qid,
        "created": f"2016-01-{day:02d}T10:00:00.000",
        "title": title,
        "body": "",
        "tags": tags,
        "answers": [{"id": 1000 + i, "answerer": a} for i, a in enumerate(answerers)],
    }


ARCHIVE = [
    q(1, 1, "Which hops give citrus aroma?", ["hops"], ["h"]),
    q(2, 2, "Best glass for a stout?", ["glassware"], ["g"]),
    q(3, 3, "Dry hopping with citra hops", ["hops"], ["h"]),
    q(4, 4, "Tulip glass or pint glass?", ["glassware"], ["g"]),
    q(5, 5, "How long do hops keep their aroma?", ["hops"], ["newcomer", "h"]),
    q(6, 6, "Unanswered question about yeast", ["yeast"], []),
    q(7, 7, "Glass shape and head retention", ["glassware"], ["g"]),
]


def app() -> typer.Typer:
    main, ev = typer.Typer(), typer.Typer()
    main.add_typer(ev, name="eval")
    register(main, ev)
    return main


def write(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    path = tmp_path / "questions.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_replay_ranks_from_the_past_only(tmp_path: Path) -> None:
    result = CliRunner().invoke(app(), ["route", "--replay", str(write(tmp_path, ARCHIVE))])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == [1, 2, 3, 4, 5, 6, 7]
    assert lines[0]["ranked"] == []  # nobody has answered anything yet
    assert lines[2]["ranked"][0] == "h"  # a hops question goes to the hops answerer
    assert lines[3]["ranked"][0] == "g"
    assert "newcomer" not in lines[4]["ranked"]  # its own answers are not known yet
    assert "newcomer" in lines[5]["ranked"]


def test_eval_beats_most_active_on_topical_archive() -> None:
    rows = ARCHIVE + [
        q(8, 8, "Can I use cascade hops for dry hopping?", ["hops"], ["h"]),
        q(9, 9, "Is a goblet glass better for Belgian ale?", ["glassware"], ["g"]),
        q(10, 10, "Which glass for a wheat beer?", ["glassware"], ["g"]),
        q(11, 11, "Noble hops in lager", ["hops"], ["h"]),
    ]
    scores = evaluate(read_questions(json.dumps(r) for r in rows))
    assert scores["presence"].means()["hit@1"] > scores["most-active"].means()["hit@1"]
    assert scores["presence"].questions == 10


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "created": "yesterday"}\n')
    for args in (
        ["route", "--replay", str(bad)],
        ["route", "--replay", str(tmp_path / "none")],
        ["eval", "routing", "--data", str(bad)],
        ["route"],
    ):
        result = CliRunner().invoke(app(), args)
        assert result.exit_code == 2, args
        assert len(result.output.strip().splitlines()) == 1, result.output


def test_eval_prints_the_table(tmp_path: Path) -> None:
    result = CliRunner().invoke(app(), ["eval", "routing", "--data", str(write(tmp_path, ARCHIVE))])
    assert result.exit_code == 0, result.output
    for word in ("presence", "most-active", "random", "hit@1", "hit@3", "MRR"):
        assert word in result.output
