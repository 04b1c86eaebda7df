"""The training loop: forward, loss, backward, update; repeat, and write down what happened.

    for each epoch:
        for each batch (X_b, y_b):
            outputs = model.forward(X_b)              # 1. predict
            loss, dout = loss_fn(outputs, y_b)        # 2. measure the error
            model.backward(dout)                      # 3. send it back: every .grad filled
            optimizer.step(model.parameters())        # 4. move against the gradient

``History`` keeps the loss of every step, per-epoch figures, and per Dense layer and step the
numbers of ``diagnostics.STATS`` (gradient norms, backpropagated error, activations); it lives
in ``history.py``.

A run that blows up is stopped before the update that would make it worse: when the loss is NaN
or infinite, or larger than ``DIVERGED_FACTOR`` times the loss of the first step (a start below
``LOSS_FLOOR`` counts as ``LOSS_FLOOR``); why those numbers, and how a run is stopped, is in
``divergence.py``.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from ._validate import as_float_array, as_labels, check_not_empty, check_positive_int, unknown_name
from .diagnostics import STATS, layer_names, layer_statistics
from .divergence import DIVERGED_FACTOR, LOSS_FLOOR, _buffers, _diverged, _restore_buffers
from .history import History, Step, _fill, _room
from .losses import (
    LOSSES,
    _match_targets,
    accuracy,
    binary_cross_entropy,
    mse,
    softmax_cross_entropy,
)
from .network import Sequential, dense_blocks
from .normalization import BatchNorm
from .optim import SGD, Optimizer


def _targets(loss, X, y, n_outputs):
    """The targets in the form ``loss`` takes, checked once before training starts."""
    n = X.shape[0]
    if loss is softmax_cross_entropy:
        return as_labels(y, n, num_classes=n_outputs)
    y_arr = as_float_array(y, "y", ndim=None)
    if y_arr.ndim == 0 or y_arr.shape[0] != n:
        raise ValueError(f"X has {n} rows but y has {y_arr.shape[0] if y_arr.ndim else 0}; "
                         "they must have one target per row")
    if loss in (mse, binary_cross_entropy):
        y_arr = _match_targets(y_arr, np.empty((n, n_outputs)), "the network's outputs")
        if loss is binary_cross_entropy and (y_arr.min() < 0 or y_arr.max() > 1):
            raise ValueError("binary_cross_entropy targets must be in [0, 1] (usually 0 or 1)")
    return y_arr


def _loss_by_name(loss):
    """A loss given by its name ('mse', ...) is the function of that name in ``LOSSES``."""
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise unknown_name("loss", loss, LOSSES)
        return LOSSES[loss]
    return loss


def _evaluate(model, X, y, loss, classify):
    """(loss, accuracy) in evaluation mode; every layer's mode and running statistics are left
    as they were. Outputs that are NaN or infinite (a diverged model) give a NaN loss."""
    with model.restoring_state():
        model.eval()
        out = model.forward(X)
    value = loss(out, y)[0] if np.isfinite(out).all() else math.nan
    return value, (accuracy(out, y) if classify else None)


def train(model: Sequential, X, y, loss=softmax_cross_entropy, optimizer: Optimizer | None = None,
          epochs: int = 10, batch_size: int | None = None, seed=0, validation=None,
          callback=None) -> History:
    """Train ``model`` on (X, y) by gradient descent and return its ``History``.

    X (n, features); y (n,) class ids for ``softmax_cross_entropy``, or targets shaped like the
    outputs for ``mse`` and ``binary_cross_entropy``. ``optimizer=None`` is plain SGD with lr 0.1;
    ``batch_size=None`` uses the whole set each step; ``seed`` fixes the order of the batches.
    ``validation=(X_val, y_val)`` adds held-out loss and accuracy after every epoch.
    ``callback(step)`` is called after every step with a ``Step``; returning False stops.

    A loss that becomes NaN or infinite, or larger than ``DIVERGED_FACTOR`` x the first step's
    (see the top of this file), stops the run before that update is applied (running statistics
    included), sets ``History.diverged`` and ``diverged_at`` and warns.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a backprop_lib Sequential (for example bp.mlp([2, 8, 2])),"
                        f" got {type(model).__name__}")
    loss = _loss_by_name(loss)
    if not callable(loss):
        raise TypeError(f"loss must be a loss function such as bp.softmax_cross_entropy, "
                        f"got {loss!r}")
    X = check_not_empty(as_float_array(X, "X"))
    n = X.shape[0]
    if model.n_inputs is not None and X.shape[1] != model.n_inputs:
        raise ValueError(f"X has {X.shape[1]} features per row, but the network expects "
                         f"{model.n_inputs}")
    n_outputs = model.dense_layers()[-1].fan_out if model.dense_layers() else None
    y = _targets(loss, X, y, n_outputs)
    epochs = check_positive_int(epochs, "epochs")
    if batch_size is None:
        batch_size = n
    batch_size = check_positive_int(batch_size, "batch_size")
    if batch_size > n:
        raise ValueError(f"batch_size must be between 1 and the number of examples ({n}), "
                         f"got {batch_size}; use batch_size=None for the full batch")
    has_batchnorm = any(isinstance(layer, BatchNorm) for layer in model.leaves())
    if has_batchnorm and batch_size < 2:
        raise ValueError("a network with BatchNorm needs batch_size >= 2: the variance of a single "
                         "example is 0")
    if optimizer is None:
        optimizer = SGD(lr=0.1)
    if not hasattr(optimizer, "step"):
        raise TypeError(f"optimizer must be bp.SGD(...) or bp.Adam(...), got {optimizer!r}")
    if callback is not None and not callable(callback):
        raise TypeError("callback must be a function that takes a Step")
    classify = loss is softmax_cross_entropy or loss is binary_cross_entropy
    if validation is not None:
        try:
            X_val, y_val = validation
        except (TypeError, ValueError):
            raise TypeError("validation must be a pair (X_val, y_val)") from None
        X_val = check_not_empty(as_float_array(X_val, "X_val"), "X_val")
        if X_val.shape[1] != X.shape[1]:
            raise ValueError(f"X_val has {X_val.shape[1]} features, X has {X.shape[1]}")
        y_val = _targets(loss, X_val, y_val, n_outputs)
        validation = (X_val, y_val)

    # Batches: the same seed gives the same order, so the same run twice is bit-identical.
    starts = list(range(0, n, batch_size))
    if has_batchnorm and len(starts) > 1 and n - starts[-1] == 1:
        starts.pop()                               # fold a last batch of one into the one before
    ends = starts[1:] + [n]
    schedule = _schedule(X, y, epochs, list(zip(starts, ends)), np.random.default_rng(seed))

    blocks = dense_blocks(model)
    history = History(layers=layer_names(model))
    # Room for the first steps' records; _room doubles it when full (epochs=10**9 by a slip of
    # the keyboard must not ask for gigabytes before the first step).
    rows = min(epochs * len(starts), 1024)
    losses = np.full(rows, np.nan)
    stats = np.full((rows, len(STATS), len(blocks)), np.nan)
    params = model.parameters()
    limit = None
    epoch_loss = epoch_hits = 0.0
    step = 0
    # The data was checked above, once, and the outputs are checked for a blow-up at every step:
    # a loss of this library need not check the same arrays again (see losses.py).
    step_loss = partial(loss, checked=True) if loss in LOSSES.values() else loss
    model.train()
    # Overflow on the way to a diverged loss is expected and handled below: no numpy warnings.
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch, X_b, y_b, epoch_end in schedule:
            before = _buffers(model)
            out = model._forward(X_b)              # 1. forward (X was checked once, above)
            value, dout = step_loss(out, y_b) if np.isfinite(out).all() else (math.nan, None)
            if limit is None:                                           # 2. error (or blow-up)
                limit = DIVERGED_FACTOR * max(value, LOSS_FLOOR)
            if not (math.isfinite(value) and value <= limit):           # NaN, inf, or too large
                _restore_buffers(model, before)
                _diverged(history, step, epoch, value, limit, optimizer)
                break
            model.backward(dout, input_grad=False)                      # 3. backward
            losses, stats = _room(losses, step), _room(stats, step)
            stats[step] = layer_statistics(model, blocks)
            if not np.isfinite(stats[step, 0]).all():      # ||dL/dW|| overflowed: so would W
                stats[step] = np.nan
                _restore_buffers(model, before)
                _diverged(history, step, epoch, math.inf, limit, optimizer, "gradient")
                break
            optimizer.step(params)                                      # 4. update
            if classify:
                epoch_hits += accuracy(out, y_b) * len(X_b)
            losses[step] = value
            step += 1
            epoch_loss += value * len(X_b)
            if epoch_end:
                _end_epoch(history, step, epoch_loss / n, epoch_hits / n if classify else None,
                           model, validation, loss)
                epoch_loss = epoch_hits = 0.0
            if callback is not None:
                _fill(history, losses, stats, step)
                if callback(Step(step, epoch, value, epoch_end, model, history)) is False:
                    history.stopped_early = True
                    break
    _fill(history, losses, stats, step)
    return history


