"""Turn a raw chat message into the text detection looks at.

Code blocks, quoted lines, URLs and mentions are removed before any cue is read,
so a "?" inside them cannot make a question. What was removed is recorded so
the reasons can say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.detection.lexicon import ADDRESSEE_LABELS, TRAILING_NOISE

# Messages past this many characters are mostly pastes, logs or announcements:
# only their head and tail are read.
LONG_CHARS = 1200
HEAD_CHARS = 400
TAIL_CHARS = 400

# Inline code is read as this word, so "does `acme logs` work" keeps a subject.
CODE_WORD = "code"
_FENCE = re.compile(r"```.*?(?:```|$)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_QUOTE_LINE = re.compile(r"^\s*(?:>|&gt;).*$", re.M)
_URL = re.compile(r"(?:<)?(?:https?://|www\.)[^\s>]+(?:\|[^>]*)?(?:>)?", re.I)
# Slack <@U123|name>, <!here>, <#C123|chan>; Discord <@123>, <@!123>, <@&123>, <#123>.
_PLATFORM_MENTION = re.compile(r"<(?:@[!&]?|#|!)[^>\s]*>")
_AT_MENTION = re.compile(r"(?<![\w.])@[\w.\-]+")
# A handle with digits inside ("10-19-20sUser7", "user_42"): an id, not a word.
_HANDLE = re.compile(r"\b(?=[\w\-]*[a-z])(?=[\w\-]*\d)[\w\-]{5,}\b", re.I)
# IRC-style addressee at the start: "nick: text" / "nick, text".
_ADDRESSEE = re.compile(r"^\s*([\w\-\[\]\\^{}|`]{2,20}):\s+(?=\S)")
_EMOJI_CODE = re.compile(r":[a-z0-9_+\-]{2,30}:", re.I)
_EMOTICON = re.compile(
    r"(?:^|\s)(?:[:;=8xX][\-o^']?[()\[\]dDpP/\\|*3oO0]+|<3|\^_?\^|[oO]_[oO])(?=\s|$)"
)
# Error output pasted as code: "TypeError: ...", "Error: EACCES", "panic: ...", "exit code
# 137". The code is removed before reading, but a pasted failure is a report in itself.
_ERROR_OUTPUT = re.compile(
    r"\b(?:[A-Z]\w*(?:Error|Exception)|[A-Z]+_ERR\w*|ERR_[A-Z_]+|Traceback|"
    r"E(?:CONN\w+|TIMEDOUT|ACCES|NOENT|ADDRINUSE|PIPE|PERM|EXIST|NOTFOUND|AI_AGAIN|NOMEM|NOSPC)|"
    r"SIG[A-Z]{3,}|OOMKilled)\b|"
    r"(?i:\b(?:error|fatal|panic)\b\s*[:(]|\b(?:failed|failure|refused|denied|not found|"
    r"unknown flag|unknown command|already exists|could not|cannot|unable to|timed out|"
    r"segmentation fault|exit code|exited with|killed|exception)\b)"
)
# In a written-out message each line is a sentence: a bullet, a numbered step, "Expected: ...".
_LIST_MARKER = re.compile(r"^\s*(?:[-*•◦▪‣]|\d{1,2}[.)]|\[[ xX]\])\s+")
# A closing line ("BR,", "Thanks!", "Mvh") and a name under it hide the question above them.
_SIGNOFF = re.compile(
    r"^(?:best|br|regards|best regards|kind regards|cheers|thanks|thank you|thx|ty|"
    r"mvh|vh|hilsen|med vänlig hälsning|hälsningar|terveisin|ystävällisin terveisin)\W*$",
    re.I,
)
_SPACES = re.compile(r"\s+")
_TRAIL_PUNCT = re.compile(r"[\s.!,;:~*\-]+$")
# A sentence ends at .!? followed by a space or, in chat ("ok..does it"), directly by a letter.


def _drop_handle(m: re.Match[str]) -> str:
    # "500-error", "feil-404": an HTTP status beside a word is what went wrong
    if any(len(part) == 3 and part.isdigit() for part in m.group(0).split("-")):
        return m.group(0)
    return " "


_SENTENCE_END = re.compile(r"(?<=[.!?])(?:\s+|(?=[^\W\d_]))|\n+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,]\d+)*|\?+|!+", re.U)


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The text to read plus what was taken out of it."""

    text: str
    raw_len: int
    had_code: bool
    had_quote: bool
    had_url: bool
    had_mention: bool
    truncated: bool
    question_mark_removed: bool  # a "?" was only inside code, quotes or URLs
    error_pasted: bool = False  # the removed code reads like error output
    multi_line: bool = False  # written out in lines: a list, a form, a letter


