"""`presence detect` and `presence eval detection` through a throwaway typer app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bot.detection.cli import register


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    root = typer.Typer()
    eval_app = typer.Typer()
    root.add_typer(eval_app, name="eval")
    register(root, eval_app)
    return root


runner = CliRunner()


def test_detect_one_text_prints_one_json_line(app: typer.Typer) -> None:
    result = runner.invoke(app, ["detect", "the export fails since this morning"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert out["is_question"] is True
    assert out["kind"] == "problem"
    assert out["lang"] == "en"
    assert 0.0 <= out["score"] <= 1.0


def test_detect_jsonl_answers_every_line_in_order(app: typer.Typer, tmp_path: Path) -> None:
    rows = [
        {"id": 1, "text": "how do I reset my password"},
        {"id": "b", "text": "really?"},
        {"id": 3, "text": "kiitos, toimii nyt"},
        {"id": 4, "text": "hur byter jag lösenord?", "lang": "sv"},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n")
    result = runner.invoke(app, ["detect", "--jsonl", str(src)])
    assert result.exit_code == 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, "b", 3, 4]
    assert [o["is_question"] for o in out] == [True, False, False, True]
    assert set(out[0]) == {"id", "is_question", "score", "kind", "lang"}
    assert out[2]["lang"] == "fi"
    assert out[3]["lang"] == "sv"


@pytest.mark.parametrize(
    "content",
    ["not json\n", '{"text": "no id"}\n', '{"id": 1, "text": 5}\n', "[1, 2]\n"],
)
def test_detect_jsonl_rejects_bad_lines_with_one_line_error(
    app: typer.Typer, tmp_path: Path, content: str
) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text(content)
    result = runner.invoke(app, ["detect", "--jsonl", str(src)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "bad.jsonl:1" in result.stderr


def test_detect_without_input_or_with_a_missing_file_fails_cleanly(
    app: typer.Typer, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["detect"]).exit_code == 2
    missing = runner.invoke(app, ["detect", "--jsonl", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2
    assert "Traceback" not in missing.stderr
    bad = runner.invoke(app, ["detect", "hi", "--threshold", "loud"])
    assert bad.exit_code == 2


def test_detect_threshold_preset_changes_the_verdict(app: typer.Typer) -> None:
    text = "how do I export"
    loose = json.loads(runner.invoke(app, ["detect", text, "--threshold", "0"]).stdout)
    strict = json.loads(runner.invoke(app, ["detect", text, "--threshold", "1"]).stdout)
    assert loose["is_question"] and not strict["is_question"]


def _fake_data(root: Path) -> None:
    (root / "nps-chat").mkdir(parents=True)
    posts = [
        ("what time is it", "whQuestion", True),
        ("lol", "Emotion", False),
        ("JOIN", "System", False),
        ("u there?", "ynQuestion", True),
        ("isn't it great?", "Statement", False),
    ]
    with (root / "nps-chat" / "posts.jsonl").open("w") as fh:
        for i, (text, act, q) in enumerate(posts):
            row = {"session": "s", "i": i, "text": text, "act": act, "is_question": q}
            fh.write(json.dumps(row) + "\n")
    (root / "swda-questions").mkdir()
    utts = [
        {"spk": "A", "text": "Do you have pets?", "da": "qy", "q": True},
        {"spk": "B", "text": "Yeah, two cats.", "da": "ny", "q": False},
        {"spk": "A", "text": "Really?", "da": "bh", "q": False},
    ]
    (root / "swda-questions" / "conversations.jsonl").write_text(
        json.dumps({"conv": "1", "source_split": "train", "utts": utts}) + "\n"
    )


def test_eval_detection_prints_scores_next_to_the_baseline(
    app: typer.Typer, tmp_path: Path
) -> None:
    _fake_data(tmp_path / "data")
    ml = tmp_path / "ml.jsonl"
    ml.write_text(
        json.dumps({"text": "toimiiko vienti?", "is_question": True, "lang": "fi"}) + "\n"
    )
    terse = tmp_path / "terse.jsonl"
    terse.write_text(
        json.dumps({"text": "raportti on tyhjä", "is_question": True, "lang": "fi"}) + "\n"
    )
    result = runner.invoke(
        app,
        [
            "eval",
            "detection",
            "--data",
            str(tmp_path / "data"),
            "--multilingual",
            str(ml),
            "--terse",
            str(terse),
        ],
    )
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "ends with ?" in out
    assert "System posts filtered" in out
    nps = next(line for line in out.splitlines() if line.startswith("nps-chat"))
    assert nps.split()[1] == "4"  # the System post is not counted
    swda = next(line for line in out.splitlines() if line.startswith("swda-questions"))
    p, r, f1, bp, br, bf1 = (float(x) for x in swda.split()[2:8])
    assert (p, r, f1) == (1.0, 1.0, 1.0)
    assert (bp, br) == (0.5, 1.0)  # "Really?" fools the baseline
    assert any(line.startswith("multilingual fi") for line in out.splitlines())
    assert any(line.startswith("terse fi") for line in out.splitlines())
    assert set(tmp_path.glob("*")) == {tmp_path / "data", ml, terse}  # writes nothing


def test_eval_detection_without_data_fails_cleanly(app: typer.Typer, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "eval",
            "detection",
            "--data",
            str(tmp_path),
            "--multilingual",
            str(tmp_path / "x"),
            "--terse",
            str(tmp_path / "y"),
        ],
    )
    assert result.exit_code == 2
    assert "no evaluation data" in result.stderr
