"""A small MLP scorer trained with a softmax over each message's candidates
(Kummerfeld et al. 2019's objective), written in numpy so it trains in minutes on
two cores. Multiple gold parents: the likelihood of any of them is maximised."""

from __future__ import annotations

import time

import numpy as np

from bot.grouping.model import Mlp


def _init(rng: np.random.Generator, sizes: list[int]) -> list[np.ndarray]:
    params = []
    for a, b in zip(sizes[:-1], sizes[1:], strict=True):
        params.append(rng.normal(0.0, np.sqrt(2.0 / a), (a, b)).astype(np.float32))
        params.append(np.zeros(b, dtype=np.float32))
    return params


def _forward(params: list[np.ndarray], x: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    acts = [x]
    h = x
    n = len(params) // 2
    for i in range(n):
        h = h @ params[2 * i] + params[2 * i + 1]
        if i < n - 1:
            h = np.maximum(h, 0.0)
        acts.append(h)
    return h[:, 0], acts


def _loss_grad(
    params: list[np.ndarray], x: np.ndarray, mask: np.ndarray, pos: np.ndarray, l2: float
) -> tuple[float, list[np.ndarray]]:
    b, k, f = x.shape
    s, acts = _forward(params, x.reshape(b * k, f))
    s = np.where(mask, s.reshape(b, k), -np.inf)
    smax = s.max(axis=1, keepdims=True)
    e = np.exp(s - smax)
    p = e / e.sum(axis=1, keepdims=True)
    ep = np.where(pos, e, 0.0)
    q = ep / ep.sum(axis=1, keepdims=True)
    loss = float(np.mean(np.log(e.sum(axis=1)) - np.log(ep.sum(axis=1))))
    grad_out = ((p - q) / b).reshape(b * k, 1).astype(np.float32)
    grads: list[np.ndarray] = [np.empty(0)] * len(params)
    n = len(params) // 2
    d = grad_out
    for i in reversed(range(n)):
        a_in = acts[i]
        grads[2 * i] = a_in.T @ d + l2 * params[2 * i]
        grads[2 * i + 1] = d.sum(axis=0)
        if i > 0:
            d = (d @ params[2 * i].T) * (acts[i] > 0)
    return loss, grads


def accuracy(params: list[np.ndarray], x: np.ndarray, mask: np.ndarray, pos: np.ndarray) -> float:
    b, k, f = x.shape
    hits = 0
    for lo in range(0, b, 2048):
        xs = x[lo : lo + 2048]
        s, _ = _forward(params, xs.reshape(-1, f))
        s = np.where(mask[lo : lo + 2048], s.reshape(len(xs), k), -np.inf)
        best = s.argmax(axis=1)
        hits += int(pos[lo : lo + 2048][np.arange(len(xs)), best].sum())
    return hits / b


def fit(
    x: np.ndarray,
    mask: np.ndarray,
    pos: np.ndarray,
    *,
    hidden: tuple[int, ...] = (64, 32),
    epochs: int = 15,
    batch: int = 256,
    lr: float = 2e-3,
    l2: float = 1e-5,
    seed: int = 0,
    dev: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> Mlp:
    rng = np.random.default_rng(seed)
    params = _init(rng, [x.shape[2], *hidden, 1])
    m1 = [np.zeros_like(p) for p in params]
    m2 = [np.zeros_like(p) for p in params]
    step = 0
    best: tuple[float, list[np.ndarray]] = (-1.0, params)
    for ep in range(epochs):
        t0 = time.perf_counter()
        order = rng.permutation(len(x))
        rate = lr * (0.5 ** (ep / 5))
        total = 0.0
        for lo in range(0, len(order), batch):
            idx = np.sort(order[lo : lo + batch])
            loss, grads = _loss_grad(params, x[idx], mask[idx], pos[idx], l2)
            total += loss * len(idx)
            step += 1
            for j, g in enumerate(grads):
                m1[j] = 0.9 * m1[j] + 0.1 * g
                m2[j] = 0.999 * m2[j] + 0.001 * g * g
                mh = m1[j] / (1 - 0.9**step)
                vh = m2[j] / (1 - 0.999**step)
                params[j] = (params[j] - rate * mh / (np.sqrt(vh) + 1e-8)).astype(np.float32)
        msg = f"    epoch {ep}: loss {total / len(x):.4f} {time.perf_counter() - t0:.0f}s"
        if dev is not None:
            acc = accuracy(params, *dev)
            msg += f" dev acc {100 * acc:.2f}"
            if acc > best[0]:
                best = (acc, [p.copy() for p in params])
        print(msg, flush=True)
    final = best[1] if dev is not None else params
    return Mlp(tuple(final[0::2]), tuple(final[1::2]))
