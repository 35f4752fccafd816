"""Durations as people write them in config and commands: 30s, 15m, 2h, 3d (and 1h30m)."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.errors import ConfigError

_PART = re.compile(r"(\d+)\s*([smhdw])")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str, *, what: str = "duration") -> timedelta:
    raw = text.strip().lower().replace(" ", "")
    if not raw or _PART.sub("", raw):
        raise ConfigError(f"{what} must look like 30s, 15m, 2h or 3d, got {text!r}")
    seconds = sum(int(n) * _UNIT[u] for n, u in _PART.findall(raw))
    if seconds <= 0:
        raise ConfigError(f"{what} must be longer than zero, got {text!r}")
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds <= 0:
        return "0m"
    out = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            out.append(f"{seconds // size}{unit}")
            seconds %= size
    if seconds and not out:
        out.append(f"{seconds}s")
    return "".join(out)
