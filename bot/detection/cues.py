"""Named cues read off a cleaned message: how sentences start, phrase families, tags.

The cue names double as model features and as the source of human-readable
reasons, so they are stable strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.detection import lexicon as lx
from bot.detection import lexicon_kinds as lk
from bot.detection import lexicon_terse as lt
from bot.detection.normalize import (
    CODE_WORD,
    Cleaned,
    ends_with_question_mark,
    strip_trailing_noise,
    tokens,
)
from bot.detection.phrases import match_phrases
from bot.detection.terse import terse_cues

_WH_CANON = {w: canon for canon, words in lx.WH.items() for w in words}
_AUX = frozenset(lx.AUX)
_SUBJ = frozenset(lx.SUBJ)
_BACKCHANNEL = frozenset(tuple(tokens(p)) for p in lx.BACKCHANNEL)
_TAGS = frozenset(tuple(tokens(p)) for p in lx.TAGS)
_ANY_VERBS = lx.ANY_VERBS
_GREETING_WORDS = frozenset(w for p in lk.GREETING for w in tokens(p)) | {
    "everybody",
    "everyone",
    "all",
    "guys",
    "folks",
    "people",
    "kaikki",
    "alle",
    "allihop",
    "allihopa",
    "alla",
    "sammen",
    "allesammen",
    "there",
    "again",
    "peeps",
    "ppl",
}
_ASKING_STARTS = frozenset({"first_wh_start", "first_aux_subj_start", "first_clitic_start"})
_BUT = frozenset({"but", "mutta", "mut", "men"})
_WITHDRAW = frozenset({("nvm",), ("nevermind",), ("never", "mind")})
# A bug report written out: "Expected: ... Actual: ..." in any of the five languages.
_EXPECTED = re.compile(r"\b(?:expected|odotettu|förväntat|forventet)(?: \w+)?\s*:", re.I)
_ACTUAL = re.compile(
    r"\b(?:actual(?:ly)?|actual result|todellinen|toteutunut|faktiskt|faktisk)(?: \w+)?\s*:", re.I
)
_ECHO_LEAD = frozenset({"oh", "ah", "ai", "å", "nå", "jaså", "ahaa", "aa", "okay", "ok", "so"})


@dataclass(frozen=True, slots=True)
class Cues:
    """Everything the model and the kind rules need to know about one message."""

    words: tuple[str, ...]  # lower-case words, "?"/"!" runs included
    names: frozenset[str]  # cue names that fired
    families: frozenset[str]  # phrase families that matched (see _phrase_table)


def is_fi_clitic(word: str) -> bool:
    if word in lx.FI_CLITIC_WORDS:
        return True
    if len(word) < 4 or word in lx.FI_CLITIC_STOP or not word.isalpha():
        return False
    if word.endswith("ooks") and len(word) > 4:
        return False  # English plurals: webhooks, notebooks, playbooks
    if word.endswith(("ko", "kö")):
        # "-kko" is a noun ending (verkko, taulukko); a clitic follows a vowel or n/t/s/l/r.
        return word[-3] in "aeiouyäönstlr"
    if word.endswith(("kos", "kös")):
        return word[-4] in "aeiouyäönstlr"
    return word.endswith("ks") and word[-3] in "aeiouyäön" and len(word) <= 8


_DISFLUENCY = frozenset({"uh", "um", "uhm", "umm", "erm", "hmm", "hm", "eh"})


def _fluent(words: list[str]) -> list[str]:
    """Drop "uh"/"um" and stutters: "is, uh, is he working" reads as "is he working"."""
    out: list[str] = []
    for w in words:
        if w not in _DISFLUENCY and (not out or out[-1] != w):
            out.append(w)
    return out


def _skip_fillers(words: list[str]) -> list[str]:
    i = 0
    while i < len(words) - 1 and words[i] in lx.FILLERS:
        i += 1
    for start in {0, i}:  # "quick" of "quick one" is a filler too
        for size in (3, 2):
            end = start + size
            if tuple(words[start:end]) in lx.LEAD_PREAMBLES and len(words) > end:
                return _skip_fillers(words[end:])
    # "I mean, do you ...", "you know, is it ...": a hedge in front of a question
    if (
        tuple(words[i : i + 2]) in lx.LEAD_HEDGES
        and len(words) > i + 3
        and words[i + 2] in _AUX
        and words[i + 3] in _SUBJ
    ):
        return _skip_fillers(words[i + 2 :])
    return words[i:]


def _sentence_start(words: list[str], names: set[str], where: str) -> None:
    if not words:
        return
    w1 = words[0]
    w2 = words[1] if len(words) > 1 else ""
    canon = None if _was(w1, w2) else _WH_CANON.get(w1)
    if canon is not None:
        names.add(f"wh_start:{canon}")
        names.add(f"{where}wh_start")
        if w2 in _AUX or is_fi_clitic(w2) or (w1 in lx.WH_WITH_VERB and w2):
            # "how's it going" is "how is it going": the verb came with the question word
            names.add(f"{where}wh_aux")
        elif w2 in _SUBJ:
            # "when I log in ...", "what we do is ...": a clause, not a question
            names.add(f"{where}wh_subj")
        if len(words) == 1:
            names.add("wh_alone")
    elif w1 in _AUX:
        # "does `acme logs` work with ...": inline code (read as "code") is the subject
        if w2 in _SUBJ or w2 == CODE_WORD:
            names.add(f"{where}aux_subj_start")
        else:
            names.add(f"{where}aux_start")
    elif is_fi_clitic(w1):
        # The Finnish yes/no question form: shares the inversion cue's weight.
        names.add(f"{where}clitic_start")
        names.add(f"{where}aux_subj_start")
    elif _scand_v1(w1, w2) and not (
        len(words) == 2 and w1 in lt.SCAND_DO_VERBS and w2 in ("det", "den")
    ):
        # Verb first, subject second is a question in Scandinavian word order; but
        # "ok testar det" says what the writer will do, with "det" the object.
        names.add(f"{where}aux_subj_start")
    elif w1 in lk.REQUEST_VERBS or " ".join(words[:2]) in lk.REQUEST_VERBS:
        names.add(f"{where}request_verb_start")
    elif len(w1) >= 6 and w1.endswith(("kaa", "kää")) and w1.isalpha():
        names.add(f"{where}request_verb_start")  # Finnish plural imperative: lisätkää
    elif w1 in lx.FIRST_PERSON:
        names.add(f"{where}first_person_start")
    if w1 in ("any", "anyone", "anybody", "any1", "someone", "somebody"):
        names.add(f"{where}anyone_start")


def _was(w1: str, w2: str) -> bool:
    """Swedish "var ingen bugg", "var inte vårt fel": the verb "was", not "where"."""
    return w1 == "var" and w2 in lx.SCAND_VAR_WAS


def _scand_v1(w1: str, w2: str) -> bool:
    if w2 not in lx.SCAND_SUBJ or w1 in lx.SCAND_NOT_VERBS or w1 in lx.FILLERS:
        return False
    if w1 in lx.FIRST_PERSON or w1 in _SUBJ or not w1.isalpha():
        return False
    return w1.endswith(("r", "s")) and len(w1) >= 3


# One scan gives words, "?"/"!" runs and the punctuation that bounds sentences,
# clauses and phrases.
_SCAN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,]\d+)*|\?+|!+|\.+|[,;:()]+", re.U)
_SEPARATORS = frozenset(".,;:()")
# Phrases never span a comma or a sentence end: "I could, you know" is no "could you".


def _split(
    scan: list[str],
) -> tuple[list[tuple[list[str], bool]], list[list[str]], list[list[str]]]:
    """Sentences (words, ended by "?"), clauses and phrase segments of a scanned text."""
    sents: list[tuple[list[str], bool]] = []
    clauses: list[list[str]] = []
    segments: list[list[str]] = []
    sent: list[str] = []
    clause: list[str] = []
    seg: list[str] = []
    for t in scan:
        c = t[0]
        if c in "?!.":
            if sent:
                sents.append((sent, c == "?"))
            sent = []
        elif c in ",;:()":
            pass
        else:
            sent.append(t)
            clause.append(t)
            seg.append(t)
            continue
        if clause:
            clauses.append(clause)
        if seg:
            segments.append(seg)
        clause, seg = [], []
    if sent:
        sents.append((sent, False))
    if clause:
        clauses.append(clause)
    if seg:
        segments.append(seg)
    return sents, clauses, segments


def _length_bucket(n: int) -> str:
    for limit, name in ((0, "0"), (1, "1"), (2, "2"), (3, "3"), (5, "4-5"), (9, "6-9")):
        if n <= limit:
            return name
    return "10-19" if n < 20 else "20+"


# "it's expensive, you know?": a filler at the end asks nothing of the reader.
_FILLER_TAG = re.compile(
    r"(?<=\w)\s*[,;]\s*(?:" + "|".join(lx.FILLER_TAGS) + r")\s*\?+\s*$", re.I | re.U
)


def read_cues(cleaned: Cleaned) -> Cues:
    text = cleaned.text
    names: set[str] = set()
    tag = _FILLER_TAG.search(text)
    if tag and len(_SCAN.findall(text[: tag.start()])) >= 3:
        text = text[: tag.start()] + "."
        names.add("filler_tag")
    scan = _SCAN.findall(text.lower())
    toks = [t for t in scan if t[0] not in _SEPARATORS]
    words = [t for t in toks if t[0] not in "?!"]
    names.add(f"len:{_length_bucket(len(words))}")
    if ends_with_question_mark(text):
        names.add("endq")
    if "?" in text:
        names.add("hasq")
        if "??" in text:
            names.add("multiq")
    if "!" in text:
        names.add("excl")
    if text[:1].isupper():
        names.add("cap_start")  # a writer who capitalises tends to punctuate questions too
    last = text.rstrip()[-1:] if text.strip() else ""
    if last == "." and not text.rstrip().endswith(".."):
        names.add("end_period")  # the writer punctuated a statement
    elif last == ",":
        names.add("end_comma")
    elif last.isalnum():
        names.add("end_open")
    for flag, name in (
        (cleaned.had_code, "code_removed"),
        (cleaned.had_quote, "quote_removed"),
        (cleaned.had_url, "url_removed"),
        (cleaned.had_mention, "mention_removed"),
        (cleaned.truncated, "truncated"),
        (cleaned.question_mark_removed, "qmark_only_in_removed"),
        (cleaned.error_pasted, "code_error"),
        (cleaned.multi_line, "multi_line"),
    ):
        if flag:
            names.add(name)

    if _EXPECTED.search(text) and _ACTUAL.search(text):
        names.add("report_form")
    sents, clauses, segments = _split(scan)
    picked = sents if len(sents) <= 4 else sents[:2] + sents[-2:]
    for idx, (sw, asked) in enumerate(picked):
        where = "first_" if idx == 0 else "later_"
        _sentence_start(_skip_fillers(_fluent(strip_trailing_noise(sw))), names, where)
        if idx > 0 and asked:
            names.add("later_sent_q")
    if len(picked) > 1:
        names.add("multi_sentence")
    for clause in clauses[1:4]:
        cw = _skip_fillers(_fluent(clause))
        if len(cw) >= 2 and (
            (cw[0] in _WH_CANON and (cw[1] in _AUX or cw[1] in _SUBJ))
            or (cw[0] in _AUX and cw[1] in _SUBJ)
        ):
            names.add("clause_q_start")  # "not a lot, where u from"
            break
    # "love the new ui but where did the button go": "but" + question word + verb asks;
    # "but what I did was ..." (question word + subject) tells
    for c in clauses[:4]:
        if any(
            w in _BUT and nxt in _WH_CANON and aux in _AUX
            for w, nxt, aux in zip(c, c[1:], c[2:], strict=False)
        ):
            names.add("clause_q_start")
    for i, w in enumerate(words[:-1]):
        if w in ("any", "anyone", "anybody", "any1") and any(
            x in _ANY_VERBS for x in words[i + 1 : i + 4]
        ):
            names.add("anyone_asks")  # "any ladies want to chat", "anyone else seeing this"
            break

    families: set[str] = set()
    n = len(words)
    for seg_no, seg in enumerate(segments):
        after = [w for later in segments[seg_no + 1 :] for w in later]
        match_phrases(seg, seg_no == 0, names, families, n, after)
    names.update(f"fam_{f}" for f in families)
    if "first_request_verb_start" in names and "endq" not in names and len(words) >= 2:
        names.add("request_strong")

    terse_cues(words, names, families)

    pairs = zip(words, [*words[1:], ""], strict=False)
    if any(w in _WH_CANON and not _was(w, nxt) for w, nxt in pairs):
        names.add("wh_any")
        for i in range(1, len(words) - 2):
            if words[i] in _WH_CANON and words[i + 1] in _AUX and words[i + 2] in _SUBJ:
                names.add("mid_wh_aux_subj")  # "good, how are you", "hey girl how r u"
                break
    if any(w[-1] in "oösk" and is_fi_clitic(w) for w in words):
        names.add("clitic_any")

    core = tuple(strip_trailing_noise(words))
    if tuple(_skip_fillers(list(core))) in lk.NUDGES:
        names.add("nudge")  # "bump", "any news?": the writer's own question is still open
    if len(core) > 1 and (core[-1:] in _WITHDRAW or core[-2:] in _WITHDRAW):
        names.add("withdrawn")  # "why does it ... nvm": the writer took the question back
    if core and n <= 6:
        lead_trim = tuple(_skip_fillers(list(core)))
        if lead_trim[0] in _ECHO_LEAD and len(lead_trim) > 1:
            lead_trim = lead_trim[1:]
        if core in _BACKCHANNEL or lead_trim in _BACKCHANNEL:
            names.add("backchannel")
        elif (len(lead_trim) == 2 and lead_trim[0] in lx.ECHO_AUX and lead_trim[1] in _SUBJ) or (
            len(lead_trim) == 1 and lead_trim[0] in ("onko", "oliko", "niinkö", "onks")
        ):
            names.add("echo_question")
    if (
        core
        and all(w in _GREETING_WORDS or w in lx.FILLERS for w in core)
        and "resolved" not in families  # "all good now" is no greeting
    ):
        names.add("only_greeting")  # "hey?", "hi everyone!"
    bare = _skip_fillers(_fluent(list(core)))
    if (
        "endq" not in names
        and 2 <= len(bare) <= 5
        and bare[0] in lx.EXCLAIM_HEADS
        and bare[1] in lx.EXCLAIM_WORDS
    ):
        names.add("exclamation")
    if (
        "endq" in names
        and 2 <= len(bare) <= 4
        and bare[-1] in ("what", "mitä", "vad", "hvad", "hva")
    ):
        names.add("echo_question")  # "a what?", "you must be what?"
    if "endq" in names and len(bare) == 2 and bare[0] in _SUBJ and bare[1] in lx.ECHO_AUX:
        names.add("echo_question")  # "she did?", "they do?"
    if "endq" in names and len(core) >= 2:
        for k in (3, 2, 1):
            if len(core) > k and core[-k:] in _TAGS:
                names.add("tag_question")
                if len(core) - k <= 2 and not (names & _ASKING_STARTS):
                    names.add("agreement_tag")  # "Mondays, right?", "Måndagar, eller hur?"
                break
    return Cues(words=tuple(toks), names=frozenset(names), families=frozenset(families))
