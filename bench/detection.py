"""Detection throughput, model load time and memory.

    .venv/bin/python bench/detection.py [--n 20000] [--data ../shared/data] [--out FILE]

Measures, pinned to one core: messages/s through the in-process batch API
(``Detector.detect_many``), through the single-message API, and through
``presence detect --jsonl`` (a subprocess: start-up and model load included);
plus the time to import and load the model and the process's peak RSS after.
Messages are chat lines from nps-chat and swda-questions when the shared data
is there (read, never stored), otherwise the repository's multilingual set.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_LOAD_PROBE = """
import json, resource, time
t = time.perf_counter()
from bot.detection import Detector
d = Detector.load()
d.detect("toimiiko tämä?")
took = time.perf_counter() - t
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"load_s": took, "rss_mb": rss_mb}))
"""

# Used when the lead's `python -m bot` does not offer `detect` yet.
_CLI_FALLBACK = """
import sys, typer
from bot.detection.cli import register
app, ev = typer.Typer(), typer.Typer()
app.add_typer(ev, name="eval")
register(app, ev)
app(sys.argv[1:])
"""


def _pin() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def messages(data: Path, n: int) -> list[str]:
    texts: list[str] = []
    nps = data / "nps-chat" / "posts.jsonl"
    swda = data / "swda-questions" / "conversations.jsonl"
    if nps.exists():
        texts += [json.loads(line)["text"] for line in nps.open()]
    if swda.exists():
        for line in swda.open():
            texts += [u["text"] for u in json.loads(line)["utts"]]
            if len(texts) >= 4 * n:
                break
    if not texts:
        path = ROOT / "tests" / "data" / "detection" / "multilingual.jsonl"
        texts = [json.loads(line)["text"] for line in path.open()]
    return [texts[i % len(texts)] for i in range(0, n * 3, 3)][:n]


def bench_cli(texts: list[str]) -> tuple[float, str]:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        src.write_text(
            "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts))
        )
        for how, cmd in (
            ("python -m bot detect", [sys.executable, "-m", "bot", "detect", "--jsonl", str(src)]),
            ("detection cli", [sys.executable, "-c", _CLI_FALLBACK, "detect", "--jsonl", str(src)]),
        ):
            t = time.perf_counter()
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, preexec_fn=_pin)
            took = time.perf_counter() - t
            if proc.returncode == 0 and proc.stdout.count("\n") == len(texts):
                return len(texts) / took, how
    raise SystemExit("presence detect --jsonl failed")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "detection.json")
    args = ap.parse_args()
    _pin()

    probe = subprocess.run(
        [sys.executable, "-c", _LOAD_PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    load = json.loads(probe.stdout)

    from bot.detection import Detector

    det = Detector.load()
    texts = messages(args.data, args.n)
    det.detect_many(texts[:100])
    t, c = time.perf_counter(), time.process_time()
    det.detect_many(texts)
    batch = len(texts) / (time.perf_counter() - t)
    batch_cpu = len(texts) / (time.process_time() - c)
    single_n = min(len(texts), 5000)
    t = time.perf_counter()
    for text in texts[:single_n]:
        det.detect(text)
    single = single_n / (time.perf_counter() - t)
    cli, how = bench_cli(texts)

    result = {
        "messages": len(texts),
        "batch_msgs_per_s": round(batch),
        "batch_msgs_per_cpu_s": round(batch_cpu),
        "single_msgs_per_s": round(single),
        "cli_jsonl_msgs_per_s": round(cli),
        "cli_command": how,
        "model_load_s": round(load["load_s"], 3),
        "rss_after_load_mb": round(load["rss_mb"], 1),
        "model_file_kib": round((ROOT / "bot" / "detection" / "model.npz").stat().st_size / 1024),
        "load_average": os.getloadavg()[0],
    }
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
