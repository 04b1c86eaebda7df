"""Exercises of notebook 02 (the error), with checkers that say what is wrong.

- ``check_mse(fn)``: fn(pred, target) -> (L, dL/dpred), the mean squared error over all entries.
- ``check_softmax_ce_grad(fn)``: fn(logits, labels) -> dL/dlogits of the softmax cross-entropy.

The usual slips get named: the factor 2 of d(e²)/de, the 1/N of a mean, the sign, dividing by
the rows instead of all entries, forgetting the one-hot, overflow in exp.
Engine floor: numpy only.
"""

from __future__ import annotations

import numpy as np

from ..losses import mse, softmax_cross_entropy
from .feedback import STUB, Answer, as_array, diagnose, fall_back, not_attempted, number
from .forward import _call
from .sandbox import describe


def mse_reference(pred, target):
    """L = mean((pred - target)²) over all N entries; dL/dpred = 2 (pred - target) / N."""
    return mse(pred, target)


def softmax_ce_grad_reference(logits, labels):
    """dL/dz = (softmax(z) - onehot(labels)) / n for logits (n, C), labels (n,)."""
    return softmax_cross_entropy(logits, labels)[1]


def _factor(got, expected):
    """c when got = c · expected (and expected is not all zero), else None."""
    got, why = as_array(got)
    if why:
        return None
    denom = float(np.vdot(expected, expected))
    if got.shape != expected.shape or denom == 0:
        return None
    c = float(np.vdot(got, expected)) / denom
    return c if np.allclose(got, c * expected, rtol=1e-6, atol=1e-12) else None


def _mse_cases():
    rng = np.random.default_rng(11)
    return [(rng.standard_normal((6, 1)), rng.standard_normal((6, 1))),
            (rng.standard_normal((5, 3)), rng.standard_normal((5, 3)))]


def _mse_grad_hint(c, n, k):
    N = n * k
    known = [(-1.0, "wrong sign: the gradient is 2·(pred - target)/N; (target - pred) points "
                    "the other way"),
             (0.5, "the factor 2 is missing: d(e²)/de = 2e"),
             (2.0, "an extra factor 2: d(e²)/de = 2e, once"),
             (float(N), f"the 1/N of the mean is missing (N = {N} entries)"),
             (N / 2, f"both the 2 of d(e²)/de and the 1/N of the mean (N = {N}) are missing"),
             (-float(N), f"wrong sign, and the 1/N of the mean (N = {N}) is missing")]
    if k > 1:
        known.append((float(k), f"you divided by n = {n} (the rows), but the loss averages "
                                 f"over all N = n·k = {N} entries"))
    for value, text in known:
        if np.isclose(c, value):
            return text
    return None


def _mse_loss_hint(got, pred, target):
    e = pred - target
    N = e.size
    for value, text in ((np.sum(e * e), "your loss is the sum of squares: take the mean"),
                        (np.sqrt(np.mean(e * e)), "your loss is the root of the mean square "
                                                  "(RMSE): leave out the square root"),
                        (np.mean(np.abs(e)), "your loss is the mean absolute error: square "
                                             "the errors"),
                        (np.mean(e), "your loss averages the errors without squaring them: "
                                     "positive and negative errors cancel"),
                        (np.mean(e * e) / 2, "your loss has an extra 1/2"),
                        (np.sum(e * e) / e.shape[0], f"you divided by n = {e.shape[0]} (rows) "
                                                     f"instead of all N = {N} entries")):
        if np.isclose(got, value) and not np.isclose(value, np.mean(e * e)):
            return text
    return None


