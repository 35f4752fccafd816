"""Matching and ranking text as FTS5's unicode61 tokenizer sees it (letters and
digits, case and accents folded), and the highlighted snippet of a hit."""

from __future__ import annotations

import re
import unicodedata

# A token as FTS5's unicode61 tokenizer cuts one: letters and digits (no underscore).
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_SPACE = re.compile(r"\s+")


def _norm(word: str) -> str:
    # As FTS5's unicode61 tokenizer with remove_diacritics 2 sees a word.
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(ch)
    )


def tokens(body: str) -> list[str]:
    if body.isascii():  # most chat: nothing to fold but case
        return _TOKEN.findall(body.lower())
    return [_norm(w) for w in _TOKEN.findall(body)]


def norm_groups(groups: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    # A query word FTS5 would cut in two ("foo_bar") is a phrase of its pieces.
    return [tuple(t for w in g for t in tokens(w)) for g in groups if any(tokens(w) for w in g)]


def count(toks: list[str], g: tuple[str, ...]) -> int:
    if len(g) == 1:
        return toks.count(g[0])
    n = len(g)
    return sum(1 for i, t in enumerate(toks) if t == g[0] and tuple(toks[i : i + n]) == g)


def rank(candidates: list[tuple[int, str]], groups: list[tuple[str, ...]]) -> list[int]:
    """Candidate ids, best first: BM25 (k1 1.2, b 0.75) without the idf part, which
    is the same for every candidate (each holds every term); newer first on ties."""
    wanted = norm_groups(groups)
    docs = [(mid, tokens(body)) for mid, body in candidates]
    avg = sum(len(toks) for _, toks in docs) / len(docs) or 1.0
    scored = []
    for mid, toks in docs:
        norm = 1.2 * (0.25 + 0.75 * len(toks) / avg)
        score = 0.0
        for g in wanted:
            tf = count(toks, g)
            score += tf * 2.2 / (tf + norm) if tf else 0.0
        scored.append((-score, -mid))
    return [-neg_mid for _, neg_mid in sorted(scored)]


def snippet(body: str, groups: list[tuple[str, ...]], words: int = 16) -> str:
    """Up to `words` words of `body` around its first match, matches in *stars*."""
    found = list(_TOKEN.finditer(body))
    if not found:
        return ""
    toks = [_norm(m.group(0)) for m in found]
    hit = [False] * len(toks)
    for g in norm_groups(groups):
        for i in range(len(toks) - len(g) + 1):
            if tuple(toks[i : i + len(g)]) == g:
                hit[i : i + len(g)] = [True] * len(g)
    first = hit.index(True) if any(hit) else 0
    start = max(0, min(first - 3, len(toks) - words))
    end = min(len(toks), start + words)
    out = []
    for i in range(start, end):
        w = found[i].group(0)
        out.append(f"*{w}*" if hit[i] else w)
        if i + 1 < end:  # what stood between this word and the next, spaces folded
            out.append(_SPACE.sub(" ", body[found[i].end() : found[i + 1].start()]))
    text_ = "".join(out)
    return ("…" if start else "") + text_ + ("…" if end < len(toks) else "")
