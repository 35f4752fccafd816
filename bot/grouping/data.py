"""Reading the irc-disentanglement corpus (CC BY 4.0; attribution in docs/grouping.md).

The split is by stream and fixed here so training and `presence eval grouping`
can never disagree: only streams of the authors' `train` split are trained on;
every other stream (dev, test, Channel Two, new domains) is evaluation-only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.grouping.types import GroupMessage

TRAIN_SPLITS = frozenset({"train"})


@dataclass(frozen=True, slots=True)
class Line:
    idx: int
    t: float | None
    kind: str
    user: str | None
    text: str
    parents: tuple[int, ...] | None  # None = context only (not annotated)
    conv: int | None

    def message(self) -> GroupMessage:
        return GroupMessage(id=str(self.idx), ts=self.t, user=self.user, text=self.text)


@dataclass(frozen=True, slots=True)
class Stream:
    id: str
    channel: str
    source_split: str
    lines: tuple[Line, ...]

    @property
    def trained_on(self) -> bool:
        return self.source_split in TRAIN_SPLITS


class DataError(ValueError):
    """The data folder is missing or not in the expected format."""


def load_streams(data_dir: Path) -> list[Stream]:
    """Every stream of the folder, lines in channel order."""
    sp, mp = data_dir / "streams.jsonl", data_dir / "messages.jsonl"
    if not sp.is_file() or not mp.is_file():
        raise DataError(f"{data_dir}: expected streams.jsonl and messages.jsonl")
    meta: dict[str, dict[str, str]] = {}
    for row in _rows(sp):
        meta[str(row["stream"])] = {
            "channel": str(row["channel"]),
            "split": str(row["source_split"]),
        }
    lines: dict[str, list[Line]] = {k: [] for k in meta}
    for row in _rows(mp):
        sid = str(row["stream"])
        if sid not in lines:
            raise DataError(f"{mp}: message of unknown stream {sid!r}")
        parents = row.get("parents")
        t = row.get("t")
        lines[sid].append(
            Line(
                idx=int(row["idx"]),
                t=None if t is None else float(t),
                kind=str(row.get("kind") or "msg"),
                user=None if row.get("user") is None else str(row["user"]),
                text=str(row.get("text") or ""),
                parents=None if parents is None else tuple(int(p) for p in parents),
                conv=None if row.get("conv") is None else int(row["conv"]),
            )
        )
    return [
        Stream(sid, m["channel"], m["split"], tuple(sorted(lines[sid], key=lambda x: x.idx)))
        for sid, m in meta.items()
    ]


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for n, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{n}: not JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise DataError(f"{path}:{n}: not a JSON object")
            yield row
