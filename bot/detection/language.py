"""Per-message language: en, fi, sv, da or no.

py3langid (BSD, its model ships inside the wheel, no network) restricted to the
five languages Presence serves first. Very short messages are checked against
a few words that decide the language on their own ("kiitos", "takk").
"""

from __future__ import annotations

import re
import threading
from typing import Protocol

LANGS = ("en", "fi", "sv", "da", "no")
HEAD_CHARS = 200
_LETTER = re.compile(r"[^\W\d_]")
UNKNOWN = "und"

_DECISIVE = {
    "kiitos": "fi",
    "kiitti": "fi",
    "moi": "fi",
    "moikka": "fi",
    "hei": "fi",
    "joo": "fi",
    "toimii": "fi",
    "okei": "fi",
    "tack": "sv",
    "tackar": "sv",
    "hej": "sv",
    "hejsan": "sv",
    "tjena": "sv",
    "jättebra": "sv",
    "tak": "da",
    "hejsa": "da",
    "takk": "no",
    "heisann": "no",
    "thanks": "en",
    "thx": "en",
    "hello": "en",
    "hi": "en",
    "ok": "en",
    "okay": "en",
    "jaså": "sv",
    "nå": "da",
    "nåh": "da",
    "hæ": "no",
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_EN_STOP = _words(
    "the is are you to and of it do does how what can this that my we with have be not your "
    "there was will would should any from get when why where who which just but about if "
    "or our they me an a i'm it's don't can't doesn't has been were"
)
_NORDIC_STOP = _words(
    "och att det är jag du ni vi en ett som med för inte har kan den til og er ikke jeg af "
    "av vil skal de ja nej nei hei hej tak takk tack ei että tämä se ole kun niin mutta voi "
    "olen jos nyt joo mitä miten onko eller dere hvad hva hur vad ikkje mig meg"
)


class _Identifier(Protocol):
    def classify(self, text: str) -> tuple[str, float]: ...

    def set_languages(self, langs: list[str] | None = None) -> None: ...


_lock = threading.Lock()
_identifier: _Identifier | None = None


def _get() -> _Identifier:
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

            ident: _Identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            ident.set_languages([*LANGS, "nn"])
            _identifier = ident
        return _identifier


def warm_up() -> None:
    _get()


def detect_language(text: str, words: tuple[str, ...] = ()) -> str:
    if _LETTER.search(text) is None:
        return UNKNOWN
    if words and len(words) <= 2:
        for w in words:
            if w in _DECISIVE:
                return _DECISIVE[w]
    if words and text.isascii():
        # Plain English is most traffic; two English function words and no Nordic
        # one decide it without running the classifier.
        en = sum(1 for w in words if w in _EN_STOP)
        if en >= 2 and not any(w in _NORDIC_STOP for w in words):
            return "en"
    # The head of a message tells its language; reading all of a long one only costs time.
    lang, _ = _get().classify(text[:HEAD_CHARS])
    return "no" if lang == "nn" else str(lang)
