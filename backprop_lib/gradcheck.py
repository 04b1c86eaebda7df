"""Gradient checking: compare the gradients backpropagation computes with finite differences.

The derivative of f at x is about (f(x + h) - f(x - h)) / 2h for a small h (a centred difference,
accurate to h²). It needs two evaluations of f per number, so it is far too slow to train with,
but it is the independent check that a backward pass is right.

Grades of the relative error |analytic - numeric| / (|analytic| + |numeric|), in float64:
below 1e-7 good; 1e-7 to 1e-4 look closer (fine near a kink such as ReLU's 0); above 1e-2 wrong.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array

GOOD, SUSPICIOUS = 1e-7, 1e-4


def numerical_gradient(f, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """dF/dx by centred differences, for a function ``f()`` of no arguments that reads ``x``.

    ``x`` is nudged in place, one element at a time, and restored exactly.
    """
    if not (isinstance(x, np.ndarray) and x.dtype == np.float64):
        raise TypeError("numerical_gradient needs a float64 array to nudge; float32 rounding "
                        "(about 1e-7) swamps the differences")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = f()
        flat[i] = old - h
        f_minus = f()
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * h)     # dF/dx_i ≈ (F(x+h) - F(x-h)) / 2h
    return grad


# A centred difference with h = 1e-5 carries rounding noise of about 1e-16 / 1e-5 = 1e-11. Two
# gradients both smaller than this are both zero as far as the check can tell (for example a
# bias right before BatchNorm, which the normalization cancels exactly).
ZERO = 1e-9


def relative_error(analytic, numeric) -> float:
    """|a - n| / (|a| + |n|) over the whole array; 0 when both are zero (below ``ZERO``)."""
    a, n = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    if a.shape != n.shape:
        raise ValueError(f"the analytic gradient has shape {a.shape} but the parameter has shape "
                         f"{n.shape}: a gradient must have the shape of what it differentiates")
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return 0.0 if denom < ZERO else float(np.linalg.norm(a - n) / denom)


def grade(error: float) -> str:
    if error < GOOD:
        return "good"
    if error < SUSPICIOUS:
        return "look closer"
    if error < 1e-2:
        return "suspicious"
    return "WRONG"


class GradientCheck(dict):
    """The relative error of each checked array, by name, printed as a graded table."""

    @property
    def worst(self) -> float:
        return max(self.values()) if self else 0.0

    def passed(self, tol: float = GOOD) -> bool:
        return all(err < tol for err in self.values())

    def wrong(self, tol: float = SUSPICIOUS) -> list[str]:
        return [name for name, err in self.items() if err >= tol]

    def __str__(self):
        width = max([len(k) for k in self] + [9])
        lines = [f"{'parameter':<{width}}  relative error  grade"]
        for name, err in self.items():
            lines.append(f"{name:<{width}}  {err:14.2e}  {grade(err)}")
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle):      # IPython shows the table
        p.text(str(self))


def gradient_check(target, X, y=None, loss=None, h: float = 1e-5, seed: int = 0,
                   check_input: bool = True) -> GradientCheck:
    """Check the backward pass of a layer or a network against finite differences.

    ``target`` is a layer or a ``Sequential`` (anything with forward, backward and parameters),
    or a function ``f(X) -> (value, dvalue/dX)`` such as a loss with its targets bound.

    With a loss and targets ``y``, the scalar checked is ``loss(target.forward(X), y)``; without
    them it is Σ G·forward(X) for a fixed random G (a random upstream gradient, so that nothing
    cancels by symmetry, as a uniform one would in BatchNorm).

    Returns a ``GradientCheck``: relative error per parameter, plus 'input' for dL/dX.
    """
    X = as_float_array(X, "X", ndim=None).copy()
    result = GradientCheck()
    if not hasattr(target, "forward"):
        if not callable(target):
            raise TypeError("target must be a layer, a network, or a function X -> (value, grad)")
        value, analytic = target(X)
        numeric = numerical_gradient(lambda: target(X)[0], X, h)
        result["input"] = relative_error(analytic, numeric)
        return result

    if loss is None and y is not None:
        from .losses import mse, softmax_cross_entropy
        y_arr = np.asarray(y)
        loss = softmax_cross_entropy if (y_arr.ndim == 1 and y_arr.dtype.kind in "iu") else mse

    saved = _save_buffers(target)
    G = None
    if loss is None:
        G = np.random.default_rng(seed).standard_normal(np.shape(target.forward(X)))
        _restore_buffers(target, saved)

    def objective():
        out = target.forward(X)
        _restore_buffers(target, saved)        # running statistics must not drift
        if loss is None:
            return float(np.sum(out * G)), G  # L = Σ G·Y, so dL/dY = G
        return loss(out, y)

    _, dout = objective()
    dX = target.backward(dout)
    analytic = {p.name: p.grad.copy() for p in target.parameters()}
    for p in target.parameters():
        numeric = numerical_gradient(lambda: objective()[0], p.value, h)
        result[p.name] = relative_error(analytic[p.name], numeric)
    if check_input and dX is not None:
        result["input"] = relative_error(dX, numerical_gradient(lambda: objective()[0], X, h))
    return result


def _layers(target):
    return getattr(target, "layers", [target])


def _save_buffers(target):
    return [{k: v.copy() for k, v in layer.buffers().items()} for layer in _layers(target)
            if hasattr(layer, "buffers")]


def _restore_buffers(target, saved):
    layers = [layer for layer in _layers(target) if hasattr(layer, "buffers")]
    for layer, state in zip(layers, saved):
        for k, v in layer.buffers().items():
            v[...] = state[k]
