"""Which existing ideas a new proposal repeats: TF-IDF cosine over content words
(bot/routing/text.py tokens, lightly stemmed), computed over the ideas at hand.
No model, no network; a few hundred ideas take well under a millisecond each."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from bot.routing.text import tokens

_SUFFIXES = ("ing", "ed", "es", "s")


def stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    return [stem(w) for w in tokens(text)]


def _vector(words: Iterable[str], idf: dict[str, float]) -> dict[str, float]:
    counts = Counter(words)
    vec = {w: (1 + math.log(n)) * idf.get(w, 1.0) for w, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {w: v / norm for w, v in vec.items()}


def rank(
    text: str, ideas: Sequence[tuple[int, str]], *, threshold: float, limit: int = 3
) -> list[tuple[int, float]]:
    """Ideas at least `threshold` alike (cosine, 0..1), most alike first."""
    query = terms(text)
    if not query or not ideas:
        return []
    docs = [(idea_id, terms(body)) for idea_id, body in ideas]
    df: Counter[str] = Counter()
    for _, words in docs:
        df.update(set(words))
    df.update(set(query))
    n = len(docs) + 1
    idf = {w: math.log((n + 1) / (c + 1)) + 1 for w, c in df.items()}
    q = _vector(query, idf)
    scored = []
    for idea_id, words in docs:
        d = _vector(words, idf)
        score = sum(v * d.get(w, 0.0) for w, v in q.items())
        if score >= threshold:
            scored.append((idea_id, round(score, 4)))
    scored.sort(key=lambda x: (-x[1], x[0]))
    return scored[:limit]
