"""Notebook 08 (activations and initialization): the Your-turn exercise tanh_slope_gain(Z);
layer_factor(activation, init, n), he_init(fan_in, fan_out, rng) -> W, sigmoid_std(n)."""

import math

import numpy as np

from backprop_lib import theory
from backprop_lib.exercises import remedies as R
from backprop_lib.exercises import signals as S

from . import Exercise

VAR = {"standard": lambda n: 1 / (3 * n), "xavier": lambda n: 1 / n, "he": lambda n: 2 / n}
GAIN2 = {"sigmoid": 1 / 16, "tanh": 1.0, "relu": 0.5}
SLOPE = {"sigmoid": 0.25, "tanh": 1.0, "relu": 0.5}


# ---------------------------------------------------------------- layer_factor
def lf_variance(act, init, n):
    return n * VAR[init](n) * GAIN2[act]


def lf_no_activation(act, init, n):
    return math.sqrt(n * VAR[init](n))


def lf_slope_not_squared(act, init, n):
    return math.sqrt(n * VAR[init](n) * SLOPE[act])


def lf_root_outside(act, init, n):
    return math.sqrt(n * VAR[init](n)) * GAIN2[act]


def lf_no_n(act, init, n):
    return math.sqrt(VAR[init](n) * GAIN2[act])


def lf_formula(act, init, n):
    return (n * VAR[init](n) * GAIN2[act]) ** 0.5


def lf_theory(act, init, n):
    return math.sqrt(n * theory.weight_variance(init, n, n) * theory.derivative_gain(act))


def lf_float32(act, init, n):
    return np.float32(math.sqrt(n * VAR[init](n) * GAIN2[act]))


def lf_upside_down(act, init, n):
    return 1 / math.sqrt(n * VAR[init](n) * GAIN2[act])


def lf_std_not_variance(act, init, n):
    return math.sqrt(n * math.sqrt(VAR[init](n)) * GAIN2[act])


def lf_always_he(act, init, n):
    return math.sqrt(n * (2 / n) * GAIN2[act])


# ---------------------------------------------------------------- he_init
def he_xavier_like(fan_in, fan_out, rng):
    return rng.normal(0, math.sqrt(1 / fan_in), (fan_in, fan_out))


def he_fan_out(fan_in, fan_out, rng):
    return rng.normal(0, math.sqrt(2 / fan_out), (fan_in, fan_out))


def he_variance_as_std(fan_in, fan_out, rng):
    return rng.normal(0, 2 / fan_in, (fan_in, fan_out))


def he_global_rng(fan_in, fan_out, rng):
    return np.random.normal(0, math.sqrt(2 / fan_in), (fan_in, fan_out))  # noqa: NPY002


def he_swapped(fan_in, fan_out, rng):
    return rng.normal(0, math.sqrt(2 / fan_in), (fan_out, fan_in))


def he_uniform_01(fan_in, fan_out, rng):
    return rng.uniform(0, 1, (fan_in, fan_out)) * math.sqrt(2 / fan_in)


def he_own_seed(fan_in, fan_out, rng):          # ignores the rng it is given
    return np.random.default_rng(0).normal(0, math.sqrt(2 / fan_in), (fan_in, fan_out))


def he_constant(fan_in, fan_out, rng):
    return np.full((fan_in, fan_out), math.sqrt(2 / fan_in))


def he_standard_normal(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)


def he_uniform(fan_in, fan_out, rng):
    a = math.sqrt(6 / fan_in)                   # uniform ±a has variance a²/3 = 2/fan_in
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def he_float32(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2 / fan_in), (fan_in, fan_out)).astype(np.float32)


# ---------------------------------------------------------------- sigmoid_std
def ss_two(n):
    return 2 / math.sqrt(n)


def ss_one(n):
    return 1 / math.sqrt(n)


def ss_variance(n):
    return 16 / n


def ss_he(n):
    return math.sqrt(2 / n)


def ss_text(n):
    return "4/sqrt(n)"


def ss_no_root_of_n(n):
    return 4 / n


def ss_uniform_bound(n):
    return math.sqrt(3) * 4 / math.sqrt(n)


