"""Checker for notebook 09's last exercise: training mode versus evaluation mode with BatchNorm.

In training mode BatchNorm normalizes with the statistics of the batch it is given. A batch of
examples of one class has its own mean, and subtracting it removes exactly what tells that class
apart: the network's answers for an example then depend on which other examples share its batch.
In evaluation mode (``model.eval()``) it uses the running averages gathered during training, so
an example gets the same answer whatever batch it comes in, a batch of one included.

The learner writes ``predict(model, X) -> labels`` (one class index per row of X). It must
predict in evaluation mode, and, as every function that only looks at a model, leave the model
as it found it (its mode and its running statistics).

Engine floor: numpy only.
"""

from __future__ import annotations

import copy
from functools import lru_cache

import numpy as np

from .. import datasets
from ..network import mlp
from ..optim import SGD
from ..train import train
from .feedback import STUB, Answer, as_array, fall_back, not_attempted, run, show_printed


def reference_predict(model, X):
    """The class of each row of X, predicted in evaluation mode; the model's mode and running
    statistics are left as they were."""
    with model.restoring_state():         # a function that only looks never changes the model
        model.eval()                      # BatchNorm: running averages, not this batch's
        return model.forward(X).argmax(axis=1)


def trained_batchnorm_network(seed: int = 0):
    """(model, X_val, y_val): a ReLU network with BatchNorm after each hidden Dense, trained for
    30 epochs on 400 moons (SGD, lr 0.1, batches of 32), and 400 held-out moons."""
    X, y = datasets.moons(400, noise=0.15, seed=seed)
    X_val, y_val = datasets.moons(400, noise=0.15, seed=seed + 100)
    model = mlp([2, 32, 32, 2], activation="relu", norm="batch", seed=seed)
    train(model, X, y, optimizer=SGD(lr=0.1), epochs=30, batch_size=32, seed=seed)
    return model, X_val, y_val


def one_class_accuracy(seed: int = 0, mode: str = "eval", batch: str = "one class") -> float:
    """Accuracy of the trained network in ``mode`` ('eval' or 'train') on one batch of held-out
    examples: ``batch`` 'one class' holds only those of class 1, 'mixed' all 400 (both classes,
    as the training batches were). The model is left as it was."""
    if mode not in ("eval", "train"):
        raise ValueError(f"mode must be 'eval' or 'train', got {mode!r}")
    if batch not in ("one class", "mixed"):
        raise ValueError(f"batch must be 'one class' or 'mixed', got {batch!r}")
    model, X_val, y_val = trained_batchnorm_network(seed)
    if batch == "one class":
        X_val, y_val = X_val[y_val == 1], y_val[y_val == 1]
    with model.restoring_state():
        getattr(model, mode)()
        return float(np.mean(model.forward(X_val).argmax(axis=1) == y_val))


@lru_cache(maxsize=1)
def _cases():
    """The trained model (kept in training mode, as ``bp.train`` leaves it) and its cases: a
    batch of one class, a mixed batch, and a single example. Built once; every call of the
    learner's function gets a copy (``run``)."""
    model, X_val, y_val = trained_batchnorm_network(0)
    model.train()
    one_class = X_val[y_val == 1][:60]
    mixed = X_val[:60]
    single = X_val[y_val == 0][:1]
    return model, [("a batch of class-1 examples only", one_class), ("a mixed batch", mixed),
                   ("a single example", single)]


def _state(model):
    return ([getattr(layer, "training", True) for layer in model.layers],
            [{k: v.copy() for k, v in layer.buffers().items()} if hasattr(layer, "buffers")
             else {} for layer in model.layers])


def _same_state(a, b) -> bool:
    return a[0] == b[0] and all(da.keys() == db.keys() and all(np.array_equal(da[k], db[k])
                                                                for k in da)
                                for da, db in zip(a[1], b[1]))


def check_predict(fn) -> Answer:
    """``fn(model, X) -> labels`` for a trained network with BatchNorm; checked on a batch of
    one class, a mixed batch and a single example, and for leaving the model as it was."""
    title = "predict"
    model, cases = _cases()
    before = _state(model)
    for i, (what, X) in enumerate(cases):
        outcome = run(fn, model, X)
        show_printed(outcome)
        if outcome.stub and i == 0:
            return not_attempted(title, reference_predict)
        if not outcome.ok:
            why = STUB if outcome.stub else outcome.problem
            if len(X) == 1 and "at least 2 examples" in str(why):
                why = ("on a single example BatchNorm in training mode has no batch to take a "
                       "mean over, and raised: call model.eval() before model.forward")
            return fall_back(reference_predict, f"on {what}: {why}", title)
        expected = reference_predict(model, X)
        got, why = as_array(outcome.value, f"on {what}")
        if why:
            return fall_back(reference_predict, why, title)
        if got.shape == (len(X), 2):
            return fall_back(reference_predict, f"on {what}: these are the network's 2 scores "
                             "per example; return the class, their argmax over axis=1", title)
        if got.shape == (2,):
            return fall_back(reference_predict, f"on {what}: shape (2,): the argmax is over "
                             "the classes (axis=1), one label per example, not over the batch",
                             title)
        if got.shape != expected.shape:
            return fall_back(reference_predict, f"on {what}: shape {got.shape}, expected "
                             f"{expected.shape}: one class label per row of X", title)
        if not np.array_equal(got, expected):
            with model.restoring_state():
                model.train()
                train_mode = model.forward(X).argmax(axis=1)
            agree = float(np.mean(got == expected))
            if np.array_equal(got, train_mode):
                return fall_back(reference_predict,
                                 f"on {what}: your labels agree with evaluation mode on only "
                                 f"{agree:.0%} of the examples: BatchNorm ran in TRAINING mode "
                                 "and normalized with this batch's own mean and variance, so "
                                 "an example's answer depends on the rest of its batch. Call "
                                 "model.eval() before model.forward", title)
            return fall_back(reference_predict, f"on {what}: your labels agree with the "
                             f"reference on {agree:.0%} of the examples", title)
        after = _state(outcome.args[0])
        if not _same_state(before, after):
            if after[0] != before[0]:
                return fall_back(reference_predict,
                                 "the labels are right, but the model is left in evaluation "
                                 "mode: a function that only looks at a model must leave it as "
                                 "it found it (`with model.restoring_state(): model.eval(); "
                                 "...`, or note model.training and switch back)", title)
            return fall_back(reference_predict,
                             "the labels are right, but the running statistics changed: a "
                             "forward pass in training mode updates them; predict in "
                             "evaluation mode only", title)
    in_eval = copy.deepcopy(model)                  # a model that arrives in evaluation mode
    in_eval.eval()
    outcome = run(fn, in_eval, cases[1][1])
    show_printed(outcome)
    if outcome.ok and _state(outcome.args[0])[0] != _state(in_eval)[0]:
        return fall_back(reference_predict,
                         "the labels are right, but a model that arrived in evaluation mode "
                         "leaves in TRAINING mode: calling model.train() at the end is not "
                         "switching back; restore the mode it had (`with "
                         "model.restoring_state(): model.eval(); ...`, or note model.training)",
                         title)
    return Answer(True, f"{title}: correct ✓ (evaluation mode on every batch, the model left "
                        "as it was)", use=fn)


__all__ = ["reference_predict", "trained_batchnorm_network", "one_class_accuracy",
           "check_predict"]