def check_mse(fn) -> Answer:
    """Check fn(pred, target) -> (loss, dL/dpred) against ``bp.mse`` on (6, 1) and (5, 3)."""
    title = "mse"
    for pred, target in _mse_cases():
        got, problem = _call(fn, pred.copy(), target.copy())
        if problem == STUB:
            return not_attempted(title, mse_reference)
        where = f"with pred {pred.shape}"
        if problem is not None:
            return fall_back(mse_reference, f"{where} your function {problem}", title)
        if got is None:
            return fall_back(mse_reference, f"{where}: your function returned None; did you "
                                            "forget `return loss, grad`?", title)
        if not (isinstance(got, tuple | list) and len(got) == 2):
            return fall_back(mse_reference, f"{where}: return two things, (loss, gradient); got "
                                            f"{describe(got)}", title)
        loss, grad = got
        exp_loss, exp_grad = mse(pred, target)
        try:
            loss = number(loss)
        except (TypeError, ValueError):
            if loss is None:
                return fall_back(mse_reference, f"{where}: the loss is None: compute it as a "
                                                "number (print(...) shows one but gives back "
                                                "None)", title)
            if isinstance(loss, str | bytes):
                return fall_back(mse_reference, f"{where}: the loss must be one number (a mean), "
                                                f"got the text {describe(loss)}", title)
            hint = ""
            if np.shape(loss) == pred.shape and np.size(grad) == 1:
                hint = ": you returned (gradient, loss); return them in the order (loss, grad)"
            elif np.shape(loss) in ((pred.shape[1],), (1, pred.shape[1])):
                hint = (": you averaged each column (axis=0); the loss averages ALL N entries, "
                        "np.mean((pred - target) ** 2) with no axis")
            elif np.shape(loss) == pred.shape:
                hint = ": these are the squared errors, one per entry; take their mean"
            return fall_back(mse_reference, f"{where}: the loss must be one number (a mean), "
                                            f"got shape {np.shape(loss)}{hint}", title)
        if (grad is not None and not isinstance(grad, str)
                and np.size(grad) in (1, pred.shape[1]) and np.size(grad) < pred.size):
            return fall_back(mse_reference, f"{where}: the gradient has shape {np.shape(grad)}; "
                                            "it needs one entry per prediction, shaped like pred "
                                            "(dL/dpred_ij for every i, j): do not sum or average "
                                            "it", title)
        if not np.isclose(loss, exp_loss, rtol=1e-6):
            hint = _mse_loss_hint(loss, pred, target)
            return fall_back(mse_reference, f"{where}: loss {loss:.6g}, expected {exp_loss:.6g}"
                                            + (f": {hint}" if hint else ""), title)
        c = _factor(grad, exp_grad)
        if c is not None and not np.isclose(c, 1.0):
            hint = _mse_grad_hint(c, *pred.shape)
            if hint:
                return fall_back(mse_reference, f"{where}: the loss is right but the gradient "
                                                f"is not: {hint}", title)
        verdict = diagnose(f"gradient {where}", grad, exp_grad)
        if not verdict:
            return fall_back(mse_reference, verdict, title)
    return Answer(True, f"{title}: correct ✓", fn)


def _softmax_cases():
    rng = np.random.default_rng(5)
    return [(rng.standard_normal((4, 3)) * 2, np.array([0, 2, 1, 2])),
            (rng.standard_normal((6, 5)), rng.integers(0, 5, 6)),
            (np.array([[1000.0, 0.0, -1000.0], [0.0, 800.0, 1.0]]), np.array([1, 1])),
            # Two large, close logits (clipping them makes them equal) and a row far below the
            # batch's max (subtracting the batch max instead of each row's underflows it to 0/0).
            (np.array([[1000.0, 1000.5, -3.0], [-1000.0, -999.0, -1001.0]]), np.array([0, 1]))]