def _schedule(X, y, epochs, bounds, rng):
    """(epoch, X_batch, y_batch, is the epoch's last batch) for every step, shuffled each epoch."""
    for epoch in range(epochs):
        if len(bounds) == 1:
            yield epoch, X, y, True                # full batch: no shuffling needed
            continue
        order = rng.permutation(len(y))
        for lo, hi in bounds:
            idx = order[lo:hi]
            yield epoch, X[idx], y[idx], hi == bounds[-1][1]


def _end_epoch(history, step, mean_loss, mean_accuracy, model, validation, loss):
    # new lists each epoch (not append): a list a caller kept from a callback stays as it was
    history.epoch_step = [*history.epoch_step, step]
    history.train_loss = [*history.train_loss, mean_loss]
    if mean_accuracy is not None:
        history.train_accuracy = [*history.train_accuracy, mean_accuracy]
    if validation is not None:
        X_val, y_val = validation
        v_loss, v_acc = _evaluate(model, X_val, y_val, loss, mean_accuracy is not None)
        history.val_loss = [*history.val_loss, v_loss]
        if v_acc is not None:
            history.val_accuracy = [*history.val_accuracy, v_acc]


def evaluate(model: Sequential, X, y, loss=softmax_cross_entropy) -> tuple:
    """(loss, accuracy) of ``model`` on (X, y) in evaluation mode; accuracy is None for mse."""
    loss = _loss_by_name(loss)
    X = check_not_empty(as_float_array(X, "X"))
    n_outputs = model.dense_layers()[-1].fan_out
    y = _targets(loss, X, y, n_outputs)
    classify = loss is softmax_cross_entropy or loss is binary_cross_entropy
    return _evaluate(model, X, y, loss, classify)


__all__ = ["train", "evaluate", "History", "Step"]
