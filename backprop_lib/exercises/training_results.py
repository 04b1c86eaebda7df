"""Checkers for notebook 06 (training a network), reading what training produced: a confusion
matrix of a classifier's answers, and the best epoch read off train / validation curves.
(The first exercise, one training step written by hand, is in ``training``, which also
exposes these names.)

Each ``check_*`` takes the learner's function and returns an ``Answer`` (see ``feedback``): ``ok``,
a ``message`` that names the mistake, and ``use``, the function to carry on with (the learner's
when it is right, otherwise the reference, so the notebook still runs).
"""

from __future__ import annotations

import numpy as np

from ..history import History
from .feedback import (
    FALLBACK_NOTE,
    Answer,
    as_array,
    attempt_number,
    call,
    diagnose,
    fall_back,
    whole_number,
)

# ------------------------------------------------------------------ 2. confusion matrix


def reference_confusion_matrix(y_true, y_pred, num_classes):
    """cm[i, j] = how many examples of true class i were predicted as class j."""
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return cm


CONFUSION_CASES = [   # not symmetric; in the second, class 4 occurs neither as truth nor guess
    (np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 3]), np.array([0, 1, 1, 1, 1, 2, 0, 2, 3, 3]), 4),
    (np.array([0, 1, 1, 2, 3, 3]), np.array([0, 1, 2, 2, 3, 0]), 5),
]


def _confusion_mistake(cm, y_true, y_pred, k) -> str | None:
    """What is wrong with ``cm`` for these labels, in the learner's terms (None: right)."""
    expected = reference_confusion_matrix(y_true, y_pred, k)
    verdict = diagnose("confusion matrix", cm, expected)
    if verdict:
        return None
    got, _ = as_array(cm)
    if got is not None and got.shape == (len(y_true), 2):
        return (f"shape {got.shape}: these are the (true, predicted) pairs themselves; count "
                f"them into a ({k}, {k}) matrix, cm[true, predicted] += 1 for each")
    if got is not None and got.ndim == 2 and got.shape != expected.shape:
        if got.shape[0] < k:
            return (f"shape {got.shape}, expected {expected.shape}: use num_classes = {k} for "
                    "the size; a class that never occurs in these labels still gets its row "
                    "and column")
        if got.shape[0] == k + 1:
            return (f"shape {got.shape}, expected {expected.shape}: one row and column too "
                    "many; the classes are 0 .. num_classes - 1")
    if got is not None and got.shape == expected.shape:
        rows = np.maximum(expected.sum(axis=1, keepdims=True), 1)
        if np.allclose(got, expected.T):
            return ("rows and columns are swapped: row i should be the TRUE class i, "
                    "column j the PREDICTED class j (cm[y_true, y_pred] += 1)")
        if np.allclose(got * len(y_true), expected):
            return "these are fractions of all examples: count the examples instead"
        if np.allclose(got * len(y_true), 100 * expected):
            return "these are percentages of all examples: count the examples instead"
        if np.allclose(got, expected / np.maximum(expected.sum(axis=0, keepdims=True), 1)):
            return ("each column is divided by its total (fractions of each predicted class): "
                    "count the examples instead")
        if np.allclose(got, np.roll(expected, (-1, -1), axis=(0, 1))):
            return ("everything sits one row up and one column left: the classes count from "
                    "0, so the example goes to cm[true, predicted], not cm[true - 1, "
                    "predicted - 1]")
        if np.allclose(got, expected / rows):
            return ("each row is divided by its total (fractions of each true class): count "
                    "the examples instead")
        if np.allclose(got, expected > 0):
            return ("each (true, predicted) pair counts at most once: with fancy indexing, "
                    "cm[y_true, y_pred] += 1 adds 1 once for repeated pairs; use a loop or "
                    "np.add.at(cm, (y_true, y_pred), 1)")
        if np.allclose(got, np.diag(np.diag(expected))) and not np.allclose(expected, got):
            return ("only the correct predictions (the diagonal) are counted: the mistakes go "
                    "off the diagonal, at cm[true, predicted]")
        if np.allclose(got.sum(), 0):
            return "the matrix is all zeros: add 1 to cm[true, predicted] for every example"
    return verdict.message


def check_confusion_matrix(fn) -> Answer:
    """Run ``fn(y_true, y_pred, num_classes)`` on labels whose matrix is not symmetric, and on
    labels where the last class never occurs (so num_classes must be used)."""
    title = "confusion_matrix"
    for y_true, y_pred, k in CONFUSION_CASES:
        cm, answer = call(fn, y_true, y_pred, k, reference=reference_confusion_matrix,
                          title=title)
        if answer is not None:
            return answer
        mistake = _confusion_mistake(cm, y_true, y_pred, k)
        if mistake:
            return fall_back(reference_confusion_matrix, mistake, title)
    return Answer(True, "confusion_matrix: correct ✓ (rows: true class, columns: predicted "
                        "class)", use=fn)


# ------------------------------------------------------------------ 3. best epoch


