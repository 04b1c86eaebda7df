"""Checkers for the forward-signal parts of notebooks 07 and 09.

1. ``alignment(A, dZ)`` (07): how well the forward signal A (n, fan_in) and the backward error
   dZ (n, fan_out) line up in dL/dW = Aᵀ·dZ: ‖Aᵀ·dZ‖ / (‖A‖·‖dZ‖), a number in [0, 1]
   (Cauchy-Schwarz), with Frobenius norms.
2. ``input_dependent_share(A)`` (09): the share of the variance of activations A (n examples,
   d units) that changes from example to example: mean over units of Var_n(A[:, j]), divided by
   the variance of all entries of A.

Each ``check_*`` runs the learner's function through the safe runner (copied inputs, a time
limit, printing kept short, every exception caught), compares with the reference on a few cases,
and names the mistake when the answer matches a known wrong one. It returns an ``Answer``.
"""

from __future__ import annotations

import numpy as np

from .feedback import Answer, call, fall_back, number

# ------------------------------------------------------------------ cases


def _cases_alignment():
    rng = np.random.default_rng(12)
    A1, dZ1 = rng.normal(size=(16, 5)), rng.normal(size=(16, 3))
    A2 = rng.normal(1.0, 0.5, size=(8, 4))                      # all of one sign, mostly
    dZ2 = A2[:, :2] * 0.3 + rng.normal(0, 0.05, size=(8, 2))    # well aligned with A
    A3, dZ3 = rng.normal(size=(1, 6)), rng.normal(size=(1, 4))  # one example: alignment 1
    return [("random A (16, 5) and dZ (16, 3)", A1, dZ1),
            ("A (8, 4) and a dZ (8, 2) that follows A's first columns", A2, dZ2),
            ("one example: A (1, 6), dZ (1, 4)", A3, dZ3)]


def _cases_share():
    rng = np.random.default_rng(7)
    A1 = rng.normal(size=(50, 6)) * 0.2 + rng.normal(size=6)    # units differ in their means
    A2 = rng.normal(size=(40, 5))                               # units alike: share near 1
    A3 = np.tile(rng.normal(size=4), (30, 1)) + rng.normal(0, 1e-3, size=(30, 4))   # constants
    return [("activations (50, 6) whose units have different means", A1),
            ("activations (40, 5) centred in every unit", A2),
            ("activations (30, 4) where each unit is nearly constant", A3)]


# ------------------------------------------------------------------ 1. alignment


def reference_alignment(A, dZ):
    """‖Aᵀ·dZ‖ / (‖A‖·‖dZ‖), Frobenius norms: 1 when every column of A points along every
    column of dZ, small when the batch's terms cancel."""
    A, dZ = np.asarray(A, dtype=float), np.asarray(dZ, dtype=float)
    return float(np.linalg.norm(A.T @ dZ) / (np.linalg.norm(A) * np.linalg.norm(dZ)))


def _alignment_mistakes(A, dZ):
    n = len(A)
    grad = np.linalg.norm(A.T @ dZ)
    norm_A, norm_dZ = np.linalg.norm(A), np.linalg.norm(dZ)
    rms_A, rms_dZ = np.sqrt(np.mean(A ** 2)), np.sqrt(np.mean(dZ ** 2))
    return [
        (grad, "this is ‖Aᵀ·dZ‖ = ‖dL/dW‖ itself: divide it by ‖A‖·‖dZ‖"),
        (grad / (rms_A * rms_dZ), "you divided by the RMS of A and dZ, not their norms: "
                                  "‖M‖ = sqrt(sum of squares), RMS = sqrt(mean of squares)"),
        (norm_A * norm_dZ / grad, "upside down: the bound ‖A‖·‖dZ‖ goes below the line, so the "
                                  "answer is at most 1"),
        (grad / (norm_A ** 2 * norm_dZ ** 2), "the norms in the denominator are squared: use "
                                              "np.linalg.norm(A) (a square root already taken)"),
        (grad ** 2 / (norm_A ** 2 * norm_dZ ** 2), "this is the square of the alignment: "
                                                   "compare norms, not sums of squares"),
        (np.abs(A.T @ dZ).sum() / (np.abs(A).sum() * np.abs(dZ).sum()),
         "you summed absolute values (L1 norms); use Frobenius norms, np.linalg.norm(M)"),
        (np.linalg.norm(A @ A.T @ dZ) / (norm_A * norm_dZ) if n else np.nan,
         "A @ A.T @ dZ is not dL/dW: the weight gradient is A.T @ dZ, (fan_in, fan_out)"),
        (grad / (n * norm_A * norm_dZ), "an extra 1/n: the norms already hold the whole batch"),
    ]


