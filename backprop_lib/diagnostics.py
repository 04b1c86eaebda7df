"""Per-layer numbers that show how signals and errors travel through a network.

For each Dense layer (Z = X·W + b, followed by its activation A = f(Z)):

- ``grad_norm``: ||dL/dW||, how hard gradient descent is pushing that layer's weights;
- ``delta_rms``: the root mean square of dL/dZ, the backpropagated error arriving at the layer;
- ``act_mean`` and ``act_std``: the mean and spread of its activations A;
- ``saturation``: the fraction of activations whose derivative f'(Z) is under 5% of its peak:
  saturated (sigmoid, tanh, in their flat ends) or dead (ReLU, Z <= 0). Almost no gradient
  passes back through those units.

They are read from the last forward and backward pass, so they cost no extra computation.
"""

from __future__ import annotations

import numpy as np

from .activations import SATURATED_BELOW  # noqa: F401  (re-exported: the one threshold)
from .losses import softmax_cross_entropy
from .network import Sequential, dense_blocks

STATS = ("grad_norm", "delta_rms", "act_mean", "act_std", "saturation")


def layer_names(model: Sequential) -> list[str]:
    return [dense.name for _, dense, _ in dense_blocks(model)]


def layer_statistics(model: Sequential, blocks=None) -> np.ndarray:
    """The five ``STATS`` for every Dense layer after a forward and a backward pass.

    Returns an array of shape (5, number of Dense layers), rows in the order of ``STATS``; a
    linear output layer has NaN saturation.
    """
    if model.outputs is None or model.output_grads is None:
        raise RuntimeError("layer statistics need a forward and a backward pass first")
    blocks = dense_blocks(model) if blocks is None else blocks
    stats = np.full((len(STATS), len(blocks)), np.nan)
    leaves, outputs, grads = model.leaves(), model.leaf_outputs(), model.leaf_output_grads()
    for j, (i, dense, act_index) in enumerate(blocks):
        g = dense.W.grad
        stats[0, j] = np.vdot(g, g)                        # ||dL/dW||², rooted below
        delta = grads[i]                                   # dL/dZ arriving at this layer
        stats[1, j] = np.vdot(delta, delta) / delta.size   # mean square, rooted below
        A = outputs[act_index if act_index is not None else i]
        mean = np.add.reduce(A, axis=None) / A.size
        stats[2, j] = mean
        stats[3, j] = max(np.vdot(A, A) / A.size - mean * mean, 0.0)   # Var = E[A²] - E[A]²
        if act_index is not None:
            stats[4, j] = leaves[act_index].saturated_fraction()
    stats[0] = np.sqrt(stats[0])
    stats[1] = np.sqrt(stats[1])
    stats[3] = np.sqrt(stats[3])
    return stats


def dead_units(model: Sequential) -> np.ndarray:
    """Per hidden Dense layer: the fraction of units that pass (almost) no gradient for any
    example of the last batch, a dead ReLU or a fully saturated sigmoid."""
    fractions = []
    leaves = model.leaves()
    for _, _, act_index in dense_blocks(model):
        if act_index is None:
            continue
        quiet = leaves[act_index].saturated()
        fractions.append(np.mean(quiet.all(axis=0)))
    return np.array(fractions)


def gradient_profile(model: Sequential, X, y, loss=softmax_cross_entropy) -> dict:
    """One forward and backward pass on (X, y), without changing any weight, mode or running
    statistic; the statistics of every Dense layer as a dict of arrays (one entry per Dense
    layer) plus ``layers`` and ``loss``. A model whose outputs are NaN or infinite (diverged)
    gets a NaN loss and NaN statistics.

    The usual way to look at a network at initialization.
    """
    with model.restoring_state():
        out = model.forward(X)
        if np.isfinite(out).all():
            value, dout = loss(out, y)
            model.backward(dout)
            stats = layer_statistics(model)
        else:
            value, stats = np.nan, np.full((len(STATS), len(dense_blocks(model))), np.nan)
    profile = {name: stats[k] for k, name in enumerate(STATS)}
    profile["layers"] = layer_names(model)
    profile["loss"] = value
    return profile
