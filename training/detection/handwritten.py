"""Examples written for this project in en, fi, sv, da and no (examples/*.txt).

Licence: part of this repository (Apache-2.0). Lines are ``L|text`` with L one
of Q (question), P (problem report), R (request) or N (needs no reply); a line
``@x a|b|c`` lists the objects that fill ``{x}`` in the lines after it.
"""

from __future__ import annotations

import random
from pathlib import Path

EXAMPLES = Path(__file__).parent / "examples"
WEIGHT = 3.0
FILLS = 3


def _variants(text: str, rng: random.Random) -> list[tuple[str, float]]:
    out = [(text, 1.0)]
    if text.endswith("?"):
        out.append((text[:-1], 0.7))
    if rng.random() < 0.5:
        out.append((text[:1].upper() + text[1:], 0.5))
    return out


def handwritten(rng: random.Random) -> list[tuple[str, int, float, str]]:
    out: list[tuple[str, int, float, str]] = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        objects: list[str] = ["it"]
        for line in path.read_text().splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            if line.startswith("@x "):
                objects = line[3:].split("|")
                continue
            tag, text = line.split("|", 1)
            label = 0 if tag == "N" else 1
            texts = (
                [text.replace("{x}", o) for o in rng.sample(objects, FILLS)]
                if "{x}" in text
                else [text]
            )
            for t in texts:
                for v, w in _variants(t, rng):
                    out.append((v, label, WEIGHT * w, f"hand_{path.stem}"))
    return out
