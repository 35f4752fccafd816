"""Replacing someone's words and name wherever Presence copied them.

Customer text lives in `message.text`, and copies of it travel: earlier versions
(`message_edit`), the question's `summary`, quotes in cards and command replies
(`outbox.message`), the stored event (`inbox.payload`) and now and then an audit
`reason`/`detail`. A Scrubber knows the texts and names to remove and walks any
string or JSON value; the passes below apply it to each table in batches."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

ERASED = "[erased]"
MIN_QUOTED = 12  # shorter texts ("ok", "thanks!") are too common to hunt for as quotes
PREFIX_CHARS = 24  # truncated quotes ("How do I pay the invo…") start with this much


def strip_attachments(items: Iterable[Any]) -> list[Any]:
    """Attachments keep their type and size (the archive still says one was there);
    the file name and link go."""
    out: list[Any] = []
    for a in items:
        if isinstance(a, dict):
            out.append({"name": ERASED, "size": a.get("size"), "type": a.get("type"), "url": None})
    return out


def _words_pattern(text: str) -> str | None:
    words = text.split()
    if not words:
        return None
    prefix, out = "", []
    for w in words:
        out.append(re.escape(w))
        prefix += w + " "
        if len(prefix) >= PREFIX_CHARS:
            break
    return r"\s+".join(out)


@dataclass
class Scrubber:
    """Erases `texts` (whole or quoted, even truncated) and replaces `names` with
    `replacement`. Build with `build()`; then `text()` and `value()`."""

    texts: set[str] = field(default_factory=set)
    names: list[str] = field(default_factory=list)
    replacement: str = ERASED
    # Erase a short text too when a whole string equals it: only for rows known to
    # copy the person's words (their question's cards), never for other people's
    # messages, where "ok, thanks" is just as likely their own.
    exact_short: bool = False
    _quoted: re.Pattern[str] | None = None
    _by_prefix: dict[str, list[str]] = field(default_factory=dict)
    _names: re.Pattern[str] | None = None
    changed: int = 0

    def build(self) -> Scrubber:
        self.texts = {t for t in self.texts if t.strip()}
        patterns = []
        for t in sorted(self.texts, key=len, reverse=True):
            if len(t.strip()) < MIN_QUOTED:
                continue
            pat = _words_pattern(t)
            if pat is None:
                continue
            key = self._key(t)
            if key not in self._by_prefix:
                patterns.append(pat)
            self._by_prefix.setdefault(key, []).append(t)
        if patterns:
            self._quoted = re.compile("|".join(f"(?:{p})" for p in patterns))
        names = sorted({n.strip() for n in self.names if n and len(n.strip()) >= 2}, key=len)
        if names:
            alternation = "|".join(re.escape(n) for n in reversed(names))
            self._names = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)
        return self

    @staticmethod
    def _key(text: str) -> str:
        return " ".join(text.split())[:PREFIX_CHARS].casefold()

    @property
    def empty(self) -> bool:
        return not self.texts and self._names is None

    def text(self, s: str) -> str:
        """`s` with the texts erased and the names replaced."""
        if not s:
            return s
        out = s
        key = out.strip()
        if key in self.texts and (self.exact_short or len(key) >= MIN_QUOTED):
            out = ""
        elif self._quoted is not None and self._quoted.search(out):
            out = self._erase_quotes(out)
        if self._names is not None and out:
            out = self._names.sub(self.replacement, out)
        if out != s:
            self.changed += 1
        return out

    def _erase_quotes(self, s: str) -> str:
        assert self._quoted is not None
        parts: list[str] = []
        pos = 0
        while True:
            m = self._quoted.search(s, pos)
            if m is None:
                break
            end = None
            for full in sorted(self._by_prefix.get(self._key(m.group()), []), key=len):
                if s.startswith(full, m.start()):
                    end = m.start() + len(full)
            if end is None:
                # A shortened quote: the rest of that line is the customer's words.
                nl = s.find("\n", m.end())
                end = len(s) if nl < 0 else nl
            parts.append(s[pos : m.start()] + ERASED)
            pos = end
        parts.append(s[pos:])
        return "".join(parts)

    def value(self, v: Any) -> Any:
        """A JSON value with every string scrubbed; an erased `quote` becomes null."""
        if isinstance(v, str):
            return self.text(v)
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, dict):
            out: dict[str, Any] = {}
            for k, x in v.items():
                y = self.value(x)
                out[k] = None if k == "quote" and isinstance(x, str) and y != x else y
            return out
        return v
