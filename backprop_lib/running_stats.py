"""How noisy BatchNorm's running statistics are, as a function of the batch size.

In evaluation mode BatchNorm normalizes with running averages that every training batch moves a
fraction m (``momentum``, 0.1) of the way towards that batch's mean and variance:

    running ← (1 - m)·running + m·batch.

A batch of B examples estimates a feature's mean with a standard error σ/√B, and the running
average keeps a share of that noise: in the steady state its standard deviation is

    σ · sqrt(m / (2 - m)) / sqrt(B)          (an exponential average of independent batches).

``running_mean_error`` measures it: with the weights fixed, it feeds random batches in training
mode and compares the first BatchNorm's running mean with the exact mean of its input over all
of X, in units of that input's standard deviation, averaged over the features and over every
step after a burn-in of 50 steps (the running mean forgets its start by then: 0.9^50 ≈ 0.005).
The model is left as it was.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, as_rng, check_positive_int
from .network import Sequential
from .normalization import BatchNorm


def predicted_running_mean_error(batch_size: int, momentum: float = 0.1) -> float:
    """Theory's mean |running mean - exact mean| / σ: sqrt(2/π) · sqrt(m/(2-m)) / sqrt(B) (the
    mean absolute value of a normal deviation is sqrt(2/π) times its standard deviation)."""
    batch_size = check_positive_int(batch_size, "batch_size")
    return float(np.sqrt(2 / np.pi) * np.sqrt(momentum / (2 - momentum) / batch_size))


BURN_IN = 50


def running_mean_error(model: Sequential, X, batch_size: int, steps: int = 500,
                       seed: int = 0) -> float:
    """Mean |running mean - exact mean| / exact std of the model's first BatchNorm layer, over
    its features and over the ``steps`` training-mode forward passes (random batches of
    ``batch_size`` rows of X; no backward pass, no weight change) that follow a burn-in of
    ``BURN_IN`` passes. The model's modes and running statistics are restored afterwards."""
    if not isinstance(model, Sequential):
        raise TypeError(f"expected a network built with bp.mlp, got {type(model).__name__}")
    X = as_float_array(X, "X")
    batch_size = check_positive_int(batch_size, "batch_size", minimum=2)
    steps = check_positive_int(steps, "steps")
    leaves = model.leaves()
    norms = [i for i, layer in enumerate(leaves) if isinstance(layer, BatchNorm)]
    if not norms:
        raise ValueError("this network has no BatchNorm layer: build it with norm='batch'")
    k = norms[0]
    rng = as_rng(seed)
    with model.restoring_state():
        model.eval()
        model.forward(X)
        Z = model.leaf_outputs()[k - 1]                 # the first BatchNorm's input over all of X
        exact_mean, exact_std = Z.mean(axis=0), Z.std(axis=0)
        model.train()
        deviations = []
        for step in range(BURN_IN + steps):
            model.forward(X[rng.choice(len(X), size=batch_size, replace=False)])
            if step >= BURN_IN:
                running = leaves[k].running_mean
                deviations.append(np.mean(np.abs(running - exact_mean) / exact_std))
    return float(np.mean(deviations))


__all__ = ["predicted_running_mean_error", "running_mean_error"]
