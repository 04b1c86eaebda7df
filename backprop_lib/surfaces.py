"""Loss surfaces with known gradients, and the path gradient descent takes across them.

    surface = quadratic([1.0, 20.0])                # an elongated valley, curvatures 1 and 20
    path = descend(surface, start=[-4, 1.5], lr=0.05, steps=50, momentum=0.9)
    path.points (steps+1, 2), path.losses (steps+1,), path.regime

The regimes of descent (converge, oscillate, bounce, diverge, crawl), in theory and as read off
a path, are in ``regimes.py``; ``regime``, ``path_regime`` and ``CRAWL_BELOW`` are imported here
too.

Engine floor: numpy only.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ._validate import check_fraction, check_lr, check_positive_int
from .regimes import CRAWL_BELOW, path_regime, regime


class Surface:
    """A loss L(w) of a parameter vector w (1 or 2 numbers), with its gradient dL/dw.

    ``loss`` and ``grad`` take w of shape (dim,); ``loss_grid`` evaluates L on many points
    (..., dim) at once for drawing. ``bounds`` is a sensible drawing window per coordinate and
    ``minimum`` the lowest point (if known).
    """

    name = "surface"
    dim = 1
    bounds: tuple = ((-3.0, 3.0),)
    minimum = None

    def loss_grid(self, W: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def gradient(self, w: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _check(self, w):
        w = np.asarray(w, dtype=np.float64)
        if w.ndim == 0 and self.dim == 1:
            w = w.reshape(1)
        if w.shape != (self.dim,):
            raise ValueError(f"{self.name} takes a point of {self.dim} number(s), got shape "
                             f"{w.shape}; pass for example {[0.0] * self.dim}")
        return w

    def loss(self, w) -> float:
        return float(self.loss_grid(self._check(w)))

    def grad(self, w) -> np.ndarray:
        return self.gradient(self._check(w))

    def __repr__(self):
        return self.name


class Quadratic(Surface):
    """L(w) = 1/2 · Σ_i a_i · u_i², u = R(angle) · (w - center): a bowl with curvature a_i along
    its axes, turned by ``angle`` (radians). One curvature: 1-D; two: a 2-D valley whose
    narrowness is the ratio of the curvatures (the condition number)."""

    def __init__(self, curvatures=(1.0,), center=None, angle: float = 0.0):
        a = np.atleast_1d(np.asarray(curvatures, dtype=np.float64))
        if a.ndim != 1 or a.size not in (1, 2):
            raise ValueError(f"curvatures must be 1 or 2 numbers, got {curvatures!r}")
        if not np.all(np.isfinite(a)) or np.any(a <= 0):
            raise ValueError(f"curvatures must be positive (a bowl, not a saddle), got "
                             f"{curvatures!r}")
        self.curvatures = a
        self.dim = a.size
        c = np.zeros(self.dim) if center is None else np.atleast_1d(
            np.asarray(center, dtype=np.float64))
        if c.shape != (self.dim,):
            raise ValueError(f"center must have {self.dim} number(s) like curvatures, got "
                             f"{center!r}")
        self.center = c
        self.minimum = c
        self.angle = float(angle)
        cos, sin = np.cos(self.angle), np.sin(self.angle)
        self.R = np.array([[cos, sin], [-sin, cos]]) if self.dim == 2 else np.eye(1)
        self.H = self.R.T @ np.diag(a) @ self.R         # the Hessian: d²L/dw²
        span = 3.0 / np.sqrt(a.min())
        self.bounds = tuple((ci - 1.6 * span, ci + 1.6 * span) for ci in c)
        name = "quadratic" if self.dim == 1 else "valley"
        self.name = f"{name}(a={', '.join(f'{v:g}' for v in a)})"

    @property
    def max_curvature(self) -> float:
        return float(self.curvatures.max())

    def loss_grid(self, W):
        D = np.asarray(W, dtype=np.float64) - self.center
        return 0.5 * np.einsum("...i,ij,...j->...", D, self.H, D)

    def gradient(self, w):
        return self.H @ (w - self.center)             # dL/dw = H · (w - w*)


class DoubleWell(Surface):
    """L(w) = (w² - 1)² + tilt·w: two valleys; a 1-D picture of a loss that is not a bowl,
    where the start decides which minimum descent finds."""

    dim = 1

    def __init__(self, tilt: float = 0.3):
        if isinstance(tilt, bool) or not isinstance(tilt, numbers.Real):
            raise TypeError(f"tilt must be a number, got {tilt!r}")
        self.tilt = float(tilt)
        self.bounds = ((-2.0, 2.0),)
        self.name = f"double well(tilt={self.tilt:g})"
        roots = np.roots([4.0, 0.0, -4.0, self.tilt])              # L'(w) = 4w³ - 4w + tilt
        real = roots[np.abs(roots.imag) < 1e-9].real
        minima = [r for r in real if 12 * r * r - 4 > 0]
        self.minimum = np.array([min(minima, key=lambda r: self.loss_grid(np.array([r])))])

    def loss_grid(self, W):
        w = np.asarray(W, dtype=np.float64)[..., 0]
        return (w * w - 1.0) ** 2 + self.tilt * w

    def gradient(self, w):
        return np.array([4.0 * w[0] ** 3 - 4.0 * w[0] + self.tilt])


class Rosenbrock(Surface):
    """L(w) = (1 - w0)² + k·(w1 - w0²)²: a curved, flat-bottomed banana valley with its minimum
    at (1, 1); plain descent crawls along its floor."""

    dim = 2

    def __init__(self, k: float = 10.0):
        if isinstance(k, bool) or not isinstance(k, numbers.Real) or k <= 0:
            raise ValueError(f"k must be a positive number, got {k!r}")
        self.k = float(k)
        self.bounds = ((-2.0, 2.0), (-1.0, 3.0))
        self.minimum = np.array([1.0, 1.0])
        self.name = f"rosenbrock(k={self.k:g})"

    def loss_grid(self, W):
        W = np.asarray(W, dtype=np.float64)
        x, y = W[..., 0], W[..., 1]
        return (1 - x) ** 2 + self.k * (y - x * x) ** 2

    def gradient(self, w):
        x, y = w
        return np.array([-2 * (1 - x) - 4 * self.k * x * (y - x * x), 2 * self.k * (y - x * x)])


def quadratic(curvatures=(1.0,), center=None, angle: float = 0.0) -> Quadratic:
    """A bowl: ``quadratic(2.0)`` is L = w² (curvature 2); ``quadratic([1, 20], angle=0.5)`` a
    narrow valley turned by 0.5 radians."""
    return Quadratic(curvatures, center, angle)


@dataclass
class Path:
    """Where gradient descent went: ``points`` (k+1, dim) from the start, the ``losses``
    (k+1,) there, the gradients (k, dim) used; ``diverged`` is True when it left ``bound``
    (the path stops there so that it stays drawable)."""

    points: np.ndarray
    losses: np.ndarray
    grads: np.ndarray
    lr: float
    momentum: float
    diverged: bool
    surface: Surface

    @property
    def steps(self) -> int:
        return len(self.points) - 1

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])

    @property
    def regime(self) -> str:
        """What this path did: 'diverge', 'bounce', 'oscillate', 'crawl' or 'converge'."""
        return path_regime(self)


def descend(surface: Surface, start, lr: float, steps: int = 50, momentum: float = 0.0,
            bound: float = 1e3) -> Path:
    """Run gradient descent on ``surface`` from ``start``: w <- w - lr · dL/dw, ``steps`` times.

    With momentum μ > 0 (the heavy ball, as ``bp.SGD``): v <- μ·v - lr·dL/dw; w <- w + v.
    The run stops early once the point leaves the box |w_i - w*_i| <= ``bound`` (diverged),
    so a diverging path never overflows.
    """
    if not isinstance(surface, Surface):
        raise TypeError(f"surface must be a Surface such as quadratic(1.0), got "
                        f"{type(surface).__name__}")
    lr = check_lr(lr)
    steps = check_positive_int(steps, "steps", minimum=0)
    momentum = check_fraction(momentum, "momentum")
    if not (isinstance(bound, numbers.Real) and bound > 0):
        raise ValueError(f"bound must be a positive number, got {bound!r}")
    w = surface._check(start).copy()
    ref = surface.minimum if surface.minimum is not None else np.zeros(surface.dim)
    v = np.zeros_like(w)
    points, grads = [w.copy()], []
    diverged = False
    for _ in range(steps):
        g = surface.gradient(w)
        grads.append(g)
        v = momentum * v - lr * g                 # momentum 0: v = -lr·g, the plain step
        w = w + v
        points.append(w.copy())
        if not np.all(np.abs(w - ref) <= bound):
            diverged = True
            break
    P = np.array(points)
    return Path(points=P, losses=surface.loss_grid(P), grads=np.array(grads).reshape(-1, w.size),
                lr=lr, momentum=momentum, diverged=diverged, surface=surface)


def descend_with(surface: Surface, start, optimizer, steps: int = 50,
                 bound: float = 1e3) -> Path:
    """Like ``descend``, but each step is taken by a course optimizer (``bp.SGD``, ``bp.Adam``)
    on the point as one ``Parameter``: its gradient is the surface's, ``optimizer.step`` moves
    it. Pass a fresh optimizer: it keeps what it remembers (velocity, averages) between steps."""
    from .optim import Optimizer
    from .parameter import Parameter

    if not isinstance(surface, Surface):
        raise TypeError(f"surface must be a Surface such as quadratic(1.0), got "
                        f"{type(surface).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a course optimizer such as bp.Adam(0.1), got "
                        f"{type(optimizer).__name__}")
    if optimizer.steps:
        raise ValueError(f"this {type(optimizer).__name__} has already taken {optimizer.steps} "
                         "steps; pass a fresh one so that its memory starts at zero")
    steps = check_positive_int(steps, "steps", minimum=0)
    p = Parameter("w", surface._check(start).copy())
    ref = surface.minimum if surface.minimum is not None else np.zeros(surface.dim)
    points, grads, diverged = [p.value.copy()], [], False
    for _ in range(steps):
        p.grad[...] = surface.gradient(p.value)
        grads.append(p.grad.copy())
        optimizer.step([p])
        points.append(p.value.copy())
        if not np.all(np.abs(p.value - ref) <= bound):
            diverged = True
            break
    P = np.array(points)
    return Path(points=P, losses=surface.loss_grid(P),
                grads=np.array(grads).reshape(-1, surface.dim), lr=optimizer.lr,
                momentum=float(getattr(optimizer, "momentum", 0.0)), diverged=diverged,
                surface=surface)


__all__ = ["Surface", "Quadratic", "DoubleWell", "Rosenbrock", "quadratic", "Path", "descend",
           "descend_with", "regime", "path_regime", "CRAWL_BELOW"]