def check_alignment(fn) -> Answer:
    """Run ``fn(A, dZ)`` on three cases and compare with ‖Aᵀ·dZ‖ / (‖A‖·‖dZ‖)."""
    title = "alignment"
    for what, A, dZ in _cases_alignment():
        got, answer = call(fn, A, dZ, reference=reference_alignment, title=title, on=f"on {what}: ")
        if answer is not None:
            return answer
        if got is None:
            return fall_back(reference_alignment, "your function returned None; did you forget "
                             "`return`?", title)
        shape = np.shape(got)
        if shape in [(A.shape[1], dZ.shape[1]), (dZ.shape[1], A.shape[1])]:
            return fall_back(reference_alignment, f"on {what}: you returned a matrix of shape "
                             f"{shape}, the weight gradient; the alignment is one number, "
                             "its norm divided by ‖A‖·‖dZ‖", title)
        try:
            value = number(got)
        except (TypeError, ValueError):
            return fall_back(reference_alignment, f"on {what}: expected one number, got "
                             f"{type(got).__name__} of shape {shape}", title)
        expected = reference_alignment(A, dZ)
        if np.isclose(value, expected, rtol=1e-6, atol=1e-12):
            continue
        for wrong, message in _alignment_mistakes(A, dZ):
            if np.isfinite(wrong) and np.isclose(value, wrong, rtol=1e-6, atol=1e-12):
                return fall_back(reference_alignment, f"on {what}: {message}", title)
        return fall_back(reference_alignment, f"on {what}: yours {value:.6g}, expected "
                         f"{expected:.6g}", title)
    return Answer(True, f"{title}: correct ✓ (‖Aᵀ·dZ‖ / (‖A‖·‖dZ‖), 1 for one example)", use=fn)


# ------------------------------------------------------------------ 2. input-dependent share


def reference_input_dependent_share(A):
    """Mean over units of each unit's variance over the examples, over the variance of all
    entries (law of total variance: the rest is the variance of the units' means)."""
    A = np.asarray(A, dtype=float)
    total = A.var()
    return float(A.var(axis=0).mean() / total) if total > 0 else 0.0


def _share_mistakes(A):
    total = A.var()
    across_examples = A.var(axis=0).mean()
    return [
        (1 - across_examples / total, "this is the OTHER part: the share that differs only "
                                      "between units (the variance of the units' means)"),
        (across_examples, "the variance over the examples is right, but divide it by the "
                          "variance of all entries, A.var(), to get a share"),
        (A.var(axis=1).mean() / total, "axis=1 takes each example's variance across its units; "
                                       "the part that changes with the example is each unit's "
                                       "variance over the examples: axis=0"),
        (np.sqrt(across_examples / total), "a ratio of standard deviations; the law of total "
                                           "variance splits variances, so compare variances"),
        (A.std(axis=0).mean() / A.std(), "a ratio of standard deviations; the law of total "
                                         "variance splits variances, so compare variances"),
        (1.0, "always 1? The total must be the variance of ALL entries, A.var(), which also "
              "holds the differences between the units' means"),
        (A.var(axis=0).sum() / total, "a sum over the units; average the per-unit variances "
                                      "(.mean()), so that the share is at most 1"),
        (A.var(axis=0, ddof=1).mean() / A.var(ddof=1), "ddof=1 (the sample variance) splits "
         "unevenly: the law of total variance holds with np.var's default, ddof=0"),
    ]


def _check_one_number(fn, cases, reference, title: str, *, mistakes, per_unit, rtol: float,
                      success: str) -> Answer:
    """The skeleton shared by the checkers whose answer is one number: run ``fn`` on each case,
    name a missing `return`, an array where one number belongs (``per_unit(what, X, shape)``
    gives the message, or None), a known mistake (``mistakes(X)``: (value, message) pairs),
    else compare with ``reference`` at relative tolerance ``rtol``."""
    for what, X in cases:
        got, answer = call(fn, X, reference=reference, title=title, on=f"on {what}: ")
        if answer is not None:
            return answer
        if got is None:
            return fall_back(reference, "your function returned None; did you forget `return`?",
                             title)
        shape = np.shape(got)
        message = per_unit(what, X, shape)
        if message is not None:
            return fall_back(reference, message, title)
        try:
            value = number(got)
        except (TypeError, ValueError):
            return fall_back(reference, f"on {what}: expected one number, got "
                             f"{type(got).__name__} of shape {shape}", title)
        expected = reference(X)
        if np.isclose(value, expected, rtol=rtol, atol=1e-12):
            continue
        for wrong, message in mistakes(X):
            if np.ndim(wrong) == 0 and np.isclose(value, wrong, rtol=rtol, atol=1e-12):
                return fall_back(reference, f"on {what}: {message}", title)
        return fall_back(reference, f"on {what}: yours {value:.6g}, expected {expected:.6g}",
                         title)
    return Answer(True, f"{title}: correct ✓ ({success})", use=fn)


