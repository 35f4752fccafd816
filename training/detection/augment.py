"""Variants that teach the model chat spelling and questions without "?"."""

from __future__ import annotations

import random
import re

from bot.detection.cues import read_cues
from bot.detection.normalize import clean

_SUBS = (
    (r"\byou\b", "u"),
    (r"\bare\b", "r"),
    (r"\byour\b", "ur"),
    (r"\byou're\b", "ur"),
    (r"\bwant to\b", "wanna"),
    (r"\bgoing to\b", "gonna"),
    (r"\bwhat\b", "wat"),
    (r"\banyone\b", "any1"),
    (r"\bplease\b", "pls"),
    (r"\bbecause\b", "cuz"),
    (r"\bwhat's up\b", "sup"),
    (r"\bdo you\b", "do ya"),
    (r"\bthanks\b", "thx"),
)
_TRAIL = re.compile(r"[?.!\s]+$")


def chatify(text: str, rng: random.Random) -> str:
    t = text.lower().replace("'", "") if rng.random() < 0.5 else text.lower()
    for pat, rep in _SUBS:
        if rng.random() < 0.5:
            t = re.sub(pat, rep, t)
    if rng.random() < 0.3:
        t = t + " " + rng.choice(("lol", "lmao", "haha", ":)", "..."))
    return t


def drop_question_mark(text: str) -> str:
    return _TRAIL.sub("", text)


_SHAPES = frozenset(
    {"first_wh_aux", "first_aux_subj_start", "first_clitic_start", "first_anyone_start"}
)


def _shaped(text: str) -> bool:
    """Only a question that reads as one without its "?" teaches anything when stripped."""
    names = read_cues(clean(text)).names
    if "first_wh_start" in names and not ("wh_start:when" in names and "first_wh_subj" in names):
        return True
    return bool(names & _SHAPES) or "fam_wonder" in names or "mid_wh_aux_subj" in names


# An auxiliary before its subject ("do you ...", "is there ...") asks whatever
# the punctuation; a question word does not ("what it is is ...").
_SPOKEN_LEADS = ("Uh, ", "Um, ", "Well, ", "So, ", "And ", "Oh, ", "", "")


def _spoken_lead(text: str, rng: random.Random) -> str:
    lead = rng.choice(_SPOKEN_LEADS)
    if not lead or text.startswith("I "):
        return lead + text
    return lead + text[:1].lower() + text[1:]


def transcribe(text: str, rng: random.Random) -> str:
    """A question as a speech transcript may write it: a filler in front and a
    falling "." where a chat writer types "?"."""
    core = drop_question_mark(text)
    core = _spoken_lead(core[:1].upper() + core[1:], rng)
    return core + "."


def augment(
    examples: list[tuple[str, int, float, str]], rng: random.Random
) -> list[tuple[str, int, float, str]]:
    out = list(examples)
    for text, label, weight, source in examples:
        stripped = text.rstrip()
        if label == 1 and stripped.endswith("?") and _shaped(stripped) and rng.random() < 0.6:
            # Who leaves out the "?" mostly types casually too: lower case, chat spelling.
            bare = drop_question_mark(stripped)
            if rng.random() < 0.7:
                bare = chatify(bare, rng) if rng.random() < 0.5 else bare.lower()
            out.append((bare, 1, weight * 0.6, source + "+noq"))
        if label == 1 and stripped.endswith("?") and rng.random() < 0.3:
            names = read_cues(clean(stripped)).names
            if "first_aux_subj_start" in names and "multi_sentence" not in names:
                out.append((transcribe(stripped, rng), 1, weight * 0.5, source + "+spoken"))
        elif label == 0 and rng.random() < 0.05:
            # fillers open statements as often as questions in speech
            out.append((_spoken_lead(text, rng), 0, weight * 0.5, source + "+spoken"))
        if rng.random() < 0.25:
            out.append((chatify(text, rng), label, weight * 0.6, source + "+chat"))
    return out
