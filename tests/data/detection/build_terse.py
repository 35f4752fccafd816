"""Build terse.jsonl from the hand-written terse/<lang>.txt files.

    .venv/bin/python tests/data/detection/build_terse.py

Same line format as multilingual/<lang>.txt (``kind|tag|text``). The set holds
short, casual support-channel lines without "?": problem reports, declarative
and indirect questions, preambles and stated needs (which need a reply), and
same-register status updates, reactions, thanks and greetings (which do not).
Tags name the category: report, decl, wonder, preamble, need; staff, status,
done, ack, reaction, social, thanks, resolved, greeting.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
LANGS = ("en", "fi", "sv", "da", "no")
NEEDS_REPLY = {"question", "problem", "request"}
KINDS = {"question", "problem", "request", "idea", "thanks", "greeting", "chatter", "announcement"}


def rows(lang: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for n, line in enumerate((HERE / "terse" / f"{lang}.txt").read_text().splitlines()):
        kind, tag, text = line.split("|", 2)
        if kind not in KINDS:
            raise ValueError(f"terse/{lang}.txt:{n + 1}: unknown kind {kind!r}")
        out.append(
            {
                "id": f"terse-{lang}-{n + 1:03d}",
                "lang": lang,
                "text": text,
                "is_question": kind in NEEDS_REPLY,
                "kind": kind,
                "tag": tag,
            }
        )
    return out


def main() -> None:
    with (HERE / "terse.jsonl").open("w") as fh:
        for lang in LANGS:
            for r in rows(lang):
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
