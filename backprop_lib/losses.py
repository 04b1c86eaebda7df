"""Loss functions: one number that says how wrong the predictions are, and its gradient.

Each returns ``(loss, dL/dprediction)``: the loss is a mean over the batch, and the gradient has
the prediction's shape, ready for ``model.backward``.

- ``mse`` for regression (real-valued targets),
- ``binary_cross_entropy`` for yes/no targets (one logit per example),
- ``softmax_cross_entropy`` for one of C classes (C logits per example).

Cross-entropies take logits (the raw outputs, before sigmoid/softmax) and fold the squashing in,
which keeps them exact for logits of any size, and makes their gradient simply
(probability - target).
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, as_labels
from .layers import ones


def _as_prediction(pred, name):
    arr = as_float_array(pred, name, ndim=None)
    if arr.ndim not in (1, 2) or arr.size == 0:
        raise ValueError(f"{name} must have shape (n,) or (n, outputs), got {arr.shape}")
    return arr


def _match_targets(target, pred, name_pred):
    target = as_float_array(target, "target", ndim=None)
    if target.shape != pred.shape:
        if pred.ndim == 2 and pred.shape[1] == 1 and target.shape == (pred.shape[0],):
            target = target[:, None]        # (n,) targets for a (n, 1) output
        else:
            raise ValueError(f"target has shape {target.shape} but {name_pred} has shape "
                             f"{pred.shape}; they must match, one target per output")
    return target


def mse(pred, target):
    """Mean squared error: L = mean((pred - target)²), over every element.

    pred (n, k) and target (n, k) -> (L, dL/dpred (n, k)). Large errors cost quadratically more;
    fits targets that are real numbers with noise around them.
    """
    pred = _as_prediction(pred, "pred")
    target = _match_targets(target, pred, "pred")
    return _mse(pred, target)


def _mse(pred, target):
    diff = pred - target
    loss = float(np.mean(diff * diff))
    grad = (2.0 / diff.size) * diff           # dL/dpred = 2·(pred - target) / N
    return loss, grad


def sigmoid(z):
    """1 / (1 + e^-z), computed without overflow."""
    return 0.5 * (np.tanh(0.5 * np.asarray(z, dtype=np.float64)) + 1.0)


def softmax(logits):
    """Each row turned into probabilities that sum to 1 (shifted by its max to avoid overflow)."""
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def binary_cross_entropy(logits, targets):
    """Binary cross-entropy on logits: L = -mean(t·log σ(z) + (1-t)·log(1-σ(z))).

    logits (n,) or (n, 1), targets of the same length in [0, 1] -> (L, dL/dlogits).
    A confident wrong answer costs without bound, so its gradient never vanishes.
    """
    z = _as_prediction(logits, "logits")
    t = _match_targets(targets, z, "logits")
    if t.min() < 0 or t.max() > 1:
        raise ValueError("binary_cross_entropy targets must be in [0, 1] (usually 0 or 1), got "
                         f"values from {t.min()} to {t.max()}")
    return _binary_cross_entropy(z, t)


def _binary_cross_entropy(z, t):
    # log(1 + e^-|z|) + max(z, 0) - z·t  is  -t·log σ(z) - (1-t)·log(1-σ(z)), overflow-free
    loss = float(np.mean(np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))))
    grad = (sigmoid(z) - t) / z.size          # dL/dz = (σ(z) - t) / N
    return loss, grad


def softmax_cross_entropy(logits, labels):
    """Softmax cross-entropy: L = -mean(log p_y), where p = softmax(logits).

    logits (n, C), labels (n,) integer class ids in 0..C-1 -> (L, dL/dlogits (n, C)).
    """
    z = _as_prediction(logits, "logits")
    if z.ndim != 2:
        raise ValueError(f"logits must have shape (n, classes), got {z.shape}; "
                         "for one output per example use binary_cross_entropy")
    n = z.shape[0]
    y = as_labels(labels, n, num_classes=z.shape[1], name="labels")
    return _softmax_cross_entropy(z, y)


def _row_max(z):
    """z.max(axis=1), faster: numpy reduces each short row of an (n, C) array on its own, which
    for a classifier's few columns costs ~10x more than reducing the transposed copy."""
    return np.ascontiguousarray(z.T).max(axis=0)


def _softmax_cross_entropy(z, y):
    n, classes = z.shape
    rows = np.arange(n)
    shifted = z - _row_max(z)[:, None]                  # the softmax is unchanged by a shift
    e = np.exp(shifted)                                 # <= 1: no overflow
    total = e @ ones(classes)                           # Σ_j e^z_j for each row
    loss = float(np.add.reduce(np.log(total) - shifted[rows, y])) / n  # -log p_y = log Σe - z_y
    grad = e
    total *= n                                          # n·Σe: one division then gives p / n
    np.divide(grad.T, total, out=grad.T)                # p / n, p = softmax(z) (.T: see _row_max)
    grad[rows, y] -= 1.0 / n                            # dL/dz = (p - onehot(y)) / n
    return loss, grad


LOSSES = {"mse": mse, "binary_cross_entropy": binary_cross_entropy,
          "softmax_cross_entropy": softmax_cross_entropy}

# The same computations without the input checks, for the training loop, which checks the targets
# once before it starts and the outputs for NaN at every step.
UNCHECKED = {mse: _mse, binary_cross_entropy: _binary_cross_entropy,
             softmax_cross_entropy: _softmax_cross_entropy}


def accuracy(outputs, y) -> float:
    """Fraction classified right: argmax for (n, C) logits, logit > 0 for one output."""
    out = np.asarray(outputs)
    y = np.asarray(y)
    if out.ndim == 2 and out.shape[1] > 1:
        pred = out.argmax(axis=1)
    else:
        pred = (out.reshape(-1) > 0).astype(int)
        y = y.reshape(-1)
    if pred.shape != y.shape:
        raise ValueError(f"{pred.shape[0]} predictions but {y.shape} labels")
    return float(np.mean(pred == y))
