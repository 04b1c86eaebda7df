"""BatchNorm's two modes, compared on the same examples.

In training mode each batch is normalized with its own mean and variance; in evaluation mode
with the running averages collected during training (each training batch moves them a fraction
``momentum`` of the way). The running averages lag behind the weights and carry the noise of the
batches they came from, so right after training the two modes can disagree.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, as_labels, check_positive_int
from .network import Sequential


def mode_accuracies(model: Sequential, X, y, batch_size: int = 32) -> tuple[float, float]:
    """(accuracy in training mode, batches of ``batch_size`` normalized by their own statistics;
    accuracy in evaluation mode, running statistics) on the same (X, y).

    Looks only: the weights, the running statistics and the model's mode are as they were.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"expected a network built with bp.mlp, got {type(model).__name__}")
    X = as_float_array(X, "X")
    y = as_labels(y, len(X))
    batch_size = check_positive_int(batch_size, "batch_size")
    was_training = model.training
    saved = [{k: v.copy() for k, v in layer.buffers().items()} for layer in model.layers]
    try:
        model.eval()
        eval_accuracy = float(np.mean(model.forward(X).argmax(axis=1) == y))
        model.train()                         # a training-mode forward moves the running stats
        correct = 0
        for start in range(0, len(X), batch_size):
            out = model.forward(X[start:start + batch_size])
            correct += int(np.sum(out.argmax(axis=1) == y[start:start + batch_size]))
        train_accuracy = correct / len(X)
    finally:
        for layer, buffers in zip(model.layers, saved):
            for key, value in buffers.items():
                layer.buffers()[key][...] = value
        model.train() if was_training else model.eval()
    return train_accuracy, eval_accuracy


__all__ = ["mode_accuracies"]
