"""Notebook 07 (vanishing gradients): the Your-turn exercises standardize(X_train, X_test) and
alignment(A, dZ); predicted_ratio(activation, init, width, depth), measured_factors(profile),
stalled_layer(history)."""

import math

import numpy as np

from backprop_lib import theory
from backprop_lib.exercises import signals as S
from backprop_lib.exercises import vanishing as V

from . import Exercise

VAR = {"standard": lambda n: 1 / (3 * n), "xavier": lambda n: 2 / (n + n), "he": lambda n: 2 / n}
GAIN = {"sigmoid": 1 / 16, "tanh": 1.0, "relu": 0.5}          # E[f'²] near 0


def _factor(act, init, width):
    return math.sqrt(width * VAR[init](width) * GAIN[act])


# ---------------------------------------------------------------- predicted_ratio
def pr_depth(act, init, width, depth):
    return _factor(act, init, width) ** depth


def pr_variance(act, init, width, depth):
    return _factor(act, init, width) ** (2 * (depth - 1))


def pr_upside_down(act, init, width, depth):
    return 1 / _factor(act, init, width) ** (depth - 1)


def pr_slope_not_squared(act, init, width, depth):
    slope = {"sigmoid": 0.25, "tanh": 1.0, "relu": 0.5}[act]
    return math.sqrt(width * VAR[init](width) * math.sqrt(slope ** 2 if act != "relu"
                                                          else 0.5)) ** (depth - 1)


def pr_text(act, init, width, depth):
    return f"{_factor(act, init, width) ** (depth - 1):.3g}"


def pr_loop(act, init, width, depth):
    ratio = 1.0
    for _ in range(depth - 1):
        ratio *= _factor(act, init, width)
    return ratio


def pr_theory(act, init, width, depth):
    return theory.layer_factor(act, init, width, width) ** (depth - 1)


def pr_array(act, init, width, depth):
    return np.array([_factor(act, init, width)]) ** (depth - 1)    # a one-entry array: fine


def pr_too_few(act, init, width, depth):
    return _factor(act, init, width) ** (depth - 2)


def pr_no_width(act, init, width, depth):
    return math.sqrt(VAR[init](width) * GAIN[act]) ** (depth - 1)


def pr_no_activation(act, init, width, depth):
    return math.sqrt(width * VAR[init](width)) ** (depth - 1)


# ---------------------------------------------------------------- measured_factors(profile)
def mf_upside_down(profile):
    d = profile["delta_rms"][:-1]
    return d[1:] / d[:-1]


def mf_with_output(profile):
    d = profile["delta_rms"]
    return d[:-1] / d[1:]


def mf_differences(profile):
    d = profile["delta_rms"][:-1]
    return d[:-1] - d[1:]


def mf_first_over_last(profile):
    d = profile["delta_rms"][:-1]
    return d[0] / d[-1]


def mf_shifted(profile):                       # skips the first hidden layer
    d = profile["delta_rms"]
    return d[1:-1] / d[2:]


def mf_log(profile):
    d = np.log(profile["delta_rms"][:-1])
    return d[:-1] - d[1:]


def mf_none(profile):
    d = profile["delta_rms"][:-1]
    d[:-1] / d[1:]


def mf_loop(profile):
    d = list(profile["delta_rms"])[:-1]
    return [d[i] / d[i + 1] for i in range(len(d) - 1)]


def mf_in_place(profile):
    d = profile["delta_rms"]
    d = d[:-1]
    out = d[:-1].copy()
    out /= d[1:]
    return out


def mf_logs(profile):
    d = np.log(profile["delta_rms"][:-1])
    return np.exp(-np.diff(d))


# ---------------------------------------------------------------- stalled_layer(history)
def sl_from_zero(h):
    return int(np.argmin(np.median(h.grad_norm, axis=0)))


def sl_most(h):
    return int(np.argmax(np.median(h.grad_norm, axis=0))) + 1


def sl_axis1(h):
    return int(np.argmin(np.median(h.grad_norm, axis=1))) + 1


def sl_first_step(h):
    return int(np.argmin(h.grad_norm[0])) + 1


def sl_last_step(h):
    return int(np.argmin(h.grad_norm[-1])) + 1


def sl_smallest_entry(h):
    return int(np.argmin(np.min(h.grad_norm, axis=0))) + 1


def sl_float(h):
    return float(np.argmin(np.median(h.grad_norm, axis=0))) + 1.5


def sl_mean_log(h):
    return int(np.argmin(np.mean(np.log(h.grad_norm), axis=0))) + 1


