"""Cues for terse support lines without "?" that still need a reply when they are
about the supplier's product: "the report is empty" (a problem), "so the key goes in
the header" (a check). Every rule here needs a product word, which keeps "slow day
here lol" chatter."""

from __future__ import annotations

from bot.detection import lexicon_terse as lt
from bot.detection.normalize import strip_trailing_noise


def is_topic(word: str) -> bool:
    """Whether a word names something only a supplier runs (export, lasku, fakturan ...)."""
    if word in lt.TOPIC_WORDS or word.startswith(lt.TOPIC_STEMS):
        return True
    return len(word) >= 8 and any(part in word for part in lt.TOPIC_PARTS)


def _topic(words: list[str]) -> str:
    """ "strong" for a supplier's product word, "weak" for one of plain talk too, or ""."""
    if any(is_topic(w) for w in words) or any(
        p in lt.TOPIC_PAIRS for p in zip(words, words[1:], strict=False)
    ):
        return "strong"
    weak = any(w in lt.TOPIC_WEAK or w.startswith(lt.TOPIC_WEAK_STEMS) for w in words)
    return "weak" if weak else ""


def terse_cues(words: list[str], names: set[str], families: set[str]) -> None:
    """Terse lines without "?" that still need a reply, if they are about the product:
    "the report is empty" (a problem), "so the key goes in the header" (a check)."""
    topic = _topic(words)
    if not topic or "own_fault" in families:
        return
    names.add("topic")
    keeps = any(
        w in ("keeps", "keep") and nxt.endswith("ing")
        for w, nxt in zip(words, words[1:], strict=False)
    )
    if (
        "symptom" in families
        or keeps
        or _contradicts(words)
        or any(part in w for w in words for part in lt.SYMPTOM_PARTS)
    ):
        names.add("problem_terse")
    core = strip_trailing_noise(words) or words
    if topic == "weak" or len(core) > 12 or names & {"end_period", "multi_sentence", "endq"}:
        return
    second = core[1] if len(core) > 1 else ""
    if any(w in lt.PRAISE for w in core):
        return
    if (
        "assume" in families
        or words[-1] == "then"
        or (core[0] in lt.ASSUME_LEADS and _checks(core))
        or (core[0] in lt.YOU_LEADS and second not in ("know", "see", "mean"))
    ):
        names.add("assumed_q")  # "you guys support sso", "so the key goes in the header"


def _checks(core: list[str]) -> bool:
    """ "so the key goes in the header", "so we just re-run it": a conclusion to confirm;
    "so we rolled out sso today" tells what the writer did."""
    second = core[1] if len(core) > 1 else ""
    return second not in lt.FIRST_PERSON or any(w in lt.CHECK_WORDS for w in core[2:])


def _contradicts(words: list[str]) -> bool:
    """ "the docs say seconds but it behaves like ms", "the headers say 0 but ...": what
    the product reports, then "but"."""
    said = next((i for i, w in enumerate(words) if w in lt.REPORTS), None)
    return said is not None and any(w in lt.REPORT_BUT for w in words[said + 1 :])
