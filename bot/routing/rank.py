"""Ranking experts for a question, with reasons in words. Pure: no database, no clock.

Score = topic fit + similarity to past resolved questions (credited to who resolved
them) + recent activity, scaled down by current load. Order is by tier first, so an
off-duty expert never outranks an on-duty one who fits:
  0 fits, on duty, has room   1 fits, on duty, at capacity   2 fits, off duty
  3 does not fit (wrong language, or no topic, similarity or ownership evidence)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.routing import reasons as words
from bot.routing.history import ResolvedHistory
from bot.routing.model import Assignment, Candidate, ExpertProfile, RoutingRequest
from bot.routing.topics import TopicModel

MONTH = timedelta(days=30)
YEAR = timedelta(days=365)


@dataclass(frozen=True)
class Weights:
    # Measured on stackexchange-beer (docs/routing.md): being active lately predicts the
    # next answerer best, topic and text add to it. A declared expert outweighs all that.
    activity: float = 2.0  # resolved anything lately
    topic_activity: float = 0.6  # resolved questions of this topic lately
    declared: float = 3.0  # declared expert in this topic
    similar: float = 0.5  # resolved questions that read like this one
    owner: float = 0.5  # the customer's account owner, when policy does not put them first
    busy_penalty: float = 0.5  # score lost at full load
    k_similar: int = 20
    min_similar: float = 0.25  # a similar question counts from this share of the best match


DEFAULT_WEIGHTS = Weights()


@dataclass
class _Scored:
    expert: ExpertProfile
    score: float = 0.0
    fits: bool = False
    on_duty: bool = False
    full: bool = False
    tier: int = 3
    is_owner: bool = False
    speaks: bool = True
    evidence: bool = False
    open_now: int = 0
    span: tuple[datetime, datetime] | None = None
    backup_for: str | None = None
    reasons: list[str] = field(default_factory=list)


def _normalised(values: Mapping[str, float]) -> dict[str, float]:
    peak = max(values.values(), default=0.0)
    return {k: v / peak for k, v in values.items()} if peak > 0 else {}


def _topics_of(
    req: RoutingRequest, topics: TopicModel | None
) -> tuple[set[str], str | None, float]:
    wanted = set(req.extra_topics)
    if req.topic is not None:
        return wanted | {req.topic}, req.topic, 1.0
    if topics is not None:
        topic, confidence = topics.classify(req.text)
        if topic is not None:
            return wanted | {topic}, topic, confidence
        return wanted, None, confidence
    return wanted, None, 0.0


def rank(
    req: RoutingRequest,
    experts: Sequence[ExpertProfile],
    load: Mapping[str, int],
    history: ResolvedHistory,
    topics: TopicModel | None = None,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    limit: int = 10,
    explain: bool = True,
    fit_first: bool = True,
) -> list[Candidate]:
    """The best `limit` candidates, best first, each with its reasons.

    `fit_first=False` orders by availability and score only, for replays where every
    candidate is someone who answered before and there is nothing to assign.
    """
    return _rank(req, experts, load, history, topics, weights, limit, explain, fit_first)[0]


def _rank(
    req: RoutingRequest,
    experts: Sequence[ExpertProfile],
    load: Mapping[str, int],
    history: ResolvedHistory,
    topics: TopicModel | None,
    w: Weights,
    limit: int,
    explain: bool,
    fit_first: bool = True,
) -> tuple[list[Candidate], str | None, float]:
    now = req.now
    wanted, topic, confidence = _topics_of(req, topics)
    similar = history.similar(req.text, k=w.k_similar, now=now)
    best = similar[0].score if similar else 0.0
    sim_raw: dict[str, float] = defaultdict(float)
    sim_month: dict[str, int] = defaultdict(int)
    sim_all: dict[str, int] = defaultdict(int)
    for s in similar:
        if s.score < w.min_similar * best:
            continue
        for person in s.question.resolvers:
            sim_raw[person] += s.score / best
            sim_all[person] += 1
            if s.question.at >= now - MONTH:
                sim_month[person] += 1
    sim = _normalised(sim_raw)
    act = _normalised({e.user: history.activity(e.user, now) for e in experts})
    topic_act = _normalised(
        {e.user: sum(history.topic_activity(e.user, t, now) for t in wanted) for e in experts}
    )

    # Experts often share a calendar (a team's hours); ask each calendar once per decision.
    spans: dict[int, tuple[datetime, datetime]] = {}
    scored: list[_Scored] = []
    for e in experts:
        if e.user == req.asker:
            continue
        c = _Scored(e)
        declared = bool(wanted & e.topics)
        c.is_owner = req.customer_owner is not None and e.user == req.customer_owner
        c.speaks = req.language is None or not e.languages or req.language in e.languages
        c.score = (
            w.activity * act.get(e.user, 0.0)
            + w.topic_activity * topic_act.get(e.user, 0.0)
            + w.declared * declared
            + w.similar * sim.get(e.user, 0.0)
            + (w.owner if c.is_owner and not req.owner_first else 0.0)
        )
        c.evidence = declared or sim.get(e.user, 0.0) > 0 or topic_act.get(e.user, 0.0) > 0
        c.fits = c.speaks and (c.evidence or (c.is_owner and req.owner_first))
        c.open_now = load.get(e.user, 0)
        c.full = c.open_now >= e.capacity
        c.score *= 1.0 - w.busy_penalty * min(1.0, c.open_now / max(1, e.capacity))
        span = spans.get(id(e.calendar))
        if span is None:
            span = spans[id(e.calendar)] = e.calendar.span_at(now)
        c.span = span
        c.on_duty = not e.away and span[0] <= now
        if c.is_owner and req.owner_first and c.fits and c.on_duty and not c.full:
            c.score += 100.0  # policy: the owner first whenever they can take it
        scored.append(c)

    _lend_to_backups(scored)
    for c in scored:
        c.tier = 3 if fit_first and not c.fits else 2 if not c.on_duty else 1 if c.full else 0
    scored.sort(key=lambda c: (c.tier, -c.score, c.expert.user))
    top = scored[:limit]
    if explain:
        for c in top:
            c.reasons = _explain(c, req, wanted, history, sim_month, sim_all)
    out = [
        Candidate(c.expert.user, round(c.score, 4), c.on_duty, tuple(c.reasons), c.fits)
        for c in top
    ]
    return out, topic, confidence


def _explain(
    c: _Scored,
    req: RoutingRequest,
    wanted: set[str],
    history: ResolvedHistory,
    sim_month: Mapping[str, int],
    sim_all: Mapping[str, int],
) -> list[str]:
    e, now = c.expert, req.now
    out = []
    if c.backup_for:
        out.append(f"backup for {c.backup_for}, who is not available")
    if c.is_owner:
        out.append("account owner for this customer")
    out.extend(f"declared expert in {t}" for t in sorted(wanted & e.topics))
    if sim_month.get(e.user):
        out.append(f"resolved {words.plural(sim_month[e.user], 'similar question')} this month")
    elif sim_all.get(e.user):
        out.append(f"resolved {words.plural(sim_all[e.user], 'similar question')} before")
    for t in sorted(wanted):
        n = history.recent(e.user, now - MONTH, t)
        if n:
            out.append(f"answered {words.plural(n, 'question')} on {t} this month")
    if req.language is not None and e.languages:
        out.append(f"{'speaks' if c.speaks else 'does not speak'} {req.language}")
    if not c.evidence and not c.is_owner:
        out.append("no past work on this topic")
    out.append(words.duty(e, now, c.span))
    out.append(words.load(c.open_now, e.capacity))
    return out


def _lend_to_backups(scored: list[_Scored]) -> None:
    """An unavailable expert who fits passes most of their standing to an available backup."""
    by_user = {c.expert.user: c for c in scored}
    for c in scored:
        backup = by_user.get(c.expert.backup or "")
        if not c.fits or (c.on_duty and not c.full) or backup is None:
            continue
        if backup.on_duty and not backup.full and backup.score < 0.8 * c.score:
            backup.score = 0.8 * c.score
            backup.fits = True
            backup.backup_for = c.expert.name


def choose(
    req: RoutingRequest,
    experts: Sequence[ExpertProfile],
    load: Mapping[str, int],
    history: ResolvedHistory,
    topics: TopicModel | None = None,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    allow_off_duty: bool = True,
) -> Assignment:
    """Pick the assignee, or None for the triage channel when nobody fits."""
    ranked, topic, confidence = _rank(req, experts, load, history, topics, weights, 10, True)
    top = ranked[0] if ranked else None
    if top is None or not top.fits:
        return Assignment(None, tuple(ranked), topic, confidence, "nobody fits: sent to triage")
    if not top.on_duty and not allow_off_duty:
        reason = "nobody who fits is on duty: sent to triage"
        return Assignment(None, tuple(ranked), topic, confidence, reason)
    reason = "; ".join(top.reasons)
    return Assignment(top.user, tuple(ranked), topic, confidence, reason)
