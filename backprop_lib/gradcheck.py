"""Gradient checking: compare the gradients backpropagation computes with finite differences.

The derivative of f at x is about (f(x + h) - f(x - h)) / 2h for a small h (a centred difference,
accurate to h²). It needs two evaluations of f per number, so it is far too slow to train with,
but it is the independent check that a backward pass is right.

The verdict is the relative error of the worst entry (as CS231n computes it), graded by the one
table ``GRADES``: a single wrong entry in a large matrix is not averaged away.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from ._validate import as_float_array

# The grades of a relative error, in float64: (the error must be below this, the word). The one
# table that ``grade``, ``GradientCheck`` and the plots read.
GRADES = (
    (1e-7, "good"),           # as close as a centred difference can tell
    (1e-4, "look closer"),    # fine next to a kink (ReLU at 0) or with float noise; else a doubt
    (1e-2, "suspicious"),     # probably a mistake
    (math.inf, "WRONG"),      # a mistake: the two gradients disagree in the second digit
)
GOOD, SUSPICIOUS = GRADES[0][0], GRADES[1][0]      # "good" below GOOD; "wrong" from SUSPICIOUS up

# Entries where both gradients are ~0 are compared to TINY instead of to their own size. Why
# 1e-2: a centred difference with h = 1e-5 on a loss of order 1 is itself off by up to about 1e-9
# (rounding 1e-16 / h plus the h² term); measured over 2,960 arrays of correct layers and networks
# (tests/registry.py) the worst disagreement of an entry below 1e-2 was 3e-11, and of an entry
# between 1e-2 and 1 it was 8e-10. Against a floor of 1e-2 that noise reads below 1e-7 ("good"),
# while a real mistake still shows: an entry of 1e-3 dropped to 0 reads 0.1 ("WRONG").
TINY = 1e-2

# Each number checked costs two forward passes: past this many numbers, warn that it will be slow.
SLOW_CHECK_NUMBERS = 20_000


def _check_h(h) -> float:
    if isinstance(h, bool) or not isinstance(h, numbers.Real) or not math.isfinite(h) or h <= 0:
        raise ValueError(f"h must be a small positive number such as 1e-5 (the nudge of the "
                         f"centred difference), got {h!r}")
    return float(h)


def numerical_gradient(f, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """dF/dx by centred differences, for a function ``f()`` of no arguments that reads ``x``.

    ``x`` is nudged in place, one element at a time, and restored exactly, also when ``f``
    raises or the check is interrupted (Ctrl-C).
    """
    if not (isinstance(x, np.ndarray) and x.dtype == np.float64):
        raise TypeError("numerical_gradient needs a float64 array to nudge; float32 rounding "
                        "(about 1e-7) swamps the differences")
    h = _check_h(h)
    grad = np.zeros_like(x)
    original = x.copy()
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    try:
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + h
            f_plus = f()
            flat[i] = old - h
            f_minus = f()
            flat[i] = old
            gflat[i] = (f_plus - f_minus) / (2 * h)     # dF/dx_i ≈ (F(x+h) - F(x-h)) / 2h
    finally:
        x[...] = original                               # whatever happened inside f
    return grad


def relative_error(analytic, numeric, tiny: float = TINY) -> float:
    """The worst entry's max_i |a_i - n_i| / max(|a_i| + |n_i|, tiny); see ``TINY``.

    A NaN or infinite gradient is infinitely wrong.
    """
    a, n = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    if a.shape != n.shape:
        raise ValueError(f"the analytic gradient has shape {a.shape} but the parameter has shape "
                         f"{n.shape}: a gradient must have the shape of what it differentiates")
    if a.size == 0:
        return 0.0
    if not (np.isfinite(a).all() and np.isfinite(n).all()):
        return math.inf
    return float(np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), tiny)))


def grade(error: float) -> str:
    """The word of ``GRADES`` for a relative error (NaN counts as WRONG)."""
    for bound, word in GRADES:
        if error < bound:
            return word
    return GRADES[-1][1]


class GradientCheck(dict):
    """The relative error of each checked array, by name, printed as a graded table."""

    @property
    def worst(self) -> float:
        return max(self.values()) if self else 0.0

    def passed(self, tol: float = GOOD) -> bool:
        return all(err < tol for err in self.values())

    def wrong(self, tol: float = SUSPICIOUS) -> list[str]:
        return [name for name, err in self.items() if not err < tol]

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

    Every parameter, running statistic and mode is as it was afterwards, whatever happens inside
    (an exception, Ctrl-C); only the ``.grad`` arrays hold the new analytic gradients. Checking
    more than ``SLOW_CHECK_NUMBERS`` numbers warns first: check a smaller model or fewer rows.

    Returns a ``GradientCheck``: relative error per parameter, plus 'input' for dL/dX.
    """
    h = _check_h(h)
    X = as_float_array(X, "X", ndim=None).copy()
    result = GradientCheck()
    if not hasattr(target, "forward"):
        if not callable(target):
            raise TypeError("target must be a layer, a network, or a function X -> (value, grad)")
        _warn_if_slow(X.size)
        value, analytic = target(X)
        numeric = numerical_gradient(lambda: target(X)[0], X, h)
        result["input"] = relative_error(analytic, numeric)
        return result

    if loss is None and y is not None:
        from .losses import mse, softmax_cross_entropy
        y_arr = np.asarray(y)
        loss = softmax_cross_entropy if (y_arr.ndim == 1 and y_arr.dtype.kind in "iu") else mse

    params = list(target.parameters())
    _warn_if_slow(sum(p.value.size for p in params) + (X.size if check_input else 0))
    saved_values = [p.value.copy() for p in params]
    saved = _save_buffers(target)
    try:
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
        analytic = {p.name: p.grad.copy() for p in params}
        for p in params:
            numeric = numerical_gradient(lambda: objective()[0], p.value, h)
            result[p.name] = relative_error(analytic[p.name], numeric)
        if check_input and dX is not None:
            result["input"] = relative_error(dX, numerical_gradient(lambda: objective()[0], X, h))
    finally:
        for p, value in zip(params, saved_values):
            p.value[...] = value
        _restore_buffers(target, saved)
    return result


def _warn_if_slow(numbers_checked: int) -> None:
    if numbers_checked > SLOW_CHECK_NUMBERS:
        warnings.warn(f"this gradient check nudges {numbers_checked:,} numbers, two forward passes "
                      f"each (more than {SLOW_CHECK_NUMBERS:,}): it may take minutes. Check a "
                      "smaller model, or a few rows of X.", RuntimeWarning, stacklevel=3)


def _layers(target):
    if hasattr(target, "leaves"):                  # a network or a residual block, opened up
        return target.leaves()
    return getattr(target, "layers", [target])


def _save_buffers(target):
    return [{k: v.copy() for k, v in layer.buffers().items()} for layer in _layers(target)
            if hasattr(layer, "buffers")]


def _restore_buffers(target, saved):
    layers = [layer for layer in _layers(target) if hasattr(layer, "buffers")]
    for layer, state in zip(layers, saved):
        for k, v in layer.buffers().items():
            v[...] = state[k]