def sl_loop(h):
    g = np.asarray(h.grad_norm)
    typical = [sorted(g[:, j])[len(g) // 2] for j in range(g.shape[1])]
    return typical.index(min(typical)) + 1


def sl_numpy_int(h):
    return np.argmin(np.median(h.grad_norm, axis=0)) + 1


# ---------------------------------------------------------------- standardize (Your turn)
def _safe(s):
    return np.where(s == 0, 1.0, s)


def std_explicit(X_train, X_test):
    mean = X_train.sum(axis=0) / len(X_train)
    std = np.sqrt(((X_train - mean) ** 2).mean(axis=0))
    std[std == 0] = 1
    return (X_train - mean) / std, (X_test - mean) / std


def std_in_place(X_train, X_test):             # changes its inputs in place, returns a list
    mean, std = X_train.mean(0), _safe(X_train.std(0))
    X_test -= mean
    X_test /= std
    X_train -= mean
    X_train /= std
    return [X_train, X_test]


def std_own_stats(X_train, X_test):            # the test set scaled with its own statistics
    return ((X_train - X_train.mean(0)) / _safe(X_train.std(0)),
            (X_test - X_test.mean(0)) / _safe(X_test.std(0)))


def _st(a):
    return a.std(0, ddof=1)


def std_ddof1(X_train, X_test):
    m, s = X_train.mean(0), _safe(_st(X_train))
    return (X_train - m) / s, (X_test - m) / s


def std_eps(X_train, X_test):
    m, s = X_train.mean(0), X_train.std(0) + 1e-8
    return (X_train - m) / s, (X_test - m) / s


def std_both_sets(X_train, X_test):
    both = np.vstack([X_train, X_test])
    m, s = both.mean(0), _safe(both.std(0))
    return (X_train - m) / s, (X_test - m) / s


def std_min_max(X_train, X_test):
    lo = X_train.min(0)
    span = _safe(X_train.max(0) - lo)
    return (X_train - lo) / span, (X_test - lo) / span


def std_wrong_order(X_train, X_test):
    return S.reference_standardize(X_train, X_test)[::-1]


# ---------------------------------------------------------------- alignment (Your turn)
def align_einsum(A, dZ):
    G = np.einsum("ni,nj->ij", A, dZ)
    return np.sqrt((G ** 2).sum()) / np.sqrt((A ** 2).sum() * (dZ ** 2).sum())


def align_transposed(A, dZ):                   # (dZᵀ·A) has the same norm as (Aᵀ·dZ)
    return float(np.linalg.norm(dZ.T @ A) / np.linalg.norm(A) / np.linalg.norm(dZ))


def align_in_place(A, dZ):                     # rescales its inputs in place
    A /= np.linalg.norm(A)
    dZ /= np.linalg.norm(dZ)
    return np.array([np.linalg.norm(A.T @ dZ)])


def _rms(M):
    return np.sqrt(np.mean(M ** 2))


EXERCISES = {
    "standardize": Exercise(
        S.check_standardize, S.reference_standardize,
        wrong=[(std_own_stats, "OWN"),
               (lambda a, b: ((a - a.mean()) / a.std(), (b - a.mean()) / a.std()), "whole array"),
               (lambda a, b: (a - a.mean(0), b - a.mean(0)), "centred only"),
               (lambda a, b: (a / _safe(a.std(0)), b / _safe(a.std(0))), "scaled only"),
               (lambda a, b: ((a - a.mean(0)) / _safe(a.std(0)) ** 2,
                              (b - a.mean(0)) / _safe(a.std(0)) ** 2), "variance"),
               (std_ddof1, "ddof=1"), (std_eps, "a small eps"),
               (std_both_sets, "training AND test sets together"),
               (std_min_max, "min-max scaling"), (std_wrong_order, "wrong order")],
        right=[std_explicit, std_in_place, lambda a, b: S.reference_standardize(a, b)]),
    "alignment": Exercise(
        S.check_alignment, S.reference_alignment,
        wrong=[(lambda A, dZ: np.linalg.norm(A.T @ dZ), "‖dL/dW‖ itself"),
               (lambda A, dZ: np.linalg.norm(A.T @ dZ) / (_rms(A) * _rms(dZ)), "RMS"),
               (lambda A, dZ: np.linalg.norm(A) * np.linalg.norm(dZ) / np.linalg.norm(A.T @ dZ),
                "upside down"),
               (lambda A, dZ: (np.linalg.norm(A.T @ dZ)
                               / (np.linalg.norm(A) * np.linalg.norm(dZ))) ** 2,
                "square of the alignment"),
               (lambda A, dZ: A.T @ dZ, "matrix of shape")],
        right=[align_einsum, align_transposed, align_in_place]),
    "predicted_ratio": Exercise(
        V.check_predicted_ratio, V.reference_predicted_ratio,
        wrong=[(pr_depth, "one factor too many"),
               (pr_variance, "the ratio of the VARIANCES"),
               (pr_upside_down, "upside down"),
               (pr_slope_not_squared, "E[f'²] is the SQUARE of the slope"),
               (pr_text, "expected a number"),
               (pr_too_few, "one factor too few"),
               (pr_no_width, "the width is missing"),
               (pr_no_activation, "the activation is missing")],
        right=[pr_loop, pr_theory, pr_array]),
    "measured_factors": Exercise(
        V.check_measured_factors, V.reference_measured_factors,
        wrong=[(mf_upside_down, "upside down"),
               (mf_with_output, "one factor too many"),
               (mf_differences, "these are differences"),
               (mf_first_over_last, "shape ()"),
               (mf_none, "did you forget `return`"),
               (mf_shifted, "shifted by one layer"),
               (mf_log, "logarithms")],
        right=[mf_loop, mf_in_place, mf_logs]),
    "stalled_layer": Exercise(
        V.check_stalled_layer, V.reference_stalled_layer,
        wrong=[(sl_from_zero, "off by one"),
               (sl_most, "the layer that learns the MOST"),
               (sl_axis1, "there are only 4 layers"),
               (sl_first_step, "not a single step"),
               (sl_float, "expected a whole layer number"),
               (sl_last_step, "at the LAST step only"),
               (sl_smallest_entry, "the single smallest entry")],
        right=[sl_mean_log, sl_loop, sl_numpy_int]),
}
