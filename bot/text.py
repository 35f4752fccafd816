"""Text as platforms deliver it, made safe to store: no NUL bytes (PostgreSQL
refuses them) and no lone surrogates (not encodable as UTF-8). Everything else,
emoji and bidi marks included, is kept as written."""

from __future__ import annotations


def storable(text: str) -> str:
    if "\x00" in text:
        text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text
