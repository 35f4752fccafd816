"""Features of (message, candidate antecedent) pairs, after Kummerfeld et al. 2019.

One row per candidate: row 0 is the message itself ("starts a new conversation"),
then earlier spoken messages, newest first. Message-level features repeat on every
row so a per-row scorer can weigh them against each candidate.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot.grouping import text as tx

FEATURE_NAMES: tuple[str, ...] = (
    "m_has_q",
    "m_log_words",
    "m_addr_known",
    "m_mentions_known",
    "m_user_new",
    "m_user_joined",
    "m_greet",
    "m_thanks",
    "m_ack",
    "m_log_gap_prev",
    "m_log_gap_own",
    "m_has_url",
    "is_self",
    "log_dist",
    "dist_is_1",
    "log_gap",
    "same_user",
    "m_addr_c",
    "m_ment_c",
    "c_addr_m",
    "c_ment_m",
    "c_addr_other",
    "m_addr_other",
    "c_latest_of_cuser",
    "log_cuser_later",
    "m_user_after_c",
    "c_latest_ment_m",
    "c_latest_of_addressee",
    "c_latest_of_muser",
    "tfidf_cos",
    "log_shared",
    "best_overlap",
    "c_has_q",
    "c_log_words",
    "c_user_first",
    "c_greet",
    "c_thanks",
    "c_addr_any",
    "users_talked",
    "c_conv_has_muser",
    "c_latest_in_conv",
    "c_latest_in_muser_conv",
    "log_conv_size",
)
N_FEATURES = len(FEATURE_NAMES)
_NO_GAP = math.log1p(6 * 3600.0)  # "never": as if six hours ago


@dataclass(slots=True)
class Entry:
    """What grouping remembers of one line."""

    id: str
    ts: float
    user: str | None  # nick key; None for system lines
    is_system: bool
    words: list[str]
    vec: dict[str, float]  # L2-normalised tf-idf
    addressed: str | None  # known nick this line is addressed to
    mentioned: frozenset[str]  # known nicks named anywhere (addressee included)
    has_q: bool
    user_first: bool  # first line of this user within the remembered window
    joined: str | None = None  # nick of a join line
    parent: str = ""
    root: str = ""  # conversation root as decided (gold links when training)


class Vectoriser:
    """tf-idf with a fixed, shipped idf table (unknown words weigh as the rarest)."""

    def __init__(self, idf: Mapping[str, float], unknown_idf: float) -> None:
        self.idf = idf
        self.unknown_idf = unknown_idf

    def vec(self, ws: Sequence[str]) -> dict[str, float]:
        tf: dict[str, float] = {}
        for w in ws:
            tf[w] = tf.get(w, 0.0) + 1.0
        out = {w: (1.0 + math.log(c)) * self.idf.get(w, self.unknown_idf) for w, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in out.values()))
        return {w: v / norm for w, v in out.items()} if norm > 0 else {}


def make_entry(
    *,
    id: str,
    ts: float,
    user: str | None,
    text: str,
    known: set[str],
    vectoriser: Vectoriser,
    user_first: bool,
    explicit_mentions: Sequence[str] = (),
) -> Entry:
    """Read one line against the nicks known in the window."""
    ws = tx.words(text)
    is_system = user is None
    ment = {n for n in tx.tokens_as_nicks(text) if n in known}
    ment.update(m.lower() for m in explicit_mentions)
    addr = tx.addressee(text)
    if addr is not None and addr not in known:
        # "xoph:" for "Xophe": an address mark on a prefix of one known nick
        hits = [n for n in known if len(addr) >= 3 and n.startswith(addr)]
        addr = hits[0] if len(hits) == 1 else None
    if addr is None and explicit_mentions:
        addr = explicit_mentions[0].lower()
    if addr is not None:
        ment.add(addr)
    if user is not None:
        ment.discard(user)
    return Entry(
        id=id,
        ts=ts,
        user=user,
        is_system=is_system,
        words=ws,
        vec=vectoriser.vec(ws),
        addressed=addr if addr != user else None,
        mentioned=frozenset(ment),
        has_q="?" in text,
        user_first=user_first,
        joined=tx.joined_nick(text) if is_system else None,
    )


def _cos(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[w] for w, v in a.items() if w in b)


def _lg(x: float) -> float:
    return math.log1p(max(x, 0.0))


def pair_features(
    m: Entry, spoken: Sequence[Entry], joined: Collection[str], text: str
) -> np.ndarray:
    """Feature rows for `m` against itself and every line in `spoken` (oldest
    first, as remembered; `joined` = nicks of recent join lines). Returns
    (1 + K, N_FEATURES) float32; row i>0 is the i-th newest candidate."""
    cands = list(reversed(spoken))
    u = m.user
    own_prev = next((e for e in cands if e.user == u), None)
    users_seen = {e.user for e in cands}
    talked: set[str] = set()
    for e in cands:
        if e.user == u and e.addressed:
            talked.add(e.addressed)
        elif e.addressed == u and e.user:
            talked.add(e.user)
    conv_users: dict[str, set[str | None]] = {}
    conv_size: dict[str, int] = {}
    for e in cands:
        conv_users.setdefault(e.root, set()).add(e.user)
        conv_size[e.root] = conv_size.get(e.root, 0) + 1
    own_root = own_prev.root if own_prev is not None else None
    mw = len(m.words)
    msg = [
        float(m.has_q),
        _lg(mw),
        float(m.addressed is not None),
        float(bool(m.mentioned)),
        float(u not in users_seen),
        float(u in joined),
        float(tx.is_greeting(m.words)),
        float(tx.is_thanks(m.words)),
        float(tx.is_short_ack(m.words)),
        _lg(m.ts - cands[0].ts) if cands else _NO_GAP,
        _lg(m.ts - own_prev.ts) if own_prev else _NO_GAP,
        float("http" in text or "www." in text),
    ]
    rows = np.zeros((1 + len(cands), N_FEATURES), dtype=np.float32)
    rows[:, : len(msg)] = msg
    rows[0, 12] = 1.0
    cos = [_cos(m.vec, c.vec) for c in cands]
    best = max(cos) if cos else 0.0
    mset = set(m.words)
    later: dict[str | None, int] = {}
    seen_ment_m = False
    addressee_seen = False
    own_seen = False
    roots_seen: set[str] = set()
    for i, c in enumerate(cands, start=1):
        cu = c.user
        same = cu == u
        latest_cuser = cu not in later
        latest_ment = False
        if not seen_ment_m and u is not None and u in c.mentioned:
            latest_ment = seen_ment_m = True
        latest_addr = False
        if not addressee_seen and m.addressed is not None and cu == m.addressed:
            latest_addr = addressee_seen = True
        latest_own = False
        if same and not own_seen:
            latest_own = own_seen = True
        r = rows[i]
        r[13] = _lg(i)
        r[14] = float(i == 1)
        r[15] = _lg(m.ts - c.ts)
        r[16] = float(same)
        r[17] = float(m.addressed is not None and m.addressed == cu)
        r[18] = float(cu is not None and cu in m.mentioned)
        r[19] = float(c.addressed is not None and c.addressed == u)
        r[20] = float(u is not None and u in c.mentioned)
        r[21] = float(c.addressed is not None and c.addressed != u)
        r[22] = float(m.addressed is not None and m.addressed != cu)
        r[23] = float(latest_cuser)
        r[24] = _lg(later.get(cu, 0))
        r[25] = float(u in later and not same)
        r[26] = float(latest_ment)
        r[27] = float(latest_addr)
        r[28] = float(latest_own)
        r[29] = cos[i - 1]
        r[30] = _lg(len(mset.intersection(c.words)))
        r[31] = float(best > 0 and cos[i - 1] == best)
        r[32] = float(c.has_q)
        r[33] = _lg(len(c.words))
        r[34] = float(c.user_first)
        r[35] = float(tx.is_greeting(c.words))
        r[36] = float(tx.is_thanks(c.words))
        r[37] = float(c.addressed is not None)
        r[38] = float(cu in talked)
        r[39] = float(u in conv_users[c.root])
        r[40] = float(c.root not in roots_seen)
        r[41] = float(c.root not in roots_seen and c.root == own_root)
        r[42] = _lg(conv_size[c.root])
        roots_seen.add(c.root)
        later[cu] = later.get(cu, 0) + 1
    return rows