def ss_times_slope(n):
    return 0.25 / math.sqrt(n)


def ss_root(n):
    return math.sqrt(16 / n)


def ss_power(n):
    return 4 * n ** -0.5


def ss_numpy(n):
    return np.float32(4) / np.sqrt(np.float32(n))


# ---------------------------------------------------------------- tanh_slope_gain (Your turn)
def gain_cosh(Z):
    return np.mean(np.cosh(Z) ** -4)             # 1 - tanh² = 1/cosh²


def gain_loop(Z):
    total = 0.0
    for z in np.ravel(Z):
        total += (1 - np.tanh(z) ** 2) ** 2
    return total / np.size(Z)


def gain_in_place(Z):                          # overwrites its input with the slope
    np.tanh(Z, out=Z)
    Z **= 2
    Z *= -1
    Z += 1
    return float(np.mean(Z * Z))


EXERCISES = {
    "tanh_slope_gain": Exercise(
        S.check_tanh_slope_gain, S.reference_tanh_slope_gain,
        wrong=[(lambda Z: np.mean(1 - np.tanh(Z) ** 2) ** 2, "square of the mean"),
               (lambda Z: np.mean(1 - np.tanh(Z) ** 2), "mean slope"),
               (lambda Z: np.mean((1 - Z ** 2) ** 2), "only near 0"),
               (lambda Z: np.mean((1 / (1 + np.exp(-Z)) * (1 - 1 / (1 + np.exp(-Z)))) ** 2),
                "sigmoid"),
               (lambda Z: 1.0, "Z = 0"),
               (lambda Z: np.mean((1 - np.tanh(Z) ** 2) ** 2, axis=0), "per unit"),
               (lambda Z: np.sum((1 - np.tanh(Z) ** 2) ** 2), "a sum over all entries"),
               (lambda Z: (1 - np.tanh(np.sqrt(np.mean(Z ** 2))) ** 2) ** 2, "at the RMS of Z"),
               (lambda Z: np.sqrt(np.mean((1 - np.tanh(Z) ** 2) ** 2)), "the square root of")],
        right=[gain_cosh, gain_loop, gain_in_place]),
    "layer_factor": Exercise(
        R.check_layer_factor, R.layer_factor_reference,
        wrong=[(lf_variance, "the factor of the VARIANCE"),
               (lf_no_activation, "the activation is missing"),
               (lf_slope_not_squared, "f' must be squared inside the root"),
               (lf_root_outside, "take the square root of the whole product"),
               (lf_no_n, "the sum over n units multiplies it by n"),
               (lf_upside_down, "upside down"),
               (lf_std_not_variance, "standard deviation of W where its variance belongs"),
               (lf_always_he, "He's variance 2/n whatever the init")],
        right=[lf_formula, lf_theory, lf_float32]),
    "he_init": Exercise(
        R.check_he_init, R.he_init_reference,
        wrong=[(he_xavier_like, "sqrt(2) too small"),
               (he_fan_out, "you scaled with fan_out"),
               (he_variance_as_std, "you used the variance 2/fan_in as the standard deviation"),
               (he_global_rng, "draw from the `rng` you are given"),
               (he_swapped, "the axes are swapped"),
               (he_uniform_01, "centred on 0"),
               (he_own_seed, "different rngs gave the same weights"),
               (he_constant, "all your weights are equal")],
        right=[he_standard_normal, he_uniform, he_float32]),
    "sigmoid_std": Exercise(
        R.check_sigmoid_std, R.sigmoid_std_reference,
        wrong=[(ss_two, "the variance needs (1/4)² = 1/16"),
               (ss_one, "ignores the sigmoid's derivative"),
               (ss_variance, "16/n is the variance"),
               (ss_he, "He's, for ReLU"),
               (ss_text, "returned the text"),
               (ss_no_root_of_n, "the square root must cover n too"),
               (ss_uniform_bound, "the bound a of a uniform"),
               (ss_times_slope, "you multiplied by the slope 1/4")],
        right=[ss_root, ss_power, ss_numpy]),
}
