"""Loss functions: one number that says how wrong the predictions are, and its gradient.

Each returns ``(loss, dL/dprediction)``: the loss is a mean over the batch, and the gradient has
the prediction's shape, ready for ``model.backward``.

- ``mse`` for regression (real-valued targets),
- ``binary_cross_entropy`` for yes/no targets (one logit per example),
- ``softmax_cross_entropy`` for one of C classes (C logits per example).

Cross-entropies take logits (the raw outputs, before sigmoid/softmax) and fold the squashing in,
which keeps them exact for logits of any size, and makes their gradient simply
(probability - target).

Each checks its inputs first (shapes, finite numbers, labels in range), so a mistake gets a
sentence. ``checked=True`` says the caller has done that already: ``train`` checks the data once
before the first step and the outputs for a blow-up at every step, so it does not have every loss
check the same arrays again at every step.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, as_labels


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


def mse(pred, target, *, checked: bool = False):
    """Mean squared error: L = mean((pred - target)²), over every element.

    pred (n, k) and target (n, k) -> (L, dL/dpred (n, k)). Large errors cost quadratically more;
    fits targets that are real numbers with noise around them.
    """
    if not checked:
        pred = _as_prediction(pred, "pred")
        target = _match_targets(target, pred, "pred")
    diff = pred - target
    loss = float(np.mean(diff * diff))
    grad = (2.0 / diff.size) * diff           # dL/dpred = 2·(pred - target) / N
    return loss, grad


def sigmoid(z):
    """1 / (1 + e^-z), computed without overflow."""
    return 0.5 * (np.tanh(0.5 * np.asarray(z, dtype=np.float64)) + 1.0)


def log_softmax(logits):
    """log p for p = softmax(logits), row by row: log p_j = z_j - log Σ_k e^z_k.

    Each row is first shifted by its max (the softmax is unchanged by a shift): every e^z is then
    at most 1, so nothing overflows, and log p stays exact where p itself would round to 0.
    """
    z = np.asarray(logits, dtype=np.float64)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(logits):
    """Each row turned into probabilities that sum to 1: p_j = e^z_j / Σ_k e^z_k."""
    return np.exp(log_softmax(logits))


def binary_cross_entropy(logits, targets, *, checked: bool = False):
    """Binary cross-entropy on logits: L = -mean(t·log σ(z) + (1-t)·log(1-σ(z))).

    logits (n,) or (n, 1), targets of the same length in [0, 1] -> (L, dL/dlogits).
    A confident wrong answer costs without bound, so its gradient never vanishes.
    """
    z, t = logits, targets
    if not checked:
        z = _as_prediction(logits, "logits")
        t = _match_targets(targets, z, "logits")
        if t.min() < 0 or t.max() > 1:
            raise ValueError("binary_cross_entropy targets must be in [0, 1] (usually 0 or 1), "
                             f"got values from {t.min()} to {t.max()}")
    # log(1 + e^-|z|) + max(z, 0) - z·t  is  -t·log σ(z) - (1-t)·log(1-σ(z)), overflow-free
    loss = float(np.mean(np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))))
    grad = (sigmoid(z) - t) / z.size          # dL/dz = (σ(z) - t) / N
    return loss, grad


def softmax_cross_entropy(logits, labels, *, checked: bool = False):
    """Softmax cross-entropy: L = -mean(log p_y), where p = softmax(logits).

    logits (n, C), labels (n,) integer class ids in 0..C-1 -> (L, dL/dlogits (n, C)).
    """
    z, y = logits, labels
    if not checked:
        z = _as_prediction(logits, "logits")
        if z.ndim != 2:
            raise ValueError(f"logits must have shape (n, classes), got {z.shape}; "
                             "for one output per example use binary_cross_entropy")
        y = as_labels(labels, z.shape[0], num_classes=z.shape[1], name="labels")
    n = z.shape[0]
    rows = np.arange(n)
    log_p = log_softmax(z)
    loss = float(-log_p[rows, y].sum()) / n   # -log p_y, averaged over the batch
    grad = np.exp(log_p)                      # p
    grad[rows, y] -= 1.0                      # p - onehot(y)
    grad /= n                                 # dL/dz = (p - onehot(y)) / n
    return loss, grad


LOSSES = {"mse": mse, "binary_cross_entropy": binary_cross_entropy,
          "softmax_cross_entropy": softmax_cross_entropy}


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
