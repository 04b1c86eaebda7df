"""Measurements for the remedies of notebooks 08 and 09: the backpropagated error per hidden layer
of a fresh network (``init_profile``), the symmetry of a zero init (``units_identical``), a
too-large init (``scale_weights``), a dead-ReLU bias (``set_hidden_bias``) and BatchNorm's train
and evaluation modes (``batch_dependence``). Engine floor: numpy only.
"""

from __future__ import annotations

import numpy as np

from .. import datasets, theory
from .._validate import as_float_array, as_rng, check_positive_int
from ..diagnostics import dead_units, gradient_profile
from ..losses import softmax_cross_entropy
from ..network import Sequential, dense_blocks, mlp
from .findings import untouched


def hidden_sizes(depth: int, width: int, n_inputs: int = 2, n_outputs: int = 2) -> list[int]:
    """``mlp`` sizes with ``depth`` hidden layers of ``width`` units: [2, width, ..., width, 2]."""
    depth = check_positive_int(depth, "depth")
    width = check_positive_int(width, "width")
    return [n_inputs] + [width] * depth + [n_outputs]


def init_profile(depth: int = 10, activation: str = "tanh", init: str = "standard",
                 width: int = 32, n: int = 256, norm: str | None = None, seed: int = 0) -> dict:
    """The backpropagated error per hidden layer of a fresh network, measured and predicted.

    Builds ``mlp([2, width x depth, 2], activation, init, norm)``, runs one forward and backward
    pass on ``n`` points of the moons data (no update) and returns a dict of arrays, one entry per
    hidden Dense layer (first to last): ``delta_rms`` (measured RMS of dL/dZ), ``predicted``
    (``theory.predicted_delta_rms`` anchored at the measured last hidden layer; NaN with a
    normalization, which the theory does not cover), ``saturation`` (fraction of units with
    f' < 5% of its peak), ``dead`` (units quiet for every example), ``factor`` (the theoretical
    per-layer factor) and ``ratio`` = delta_rms[first] / delta_rms[last]. ``layer`` counts 1..depth.
    """
    sizes = hidden_sizes(depth, width)
    model = mlp(sizes, activation=activation, init=init, norm=norm, seed=seed)
    X, y = datasets.moons(n, noise=0.15, seed=seed)
    profile = gradient_profile(model, X, y, softmax_cross_entropy)
    delta = profile["delta_rms"][:-1]                         # hidden layers only
    if norm is None:
        predicted = theory.predicted_delta_rms(sizes, activation, init, last_hidden_rms=delta[-1])
        factor = theory.layer_factor(activation, init, width, width)
    else:
        predicted = np.full(depth, np.nan)
        factor = float("nan")
    return {"layer": np.arange(1, depth + 1), "delta_rms": delta, "predicted": predicted,
            "saturation": profile["saturation"][:-1], "dead": dead_units(model),
            "factor": factor, "ratio": float(delta[0] / delta[-1]) if delta[-1] > 0 else 0.0,
            "activation": activation, "init": init, "norm": norm, "model": model}


def units_identical(model: Sequential, atol: float = 1e-10) -> list[bool]:
    """For every hidden Dense layer: do all its units have the same incoming weights and bias?

    True means the units compute exactly the same function (what a zero or constant init gives,
    and what gradient descent can never undo, since identical units get identical gradients).
    """
    result = []
    for _, dense, act_index in dense_blocks(model):
        if act_index is None:
            continue
        W, b = dense.W.value, dense.b.value
        scale = atol * (1.0 + float(np.abs(W).max()))
        same = bool(np.all(np.abs(W - W[:, :1]) <= scale) and np.all(np.abs(b - b[0]) <= scale))
        result.append(same and dense.fan_out > 1)
    return result


def scale_weights(model: Sequential, gain: float) -> Sequential:
    """Multiply every Dense weight matrix by ``gain`` (a too-large init when gain > 1), in place."""
    if isinstance(gain, bool) or not isinstance(gain, (int, float)) or not np.isfinite(gain) \
            or gain <= 0:
        raise ValueError(f"gain must be a positive number such as 2.0, got {gain!r}")
    for dense in model.dense_layers():
        dense.W.value *= gain
    return model


def set_hidden_bias(model: Sequential, bias: float) -> Sequential:
    """Set the bias of every hidden Dense layer to ``bias`` (a large negative one kills ReLUs)."""
    if isinstance(bias, bool) or not isinstance(bias, (int, float)) or not np.isfinite(bias):
        raise ValueError(f"bias must be a finite number such as -3.0, got {bias!r}")
    for _, dense, act_index in dense_blocks(model):
        if act_index is not None:
            dense.b.value[...] = bias
    return model


def batch_dependence(model: Sequential, X, index: int = 0, batches: int = 20,
                     batch_size: int = 16, seed: int = 0) -> dict:
    """The output for one example ``X[index]`` placed in ``batches`` different random batches.

    Returns ``train`` and ``eval``, arrays (batches, outputs): the example's outputs in training
    mode (BatchNorm normalizes with each batch's statistics, so they change with the company the
    example keeps) and in evaluation mode (running statistics: the same output every time). It
    works on a copy: the model's running statistics and mode are not changed.
    """
    X = as_float_array(X, "X")
    batches = check_positive_int(batches, "batches")
    batch_size = check_positive_int(batch_size, "batch_size", minimum=2)
    if not 0 <= index < X.shape[0]:
        raise ValueError(f"index must be a row of X (0..{X.shape[0] - 1}), got {index}")
    if batch_size > X.shape[0]:
        raise ValueError(f"batch_size ({batch_size}) is larger than X ({X.shape[0]} rows)")
    rng = as_rng(seed)
    probe = untouched(model)             # a training-mode forward updates the running averages
    saved = [{k: v.copy() for k, v in layer.buffers().items()} for layer in probe.leaves()]
    others = np.delete(np.arange(X.shape[0]), index)
    outputs = {"train": [], "eval": []}

    def restore():                       # every batch starts from the model's own statistics
        for layer, state in zip(probe.leaves(), saved):
            for k, v in layer.buffers().items():
                v[...] = state[k]

    for _ in range(batches):
        rows = np.concatenate([[index], rng.choice(others, batch_size - 1, replace=False)])
        for mode in ("train", "eval"):
            getattr(probe, mode)()
            with np.errstate(all="ignore"):                        # a diverged model gives NaN
                outputs[mode].append(probe.forward(X[rows])[0].copy())   # row 0: our example
            restore()
    return {mode: np.array(rows) for mode, rows in outputs.items()}

