"""Exponentially decayed counters: "how much lately", exact at any instant, O(1) to update."""

from __future__ import annotations

import math
from dataclasses import dataclass

LN2 = math.log(2.0)


@dataclass(slots=True)
class Decayed:
    """Holds sum(0.5 ** ((t - t_i) / half_life)) over events t_i, as (value at `at`)."""

    value: float = 0.0
    at: float = 0.0

    def add(self, at: float, half_life: float, weight: float = 1.0) -> None:
        self.value = self.value_at(at, half_life) + weight
        self.at = at

    def value_at(self, at: float, half_life: float) -> float:
        if self.value == 0.0:
            return 0.0
        return self.value * math.exp(-LN2 * (at - self.at) / half_life)
