"""Training examples from the shippable corpora, weakly labelled by rules.

- stackexchange-beer (CC BY-SA 3.0): titles and "?" sentences of question bodies
  are questions; other body sentences and answer sentences are statements.
- irc-disentanglement (CC BY 4.0): lines ending in "?" are questions; a line that
  starts a conversation and opens like a question is one too; replies without
  any question shape are statements.

nps-chat and swda-questions are never read here (non-commercial: measure only).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

from bot.detection.cues import read_cues
from bot.detection.normalize import clean

Example = tuple[str, int, float, str]  # text, label, weight, source

_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_QSHAPE = ("first_wh_start", "first_aux_subj_start", "first_clitic_start", "first_anyone_start")


def _sentences(body: str) -> Iterator[str]:
    for para in body.split("\n"):
        for s in _SENT.split(para.strip()):
            s = s.strip()
            if 3 <= len(s) <= 300 and not s.startswith(("http", ">", "|")):
                yield s


def stackexchange(path: Path) -> list[Example]:
    out: list[Example] = []
    with path.open() as fh:
        for line in fh:
            q = json.loads(line)
            out.append((q["title"], 1, 1.0, "se_title"))
            for s in _sentences(q["body"]):
                if s.endswith("?"):
                    out.append((s, 1, 1.0, "se_body_q"))
                else:
                    out.append((s, 0, 0.5, "se_body_s"))
            for a in q["answers"]:
                for s in _sentences(a["body"]):
                    if not s.endswith("?"):
                        out.append((s, 0, 0.5, "se_answer"))
    return out


def irc(path: Path, rng: random.Random, max_neg: int = 40000) -> list[Example]:
    pos: list[Example] = []
    neg: list[Example] = []
    with path.open() as fh:
        for line in fh:
            m = json.loads(line)
            if m["kind"] != "msg" or not m["text"]:
                continue
            text = m["text"]
            if "<unconvertable>" in text or len(text) > 400:
                continue
            cues = read_cues(clean(text)).names
            starts = m["parents"] is not None and m["parents"] == [m["idx"]]
            shaped = any(c in cues for c in _QSHAPE)
            if "backchannel" in cues or "echo_question" in cues:
                neg.append((text, 0, 1.0, "irc_backchannel"))
            elif "endq" in cues and "len:1" not in cues:
                pos.append((text, 1, 1.0, "irc_q"))
            elif starts and shaped and "hasq" not in cues:
                pos.append((text, 1, 0.7, "irc_start_shaped"))
            elif "hasq" not in cues and not shaped and m["parents"] is not None and not starts:
                neg.append((text, 0, 1.0, "irc_reply"))
    rng.shuffle(neg)
    return pos + neg[:max_neg]
