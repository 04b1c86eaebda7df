"""Weight initialization: how large the first random weights are decides whether signals
and gradients keep their size through a deep network.

For a Dense layer with ``fan_in`` inputs, each output is a sum of ``fan_in`` terms w·x. If the
weights have variance Var(w), the output's variance is about fan_in · Var(w) · Var(x): each
initializer below picks Var(w) to make that factor small, 1/3, or 1.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_rng, check_positive_int, unknown_name


def small(fan_in, fan_out, rng):
    """Normal with std 0.01: signals shrink by 0.01·sqrt(fan_in) per layer."""
    return rng.normal(0.0, 0.01, size=(fan_in, fan_out))


def standard(fan_in, fan_out, rng):
    """Uniform in ±1/sqrt(fan_in), the classic heuristic: Var(w) = 1/(3·fan_in), so the
    variance of a signal is multiplied by fan_in·Var(w) = 1/3 at every layer."""
    limit = 1.0 / np.sqrt(fan_in)
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def xavier(fan_in, fan_out, rng):
    """Glorot uniform in ±sqrt(6/(fan_in+fan_out)): Var(w) = 2/(fan_in+fan_out), a compromise
    that keeps variance both forward (fan_in) and backward (fan_out) for tanh-like units."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def he(fan_in, fan_out, rng):
    """Normal with std sqrt(2/fan_in): ReLU zeroes half of its inputs, halving the variance;
    the factor 2 gives it back, so fan_in·Var(w)·1/2 = 1 per layer."""
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


def zeros(fan_in, fan_out, rng):
    """All zeros: every hidden unit computes the same thing and gets the same gradient, so
    they stay identical forever (the symmetry problem). Here to be shown, not used."""
    return np.zeros((fan_in, fan_out))


INITIALIZERS = {"small": small, "standard": standard, "xavier": xavier, "he": he, "zeros": zeros}

# The init that keeps signals at a steady size for each activation.
RECOMMENDED_INIT = {"sigmoid": "xavier", "tanh": "xavier", "relu": "he", "leaky_relu": "he"}


def initialize(name: str, fan_in: int, fan_out: int, rng=None) -> np.ndarray:
    """A weight matrix W of shape (fan_in, fan_out) drawn by the named initializer."""
    if name not in INITIALIZERS:
        raise unknown_name("init", name, INITIALIZERS)
    fan_in = check_positive_int(fan_in, "fan_in")
    fan_out = check_positive_int(fan_out, "fan_out")
    return INITIALIZERS[name](fan_in, fan_out, as_rng(rng))
