"""The detector: clean, read cues, score with the shipped model, apply kind rules."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.detection import lexicon as lx
from bot.detection.cues import Cues, read_cues
from bot.detection.features import LinearModel, feature_indices
from bot.detection.kinds import NEEDS_REPLY, VETO_CAP, decide
from bot.detection.language import detect_language, warm_up
from bot.detection.normalize import Cleaned, clean, ends_with_question_mark, sentences
from bot.sensitivity import PRESETS as PRESETS  # re-exported: part of this module's API
from bot.sensitivity import threshold_of

DEFAULT_THRESHOLD = PRESETS["balanced"]
# Past this many characters a message is a paste or a post, unless it ends by asking.
VERY_LONG_CHARS = 4000


_CUE_REASONS = {
    "endq": 'ends with "?"',
    "first_wh_start": "starts with a question word",
    "later_wh_start": "a later sentence starts with a question word",
    "first_aux_subj_start": "opens like a yes/no question (verb before subject)",
    "later_aux_subj_start": "a later sentence opens like a yes/no question",
    "first_clitic_start": "opens with a -ko/-kö question word",
    "clitic_any": "has a -ko/-kö question word",
    "fam_anyone": "asks whether anyone knows",
    "fam_wonder": 'indirect question ("I wonder", "do you know")',
    "fam_help": "asks for help",
    "later_sent_q": 'a sentence ends with "?"',
}


@dataclass(frozen=True, slots=True)
class Detection:
    """What detection says about one message.

    ``resolves`` is True when the message is a thanks/resolution ("thanks, that
    fixed it", "kiitos, toimii nyt") that may close the author's open question.
    """

    is_question: bool
    score: float
    kind: str
    lang: str
    reasons: tuple[str, ...]
    resolves: bool = False


def resolve_threshold(threshold: float | str | None) -> float:
    """A preset name or a score in [0, 1] (as a number or text) as the score to reach."""
    return threshold_of(threshold)


class Detector:
    _cached: Detector | None = None
    _lock = threading.Lock()

    def __init__(self, model: LinearModel) -> None:
        self.model = model

    @classmethod
    def load(cls, path: Path | None = None) -> Detector:
        """The shipped model, loaded once per process (or the model file at ``path``)."""
        warm_up()  # the language model too, so the first message pays no load
        if path is not None:
            return cls(LinearModel.load(path))
        with cls._lock:
            if cls._cached is None:
                cls._cached = cls(LinearModel.load())
            return cls._cached

    def detect(
        self,
        text: str,
        context: Sequence[str] = (),
        *,
        is_staff: bool = False,
        is_bot: bool = False,
        threshold: float | str | None = None,
        lang: str | None = None,
    ) -> Detection:
        limit = resolve_threshold(threshold)
        cleaned = clean(text or "")
        cues = read_cues(cleaned)
        language = lang or detect_language(cleaned.text, cues.words)
        if is_bot or is_staff:
            who = "a bot" if is_bot else "staff"
            kind = decide(cues, self._model_score(cues)).kind
            return Detection(False, 0.0, kind, language, (f"author is {who}",))
        return self._judge(cleaned, cues, language, limit, context)

    def detect_many(
        self,
        texts: Iterable[str],
        *,
        threshold: float | str | None = None,
        langs: Iterable[str | None] | None = None,
    ) -> list[Detection]:
        limit = resolve_threshold(threshold)
        out: list[Detection] = []
        lang_iter = iter(langs) if langs is not None else None
        for text in texts:
            given = next(lang_iter, None) if lang_iter is not None else None
            cleaned = clean(text or "")
            cues = read_cues(cleaned)
            language = given or detect_language(cleaned.text, cues.words)
            out.append(self._judge(cleaned, cues, language, limit, ()))
        return out

    def _model_score(self, cues: Cues) -> float:
        return self.model.score(feature_indices(cues))

    def _judge(
        self, cleaned: Cleaned, cues: Cues, lang: str, limit: float, context: Sequence[str]
    ) -> Detection:
        model_score = self._model_score(cues)
        verdict = decide(cues, model_score, limit)
        score = verdict.score
        reasons = list(verdict.reasons)
        if cleaned.raw_len > VERY_LONG_CHARS:
            tail = sentences(cleaned.text)[-1:] or [""]
            if not ends_with_question_mark(tail[0]):
                score = min(score, VETO_CAP)
                reasons.append("very long message that does not end by asking")
        if context and score < 0.9 and _answers_previous(cues, context):
            score = max(0.0, score - 0.25)
            reasons.append("reads as an answer to the previous question")
        if "qmark_only_in_removed" in cues.names:
            reasons.append('its "?" is only inside code, a quote or a link')
        is_q = verdict.kind in NEEDS_REPLY and score >= limit
        if verdict.kind in ("question", "problem", "request"):
            reasons.extend(self._cue_reasons(cues))
        reasons.append(f"score {score:.2f} {'>=' if score >= limit else '<'} threshold {limit:.2f}")
        return Detection(
            is_q, round(score, 4), verdict.kind, lang, tuple(reasons), verdict.resolves
        )

    def _cue_reasons(self, cues: Cues) -> list[str]:
        # "a sentence ends with ?" says nothing more when the message itself does.
        said = _CUE_REASONS.keys() - ({"later_sent_q"} if "endq" in cues.names else set())
        fired = [(self.model.contribution("c:" + c), c) for c in cues.names if c in said]
        fired.sort(reverse=True)
        return [_CUE_REASONS[c] for w, c in fired[:3] if w > 0]


def _answers_previous(cues: Cues, context: Sequence[str]) -> bool:
    words = [w for w in cues.words if w[0] not in "?!"]
    if not words or len(words) > 8 or words[0] not in lx.ANSWER_OPENERS:
        return False
    return ends_with_question_mark(clean(context[-1]).text)