def reference_best_epoch(history):
    """The epoch (counted from 1, as on the plots) with the lowest validation loss; the same as
    ``history.best_epoch``."""
    return int(np.argmin(history.val_loss)) + 1


def _history(train_loss, val_loss, val_accuracy, steps_per_epoch=3):
    """A complete History, as ``train`` records it, so that whatever field a learner reads
    exists: per-epoch train/validation loss and accuracy, and the per-step loss."""
    h = History(layers=[])
    n = len(train_loss)
    h.train_loss, h.val_loss = list(train_loss), list(val_loss)
    h.val_accuracy = list(val_accuracy)
    h.train_accuracy = [min(1.0, 0.5 + 0.1 * e) for e in range(n)]
    h.epoch_step = [steps_per_epoch * (e + 1) for e in range(n)]
    h.loss = np.repeat(np.asarray(train_loss, dtype=float), steps_per_epoch)
    return h


def _first_rise(val_loss) -> tuple:
    """The epochs a learner who stops at the first rise of the validation loss returns."""
    first = next((e for e in range(1, len(val_loss)) if val_loss[e] > val_loss[e - 1]), None)
    return () if first is None else (first, first + 1)


def check_best_epoch(fn) -> Answer:
    """Run ``fn(history)`` on histories that overfit: the training loss keeps falling while
    the validation loss turns back up."""
    title = "best_epoch"
    cases = [   # the highest validation accuracy comes later than the lowest validation loss
        _history([1.0, 0.6, 0.4, 0.3, 0.2, 0.15, 0.1, 0.08],
                 [1.1, 0.7, 0.55, 0.6, 0.62, 0.7, 0.8, 0.9],
                 [0.5, 0.7, 0.8, 0.82, 0.86, 0.85, 0.84, 0.83]),
        _history([2.0, 1.0, 0.5, 0.25, 0.1, 0.05], [2.1, 1.2, 1.3, 1.5, 1.8, 2.0],
                 [0.3, 0.6, 0.62, 0.66, 0.64, 0.6]),
        # noisy, as measured curves are: up at epoch 3, lower again at 5
        _history([1.5, 1.0, 0.7, 0.5, 0.35, 0.25, 0.18, 0.12],
                 [1.4, 0.9, 0.95, 0.8, 0.6, 0.65, 0.75, 0.85],
                 [0.4, 0.6, 0.6, 0.7, 0.78, 0.79, 0.77, 0.76]),
    ]
    for h in cases:
        got, wrong = attempt_number(fn, (h,), whole_number, "a whole epoch number",
                                    reference_best_epoch, title)
        if wrong is not None:
            if "'list' object has no attribute" in wrong.message:    # h.val_loss.argmin()
                wrong.message = wrong.message.replace(
                    FALLBACK_NOTE, "The History keeps its per-epoch curves as Python lists: "
                    "use np.argmin(history.val_loss), or np.asarray(history.val_loss) first.\n"
                    + FALLBACK_NOTE)
            return wrong
        expected = reference_best_epoch(h)
        if got == expected:
            continue
        if got > len(h.val_loss):
            msg = (f"got {got}, expected {expected}: there are only {len(h.val_loss)} epochs. "
                   "history.loss has one entry per STEP; the per-epoch curves are "
                   "history.train_loss and history.val_loss")
        elif got == expected - 1:
            msg = (f"got {got}, expected {expected}: off by one. np.argmin counts from 0, the "
                   "epochs on the plot from 1")
        elif got in (len(h.train_loss), int(np.argmin(h.train_loss)) + 1,
                     int(np.argmin(h.train_loss))):
            msg = (f"got {got}, expected {expected}: that is where the TRAINING loss is lowest, "
                   "which keeps falling as the network memorizes; use history.val_loss")
        elif got in (int(np.argmax(h.val_accuracy)), int(np.argmax(h.val_accuracy)) + 1):
            msg = (f"got {got}, expected {expected}: that is the epoch of the highest validation "
                   "ACCURACY; the exercise asks for the lowest validation LOSS "
                   "(history.val_loss). They differ: accuracy only counts right or wrong, the "
                   "loss also how confident")
            if got == int(np.argmax(h.val_accuracy)):
                msg += "; and np.argmax counts from 0, the epochs from 1"
        elif got in _first_rise(h.val_loss):
            msg = (f"got {got}, expected {expected}: that is where the validation loss first "
                   "went up, but a measured curve is noisy and can come down again (here at "
                   f"epoch {expected}); take the lowest over all epochs (np.argmin)")
        elif got in (int(np.argmax(h.val_loss)), int(np.argmax(h.val_loss)) + 1):
            msg = (f"got {got}, expected {expected}: that is the worst validation epoch; look "
                   "for the lowest validation loss (argmin)")
        else:
            msg = f"got {got}, expected {expected}"
        return fall_back(reference_best_epoch, msg, title)
    return Answer(True, "best_epoch: correct ✓", use=fn)