def _drop_signoff(lines: list[str]) -> list[str]:
    # only where the line above ends by asking: then the sign-off is all that follows the ask
    for k in range(len(lines) - 1, max(len(lines) - 4, 0), -1):
        if _SIGNOFF.match(lines[k]):
            rest = lines[k + 1 :]
            if lines[k - 1].endswith("?") and all(len(x.split()) <= 6 for x in rest):
                return lines[:k]
            break
    return lines


def _lines_as_sentences(text: str) -> str:
    lines = [_LIST_MARKER.sub("", ln).strip() for ln in text.split("\n")]
    lines = _drop_signoff([ln for ln in lines if ln])
    # a line that ends without punctuation ends its sentence; the last keeps its own ending
    return " ".join(
        ln + "." if i < len(lines) - 1 and ln[-1] not in ".!?:;,-" else ln
        for i, ln in enumerate(lines)
    )


def clean(raw: str) -> Cleaned:
    text = raw.replace("\u2019", "'").replace("\uff1f", "?")
    had_code = "`" in text
    no_code = _INLINE_CODE.sub(f" {CODE_WORD} ", _FENCE.sub(" ", text)) if had_code else text
    error_pasted = had_code and any(
        _ERROR_OUTPUT.search(m.group(0)) for rx in (_FENCE, _INLINE_CODE) for m in rx.finditer(text)
    )
    no_quote = _QUOTE_LINE.sub(" ", no_code)
    had_quote = no_quote != no_code
    no_url = _URL.sub(" ", no_quote)
    had_url = no_url != no_quote
    t = _PLATFORM_MENTION.sub(" ", no_url)
    t = _AT_MENTION.sub(" ", t)
    t = _HANDLE.sub(_drop_handle, t)
    m = _ADDRESSEE.match(t)
    if m and m.group(1).lower() not in ADDRESSEE_LABELS:
        t = t[m.end() :]
    had_mention = t != no_url
    t = _EMOJI_CODE.sub(" ", t)
    t = _EMOTICON.sub(" ", t)
    multi_line = "\n" in t.strip()
    if multi_line:
        t = _lines_as_sentences(t)
    t = _SPACES.sub(" ", t).strip()
    truncated = False
    if len(t) > LONG_CHARS:
        t = t[:HEAD_CHARS] + " . " + t[-TAIL_CHARS:]
        truncated = True
    removed_q = "?" in raw and "?" not in t
    return Cleaned(
        text=t,
        raw_len=len(raw),
        had_code=had_code and no_code != text,
        had_quote=had_quote,
        had_url=had_url,
        had_mention=had_mention,
        truncated=truncated,
        question_mark_removed=removed_q,
        error_pasted=error_pasted,
        multi_line=multi_line,
    )


def tokens(text: str) -> list[str]:
    """Lower-case words, numbers and runs of ?/! as separate tokens."""
    return _WORD.findall(text.lower())


def strip_trailing_noise(toks: list[str]) -> list[str]:
    """Drop laughter and sign-offs at the end: "can i pm u lol" reads as "can i pm u"."""
    end = len(toks)
    while end > 0 and (toks[end - 1] in TRAILING_NOISE or toks[end - 1].startswith("!")):
        end -= 1
    return toks[:end]


def sentences(text: str) -> list[str]:
    """Split on sentence ends, keeping the "?" with its sentence."""
    parts = _SENTENCE_END.split(text)
    return [p for p in (s.strip() for s in parts) if p]


def ends_with_question_mark(text: str) -> bool:
    return _TRAIL_PUNCT.sub("", text).endswith("?")