def check_softmax_ce_grad(fn) -> Answer:
    """Check fn(logits, labels) -> dL/dlogits = (softmax(logits) - onehot(labels)) / n, including
    logits of ±1000 that overflow a naive exp."""
    title = "softmax_ce_grad"
    ref = softmax_ce_grad_reference
    for logits, labels in _softmax_cases():
        got, problem = _call(fn, logits.copy(), labels.copy())
        if problem == STUB:
            return not_attempted(title, ref)
        where = f"with logits {logits.shape}"
        big = np.abs(logits).max() > 100
        if problem is not None:
            if "could not be broadcast" in problem:
                problem += ("\n  (dividing an (n, C) array by its row sums needs them as a "
                            "column: .sum(axis=1, keepdims=True))")
            return fall_back(ref, f"{where} your function {problem}", title)
        expected = ref(logits, labels)
        if isinstance(got, tuple | list) and len(got) == 2 and np.shape(got[1]) == expected.shape:
            return fall_back(ref, f"{where}: you returned two things (the loss and the "
                                  "gradient?); return only the gradient dL/dlogits", title)
        try:
            arr = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            arr = None
        if arr is not None and arr.size == 1:
            return fall_back(ref, f"{where}: you returned one number (the loss?); return the "
                                  f"gradient dL/dlogits, one entry per logit, shape "
                                  f"{expected.shape}", title)
        if arr is not None and arr.shape == expected.shape:
            if not np.all(np.isfinite(arr)):
                hint = (": exp overflowed on logits of size 1000; subtract each row's max first "
                        "(softmax(z - max z) = softmax(z))" if big else "")
                low = logits.max(axis=1) < logits.max() - 100          # rows far below the max
                if big and np.any(low) and not np.all(np.isfinite(arr[low])) and np.all(
                        np.isfinite(arr[~low])):
                    hint = (": the rows far below the batch's largest logit became 0/0: subtract "
                            "each ROW's own max, z - z.max(axis=1, keepdims=True), not the max "
                            "of the whole batch")
                return fall_back(ref, f"{where}: your gradient contains NaN or inf{hint}", title)
            if big and not np.allclose(arr, expected):
                small_rows = np.abs(logits).max(axis=1) < 30
                if np.allclose(arr[small_rows], expected[small_rows]):
                    return fall_back(ref, f"{where}: right for moderate logits but wrong for "
                                          "large ones: clipping (or capping) the logits changes "
                                          "their differences, and so the probabilities; "
                                          "subtract each row's max instead (softmax(z - max z) "
                                          "= softmax(z), exactly)", title)
            n = logits.shape[0]
            onehot = np.eye(logits.shape[1])[labels]
            p = expected * n + onehot
            checks = ((p - onehot, f"the 1/n of the mean over the batch is missing (n = {n})"),
                      ((onehot - p) / n, "wrong sign: it is p - onehot, not onehot - p"),
                      (onehot - p, "wrong sign (onehot - p instead of p - onehot) and the 1/n "
                                   "is missing"),
                      (p / n, "the one-hot is missing: subtract 1 at each example's true class"),
                      (p, "the one-hot and the 1/n are both missing"),
                      ((p - onehot) / logits.size, f"you divided by all n·C = {logits.size} "
                       "entries, as the MSE does; the softmax cross-entropy averages one term "
                       f"per example (-log p of its true class), so N = n = {n}"))
            rows = p.copy()
            rows[labels] -= 1
            cols = p.copy()
            cols[:, labels] -= 1
            for candidate in (rows, cols):
                if not np.allclose(candidate, p - onehot):
                    checks += ((candidate / n, "the 1 was subtracted at the wrong places: for "
                                "each example i only at its true class, p[i, labels[i]]; index "
                                "with p[np.arange(n), labels] (p[labels] picks rows, p[:, "
                                "labels] whole columns)"),)
            with np.errstate(all="ignore"):
                log_p = np.log(p)
                checks += (((p - labels[:, None]) / n,
                            "labels are class ids (0, 1, 2, ...), not a one-hot: subtract 1 only "
                            "at each example's true class, p[np.arange(n), labels] - 1"),
                           ((log_p - onehot) / n,
                            "you used log p: the log is in the loss, and it cancels in the "
                            "derivative; the gradient is (p - onehot) / n with p itself"),
                           (-onehot / p / n,
                            "this is dL/dp, the gradient with respect to the probabilities; "
                            "through the softmax it becomes dL/dlogits = (p - onehot) / n"),
                           ((1 / (1 + np.exp(-logits)) - onehot) / n,
                            "the sigmoid squashes each logit on its own; the softmax normalizes "
                            "each row: p = exp(z) / exp(z).sum(axis=1, keepdims=True)"))
            e = np.exp(logits - logits.max(axis=1, keepdims=True))
            with np.errstate(all="ignore"):          # a column can underflow to 0: 0/0
                by_column = (e / e.sum(axis=0, keepdims=True) - onehot) / n
            checks += ((by_column,
                        "the softmax normalizes each ROW (each example's scores): sum over "
                        "axis=1, keepdims=True, not over the batch (axis=0)"),)
            for candidate, hint in checks:
                if np.allclose(arr, candidate):
                    return fall_back(ref, f"{where}: {hint}", title)
        verdict = diagnose(f"gradient {where}", got, expected)
        if not verdict:
            return fall_back(ref, verdict, title)
    return Answer(True, f"{title}: correct ✓", fn)
