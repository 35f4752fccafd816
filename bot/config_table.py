"""Reading the TOML config strictly: a table that remembers which keys were used so
leftovers are reported by name, and the checks every section shares (time zones,
PLATFORM:ID references). Used by bot/config.py and the per-feature config modules."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.durations import parse_duration
from bot.errors import ConfigError
from bot.refs import parse_qualified


class Table:
    """Reads one TOML table, remembering which keys were used, so leftovers can be
    reported by name."""

    def __init__(self, data: Any, where: str):
        if not isinstance(data, dict):
            raise ConfigError(f"config: {where} must be a table")
        self.data: dict[str, Any] = data
        self.where = where
        self.used: set[str] = set()

    def _get(self, key: str) -> Any:
        self.used.add(key)
        return self.data.get(key)

    def text(self, key: str, default: str | None = None, *, required: bool = False) -> Any:
        value = self._get(key)
        if value is None:
            if required:
                raise ConfigError(f"config: {self.where} needs '{key}'")
            return default
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"config: {self.where}.{key} must be a non-empty string")
        return value.strip()

    def texts(self, key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self._get(key)
        if value is None:
            return default
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"config: {self.where}.{key} must be a list of strings")
        return tuple(v.strip() for v in value)

    def integer(self, key: str, default: int) -> int:
        value = self._get(key)
        if value is None:
            return default
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"config: {self.where}.{key} must be a whole number >= 0")
        return value

    def number(self, key: str, default: float) -> float:
        value = self._get(key)
        if value is None:
            return default
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ConfigError(f"config: {self.where}.{key} must be a number")
        return float(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise ConfigError(f"config: {self.where}.{key} must be true or false")
        return value

    def duration(self, key: str, default: timedelta | None) -> timedelta | None:
        value = self.text(key)
        if value is None:
            return default
        return parse_duration(value, what=f"config: {self.where}.{key}")

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            names = ", ".join(f"{self.where}.{k}" for k in unknown)
            raise ConfigError(f"config: unknown key(s) {names}")


def check_zone(name: str | None, where: str) -> str | None:
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"config: {where} names an unknown time zone {name!r}") from None
    return name


def check_id(value: str | None, where: str) -> str | None:
    if value is None:
        return None
    try:
        parse_qualified(value)
    except ValueError as e:
        raise ConfigError(f"config: {where}: {e}") from None
    return value


def check_ids(values: tuple[str, ...], where: str) -> tuple[str, ...]:
    for v in values:
        check_id(v, where)
    return values


def array_of_tables(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ConfigError(f"config: [[{key}]] must be an array of tables")
    return value
