"""Rules that name what a message is (question, problem, request, ...) and veto
question-shaped messages that ask nothing (backchannels, rhetorical questions).

The linear model scores how much a message reads like a question; these rules
decide the kind and may raise the score for problem reports and requests, which
need a reply even without a question mark, or cap it for the hard negatives.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.detection.cues import Cues

KINDS = ("question", "problem", "request", "idea", "thanks", "greeting", "chatter", "announcement")
NEEDS_REPLY = frozenset({"question", "problem", "request"})

# Scores the rules give when they, not the model, decide that a reply is needed.
PROBLEM_SCORE = 0.8
REQUEST_SCORE = 0.8
# Upper bound for question-shaped messages that ask nothing.
VETO_CAP = 0.15

# A report laid out in lines ("noticed after the update:" and a bullet per symptom) may
# run longer than a one-paragraph message before it is mostly status or notes.
LIST_REPORT_WORDS = 60

SHAPE_FLOOR = 0.55
_STRONG_SHAPE = frozenset(
    {"first_wh_aux", "first_aux_subj_start", "first_clitic_start", "anyone_asks"}
)
_QSHAPE = frozenset(
    {
        "first_wh_start",
        "first_aux_subj_start",
        "first_clitic_start",
        "later_wh_start",
        "later_aux_subj_start",
        "later_clitic_start",
        "first_anyone_start",
        "clause_q_start",
        "anyone_asks",
    }
)


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: str
    score: float
    reasons: tuple[str, ...]
    resolves: bool


def decide(cues: Cues, model_score: float, limit: float = 0.5) -> Verdict:
    """Name the kind; ``limit`` is the channel's threshold, so an eager channel's
    borderline line is a question, not chatter."""
    names, fam = cues.names, cues.families
    reasons: list[str] = []
    n_words = sum(1 for w in cues.words if w[0] not in "?!")
    topical = "topic" in names and n_words >= 3
    reported = (
        "problem_strong" in names
        or ("problem_terse" in names and n_words >= 2)
        or "code_error" in names
        or "report_form" in names
    )
    if (
        "endq" not in names
        and names & _STRONG_SHAPE
        and n_words <= 12
        and not names & {"multi_sentence", "end_period"}
    ):
        # Chat questions often drop the "?"; a short line that opens like one is one.
        model_score = max(model_score, SHAPE_FLOOR)
    asks = model_score >= limit
    shaped = bool(names & _QSHAPE) or "endq" in names or "fam_wonder" in names

    if "len:0" in names:
        reason = "nothing left to read after removing code, quotes, links and mentions"
        if "mention_removed" in names and not ({"code_removed", "url_removed"} & names):
            reason = "only mentions someone"
        return Verdict("chatter", 0.0, (reason,), False)

    if "fam_rhetorical" in names:
        return Verdict("chatter", min(model_score, VETO_CAP), ("rhetorical question",), False)
    if "backchannel" in names or "echo_question" in names:
        reason = "backchannel reply, asks nothing" if n_words > 0 else "no words"
        return Verdict("chatter", min(model_score, VETO_CAP), (reason,), False)
    if "exclamation" in names:
        return Verdict("chatter", min(model_score, VETO_CAP), ("exclamation",), False)

    if "withdrawn" in names:
        return Verdict("thanks", min(model_score, VETO_CAP), ("takes the question back",), True)
    if "nudge" in names:
        return Verdict(
            "request", max(model_score, REQUEST_SCORE), ("nudges an open question",), False
        )

    if "only_greeting" in names:
        return Verdict("greeting", min(model_score, VETO_CAP), ("greeting or small talk",), False)

    if "agreement_tag" in names:
        return Verdict("chatter", min(model_score, VETO_CAP), ("asks only for agreement",), False)

    if ("thanks" in fam or "resolved" in fam) and "request_strong" not in names:
        still_open = ("problem" in fam or "problem_terse" in names) and "resolved" not in fam
        # "thanks for the fix! one more thing, is there a way to ...?": the thanks opens,
        # a later sentence asks
        asks_after = "lead_thanks" not in names or "later_sent_q" in names
        if not still_open and not (asks and shaped and asks_after):
            resolves = "resolved" in fam or ("defer" not in fam and n_words <= 6)
            why = "says the problem is solved" if "resolved" in fam else "thanks"
            return Verdict("thanks", min(model_score, 0.2), (why,), resolves)

    # "how do we rotate the secret without downtime" opens like a question: no notice
    announces = "lead_announce" in names or (
        "announce" in fam and n_words >= 6 and not names & _STRONG_SHAPE
    )
    if announces and not ("endq" in names and asks):
        return Verdict(
            "announcement", min(model_score, 0.2), ("reads like an announcement",), False
        )

    if "request_strong" in names and (
        "lead_request" in names
        or asks
        or "first_aux_subj_start" in names
        or "first_request_verb_start" in names
    ):
        reasons.append("asks for something to be done")
        return Verdict("request", max(model_score, REQUEST_SCORE), tuple(reasons), False)

    if "lead_wonder" in names and not asks and (n_words >= 6 or topical):
        reasons.append("indirect question")
        return Verdict("question", max(model_score, 0.6), tuple(reasons), False)

    preamble = "lead_preamble" in names or ("preamble" in fam and "lead_greeting" in names)
    if (preamble or "assumed_q" in names) and not asks and n_words <= 15:
        # "question about billing" announces a question; "so the key goes in the
        # header" asks the supplier to confirm what the customer concluded
        why = "announces a question" if preamble else "asks to confirm"
        return Verdict("question", max(model_score, 0.6), (why,), False)

    # "would be great if someone could look at it" asks for a task; "skulle vara bra att
    # veta om ..." asks a question: neither is an idea
    wish_asks = "request_strong" in names or "lead_wonder" in names
    if "idea" in fam and not ("endq" in names and asks) and not wish_asks:
        return Verdict("idea", min(model_score, 0.35), ("suggests an idea",), False)

    if "share" in fam and "endq" not in names and "request_strong" not in names:
        # "for anyone else hitting this: install with --prefix": a tip for other customers
        return Verdict("chatter", min(model_score, VETO_CAP), ("shares a tip with others",), False)

    if "own_fault" in fam and "endq" not in names:
        # "the report was empty, my bad": the writer found the cause on their side.
        return Verdict(
            "chatter", min(model_score, VETO_CAP), ("the cause was on their side",), False
        )

    if asks:
        if reported and not shaped:
            return Verdict("problem", model_score, ("reports a problem",), False)
        if "problem" in fam:
            reasons.append("mentions a problem")
        return Verdict("question", model_score, tuple(reasons), False)

    # a bug report written out ("Expected: ... Actual: ...") may be long; other long
    # messages that name a symptom are mostly status and notes
    if (
        reported
        and (n_words >= 3 or "problem_strong" not in names)
        and (
            n_words <= 40
            or "report_form" in names
            or ("multi_line" in names and n_words <= LIST_REPORT_WORDS)
        )
    ):
        return Verdict("problem", max(model_score, PROBLEM_SCORE), ("reports a problem",), False)

    if "request_strong" in names and 3 <= n_words <= 40:
        return Verdict("request", max(model_score, REQUEST_SCORE), ("asks for something",), False)

    if "lead_greeting" in names and n_words <= 4:
        return Verdict("greeting", model_score, ("greeting",), False)
    return Verdict("chatter", model_score, (), False)
