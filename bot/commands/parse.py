"""Command text -> a verb and typed arguments, or a UsageError with one friendly line.

Tokens are separated by white space; "double" or “curly” quotes keep words
together; an argument may also be given by name (`customer=Acme Oy`), which is
how the order of Discord's options never matters. A `text` argument takes the
rest of the line as typed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from bot.commands.refs import read_channel, read_user
from bot.commands.spec import BY_NAME, EXPANSIONS, GROUPS, Arg, Kind, Verb
from bot.durations import parse_duration
from bot.errors import ConfigError, UsageError

MAX_COMMAND = 4000
MAX_DURATION = timedelta(days=90)
_QUOTES = {'"': '"', "\u201c": "\u201d", "\u201e": "\u201c"}
_NAMED = re.compile(r"(?P<name>[a-z_]{2,20})=(?P<value>.*)", re.S)
_QUESTION = re.compile(r"#?(?P<id>\d{1,12})")


@dataclass(frozen=True)
class Token:
    text: str
    start: int  # where it starts in the command text
    end: int


@dataclass(frozen=True)
class Parsed:
    verb: Verb
    args: dict[str, Any] = field(default_factory=dict)


def tokenize(text: str) -> list[Token]:
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        close = _QUOTES.get(text[i])
        if close is not None:
            j = text.find(close, i + 1)
            if j == -1:  # an unclosed quote takes the rest: friendlier than an error
                j = n
            out.append(Token(text[i + 1 : j], start, min(j + 1, n)))
            i = j + 1
            continue
        while i < n and not text[i].isspace():
            i += 1
        out.append(Token(text[start:i], start, i))
    return out


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    text = text.replace("`", "'")
    return text if len(text) <= n else text[: n - 1] + "…"


def parse(text: str) -> Parsed:
    if len(text) > MAX_COMMAND:
        raise UsageError(f"That command is too long ({len(text)} characters, {MAX_COMMAND} max).")
    text = text.replace("\x00", "").strip()
    tokens = tokenize(text)
    if not tokens:
        return Parsed(BY_NAME["help"])
    first = tokens[0].text.lower()
    if len(tokens) > 1 and (pair := f"{first} {tokens[1].text.lower()}") in EXPANSIONS:
        # A two-word alias (`status incident …`) before the verb it starts with.
        return _expanded(pair, text[tokens[1].end :])
    if first in EXPANSIONS:
        return _expanded(first, text[tokens[0].end :])
    if first in GROUPS:
        if len(tokens) < 2 or f"{first} {tokens[1].text.lower()}" not in BY_NAME:
            subs = sorted(v.split()[1] for v in BY_NAME if v.startswith(first + " "))
            raise UsageError(
                f"`{first}` needs one of: {', '.join(subs)}. Example: `/presence help {first}`."
            )
        verb = BY_NAME[f"{first} {tokens[1].text.lower()}"]
        rest = tokens[2:]
    else:
        found = BY_NAME.get(first)
        if found is None:
            raise UsageError(
                f"I don't know `{_short(first)}`. `/presence help` lists what you can run."
            )
        verb = found
        rest = tokens[1:]
    return Parsed(verb, _bind(verb, rest, text))


def _expanded(alias: str, rest: str) -> Parsed:
    """Parse what an alias stands for; its errors speak of the alias as typed
    (`idea needs text`, not `loop idea needs text`)."""
    full = EXPANSIONS[alias]
    try:
        return parse(full + rest)
    except UsageError as e:
        raise UsageError(str(e).replace(full, alias)) from None


def _bind(verb: Verb, tokens: list[Token], text: str) -> dict[str, Any]:
    names = {a.name: a for a in verb.args}
    values: dict[str, Any] = {}
    positional = list(verb.args)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        named = _NAMED.fullmatch(tok.text)
        if named and named["name"] in names and named["name"] not in values:
            arg = names[named["name"]]
            if arg.kind is Kind.TEXT:
                raw = named["value"] + text[tok.end :]
                values[arg.name] = _convert(verb, arg, raw.strip())
                break
            values[arg.name] = _convert(verb, arg, named["value"])
            i += 1
            continue
        pending = [a for a in positional if a.name not in values]
        if not pending:
            raise UsageError(
                f"`{verb.name}` takes no more than that; `{_short(tok.text)}` is extra. "
                f"Usage: `/presence {verb.usage}`"
            )
        arg = _fitting(verb, pending, tok.text)
        if arg.kind is Kind.TEXT:
            # The rest of the line, unless named arguments follow it.
            tail = text[tok.start :]
            values[arg.name] = _convert(verb, arg, _strip_quotes(tail, tok, tokens, i))
            break
        values[arg.name] = _convert(verb, arg, tok.text)
        i += 1
    for arg in verb.args:
        if arg.required and arg.name not in values:
            raise UsageError(
                f"`{verb.name}` needs {arg.name} ({arg.help}). "
                f"Usage: `/presence {verb.usage}`, e.g. `{verb.example}`"
            )
    return values


def _fitting(verb: Verb, pending: list[Arg], raw: str) -> Arg:
    """The first pending argument this token fits; an optional one it does not fit
    is skipped (`stats 7d` leaves `by` out)."""
    for arg in pending:
        if arg.required or arg.kind is Kind.TEXT:
            return arg
        try:
            _convert(verb, arg, raw)
        except UsageError:
            continue
        return arg
    return pending[0]


def _strip_quotes(tail: str, tok: Token, tokens: list[Token], i: int) -> str:
    # One quoted token standing alone: its content, not its quotes.
    if len(tokens) == i + 1 and tail[:1] in _QUOTES:
        return tok.text
    return tail.strip()


def _convert(verb: Verb, arg: Arg, raw: str) -> Any:
    where = f"`{verb.name}` {arg.name}"
    if arg.kind is Kind.TEXT:
        if not raw.strip():
            raise UsageError(f"{where} is empty. Example: `{verb.example}`")
        return raw.strip()
    if arg.kind is Kind.QUESTION:
        m = _QUESTION.fullmatch(raw)
        if not m:
            raise UsageError(
                f"Which question? Give its number, e.g. `/presence {verb.name} 12` "
                f"(got `{_short(raw)}`)."
            )
        return int(m["id"])
    if arg.kind is Kind.NUMBER:
        if not raw.isdigit() or len(raw) > 9:
            raise UsageError(f"{where} must be a whole number (got `{_short(raw)}`).")
        return int(raw)
    if arg.kind is Kind.CHOICE:
        if raw.lower() not in arg.choices:
            raise UsageError(
                f"{where} must be one of {', '.join(arg.choices)} (got `{_short(raw)}`)."
            )
        return raw.lower()
    if arg.kind is Kind.DURATION:
        try:
            value = parse_duration(raw, what=where)
        except ConfigError:
            raise UsageError(
                f"{where} must look like 30m, 2h or 3d (got `{_short(raw)}`)."
            ) from None
        if value > MAX_DURATION:
            raise UsageError(f"{where} is longer than 90 days.")
        return value
    if arg.kind is Kind.URL:
        parts = urlsplit(raw) if len(raw) <= 500 else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"{where} must be an http(s) link (got `{_short(raw)}`).")
        if any(c.isspace() or c in "<>\"'`" for c in raw):
            raise UsageError(f"{where} has characters a link cannot have.")
        return raw
    if arg.kind is Kind.USER:
        user = read_user(raw)
        if user is None:
            raise UsageError(f"{where} must be a person: @name or a mention (got `{_short(raw)}`).")
        return user
    if arg.kind is Kind.CHANNEL:
        channel = read_channel(raw)
        if channel is None:
            raise UsageError(f"{where} must be a channel: #name or a link (got `{_short(raw)}`).")
        return channel
    # WORD
    if not raw or len(raw) > 100:
        raise UsageError(f"{where} must be one word of at most 100 characters.")
    return raw
