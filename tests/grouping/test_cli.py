import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bot.grouping.cli import register


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    ev = typer.Typer()
    app.add_typer(ev, name="eval")
    register(app, ev)
    return app


def test_group_jsonl_answers_every_line_in_order(app: typer.Typer, tmp_path: Path) -> None:
    rows = [
        {"id": "a", "ts": 0.0, "user": "alice", "text": "how do I mount an ntfs disk?"},
        {"id": "b", "ts": None, "user": None, "text": "bob [~b@h] has joined #ubuntu"},
        {"id": 3, "ts": 60, "user": "bob", "text": "my sound stopped working after the update"},
        {"id": "d", "ts": 120, "user": "carol", "text": "alice: install ntfs-3g"},
    ]
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    res = CliRunner().invoke(app, ["group", "--jsonl", str(f)])
    assert res.exit_code == 0, res.output
    out = [json.loads(x) for x in res.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", 3, "d"]
    assert out[1]["parent"] == "b"  # join line stands alone
    assert out[2]["parent"] == 3  # ids come back as given
    assert out[3]["parent"] == "a"


@pytest.mark.parametrize(
    "content",
    ["not json\n", '{"ts": 1, "user": "a", "text": "x"}\n', '{"id": "a", "ts": "noon"}\n'],
)
def test_group_rejects_bad_input_in_one_line(
    app: typer.Typer, tmp_path: Path, content: str
) -> None:
    f = tmp_path / "bad.jsonl"
    f.write_text(content)
    res = CliRunner().invoke(app, ["group", "--jsonl", str(f)])
    assert res.exit_code == 2
    assert len(res.stderr.strip().splitlines()) == 1
    assert "Traceback" not in res.output


def _write_data(d: Path) -> None:
    streams = [
        {"stream": "train/x", "channel": "ubuntu", "source_split": "train"},
        {"stream": "dev/y", "channel": "ubuntu", "source_split": "dev"},
    ]
    (d / "streams.jsonl").write_text("\n".join(json.dumps(s) for s in streams) + "\n")
    msgs = []
    for sid in ("train/x", "dev/y"):
        msgs += [
            {"stream": sid, "idx": 0, "t": 0, "kind": "msg", "user": "al",
             "text": "how do I mount ntfs?", "parents": [0], "conv": 0},
            {"stream": sid, "idx": 1, "t": 60, "kind": "msg", "user": "bo",
             "text": "grub is broken after upgrade", "parents": [1], "conv": 1},
            {"stream": sid, "idx": 2, "t": 120, "kind": "msg", "user": "cy",
             "text": "al: use ntfs-3g to mount it", "parents": [0], "conv": 0},
        ]  # fmt: skip
    (d / "messages.jsonl").write_text("\n".join(json.dumps(m) for m in msgs) + "\n")


def test_eval_grouping_scores_only_untrained_streams(app: typer.Typer, tmp_path: Path) -> None:
    _write_data(tmp_path)
    out = tmp_path / "scores.json"
    res = CliRunner().invoke(app, ["eval", "grouping", "--data", str(tmp_path), "--json", str(out)])
    assert res.exit_code == 0, res.output
    scores = json.loads(out.read_text())
    assert scores["streams"] == ["dev/y"]
    assert scores["overall"]["model"]["messages"] == 3
    assert scores["overall"]["model"]["link_f"] > scores["overall"]["prev-msg"]["link_f"]
    assert "prev-msg" in res.stdout


def test_eval_grouping_missing_data_is_a_one_line_error(app: typer.Typer, tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["eval", "grouping", "--data", str(tmp_path / "nope")])
    assert res.exit_code == 2
    assert "streams.jsonl" in res.stderr


def test_group_explain_adds_reason_and_score(app: typer.Typer, tmp_path: Path) -> None:
    rows = [
        {"id": "a", "ts": 0, "user": "alice", "text": "is the refunds API idempotent?"},
        {"id": "b", "ts": 30, "user": "stripe_bob", "text": "yes", "thread_parent": "a"},
    ]
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    res = CliRunner().invoke(app, ["group", "--jsonl", str(f), "--explain"])
    assert res.exit_code == 0, res.output
    out = [json.loads(x) for x in res.stdout.splitlines()]
    assert out[1] == {"id": "b", "parent": "a", "reason": "thread", "score": 0.0}
    assert out[0]["parent"] == "a" and out[0]["reason"] == "first"
