"""Training examples from the shippable corpora, weakly labelled by rules.

- stackexchange-beer (CC BY-SA 3.0): titles and "?" sentences of question bodies
  are questions; other body sentences and answer sentences are statements.
- irc-disentanglement (CC BY 4.0): lines ending in "?" are questions; a line that
  opens like a question is one too when it starts a conversation or another
  user answers it; question-shaped lines nobody answers and replies without any
  question shape are statements.

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


def _replied_by_others(path: Path) -> set[tuple[str, int]]:
    """(stream, idx) of lines that someone other than their author replies to."""
    authors: dict[tuple[str, int], str] = {}
    links: list[tuple[str, int, str]] = []
    with path.open() as fh:
        for line in fh:
            m = json.loads(line)
            authors[(m["stream"], m["idx"])] = m["user"] or ""
            for p in m["parents"] or ():
                if p != m["idx"]:
                    links.append((m["stream"], p, m["user"] or ""))
    return {(s, p) for s, p, user in links if authors.get((s, p), user) != user}


def irc(path: Path, rng: random.Random, max_neg: int = 40000) -> list[Example]:
    """Weak labels from the reply links of irc-disentanglement.

    A line ending in "?" is a question. A question-shaped line without "?" is one
    when it opens a conversation or another user answers it; a line that opens
    with a question word and a subject ("what you need is ...", "when I boot it
    ...") and that nobody answers is an explanation; other shaped lines nobody
    answers are left out (in a busy help channel many questions go unanswered).
    Replies without any question shape and backchannels are statements.
    """
    answered = _replied_by_others(path)
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
            starts = m["parents"] == [m["idx"]]
            got_reply = (m["stream"], m["idx"]) in answered
            shaped = any(c in cues for c in _QSHAPE)
            if "backchannel" in cues or "echo_question" in cues:
                neg.append((text, 0, 1.0, "irc_backchannel"))
            elif "endq" in cues and "len:1" not in cues:
                pos.append((text, 1, 1.0, "irc_q"))
            elif "hasq" in cues or m["parents"] is None:
                continue  # unannotated context lines: who answers them is unknown
            elif shaped and "first_wh_subj" not in cues and (starts or got_reply):
                pos.append((text, 1, 0.7, "irc_shaped_answered"))
            elif "first_wh_subj" in cues and not starts and not got_reply:
                neg.append((text, 0, 0.7, "irc_wh_clause"))
            elif not shaped and not starts:
                neg.append((text, 0, 1.0, "irc_reply"))
    rng.shuffle(neg)
    return pos + neg[:max_neg]
