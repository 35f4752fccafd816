"""Topics of a question: declared keywords and examples, plus what the archive teaches.

A small multinomial naive Bayes over content words. Declared keywords count as
strong evidence from the start; every resolved question with known topics adds its
words, so topics nobody declared still get learned from the archive.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from bot.routing.text import tokens

_KEYWORD_WEIGHT = 5.0


class TopicModel:
    def __init__(
        self,
        declared: Mapping[str, Iterable[str]] | None = None,
        *,
        min_confidence: float = 0.4,
    ) -> None:
        """`declared` maps a topic to keywords or example sentences."""
        self.min_confidence = min_confidence
        self._words: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self._totals: dict[str, float] = defaultdict(float)
        self._docs: Counter[str] = Counter()
        self._vocab: set[str] = set()
        self._keywords: dict[str, set[str]] = {}
        for topic, examples in (declared or {}).items():
            examples = list(examples)
            words = [w for example in examples for w in tokens(example)]
            # Single words are keywords (decisive); sentences are examples (evidence only).
            self._keywords[topic] = {w for e in examples if len(ws := tokens(e)) == 1 for w in ws}
            self._count(topic, words, _KEYWORD_WEIGHT)
            self._docs[topic] += 1

    @property
    def topics(self) -> list[str]:
        return sorted(self._docs)

    def _count(self, topic: str, words: Iterable[str], weight: float = 1.0) -> None:
        bag = self._words[topic]
        for w in words:
            bag[w] += weight
            self._totals[topic] += weight
            self._vocab.add(w)

    def learn(self, text: str, topics: Iterable[str]) -> None:
        words = tokens(text)
        for topic in topics:
            self._count(topic, words)
            self._docs[topic] += 1

    def scores(self, text: str) -> dict[str, float]:
        """Posterior probability of each known topic for `text` (empty when nothing known)."""
        words = [w for w in tokens(text) if w in self._vocab]
        if not words or not self._docs:
            return {}
        n_docs = sum(self._docs.values())
        v = len(self._vocab)
        logp = {}
        for topic, docs in self._docs.items():
            bag, total = self._words[topic], self._totals[topic]
            lp = math.log(docs / n_docs)
            for w in words:
                lp += math.log((bag.get(w, 0.0) + 0.1) / (total + 0.1 * v))
            logp[topic] = lp
        peak = max(logp.values())
        exp = {t: math.exp(lp - peak) for t, lp in logp.items()}
        z = sum(exp.values())
        return {t: e / z for t, e in exp.items()}

    def classify(self, text: str) -> tuple[str | None, float]:
        """The likeliest topic and its probability; None when below `min_confidence`.

        A declared keyword in the text settles it for its topic when no other topic's
        keywords appear.
        """
        words = set(tokens(text))
        hit = [t for t, kws in self._keywords.items() if kws & words]
        probs = self.scores(text)
        if len(hit) == 1:
            return hit[0], max(probs.get(hit[0], 0.0), self.min_confidence)
        if not probs:
            return None, 0.0
        topic, p = max(probs.items(), key=lambda kv: kv[1])
        return (topic, p) if p >= self.min_confidence else (None, p)
