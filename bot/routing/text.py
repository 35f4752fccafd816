"""Tokens for similarity and topic matching: lower-case words, minus function words."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)

# Function words in English plus a few Finnish ones; content words carry the topic.
_STOPWORDS = """
    a about above after again all also am an and any anyone are as at be because been before
    being between both but by can could did do does doing don't down during each ei että few
    for from further get got had has have having he hello help her here hers hi him his how
    i i'm if in into is it it's its ja just know kun like many me miten mitä more most much
    my no nor not now of off on on once one onko only or other our out over own please
    question questions really same se she should so some someone something such than thank
    thanks that the their them then there these they this those through to too two under
    until up use used using very voi want was way we were what when where which while who
    whom why will with would you your yours
"""
STOPWORDS = frozenset(_STOPWORDS.split())


def tokens(text: str) -> list[str]:
    """Content words of `text`, in order, lower-cased; one-letter words dropped."""
    out = []
    for raw in _WORD.findall(text.lower()):
        word = raw[:-2] if raw.endswith("'s") else raw
        if len(word) > 1 and word not in STOPWORDS:
            out.append(word)
    return out
