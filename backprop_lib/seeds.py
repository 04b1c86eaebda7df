"""A claim over several seeds: run one measurement per seed and report the spread.

"ReLU with He initialization keeps the error's size" is a statement about *random* networks. One
seed can be lucky, so a lesson measures the same thing for several seeds, asserts the claim for
every one of them, and quotes the range it saw:

    spread = bp.over_seeds(lambda seed: measure_ratio(seed=seed))      # seeds 0..4
    assert spread.all(lambda r: 0.5 < r < 2), spread                   # holds for every seed
    print(f"first/last ratio {spread}")            # 0.96 (0.81-1.12 over 5 seeds)
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

SEEDS = (0, 1, 2, 3, 4)        # five seeds: the course's least for a claim about randomness


@dataclass(frozen=True)
class Spread:
    """What one measurement gave for each seed: ``values[i]`` came from ``seeds[i]``."""

    seeds: tuple
    values: np.ndarray

    @property
    def min(self) -> float:
        return float(self.values.min())

    @property
    def max(self) -> float:
        return float(self.values.max())

    @property
    def median(self) -> float:
        return float(np.median(self.values))

    def all(self, claim) -> bool:
        """True when ``claim(value)`` holds for the value of every seed."""
        return all(bool(claim(float(v))) for v in self.values)

    def failing(self, claim) -> list:
        """The seeds for which ``claim(value)`` does not hold (empty when it always holds)."""
        return [s for s, v in zip(self.seeds, self.values) if not claim(float(v))]

    def text(self, fmt: str = ".3g") -> str:
        """'median (min-max over k seeds)', for a sentence in a lesson."""
        return (f"{self.median:{fmt}} ({self.min:{fmt}}-{self.max:{fmt}} over "
                f"{len(self.seeds)} seeds)")

    def __str__(self):
        return self.text()


def over_seeds(measure, seeds=SEEDS) -> Spread:
    """Call ``measure(seed)`` for every seed; each call must return one real number.

    ``seeds`` defaults to 0..4. The measurement gets the seed and nothing else, so every random
    choice it makes (weights, data, batch order) must come from that seed.
    """
    if not callable(measure):
        raise TypeError(f"measure must be a function of the seed, got {type(measure).__name__}")
    seeds = tuple(seeds)
    if not seeds:
        raise ValueError("over_seeds needs at least one seed (the course uses five: 0..4)")
    values = []
    for seed in seeds:
        value = measure(seed)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            if isinstance(value, np.ndarray) and value.size == 1:
                value = value.item()
            else:
                raise TypeError(f"measure({seed}) returned {type(value).__name__}; it must "
                                "return one number per seed")
        if not math.isfinite(float(value)):
            raise ValueError(f"measure({seed}) returned {value}: a claim needs finite numbers")
        values.append(float(value))
    return Spread(seeds, np.array(values))


__all__ = ["SEEDS", "Spread", "over_seeds"]
