"""Checkers for notebook 06 (training a network): one training step written by hand, a
confusion matrix, and reading the best epoch off train / validation curves.

Each ``check_*`` takes the learner's function and returns an ``Answer`` (see ``feedback``): ``ok``,
a ``message`` that names the mistake, and ``use``, the function to carry on with (the learner's
when it is right, otherwise the reference, so the notebook still runs).

This file holds the first exercise; the other two, which read what training produced, are in
``training_results`` and are imported here too.
"""

from __future__ import annotations

import numpy as np

from .. import datasets
from ..losses import mse, softmax_cross_entropy
from ..network import mlp
from .feedback import (
    Answer,
    diagnose,
    fall_back,
    refusal,
    run,
)
from .sandbox import describe
from .training_results import (  # exercises 2 and 3, so that every checker of 06 is here too
    CONFUSION_CASES,
    check_best_epoch,
    check_confusion_matrix,
    reference_best_epoch,
    reference_confusion_matrix,
)

# ------------------------------------------------------------------ 1. one training step


def reference_training_step(model, X, y, lr):
    """One step of gradient descent on softmax cross-entropy; returns the loss before it."""
    out = model.forward(X)                          # 1. forward
    loss, dout = softmax_cross_entropy(out, y)      # 2. loss and dL/doutputs
    model.backward(dout)                            # 3. backward: every p.grad filled
    for p in model.parameters():                    # 4. update, in place
        p.value -= lr * p.grad
    return loss


def _mse_step_change(X, y, lr, before):
    """How the parameters move when the step uses MSE on one-hot targets (a typical slip)."""
    model = mlp([2, 5, 3], seed=1)
    out = model.forward(X)
    _, dout = mse(out, np.eye(out.shape[1])[y])
    model.backward(dout)
    return np.concatenate([(-lr * p.grad).ravel() for p in model.parameters()])


def _softmax_twice_change(X, y, lr):
    """How the parameters move when the softmax is applied before softmax_cross_entropy."""
    model = mlp([2, 5, 3], seed=1)
    out = model.forward(X)
    e = np.exp(out - out.max(axis=1, keepdims=True))
    _, dout = softmax_cross_entropy(e / e.sum(axis=1, keepdims=True), y)
    model.backward(dout)
    return np.concatenate([(-lr * p.grad).ravel() for p in model.parameters()])


def _two_steps_change(X, y, lr):
    """How the parameters move in two reference steps (a loop where one step was asked)."""
    model = mlp([2, 5, 3], seed=1)
    before = [p.value.copy() for p in model.parameters()]
    for _ in range(2):
        reference_training_step(model, X, y, lr)
    return np.concatenate([(p.value - b).ravel() for p, b in zip(model.parameters(), before)])


def check_training_step(fn) -> Answer:
    """Run ``fn(model, X, y, lr)`` on a small network and compare the loss it returns and the
    change of every parameter with the reference step."""
    title = "training_step"
    X, y = datasets.spiral(n_per_class=10, seed=3)
    lr = 0.5
    start, ref = mlp([2, 5, 3], seed=1), mlp([2, 5, 3], seed=1)
    before = [p.value.copy() for p in start.parameters()]
    outcome = run(fn, start, X, y, lr)              # on a copy of the model: look at that one
    answer = refusal(outcome, reference_training_step, title)
    if answer is not None:
        return answer
    loss, mine = outcome.value, outcome.args[0]
    ref_loss = reference_training_step(ref, X, y, lr)
    got = np.concatenate([(p.value - b).ravel() for p, b in zip(mine.parameters(), before,
                                                                strict=True)])
    expected = np.concatenate([(p.value - b).ravel() for p, b in zip(ref.parameters(), before,
                                                                     strict=True)])
    if not np.any(got):
        return fall_back(reference_training_step,
                         "the weights did not change: call model.backward(dout), then change "
                         "each p.value in place (p.value -= lr * p.grad); assigning to a copy "
                         "does not change the model", title)
    for p, q, b in zip(mine.parameters(), ref.parameters(), before, strict=True):
        if not np.any(p.value - b) and np.any(q.value - b):
            return fall_back(reference_training_step,
                             f"{p.name} did not move: update every parameter in "
                             "model.parameters(), the biases b as well as the weights W", title)
    verdict = diagnose("the change of the parameters", got, expected)
    if not verdict:
        msg = verdict.message
        if np.allclose(got * len(X), expected):
            msg = (f"every parameter moved 1/{len(X)} of the right amount: the step was divided "
                   "by the batch size again, but the gradient the loss returns is already the "
                   "mean over the rows (its 1/N is in dL/dlogits); use p.value -= lr * p.grad")
        elif np.allclose(got, -expected):
            msg = ("the parameters moved uphill: the gradient points to where the loss grows, "
                   "so subtract it (p.value -= lr * p.grad)")
        elif np.allclose(got, _mse_step_change(X, y, lr, before)):
            msg = ("this step trains on the mean squared error against one-hot targets; the "
                   "classifier's loss is softmax cross-entropy: loss, dout = "
                   "bp.softmax_cross_entropy(out, y)")
        elif np.allclose(got, _softmax_twice_change(X, y, lr)):
            msg = ("the softmax is applied twice: bp.softmax_cross_entropy takes the network's "
                   "raw outputs (the logits) and applies the softmax itself")
        elif np.allclose(got, _two_steps_change(X, y, lr)):
            msg = ("the parameters moved as after two steps: one call of training_step is one "
                   "forward, one backward and one update")
        elif np.allclose(got, expected * len(X)):
            msg = (f"every parameter moved {len(X)} times (the batch size) the right amount: "
                   "the gradient the loss returns is the mean over the rows already; use "
                   "p.value -= lr * p.grad")
        elif "proportional to the answer" in msg:
            factor = float(np.vdot(got, expected) / np.vdot(expected, expected))
            msg = (f"every parameter moved {factor:.3g} times the right amount: is the step "
                   "lr * p.grad, with the lr passed in (not a number of your own)?")
        return fall_back(reference_training_step, msg, title)
    if loss is None:
        return fall_back(reference_training_step, "the update is right but the function "
                                                   "returned None: return the loss", title)
    if isinstance(loss, str):
        return fall_back(reference_training_step, "the update is right, but return the loss "
                         f"as a number, not a text ({loss!r})", title)
    try:
        loss = float(loss)
    except (TypeError, ValueError):
        return fall_back(reference_training_step, "the update is right, but return the loss "
                         f"alone, one number; yours returned {describe(loss)}", title)
    if not np.isclose(loss, ref_loss):
        return fall_back(reference_training_step,
                         f"the update is right but the returned loss is {float(loss):.4g}, "
                         f"expected {ref_loss:.4g}: return the loss of the forward pass of this "
                         "step (before the update)", title)
    return Answer(True, "training_step: correct ✓ (forward, loss, backward, update)", use=fn)


__all__ = ["reference_training_step", "check_training_step", "reference_confusion_matrix",
           "CONFUSION_CASES", "check_confusion_matrix", "reference_best_epoch", "check_best_epoch"]
