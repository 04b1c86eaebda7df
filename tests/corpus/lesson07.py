"""Notebook 07 (vanishing gradients): predicted_ratio(activation, init, width, depth),
measured_factors(profile), stalled_layer(history)."""

import math

import numpy as np

from backprop_lib import theory
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


EXERCISES = {
    "predicted_ratio": Exercise(
        V.check_predicted_ratio, V.reference_predicted_ratio,
        wrong=[(pr_depth, "one factor too many"),
               (pr_variance, "the ratio of the VARIANCES"),
               (pr_upside_down, "upside down"),
               (pr_slope_not_squared, "E[f'²] is the SQUARE of the slope"),
               (pr_text, "expected a number")],
        right=[pr_loop, pr_theory, pr_array]),
    "measured_factors": Exercise(
        V.check_measured_factors, V.reference_measured_factors,
        wrong=[(mf_upside_down, "upside down"),
               (mf_with_output, "one factor too many"),
               (mf_differences, "these are differences"),
               (mf_first_over_last, "shape ()"),
               (mf_none, "did you forget `return`")],
        right=[mf_loop, mf_in_place, mf_logs]),
    "stalled_layer": Exercise(
        V.check_stalled_layer, V.reference_stalled_layer,
        wrong=[(sl_from_zero, "off by one"),
               (sl_most, "the layer that learns the MOST"),
               (sl_axis1, "there are only 4 layers"),
               (sl_first_step, "not a single step"),
               (sl_float, "expected a whole layer number")],
        right=[sl_mean_log, sl_loop, sl_numpy_int]),
}
