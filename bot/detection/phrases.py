"""Phrase families (anyone, request, problem, thanks, wonder ...) found in a sentence,
and the checks that make a phrase a strong problem report or a request."""

from __future__ import annotations

from collections.abc import Iterable

from bot.detection import lexicon as lx
from bot.detection import lexicon_kinds as lk
from bot.detection import lexicon_terse as lt
from bot.detection.normalize import tokens

_MAX_PHRASE = 5


def _phrase_table() -> dict[tuple[str, ...], frozenset[str]]:
    families: dict[str, Iterable[str]] = {
        "anyone": lx.ANYONE,
        "request": lk.REQUEST,
        "problem": (*lk.PROBLEM, *lk.PROBLEM_STRONG),
        "thanks": lk.THANKS,
        "resolved": lk.RESOLVED,
        "defer": lk.DEFER,
        "greeting": lk.GREETING,
        "announce": lk.ANNOUNCE,
        "idea": lk.IDEA,
        "rhetorical": lx.RHETORICAL,
        "wonder": lx.WONDER,
        "help": lk.HELP,
        "symptom": lt.SYMPTOMS,
        "preamble": lt.PREAMBLE,
        "assume": lt.ASSUME,
        "own_fault": lt.OWN_FAULT,
        "need": (*lt.NEEDS, *lt.NEEDS_AFTER),
        "share": lk.SHARE,
    }
    table: dict[tuple[str, ...], set[str]] = {}
    for family, phrases in families.items():
        for phrase in phrases:
            key = tuple(tokens(phrase))
            if key:
                table.setdefault(key, set()).add(family)
    return {k: frozenset(v) for k, v in table.items()}


PHRASES = _phrase_table()
_PROBLEM_STRONG = frozenset(tuple(tokens(p)) for p in lk.PROBLEM_STRONG)
_REQUEST_WEAK = frozenset(tuple(tokens(p)) for p in lk.REQUEST_WEAK)
_REQUEST_WANTS = frozenset(tuple(tokens(p)) for p in lk.REQUEST_WANTS)
_REQUEST_LEAD_ONLY = frozenset(tuple(tokens(p)) for p in lk.REQUEST_LEAD_ONLY)
_NEEDS_AFTER = frozenset(tuple(tokens(p)) for p in lt.NEEDS_AFTER)
_NOT_AN_OBJECT = lk.INFINITIVE_MARKS | {"it", "that", "this", "them", "those", "these"}
_WONDER_LEAD = lx.FILLERS | {"i'm", "im", "i", "am", "we're", "we", "jag", "jeg", "minä", "mä"}


def match_phrases(
    seg: list[str],
    first: bool,
    names: set[str],
    families: set[str],
    n_words: int,
    after: list[str] | None = None,
) -> None:
    """Phrases of one segment (no comma inside); ``after`` holds the words of the
    segments that follow, where a "but ..." may still undo a resolution."""
    for i in range(len(seg)):
        for j in range(i + 1, min(len(seg), i + _MAX_PHRASE) + 1):
            key = tuple(seg[i:j])
            fam = PHRASES.get(key)
            if not fam:
                continue
            if "rhetorical" in fam and len(key) < 3 and len(seg) > len(key) + 1:
                fam = fam - {"rhetorical"}  # "why not move the tv ..." asks
                if not fam:
                    continue
            if "resolved" in fam and key[-1] in lk.RESOLVED_AT_END and j < len(seg):
                fam = fam - {"resolved"}
                if not fam:
                    continue
            if "resolved" in fam and _not_resolved(seg, i, j, after or []):
                # "still not resolved", "det hjalp ikke", "works now but not on mobile":
                # the problem, or part of it, is still there
                fam = (fam - {"resolved"}) | {"problem"}
            families |= fam
            if first and i == 0:
                names.update(f"lead_{f}" for f in fam)
            elif (
                first
                and "wonder" in fam
                and j < len(seg)
                and seg[j] in lk.INFINITIVE_MARKS
                and all(w in _WONDER_LEAD for w in seg[:i])
            ):
                # "I'm not sure how to export ...": the writer cannot do something
                names.add("lead_wonder")
            if "problem" in fam and key in _PROBLEM_STRONG and not _about_a_person(key, seg, i):
                names.add("problem_strong")
            if "request" in fam and _strong_request(key, seg, i, j, n_words):
                names.add("request_strong")
            if "need" in fam and _stated_need(key, seg, i, j, n_words):
                names.add("request_strong")


def _not_resolved(words: list[str], i: int, j: int, after: list[str]) -> bool:
    """A resolution phrase at words[i:j] that is negated (before it; in the Nordic
    languages also right after the verb) or followed, in its segment or a later one,
    by "but ..." or "still ..." ("works now, but not on mobile", "toimii nyt,
    safarissa edelleen tyhjä sivu")."""
    before = words[max(0, i - 3) : i]
    if any(w in lt.NEGATIONS or w.endswith("n't") for w in before):
        return True
    if any(w in lt.NEGATIONS_AFTER for w in words[j : j + 3]):
        return True
    return any(w in lt.CONTRAST or w in lt.STILL for w in [*words[j:], *after])


def _about_a_person(key: tuple[str, ...], words: list[str], i: int) -> bool:
    """ "my wife isn't working", "I'm not working": a job, not a broken product."""
    return key[-1] in ("work", "working") and i > 0 and words[i - 1] in lk.PEOPLE


def _strong_request(key: tuple[str, ...], words: list[str], i: int, j: int, n_words: int) -> bool:
    if key in _REQUEST_LEAD_ONLY:
        # "can you reset it", "please add me" ask; "what can you do", "oh please" do not:
        # these request only where they open the sentence or clause, and a bare
        # "please" needs something after it ("please add me", not "oh please").
        return all(w in lx.FILLERS for w in words[:i]) and (len(key) > 1 or j < len(words))
    if key in _REQUEST_WEAK:
        # "I need access to X" opens a request; "and now I need it, too" does not
        nxt = words[j] if j < len(words) else ""
        lead = all(w in lx.FILLERS for w in words[:i])
        if key in _REQUEST_WANTS and not any(_supplier_gives(w) for w in words[j : j + 4]):
            return False
        return lead and bool(nxt) and nxt not in _NOT_AN_OBJECT and n_words <= 15
    return True


def _stated_need(key: tuple[str, ...], words: list[str], i: int, j: int, n_words: int) -> bool:
    """ "would need two more seats", "could use some help", "lasku pitäis saada": a need
    asks the supplier only for what a supplier gives, and only when it leads."""
    if n_words > 15:
        return False
    if key in _NEEDS_AFTER:
        return any(_supplier_gives(w) for w in words[:i])
    lead = all(w in lx.FILLERS for w in words[:i])
    return lead and any(_supplier_gives(w) for w in words[j : j + 4])


def _supplier_gives(word: str) -> bool:
    return word in lk.SUPPORT_OBJECTS or (
        len(word) >= 3 and word.startswith(lk.SUPPORT_OBJECT_STEMS)
    )
