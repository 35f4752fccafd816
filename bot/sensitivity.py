"""How eagerly a channel's messages count as questions: a named preset or a score.

Kept apart from bot/detection so the config reader and the chat verb can check a
value without loading the model.
"""

from __future__ import annotations

# The score a message needs to count as a question.
PRESETS: dict[str, float] = {"quiet": 0.7, "balanced": 0.5, "eager": 0.3}
DEFAULT = "balanced"
HELP = "quiet, balanced, eager, or a number from 0 to 1 (the score a question needs)"


def threshold_of(value: float | str | None) -> float:
    """The score ``value`` stands for; ValueError with a friendly message otherwise."""
    if value is None:
        return PRESETS[DEFAULT]
    if isinstance(value, str):
        word = value.strip().lower()
        if word in PRESETS:
            return PRESETS[word]
        try:
            score = float(word)
        except ValueError:
            raise ValueError(f"{value[:40]!r} is not a sensitivity; use {HELP}") from None
    else:
        score = float(value)
    if not 0.0 <= score <= 1.0:  # also refuses nan
        raise ValueError(f"sensitivity must be within 0 and 1, got {score}")
    return score + 0.0  # "-0" is 0.0, not -0.0


def normalised(value: str) -> str:
    """The stored form: a preset name, or the number as written back by Python."""
    word = value.strip().lower()
    return word if word in PRESETS else repr(threshold_of(word))