def check_input_dependent_share(fn) -> Answer:
    """Run ``fn(A)`` on three activation matrices and compare with the reference share."""
    def per_unit(what, A, shape):
        if shape in [(A.shape[1],), (A.shape[0],)]:
            return (f"on {what}: you returned {shape[0]} numbers; average the per-unit variances "
                    "over the units (.mean()) and divide by the total: one number")
        return None
    return _check_one_number(fn, _cases_share(), reference_input_dependent_share,
                             "input_dependent_share", mistakes=_share_mistakes,
                             per_unit=per_unit, rtol=1e-6,
                             success="about 1 for centred units, about 0 for constant ones")


__all__ = ["check_alignment", "check_input_dependent_share", "reference_alignment",
           "reference_input_dependent_share"]


# ------------------------------------------------------------------ 3. standardize (07)


def reference_standardize(X_train, X_test):
    """Each feature (column) to mean 0, std 1 with the TRAINING set's mean and std, the same
    scaling applied to the test set; a constant feature (std 0) is only centred."""
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std == 0, 1.0, std)
    return (X_train - mean) / std, (X_test - mean) / std


def _cases_standardize():
    rng = np.random.default_rng(3)
    train = rng.uniform(0, 1, size=(40, 5)) * [1, 2, 3, 4, 5] + [0, 1, 0, 2, 0]
    train[:, 2] = 0.25                                      # a constant feature (a blank pixel)
    test = rng.uniform(0, 1, size=(10, 5)) * [1, 2, 3, 4, 5]
    return train, test


def _standardize_mistakes(train, test):
    ref_train, ref_test = reference_standardize(train, test)
    m, s = train.mean(axis=0), train.std(axis=0)
    s1 = np.where(s == 0, 1.0, s)
    tm, ts = test.mean(axis=0), test.std(axis=0)
    ts1 = np.where(ts == 0, 1.0, ts)
    sd = train.std(axis=0, ddof=1)
    sd1 = np.where(sd == 0, 1.0, sd)
    both = np.vstack([train, test])
    am, a_s = both.mean(axis=0), both.std(axis=0)
    as1 = np.where(a_s == 0, 1.0, a_s)
    lo, span = train.min(axis=0), train.max(axis=0) - train.min(axis=0)
    span1 = np.where(span == 0, 1.0, span)
    with np.errstate(divide="ignore", invalid="ignore"):
        return [
            (ref_train, (test - tm) / ts1, "the test set was scaled with its OWN mean and std; "
             "use the training set's for both, as a network in use only knows those"),
            ((train - train.mean()) / train.std(), (test - train.mean()) / train.std(),
             "one mean and one std for the whole array: standardize each feature (column) "
             "on its own, axis=0"),
            ((train - train.mean(axis=1, keepdims=True)) / train.std(axis=1, keepdims=True),
             (test - test.mean(axis=1, keepdims=True)) / test.std(axis=1, keepdims=True),
             "axis=1 standardizes each example across its features; each feature over the "
             "examples is axis=0"),
            ((train - m) / s1 ** 2, (test - m) / s1 ** 2, "divided by the variance; divide by "
             "the standard deviation (its square root)"),
            (train - m, test - m, "centred only: also divide by each feature's std"),
            (train / s1, test / s1, "scaled only: also subtract each feature's mean"),
            ((train - m) / sd1, (test - m) / sd1, "ddof=1 divides by n - 1 (the sample std); "
             "use np.std's default, ddof=0, the std BatchNorm and the course use"),
            ((train - m) / (s + 1e-8), (test - m) / (s + 1e-8), "a small eps added to the std "
             "leaves a constant training feature divided by eps, so its test values explode; "
             "divide a feature whose std is 0 by 1 instead"),
            ((train - am) / as1, (test - am) / as1, "the mean and std of training AND test sets "
             "together; use the training set's alone (the test set must not shape the model)"),
            ((train - lo) / span1, (test - lo) / span1, "min-max scaling maps each feature to "
             "[0, 1]; standardizing subtracts the mean and divides by the std"),
        ]


