"""Build multilingual.jsonl from the hand-written multilingual/<lang>.txt files.

    .venv/bin/python tests/data/detection/build_multilingual.py

Lines are ``kind|tag|text``: kind is the expected kind, or the name of a hard
negative (rhetorical, backchannel, code, quote, url, mention, long, empty), all
of which expect ``is_question`` false. ``\\n`` in text is a newline; a text
starting ``LONG:`` is repeated past 4,000 characters with a "?" in the middle.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
NEEDS_REPLY = {"question", "problem", "request"}
KINDS = {"question", "problem", "request", "idea", "thanks", "greeting", "chatter", "announcement"}


def rows(lang: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for n, line in enumerate((HERE / "multilingual" / f"{lang}.txt").read_text().splitlines()):
        kind, tag, text = line.split("|", 2)
        text = text.replace("\\n", "\n")
        if text.startswith("LONG:"):
            chunk = text[5:]
            half = chunk * (2100 // len(chunk) + 1)
            text = half + "Why? " + half.strip()
        out.append(
            {
                "id": f"{lang}-{n + 1:03d}",
                "lang": lang,
                "text": text,
                "is_question": kind in NEEDS_REPLY,
                "kind": kind if kind in KINDS else "chatter",
                "tag": tag,
            }
        )
    return out


def main() -> None:
    with (HERE / "multilingual.jsonl").open("w") as fh:
        for lang in ("en", "fi", "sv", "da", "no"):
            for r in rows(lang):
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
