"""The regimes of gradient descent: what a learning rate does, in theory (``regime``) and as read
off a path (``path_regime``, which ``Path.regime`` gives).

On a quadratic L = a/2 · (w - w*)², one step maps the distance to the minimum d to (1 - lr·a)·d:
lr < 1/a shrinks it without changing sign (converge), 1/a < lr < 2/a flips its sign every step
while shrinking it (oscillate), lr = 2/a flips it without shrinking it, w -> -w -> w forever
(bounce), lr > 2/a makes it grow (diverge); a tiny lr·a barely moves (crawl).

Engine floor: numpy only.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING

import numpy as np

from ._validate import check_lr

if TYPE_CHECKING:
    from .surfaces import Path

CRAWL_BELOW = 0.05          # lr·a under this: each step removes less than 5% of the distance


def regime(lr: float, curvature: float) -> str:
    """The theory for plain descent on a quadratic of curvature a: each step multiplies the
    distance to the minimum by (1 - lr·a).

    lr·a < 0.05: 'crawl'; <= 1: 'converge' (monotone); < 2: 'oscillate' (flips side, shrinking);
    = 2: 'bounce' (factor -1: flips side forever, never closer, never farther); > 2: 'diverge'.
    (lr·a within 1e-9 of 2 counts as 2: a rounding error must not decide the label.)
    """
    lr = check_lr(lr)
    if isinstance(curvature, bool) or not isinstance(curvature, numbers.Real) or curvature <= 0:
        raise ValueError(f"curvature must be a positive number, got {curvature!r}")
    r = lr * curvature
    if r < CRAWL_BELOW:
        return "crawl"
    if r <= 1.0:
        return "converge"
    if abs(r - 2.0) <= 1e-9 * 2.0:
        return "bounce"
    if r < 2.0:
        return "oscillate"
    return "diverge"


def path_regime(path: Path, tol: float = 0.05) -> str:
    """The regime read off a path: 'diverge' if it left the bound or ended farther from the
    minimum than it started (by more than ``tol``); if the offset from the minimum changed sign at
    most steps, 'bounce' when it ended no closer than (1 - ``tol``) of the starting distance, or
    with no less than (1 - ``tol``) of its starting loss above the minimum (jumping across without
    getting anywhere, as at lr·a = 2), else 'oscillate'; 'crawl' if it
    closed less than half the distance; else 'converge'."""
    ref = path.surface.minimum if path.surface.minimum is not None else path.points[-1]
    d = path.points - ref
    dist = np.linalg.norm(d, axis=1)
    if path.diverged or dist[-1] > dist[0] * (1 + tol):
        return "diverge"
    if len(d) > 2:
        dots = np.sum(d[1:] * d[:-1], axis=1)      # negative: it jumped across the minimum
        if np.mean(dots < 0) > 0.5:
            stuck = dist[-1] >= dist[0] * (1 - tol)
            if path.surface.minimum is not None:      # a valley can bounce across its steep
                floor = path.surface.loss(path.surface.minimum)   # side while creeping along
                stuck = stuck or (path.losses[-1] - floor) >= (path.losses[0] - floor) * (1 - tol)
            return "bounce" if stuck else "oscillate"
    if dist[0] > 0 and dist[-1] > 0.5 * dist[0]:
        return "crawl"
    return "converge"


__all__ = ["regime", "path_regime", "CRAWL_BELOW"]
