"""Gradient descent: move every parameter a small step against its gradient.

    value <- value - lr · grad

The learning rate ``lr`` decides how far each step goes: too small and training crawls, too large
and it overshoots, oscillates or diverges. Momentum and Adam change the direction and the size of
each step using the gradients seen before.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_fraction, check_lr


def grad_norm(parameters) -> float:
    """The length of all gradients together, sqrt(Σ grad²)."""
    return float(np.sqrt(sum(float(np.vdot(p.grad, p.grad)) for p in parameters)))


def clip_grad_norm(parameters, max_norm: float) -> float:
    """Scale all gradients down together so that their total norm is at most ``max_norm``
    (the direction is kept, only the step is shortened). Returns the norm before clipping."""
    max_norm = check_lr(max_norm, "max_norm")
    parameters = list(parameters)
    total = grad_norm(parameters)
    if total > max_norm:
        scale = max_norm / total
        for p in parameters:
            p.grad = p.grad * scale     # a new array: a gradient a caller kept stays as it was
    return total


class Optimizer:
    def __init__(self, lr, clip_norm=None):
        self.lr = check_lr(lr)
        self.clip_norm = None if clip_norm is None else check_lr(clip_norm, "clip_norm")
        # Per parameter: what this rule remembers between steps. Keyed by the Parameter itself, so
        # the same optimizer used on another model's parameters starts fresh for them.
        self.state: dict = {}
        self.steps = 0                 # calls to step, for display

    def step(self, parameters):
        """Update every parameter in place from its ``.grad``."""
        parameters = list(parameters)
        if self.clip_norm is not None:
            total = clip_grad_norm(parameters, self.clip_norm)
            if not np.isfinite(total):
                raise FloatingPointError("a gradient is NaN or infinite; the parameters were not "
                                         "changed. Lower the learning rate.")
        self.steps += 1
        for p in parameters:
            self._update(p)

    def _update(self, p):
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum.

    momentum = 0:  value -= lr · grad
    momentum = μ:  v = μ·v - lr · grad;  value += v   (v: a running sum of past steps)
    """

    def __init__(self, lr=0.1, momentum=0.0, clip_norm=None):
        super().__init__(lr, clip_norm)
        self.momentum = check_fraction(momentum, "momentum")

    def _update(self, p):
        if self.momentum == 0.0:
            p.value -= self.lr * p.grad
            return
        v = self.momentum * self.state.get(p, 0.0) - self.lr * p.grad   # v starts at 0
        self.state[p] = v
        p.value += v

    def __repr__(self):
        return f"SGD(lr={self.lr}, momentum={self.momentum})"


class Adam(Optimizer):
    """Adam: a momentum average m of the gradients divided by the root of an average v of
    their squares, so each parameter's step is about lr whatever the gradient's scale.

    m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²;  value -= lr · m̂ / (sqrt(v̂) + eps)
    (m̂, v̂: m and v corrected for starting at zero).
    """

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, clip_norm=None):
        super().__init__(lr, clip_norm)
        self.beta1 = check_fraction(beta1, "beta1")
        self.beta2 = check_fraction(beta2, "beta2")
        if not (isinstance(eps, (int, float)) and eps > 0):
            raise ValueError(f"eps must be a small positive number such as 1e-8, got {eps!r}")
        self.eps = float(eps)

    def _update(self, p):
        m, v, t = self.state.get(p, (0.0, 0.0, 0))    # a parameter seen for the first time: 0
        g = p.grad
        t += 1                                         # this parameter's own step count
        m = self.beta1 * m + (1 - self.beta1) * g      # average of the gradients
        v = self.beta2 * v + (1 - self.beta2) * (g * g)   # average of their squares
        self.state[p] = (m, v, t)
        m_hat = m / (1 - self.beta1 ** t)              # corrected for starting at 0
        v_hat = v / (1 - self.beta2 ** t)
        p.value -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)

    def __repr__(self):
        return f"Adam(lr={self.lr}, beta1={self.beta1}, beta2={self.beta2})"
