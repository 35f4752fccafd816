"""Per-message language: en, fi, sv, da or no.

py3langid (BSD, its model ships inside the wheel, no network) restricted to the
five languages Presence serves first. Very short messages are checked against
a few words that decide the language on their own ("kiitos", "takk").
"""

from __future__ import annotations

import threading
from typing import Protocol

LANGS = ("en", "fi", "sv", "da", "no")
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
    letters = sum(ch.isalpha() for ch in text)
    if letters == 0:
        return UNKNOWN
    if words and len(words) <= 2:
        for w in words:
            if w in _DECISIVE:
                return _DECISIVE[w]
    lang, _ = _get().classify(text)
    return "no" if lang == "nn" else str(lang)