def check_standardize(fn) -> Answer:
    """Run ``fn(X_train, X_test)`` (a constant feature included) and compare both results."""
    title = "standardize"
    train, test = _cases_standardize()
    got, answer = call(fn, train, test, reference=reference_standardize, title=title)
    if answer is not None:
        return answer
    if not isinstance(got, tuple | list) or len(got) != 2:
        return fall_back(reference_standardize, "return two arrays: (X_train scaled, X_test "
                         "scaled)", title)
    try:
        got_train = np.asarray(got[0], dtype=float)
        got_test = np.asarray(got[1], dtype=float)
    except (TypeError, ValueError):
        return fall_back(reference_standardize, "return two arrays of numbers", title)
    ref_train, ref_test = reference_standardize(train, test)
    if got_train.shape == test.shape and got_test.shape == train.shape != test.shape:
        return fall_back(reference_standardize, "the two results are in the wrong order: "
                         "return (X_train scaled, X_test scaled), the order of the arguments",
                         title)
    if got_train.shape != train.shape or got_test.shape != test.shape:
        return fall_back(reference_standardize, f"shapes {got_train.shape} and {got_test.shape}"
                         f", expected {train.shape} and {test.shape}: scale every entry", title)
    if not (np.all(np.isfinite(got_train)) and np.all(np.isfinite(got_test))):
        return fall_back(reference_standardize, "NaN or inf in your result: a constant feature "
                         "has std 0 (a blank pixel); divide it by 1 instead, so it becomes 0",
                         title)
    if np.allclose(got_train, ref_train) and np.allclose(got_test, ref_test):
        return Answer(True, f"{title}: correct ✓ (training statistics for both sets, a constant "
                            "feature left at 0)", use=fn)
    for wrong_train, wrong_test, message in _standardize_mistakes(train, test):
        same_train = np.allclose(got_train, wrong_train, equal_nan=True)
        same_test = np.allclose(got_test, wrong_test, equal_nan=True)
        if same_train and same_test:
            return fall_back(reference_standardize, message, title)
    which = "X_train" if not np.allclose(got_train, ref_train) else "X_test"
    return fall_back(reference_standardize, f"{which} differs from the answer: each column "
                     "minus the training mean, divided by the training std", title)


__all__ += ["check_standardize", "reference_standardize"]


# ------------------------------------------------------------------ 4. measured slope (08)


def reference_tanh_slope_gain(Z):
    """E[f'(Z)²] for tanh over all entries of Z: the mean of (1 - tanh(Z)²)²."""
    slope = 1.0 - np.tanh(np.asarray(Z, dtype=float)) ** 2
    return float(np.mean(slope * slope))


def _cases_slope():
    rng = np.random.default_rng(5)
    return [("Z of RMS 0.8 (tanh with He), shape (64, 8)", rng.normal(0, 0.8, size=(64, 8))),
            ("Z of RMS 0.1 (the linear regime), shape (32, 4)", rng.normal(0, 0.1, size=(32, 4))),
            ("Z of RMS 3 (saturated), shape (16, 6)", rng.normal(0, 3.0, size=(16, 6)))]


def _slope_mistakes(Z):
    t = np.tanh(Z)
    slope = 1 - t ** 2
    s = 1 / (1 + np.exp(-Z))
    return [
        (np.mean(slope) ** 2, "the square of the mean slope; the formula needs the mean of the "
                              "squared slope, E[f'²] (square first, then average)"),
        (np.mean(slope), "the mean slope E[f']; square it inside the mean: E[f'²]"),
        (np.mean(t ** 2), "tanh(Z)² is not the slope: tanh'(Z) = 1 - tanh(Z)²"),
        (np.mean((1 - Z ** 2) ** 2), "1 - Z² is tanh's slope only near 0; use 1 - tanh(Z)²"),
        (np.mean((s * (1 - s)) ** 2), "this is the sigmoid's slope σ(1 - σ); tanh's is "
                                      "1 - tanh(Z)²"),
        (1.0, "1 is the value at Z = 0, the assumption we are testing; average over the Z given"),
        (np.mean(slope ** 2, axis=0), "one number per unit; average over all entries"),
        (np.sum(slope ** 2), "a sum over all entries; E[f'²] is the MEAN (np.mean)"),
        ((1 - np.tanh(np.sqrt(np.mean(Z ** 2))) ** 2) ** 2, "the squared slope at the RMS of Z, "
         "one typical Z; E[f'²] averages the squared slope over every entry of Z"),
        (np.sqrt(np.mean(slope ** 2)), "the square root of E[f'²] (an RMS slope); the formula "
                                       "uses E[f'²] itself"),
    ]


def check_tanh_slope_gain(fn) -> Answer:
    """Run ``fn(Z)`` on pre-activations of three sizes and compare with mean((1 - tanh²)²)."""
    def per_unit(what, Z, shape):
        if shape == (Z.shape[1],):
            return (f"on {what}: one number per unit; average over all entries (np.mean without "
                    "an axis)")
        return None
    return _check_one_number(fn, _cases_slope(), reference_tanh_slope_gain, "tanh_slope_gain",
                             mistakes=_slope_mistakes, per_unit=per_unit, rtol=1e-7,
                             success="near 1 in the linear regime, far below when Z spreads")


__all__ += ["check_tanh_slope_gain", "reference_tanh_slope_gain"]
