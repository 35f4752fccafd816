"""Online conversation grouping of one channel, one message at a time.

Memory is bounded: the last `window` spoken lines, the nicks of the last
`window` join lines, and per-conversation state only for conversations that
still have a line in the window.
"""

from __future__ import annotations

import functools
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.grouping import text as tx
from bot.grouping.features import Entry, Vectoriser, make_entry, pair_features
from bot.grouping.model import MODEL_PATH, PairModel
from bot.grouping.model import load as load_model
from bot.grouping.types import Decision, GroupMessage


@functools.lru_cache(maxsize=4)
def _cached_model(path: str) -> PairModel:
    return load_model(Path(path))


@dataclass(slots=True)
class _Conversation:
    asker: str | None  # author of the root line
    asker_is_staff: bool | None
    staff_replied: bool
    question: bool  # the root asks something


@dataclass(frozen=True, slots=True)
class Featurised:
    """A message read against the window, before any decision."""

    entry: Entry
    rows: np.ndarray  # (1 + K, N_FEATURES); row 0 = the message itself
    candidates: tuple[Entry, ...]  # row i > 0 is candidates[i - 1]


class Grouper:
    """Decides, per new top-level message, which earlier message it continues."""

    def __init__(self, model: PairModel | None, vectoriser: Vectoriser, window: int = 100) -> None:
        if window < 1:
            raise ValueError("window must be at least 1")
        self._model = model
        self._vec = vectoriser
        self.window = window
        self._spoken: deque[Entry] = deque(maxlen=window)
        self._joined: deque[str] = deque(maxlen=window)
        self._roots: dict[str, str] = {}  # id -> conversation root id, for ids in the window
        self._convs: dict[str, _Conversation] = {}
        self._staff: dict[str, bool | None] = {}  # id -> author is staff
        self._last_ts = 0.0

    @classmethod
    def load(cls, window: int = 100, path: Path | None = None) -> Grouper:
        """A grouper over the shipped model (loaded once per process)."""
        model = _cached_model(str(path or MODEL_PATH))
        return cls(model, model.vectoriser, window)

    # -- reading -------------------------------------------------------------

    def featurise(self, msg: GroupMessage) -> Featurised:
        ts = self._last_ts if msg.ts is None else float(msg.ts)
        user = None if msg.user is None else tx.nick_key(msg.user) or msg.user.lower()
        known = {e.user for e in self._spoken if e.user is not None}
        known.update(self._joined)
        entry = make_entry(
            id=msg.id,
            ts=ts,
            user=user,
            text=msg.text,
            known=known,
            vectoriser=self._vec,
            user_first=user is not None and user not in known,
            explicit_mentions=msg.mentions,
        )
        rows = pair_features(entry, self._spoken, self._joined, msg.text)
        return Featurised(entry, rows, tuple(reversed(self._spoken)))

    def remember(self, f: Featurised, parent: str, is_staff: bool | None = None) -> None:
        e = f.entry
        e.parent = parent
        self._last_ts = max(self._last_ts, e.ts)
        if e.is_system:
            if e.joined is not None:
                self._joined.append(e.joined)
            return
        root = e.id if parent == e.id else self._roots.get(parent, parent)
        self._roots[e.id] = root
        e.root = root
        self._staff[e.id] = is_staff
        conv = self._convs.get(root)
        if conv is None:
            self._convs[root] = _Conversation(e.user, is_staff, False, e.has_q)
        elif is_staff and conv.asker_is_staff is False:
            conv.staff_replied = True
        if len(self._spoken) == self._spoken.maxlen:
            self._forget(self._spoken[0].id)
        self._spoken.append(e)

    def _forget(self, old_id: str) -> None:
        root = self._roots.pop(old_id, None)
        self._staff.pop(old_id, None)
        if root is not None and root not in self._roots.values():
            self._convs.pop(root, None)

    # -- deciding ------------------------------------------------------------

    def add(self, msg: GroupMessage) -> str:
        """Decide and remember; returns the parent id (or the message's own id)."""
        return self.decide(msg).parent

    def decide(self, msg: GroupMessage) -> Decision:
        """`add` with the reasons: which rule or score chose the parent."""
        f = self.featurise(msg)
        if msg.thread_parent is not None:
            d = Decision(msg.id, msg.thread_parent, "thread", 0.0)
        elif f.entry.is_system or self._model is None or not f.candidates:
            d = Decision(msg.id, msg.id, "system" if f.entry.is_system else "first", 0.0)
        else:
            d = self._by_model(msg, f)
        self.remember(f, d.parent, msg.is_staff)
        return d

    def _by_model(self, msg: GroupMessage, f: Featurised) -> Decision:
        assert self._model is not None
        scores = self._model.score(f.rows)
        ids = [msg.id] + [c.id for c in f.candidates]
        order = np.argsort(-scores)
        alts = tuple((ids[int(i)], float(scores[int(i)])) for i in order[:3])
        best = int(order[0])
        if best == 0 and msg.is_staff is not None:
            override = self._staff_rules(msg, f, scores)
            if override is not None:
                i, reason = override
                return Decision(msg.id, ids[i], reason, float(scores[i]), alts)
        return Decision(msg.id, ids[best], "model", float(scores[best]), alts)

    def _staff_rules(
        self, msg: GroupMessage, f: Featurised, scores: np.ndarray
    ) -> tuple[int, str] | None:
        """When staff status is known (live chat, not IRC): a staff line the model
        would start a conversation with answers the best-scoring question nobody
        on staff has answered; a customer who already has an unanswered question
        in the window is following it up, not asking a second one."""
        if msg.is_staff:
            best_i, best_s = None, -np.inf
            for i, c in enumerate(f.candidates, start=1):
                conv = self._convs.get(self._roots.get(c.id, ""))
                if (
                    conv is not None
                    and conv.asker_is_staff is False
                    and conv.question
                    and not conv.staff_replied
                    and scores[i] > best_s
                ):
                    best_i, best_s = i, float(scores[i])
            return (best_i, "staff-answer") if best_i is not None else None
        u = f.entry.user
        for i, c in enumerate(f.candidates, start=1):
            if c.user != u:
                continue
            conv = self._convs.get(self._roots.get(c.id, ""))
            if conv is not None and conv.asker == u and not conv.staff_replied:
                return i, "customer-follow-up"
        return None
