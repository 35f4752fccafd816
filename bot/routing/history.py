"""Who resolved what: a bounded, incremental memory of resolved questions.

It answers three things routing needs, all weighted towards recent work:
which past questions look like this one (and who resolved them), how active each
person is on a topic, and how active each person is at all. Similarity is BM25 over
content words through an inverted index; only the newest postings of each word are
scanned, so a query costs the same with 10,000 or 1,000,000 questions behind it.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import Counter, defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter

from bot.routing.decay import Decayed
from bot.routing.text import tokens

DAY = 86400.0
_K1 = 1.2
_B = 0.75


@dataclass(frozen=True, slots=True)
class PastQuestion:
    item: int
    at: datetime
    topics: frozenset[str]
    resolvers: tuple[str, ...]
    ref: str | None


@dataclass(frozen=True, slots=True)
class Similar:
    question: PastQuestion
    score: float  # BM25, times a recency factor in (0.5, 1] when ranked for a `now`


class ResolvedHistory:
    """Resolved questions, newest `max_items` kept, with per-person decayed activity."""

    def __init__(
        self,
        *,
        max_items: int = 200_000,
        half_life_days: float = 30.0,
        scan_per_word: int = 2_000,
        recent_per_person: int = 200,
    ) -> None:
        self.max_items = max_items
        self.half_life = half_life_days * DAY
        self.scan_per_word = scan_per_word
        self._recent_per_person = recent_per_person
        self._items: deque[tuple[PastQuestion, Counter[str], int]] = deque()
        self._first = 0  # item number of the oldest kept question
        self._next = 0
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._df: Counter[str] = Counter()
        self._total_len = 0
        self._activity: dict[str, Decayed] = defaultdict(Decayed)
        self._topic_activity: dict[tuple[str, str], Decayed] = defaultdict(Decayed)
        self._recent: dict[str, deque[tuple[datetime, frozenset[str]]]] = {}
        self._latest = 0.0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def people(self) -> list[str]:
        """Everyone who has resolved something, most active lately first."""
        return sorted(self._activity, key=lambda u: -self.activity(u, self._latest))

    def add(
        self,
        text: str,
        topics: Iterable[str],
        resolvers: Iterable[str],
        at: datetime,
        ref: str | None = None,
    ) -> None:
        """Learn one resolved question. Times may arrive slightly out of order."""
        when = at.timestamp()
        self._latest = max(self._latest, when)
        topic_set = frozenset(topics)
        people = tuple(dict.fromkeys(r for r in resolvers if r))
        counts = Counter(tokens(text))
        past = PastQuestion(self._next, at, topic_set, people, ref)
        self._items.append((past, counts, sum(counts.values())))
        for word in counts:
            self._postings[word].append(self._next)
            self._df[word] += 1
        self._total_len += sum(counts.values())
        self._next += 1
        for person in people:
            self._activity[person].add(when, self.half_life)
            for topic in topic_set:
                self._topic_activity[(person, topic)].add(when, self.half_life)
            recent = self._recent.setdefault(person, deque(maxlen=self._recent_per_person))
            recent.append((at, topic_set))
        while len(self._items) > self.max_items:
            self._evict()

    def _evict(self) -> None:
        _, counts, length = self._items.popleft()
        self._first += 1
        self._total_len -= length
        for word in counts:
            self._df[word] -= 1
            if self._df[word] == 0:
                del self._df[word]
                del self._postings[word]
            elif len(self._postings[word]) > 4 * self._df[word]:
                # Trim evicted ids lazily so postings stay proportional to what is kept.
                plist = self._postings[word]
                del plist[: bisect_left(plist, self._first)]

    def activity(self, person: str, now: datetime | float) -> float:
        """Resolved questions lately, each weighted 0.5 ** (age / half-life)."""
        at = now if isinstance(now, float) else now.timestamp()
        counter = self._activity.get(person)
        return counter.value_at(at, self.half_life) if counter else 0.0

    def topic_activity(self, person: str, topic: str, now: datetime) -> float:
        counter = self._topic_activity.get((person, topic))
        return counter.value_at(now.timestamp(), self.half_life) if counter else 0.0

    def recent(self, person: str, since: datetime, topic: str | None = None) -> int:
        """How many questions `person` resolved since `since` (on `topic` if given)."""
        return sum(
            1
            for at, topics in self._recent.get(person, ())
            if at >= since and (topic is None or topic in topics)
        )

    def similar(self, text: str, k: int = 3, now: datetime | None = None) -> list[Similar]:
        """The k past questions most like `text`, recency-weighted when `now` is given."""
        n = len(self._items)
        if n == 0:
            return []
        query = set(tokens(text))
        avg_len = self._total_len / n or 1.0
        scores: dict[int, float] = defaultdict(float)
        for word in query:
            df = self._df.get(word, 0)
            if df == 0:
                continue
            idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
            plist = self._postings[word]
            lo = max(bisect_left(plist, self._first), len(plist) - self.scan_per_word)
            for item in plist[lo:]:
                scores[item] += idf
        if not scores:
            return []
        best = heapq.nlargest(max(4 * k, 20), scores.items(), key=itemgetter(1))
        results = []
        for item, base in best:
            past, counts, length = self._items[item - self._first]
            # BM25 term-frequency saturation and length normalisation on the shortlist only.
            norm = _K1 * (1 - _B + _B * length / avg_len)
            tf_part = sum(
                (counts[w] * (_K1 + 1)) / (counts[w] + norm) for w in query if w in counts
            )
            hits = sum(1 for w in query if w in counts)
            score = base * tf_part / hits
            if now is not None:
                age = max(0.0, now.timestamp() - past.at.timestamp())
                score *= 0.5 ** (age / self.half_life) * 0.5 + 0.5
            results.append(Similar(past, score))
        results.sort(key=lambda s: -s.score)
        return results[:k]
