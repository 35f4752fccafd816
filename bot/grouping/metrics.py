"""Disentanglement scores as defined by Kummerfeld et al. 2019 (their
tools/evaluation scripts): link P/R/F over reply-to edges, and over conversations
1 - scaled VI, one-to-one overlap and exact-match F (single-line conversations
skipped). Scores cover annotated lines only; streams are scored together.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np


@dataclass(slots=True)
class Scores:
    link_correct: int = 0
    link_predicted: int = 0
    link_gold: int = 0
    n: int = 0
    one_to_one_overlap: int = 0
    exact_matched: int = 0
    exact_predicted: int = 0
    exact_gold: int = 0
    joint: Counter[tuple[object, object]] = field(default_factory=Counter)

    def add_stream(
        self,
        key: str,
        predicted: Mapping[int, int],
        gold_parents: Mapping[int, Iterable[int]],
        gold_conv: Mapping[int, object],
    ) -> None:
        """`predicted`: parent of every line of the stream (context included, so
        predicted conversations may join through context lines); `gold_parents`
        and `gold_conv`: for annotated lines only."""
        for i, ps in gold_parents.items():
            gs = set(ps)
            self.link_gold += len(gs)
            self.link_predicted += 1
            self.link_correct += int(predicted.get(i, i) in gs)
        auto = _components(predicted)
        ann = list(gold_parents)
        a_cl: dict[object, set[int]] = {}
        g_cl: dict[object, set[int]] = {}
        for i in ann:
            a_cl.setdefault(auto.get(i, i), set()).add(i)
            g_cl.setdefault(gold_conv[i], set()).add(i)
            self.joint[((key, auto.get(i, i)), (key, gold_conv[i]))] += 1
        self.n += len(ann)
        self.one_to_one_overlap += _max_overlap(list(a_cl.values()), list(g_cl.values()))
        a_sets = {frozenset(c) for c in a_cl.values() if len(c) > 1}
        g_sets = {frozenset(c) for c in g_cl.values() if len(c) > 1}
        self.exact_predicted += len(a_sets)
        self.exact_gold += len(g_sets)
        self.exact_matched += len(a_sets & g_sets)

    def link_prf(self) -> tuple[float, float, float]:
        return _prf(self.link_correct, self.link_predicted, self.link_gold)

    def exact_prf(self) -> tuple[float, float, float]:
        return _prf(self.exact_matched, self.exact_predicted, self.exact_gold)

    def one_to_one(self) -> float:
        return 100.0 * self.one_to_one_overlap / self.n if self.n else 0.0

    def vi(self) -> float:
        """100 * (1 - VI / log2 N)."""
        n = sum(self.joint.values())
        if n <= 1:
            return 100.0
        rows: Counter[object] = Counter()
        cols: Counter[object] = Counter()
        for (a, g), c in self.joint.items():
            rows[a] += c
            cols[g] += c
        h_joint = -sum(c / n * math.log2(c / n) for c in self.joint.values())
        h_a = -sum(c / n * math.log2(c / n) for c in rows.values())
        h_g = -sum(c / n * math.log2(c / n) for c in cols.values())
        vi = 2 * h_joint - h_a - h_g
        return 100.0 * (1.0 - vi / math.log2(n))

    def as_dict(self) -> dict[str, float]:
        p, r, f = self.link_prf()
        ep, er, ef = self.exact_prf()
        return {
            "messages": float(self.n),
            "link_p": p,
            "link_r": r,
            "link_f": f,
            "vi": self.vi(),
            "one_to_one": self.one_to_one(),
            "exact_p": ep,
            "exact_r": er,
            "exact_f": ef,
        }


def _prf(correct: int, predicted: int, gold: int) -> tuple[float, float, float]:
    p = 100.0 * correct / predicted if predicted else 0.0
    r = 100.0 * correct / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _components(parent: Mapping[int, int]) -> dict[int, int]:
    """Conversation label (smallest member) of every line, links read as undirected."""
    up: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while up.get(root, root) != root:
            root = up[root]
        while up.get(x, x) != root:
            up[x], x = root, up[x]
        return root

    for i, p in parent.items():
        a, b = find(i), find(p)
        if a != b:
            up[max(a, b)] = min(a, b)
    return {i: find(i) for i in parent}


def _max_overlap(auto: list[set[int]], gold: list[set[int]]) -> int:
    """Largest total overlap of a one-to-one pairing of clusters (assignment problem)."""
    if not auto or not gold:
        return 0
    where = {i: k for k, c in enumerate(gold) for i in c}
    w = np.zeros((len(auto), len(gold)))
    for r, c in enumerate(auto):
        for i in c:
            w[r, where[i]] += 1
    if w.shape[0] > w.shape[1]:
        w = w.T
    return int(round(float(-_assign(-w))))


def _assign(cost: np.ndarray) -> float:
    """Minimum cost of assigning every row to a distinct column (rows <= cols):
    the Hungarian method with potentials, inner loop vectorised."""
    n, m = cost.shape
    u = np.zeros(n + 1)
    v = np.zeros(m + 1)
    p = np.zeros(m + 1, dtype=np.int64)  # p[j] = row (1-based) matched to column j
    way = np.zeros(m + 1, dtype=np.int64)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = np.full(m + 1, np.inf)
        used = np.zeros(m + 1, dtype=bool)
        while True:
            used[j0] = True
            i0 = p[j0]
            free = ~used[1:]
            cur = cost[i0 - 1] - u[i0] - v[1:]
            better = free & (cur < minv[1:])
            minv[1:][better] = cur[better]
            way[1:][better] = j0
            cand = np.where(free, minv[1:], np.inf)
            j1 = int(np.argmin(cand)) + 1
            delta = cand[j1 - 1]
            u[p[used]] += delta
            v[used] -= delta
            minv[1:][free] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = int(way[j0])
            p[j0] = p[j1]
            j0 = j1
    return float(sum(cost[p[j] - 1, j - 1] for j in range(1, m + 1) if p[j]))
