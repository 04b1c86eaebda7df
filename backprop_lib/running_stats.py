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

What a learner can do about it: after training, ``recompute(model, X_train)`` replaces every
BatchNorm's running averages by the exact statistics of its input over the whole training set
(one training-mode pass over all of it, which normalizes every layer with those same statistics,
up to the n/(n-1) of the unbiased variance), so evaluation no longer depends on the last few
noisy batches ("precise BatchNorm statistics"). Notebook 09 measures what it changes.
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


def recompute(model: Sequential, X) -> Sequential:
    """Set every BatchNorm's running mean and variance of ``model`` to the exact statistics of
    its input over all rows of X (the training set), as evaluation mode will use them.

    One forward pass in training mode with every momentum at 1: each layer's batch is all of X,
    so its running mean becomes the exact mean and its running variance the unbiased variance
    (n/(n-1), as in training). The weights are not touched; the modes and momenta are put back.
    Returns the model (changed in place: this is the point of calling it)."""
    if not isinstance(model, Sequential):
        raise TypeError(f"expected a network built with bp.mlp, got {type(model).__name__}")
    X = as_float_array(X, "X")
    if X.shape[0] < 2:
        raise ValueError(f"recompute needs at least 2 rows of X (a variance over one example is "
                         f"0), got {X.shape[0]}; pass the whole training set")
    leaves = model.leaves()                      # inside residual blocks too
    norms = [layer for layer in leaves if isinstance(layer, BatchNorm)]
    if not norms:
        raise ValueError("this network has no BatchNorm layer: nothing to recompute")
    modes = [getattr(layer, "training", True) for layer in leaves]
    momenta = [layer.momentum for layer in norms]
    try:
        for layer in norms:
            layer.momentum = 1.0                 # running = this batch's (all of X) statistics
        model.train()
        model.forward(X)
    finally:
        for layer, momentum in zip(norms, momenta):
            layer.momentum = momentum
        for layer, mode in zip(leaves, modes):
            layer.training = mode
    return model


__all__ = ["predicted_running_mean_error", "recompute", "running_mean_error"]
