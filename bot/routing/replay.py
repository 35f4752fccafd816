"""Replaying an archive of questions in time order, and scoring the rankings.

Each question is ranked using only what came before it, then its answers are
learned. This is the same ResolvedHistory and the same `rank` as live routing, with
availability and load neutral: everyone who has answered before is a candidate, on
duty around the clock, with no open questions.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.calendar import BusinessCalendar
from bot.errors import UsageError
from bot.routing.history import ResolvedHistory
from bot.routing.model import ExpertProfile, RoutingRequest
from bot.routing.rank import DEFAULT_WEIGHTS, Weights, rank

TOP = 10


@dataclass(frozen=True)
class ArchivedQuestion:
    id: str
    created: datetime
    text: str
    tags: tuple[str, ...]
    answerers: tuple[str, ...]
    raw_id: str | int = ""  # as given, echoed back unchanged


def _time(value: Any, where: str) -> datetime:
    if not isinstance(value, str):
        raise UsageError(f"{where}: 'created' must be an ISO time string")
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as e:
        raise UsageError(f"{where}: bad time {value!r}") from e
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def parse_question(raw: Any, where: str) -> ArchivedQuestion:
    if not isinstance(raw, dict) or "id" not in raw or "created" not in raw:
        raise UsageError(f"{where}: expected an object with 'id' and 'created'")
    raw_id = raw["id"]
    if not isinstance(raw_id, str | int) or isinstance(raw_id, bool):
        raise UsageError(f"{where}: 'id' must be a string or a number")
    answers = raw.get("answers") or []
    tags = raw.get("tags") or []
    if not isinstance(answers, list) or not isinstance(tags, list):
        raise UsageError(f"{where}: 'answers' and 'tags' must be lists")
    answerers = []
    for a in answers:
        if not isinstance(a, dict):
            raise UsageError(f"{where}: each answer must be an object")
        if a.get("answerer") is not None:
            answerers.append(str(a["answerer"]))
    title, body = raw.get("title") or "", raw.get("body") or ""
    return ArchivedQuestion(
        id=str(raw["id"]),
        created=_time(raw["created"], where),
        # The title says most in the fewest words; counting it twice weights it so.
        text=f"{title}\n{title}\n{body}",
        tags=tuple(str(t) for t in tags),
        answerers=tuple(dict.fromkeys(answerers)),
        raw_id=raw_id,
    )


def read_questions(lines: Iterable[str], source: str = "input") -> Iterator[ArchivedQuestion]:
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as e:
            raise UsageError(f"{source} line {n}: not JSON ({e.msg})") from e
        yield parse_question(raw, f"{source} line {n}")


class Ranker(Protocol):
    def rank(self, q: ArchivedQuestion) -> list[str]: ...
    def learn(self, q: ArchivedQuestion) -> None: ...


class Replayer:
    """Rank, then learn; one question at a time."""

    def __init__(
        self, history: ResolvedHistory | None = None, weights: Weights = DEFAULT_WEIGHTS
    ) -> None:
        self.history = history if history is not None else ResolvedHistory()
        self.weights = weights
        self._always = BusinessCalendar("UTC", "24/7")
        self._experts: dict[str, ExpertProfile] = {}

    def rank(self, q: ArchivedQuestion) -> list[str]:
        req = RoutingRequest(
            text=q.text, language=None, now=q.created, extra_topics=frozenset(q.tags)
        )
        experts = list(self._experts.values())
        ranked = rank(
            req,
            experts,
            {},
            self.history,
            weights=self.weights,
            limit=TOP,
            explain=False,
            fit_first=False,
        )
        return [c.user for c in ranked]

    def learn(self, q: ArchivedQuestion) -> None:
        self.history.add(q.text, q.tags, q.answerers, q.created, ref=q.id)
        for person in q.answerers:
            if person not in self._experts:
                self._experts[person] = ExpertProfile(
                    user=person,
                    name=person,
                    topics=frozenset(),
                    languages=frozenset(),
                    calendar=self._always,
                    capacity=1_000_000,
                )


class MostActive:
    """Baseline: whoever has answered most so far."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def rank(self, q: ArchivedQuestion) -> list[str]:
        return [u for u, _ in self.counts.most_common(TOP)]

    def learn(self, q: ArchivedQuestion) -> None:
        self.counts.update(q.answerers)


class RandomPick:
    """Baseline: a seeded random order of everyone who has answered so far."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.people: list[str] = []
        self._seen: set[str] = set()

    def rank(self, q: ArchivedQuestion) -> list[str]:
        return self.rng.sample(self.people, min(TOP, len(self.people)))

    def learn(self, q: ArchivedQuestion) -> None:
        for p in q.answerers:
            if p not in self._seen:
                self._seen.add(p)
                self.people.append(p)


@dataclass
class Score:
    questions: int = 0
    hit1: float = 0.0
    hit3: float = 0.0
    mrr: float = 0.0

    def add(self, ranked: list[str], truth: Iterable[str]) -> None:
        actual = set(truth)
        self.questions += 1
        self.hit1 += bool(ranked[:1]) and ranked[0] in actual
        self.hit3 += any(u in actual for u in ranked[:3])
        self.mrr += next((1.0 / i for i, u in enumerate(ranked, 1) if u in actual), 0.0)

    def means(self) -> dict[str, float]:
        n = self.questions or 1
        return {"hit@1": self.hit1 / n, "hit@3": self.hit3 / n, "mrr": self.mrr / n}


def evaluate(questions: Iterable[ArchivedQuestion], seed: int = 0) -> dict[str, Score]:
    """Replay with Presence and the baselines; questions with no answers are fed, not scored."""
    systems: dict[str, Ranker] = {
        "presence": Replayer(),
        "most-active": MostActive(),
        "random": RandomPick(seed),
    }
    scores = {name: Score() for name in systems}
    for q in questions:
        for name, system in systems.items():
            if q.answerers:
                scores[name].add(system.rank(q), q.answerers)
            system.learn(q)
    return scores
