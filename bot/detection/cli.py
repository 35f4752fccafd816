"""`presence detect` and `presence eval detection`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.detection import evaluate as ev
from bot.detection.detector import PRESETS, Detection, Detector, resolve_threshold

DEFAULT_DATA = Path("../shared/data")
DEFAULT_MULTILINGUAL = Path("tests/data/detection/multilingual.jsonl")
DEFAULT_TERSE = Path("tests/data/detection/terse.jsonl")


def _fail(message: str) -> typer.Exit:
    print(f"error: {message}", file=sys.stderr)
    return typer.Exit(2)


def _threshold(value: str | None) -> float | str | None:
    if value is None or value in PRESETS:
        return value
    try:
        return float(value)
    except ValueError:
        raise _fail(f"--threshold must be a number in [0, 1] or one of {sorted(PRESETS)}") from None


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        lines = (sys.stdin if str(path) == "-" else path.open(encoding="utf-8")).readlines()
    except OSError as exc:
        raise _fail(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise _fail(f"{path} is not UTF-8 text") from None
    rows: list[dict[str, Any]] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            raise _fail(f"{path}:{n}: not valid JSON") from None
        if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("text"), str):
            raise _fail(f'{path}:{n}: expected an object with "id" and a string "text"')
        lang = row.get("lang")
        if lang is not None and not isinstance(lang, str):
            raise _fail(f'{path}:{n}: "lang" must be a string')
        rows.append(row)
    return rows


def _line(d: Detection) -> dict[str, Any]:
    return {"is_question": d.is_question, "score": d.score, "kind": d.kind, "lang": d.lang}


def detect_command(
    text: Annotated[str | None, typer.Argument(help="One message to judge.")] = None,
    jsonl: Annotated[
        Path | None,
        typer.Option("--jsonl", help='JSON lines {"id","text"[,"lang"]}; "-" reads stdin.'),
    ] = None,
    threshold: Annotated[
        str | None,
        typer.Option("--threshold", help=f"Score needed, or a preset: {', '.join(PRESETS)}."),
    ] = None,
) -> None:
    """Say whether messages need a reply: one TEXT, or a JSONL file."""
    if (text is None) == (jsonl is None):
        raise _fail("give either TEXT or --jsonl FILE")
    limit = _threshold(threshold)
    try:
        resolve_threshold(limit)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    det = Detector.load()
    if text is not None:
        d = det.detect(text, threshold=limit)
        out = _line(d) | {"reasons": list(d.reasons), "resolves": d.resolves}
        print(json.dumps(out, ensure_ascii=False))
        return
    assert jsonl is not None
    rows = _read_jsonl(jsonl)
    results = det.detect_many(
        (r["text"] for r in rows), threshold=limit, langs=(r.get("lang") for r in rows)
    )
    write = sys.stdout.write
    for row, d in zip(rows, results, strict=True):
        write(json.dumps({"id": row["id"]} | _line(d), ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _row(name: str, s: ev.Scores, b: ev.Scores) -> str:
    return (
        f"{name:<24} {s.n:>7}  {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}"
        f"   {b.precision:6.3f} {b.recall:6.3f} {b.f1:6.3f}"
    )


def eval_detection_command(
    data: Annotated[
        Path, typer.Option("--data", help="Folder holding nps-chat/ and swda-questions/.")
    ] = DEFAULT_DATA,
    multilingual: Annotated[
        Path, typer.Option("--multilingual", help="The multilingual JSONL set.")
    ] = DEFAULT_MULTILINGUAL,
    terse: Annotated[
        Path, typer.Option("--terse", help="The terse support-message JSONL set.")
    ] = DEFAULT_TERSE,
    swda_context: Annotated[
        int, typer.Option("--swda-context", help="Also score swda with N previous utterances.")
    ] = 0,
) -> None:
    """Precision/recall/F1 per dataset next to the baseline "ends with ?"."""
    det = Detector.load()
    print(f"{'dataset':<24} {'n':>7}  {'P':>6} {'R':>6} {'F1':>6}   ends with ?: P / R / F1")
    found = False
    nps_path = data / "nps-chat" / "posts.jsonl"
    if nps_path.exists():
        found = True
        items = ev.nps_chat(data)
        s = ev.score(ev.predict(det, items), items)
        print(_row("nps-chat", s, ev.score(ev.baseline(items), items)))
        print("  (nps-chat: System posts filtered out for every system compared)")
    swda_path = data / "swda-questions" / "conversations.jsonl"
    if swda_path.exists():
        found = True
        items = ev.swda(data, context=swda_context)
        base = ev.score(ev.baseline(items), items)
        print(_row("swda-questions", ev.score(ev.predict(det, items), items), base))
        if swda_context:
            s = ev.score(ev.predict(det, items, use_context=True), items)
            print(_row(f"swda + {swda_context} context", s, base))
    for name, path in (("multilingual", multilingual), ("terse", terse)):
        if path.exists():
            found = True
            _per_language(det, name, ev.jsonl_set(path))
    if not found:
        raise _fail(f"no evaluation data under {data}, at {multilingual} or at {terse}")


def _per_language(det: Detector, name: str, items: list[ev.Item]) -> None:
    preds = ev.predict(det, items)
    base_preds = ev.baseline(items)
    for lang, idx in ev.by_group(items):
        sub = [items[i] for i in idx]
        s = ev.score([preds[i] for i in idx], sub)
        print(_row(f"{name} {lang}", s, ev.score([base_preds[i] for i in idx], sub)))


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("detect")(detect_command)
    eval_app.command("detection")(eval_detection_command)
