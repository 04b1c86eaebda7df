"""Checkers for notebooks 08 (activations and initialization) and 09 (normalization).

Each ``check_*`` runs the learner's function, compares it with the reference and with the typical
mistakes (written out below as code), and returns an ``Answer`` (see ``feedback``) whose message
names the mistake. A function that still raises NotImplementedError is replaced by the reference
and the message says so, so the notebooks run top to bottom. Engine floor: numpy only.

This file holds notebook 08's checkers (the factor per layer, He initialization, a sigmoid's
weight std); notebook 09's (BatchNorm's backward, repairing broken networks, a clipping
threshold) are in ``remedies_normalization`` and are imported here too.
"""

from __future__ import annotations

import numpy as np

from .. import datasets, debugging, theory
from ..diagnostics import gradient_profile
from ..network import mlp
from .feedback import STUB, Answer, as_array, attempt, explain, not_attempted
from .remedies_normalization import (  # notebook 09, so that every checker of 08 and 09 is here
    CLIP_SETUP,
    REFERENCE_FIXES,
    WRONG_FIXES,
    batchnorm_backward_reference,
    check_batchnorm_backward,
    check_clip_norm,
    check_fix,
    reference_fix,
)


def _call(fn, *args):
    """(value, None), or (None, message) when the learner's function raised."""
    return attempt(fn, *args)


# =========================================================================== notebook 08

GAIN_NEAR_ZERO = {"sigmoid": 0.25, "tanh": 1.0, "relu": 0.5}   # E[f'] for z near 0


def layer_factor_reference(activation: str, init: str, n: int) -> float:
    """The RMS factor of dL/dZ per hidden layer of width n: sqrt(n · Var(W) · E[f'(Z)²])."""
    return theory.layer_factor(activation, init, n, n)


def check_layer_factor(fn) -> Answer:
    """``fn(activation, init, n)``: the factor by which the RMS of dL/dZ changes per layer."""
    name = "layer_factor"
    # relu + he comes before sigmoid + xavier: there n·Var(W) = 1, and a root taken too early
    # gives the same number as a missing root; relu + he tells them apart.
    cases = [("tanh", "standard", 32), ("relu", "he", 50), ("sigmoid", "xavier", 64),
             ("relu", "xavier", 20), ("sigmoid", "standard", 100)]
    first, why = _call(fn, *cases[0])
    if why is not None:
        if why == STUB:
            return not_attempted(name, layer_factor_reference)
        return Answer(False, f"{name}: {why}", use=layer_factor_reference)
    for activation, init, n in cases:
        got, why = _call(fn, activation, init, n)
        if why is not None:
            return Answer(False, f"{name}{(activation, init, n)}: {why}",
                          use=layer_factor_reference)
        var_w = theory.weight_variance(init, n, n)
        gain2 = theory.derivative_gain(activation)
        expected = layer_factor_reference(activation, init, n)
        mistakes = {
            "that is the factor of the VARIANCE; the RMS changes by its square root":
                n * var_w * gain2,
            "the activation is missing: multiply by E[f'(Z)²] (1/16 for sigmoid, 1/2 for ReLU)":
                np.sqrt(n * var_w),
            "f' must be squared inside the root: for a sigmoid E[f'²] = (1/4)² = 1/16, not 1/4":
                np.sqrt(n * var_w * GAIN_NEAR_ZERO[activation]),
            "take the square root of the whole product, E[f'²] included":
                np.sqrt(n * var_w) * gain2,
            "Var(W) is already per weight: the sum over n units multiplies it by n, once":
                np.sqrt(var_w * gain2),
            "upside down: the factor multiplies the RMS going back, sqrt(n · Var(W) · E[f'²]) "
            "itself, not one over it": 1 / np.sqrt(n * var_w * gain2),
            "you used the standard deviation of W where its variance belongs: n · Var(W)":
                np.sqrt(n * np.sqrt(var_w) * gain2),
            "that is He's variance 2/n whatever the init; use the variance of the init asked "
            "for, theory.weight_variance(init, n, n)": np.sqrt(2.0 * gain2),
        }
        verdict = explain(f"{name}{(activation, init, n)}", got, expected, mistakes, atol=1e-12)
        if not verdict:
            return Answer(False, verdict.message, use=layer_factor_reference)
    return Answer(True, f"{name}: correct on {len(cases)} cases ✓ (tanh + standard: "
                        f"x{layer_factor_reference('tanh', 'standard', 32):.3f} per layer)",
                  use=fn)


def he_init_reference(fan_in: int, fan_out: int, rng) -> np.ndarray:
    """He: normal with std sqrt(2 / fan_in), shape (fan_in, fan_out)."""
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


def check_he_init(fn) -> Answer:
    """``fn(fan_in, fan_out, rng) -> W``: He initialization for ReLU layers."""
    name = "he_init"
    cases = [(400, 100), (50, 300)]
    first, why = _call(fn, 4, 3, np.random.default_rng(0))
    if why is not None:
        if why == STUB:
            return not_attempted(name, he_init_reference)
        return Answer(False, f"{name}: {why}", use=he_init_reference)
    for fan_in, fan_out in cases:
        W, why = _call(fn, fan_in, fan_out, np.random.default_rng(1))
        if why is not None:
            return Answer(False, f"{name}: {why}", use=he_init_reference)
        W, why = as_array(W, name)
        if why:
            return Answer(False, why, use=he_init_reference)
        if W.shape != (fan_in, fan_out):
            hint = (": the axes are swapped; W is (fan_in, fan_out)"
                    if W.shape == (fan_out, fan_in) else "; W is (fan_in, fan_out)")
            return Answer(False, f"{name}: shape {W.shape}, expected {(fan_in, fan_out)}{hint}",
                          use=he_init_reference)
        again, _ = _call(fn, fan_in, fan_out, np.random.default_rng(1))
        again, _ = as_array(again)
        if again is None or not np.array_equal(W, again):
            return Answer(False, f"{name}: two calls with the same rng seed gave different "
                                 "weights; draw from the `rng` you are given "
                                 "(rng.normal(...)), not from np.random", use=he_init_reference)
        if float(W.std()) <= 1e-6 * np.sqrt(2.0 / fan_in):
            return Answer(False, f"{name}: all your weights are equal: a constant init keeps "
                                 "every unit identical; draw them at random with rng.normal",
                          use=he_init_reference)
        other, _ = _call(fn, fan_in, fan_out, np.random.default_rng(2))
        other, _ = as_array(other)
        if other is not None and np.array_equal(W, other):
            return Answer(False, f"{name}: two calls with different rngs gave the same weights: "
                                 "you drew from a generator of your own with a fixed seed; draw "
                                 "from the `rng` you are given (rng.normal(...)), so that the "
                                 "caller's seed decides", use=he_init_reference)
        std, mean = float(W.std()), float(W.mean())
        want = np.sqrt(2.0 / fan_in)
        if abs(mean) > 0.1 * want:
            return Answer(False, f"{name}: the weights average {mean:.3g}; they should be "
                                 "centred on 0", use=he_init_reference)
        if abs(std / want - 1) < 0.05:
            continue
        guesses = {
            "std sqrt(1/fan_in) is sqrt(2) too small: ReLU zeroes half the units, the 2 gives "
            "that variance back": np.sqrt(1.0 / fan_in),
            "you scaled with fan_out; He uses fan_in (the number of terms in each sum)":
                np.sqrt(2.0 / fan_out),
            "you used the variance 2/fan_in as the standard deviation; take its square root":
                2.0 / fan_in,
            "that is Xavier's variance 2/(fan_in + fan_out); He uses 2/fan_in":
                np.sqrt(2.0 / (fan_in + fan_out)),
            "std 1/fan_in is far too small; the variance is 2/fan_in, the std its root":
                1.0 / fan_in,
        }
        for message, g in guesses.items():
            if abs(std / g - 1) < 0.05:
                return Answer(False, f"{name}: {message}", use=he_init_reference)
        return Answer(False, f"{name}: std of your weights {std:.4g}, expected "
                             f"sqrt(2/fan_in) = {want:.4g} (fan_in={fan_in})",
                      use=he_init_reference)
    return Answer(True, f"{name}: correct ✓ (std sqrt(2/fan_in) on both shapes)", use=fn)


def sigmoid_std_reference(n: int) -> float:
    """The weight std that makes n · Var(W) · (1/4)² = 1: Var = 16/n, std = 4/sqrt(n)."""
    return 4.0 / np.sqrt(n)


def measured_ratio_with_std(std: float, depth: int = 10, width: int = 32) -> float:
    """First/last hidden-layer RMS of dL/dZ of a fresh deep sigmoid network whose weights are
    normal with standard deviation ``std`` (one forward and backward pass on the moons)."""
    model = mlp(debugging.hidden_sizes(depth, width), activation="sigmoid", init="he", seed=0)
    rng = np.random.default_rng(0)
    for dense in model.dense_layers():
        dense.W.value[...] = rng.normal(0.0, std, dense.W.value.shape)
    X, y = datasets.moons(256, noise=0.15, seed=0)
    delta = gradient_profile(model, X, y)["delta_rms"][:-1]
    return float(delta[0] / delta[-1])


def check_sigmoid_std(fn) -> Answer:
    """``fn(n)``: the weight std that keeps the RMS of dL/dZ constant through sigmoid layers of
    width n, by the theory near z = 0."""
    name = "sigmoid_std"
    got, why = _call(fn, 32)
    if why is not None:
        if why == STUB:
            return not_attempted(name, sigmoid_std_reference)
        return Answer(False, f"{name}: {why}", use=sigmoid_std_reference)
    for n in (32, 200):
        got, why = _call(fn, n)
        if why is not None:
            return Answer(False, f"{name}: {why}", use=sigmoid_std_reference)
        mistakes = {
            "2/sqrt(n) keeps the variance for f' = 1/4, but the variance needs (1/4)² = 1/16: "
            "Var(W) = 16/n": 2.0 / np.sqrt(n),
            "1/sqrt(n) ignores the sigmoid's derivative (that would suit tanh)": 1.0 / np.sqrt(n),
            "16/n is the variance; the standard deviation is its square root": 16.0 / n,
            "sqrt(2/n) is He's, for ReLU (E[f'²] = 1/2); a sigmoid has E[f'²] = 1/16":
                np.sqrt(2.0 / n),
            "4/n: the square root must cover n too, std = sqrt(16/n) = 4/sqrt(n)": 4.0 / n,
            "that is the bound a of a uniform ±a with std 4/sqrt(n) (a = sqrt(3) · std); the "
            "question asks for the standard deviation": np.sqrt(3.0) * 4.0 / np.sqrt(n),
            "you multiplied by the slope 1/4 instead of making up for it: n · Var(W) · 1/16 = 1 "
            "needs Var(W) = 16/n": 0.25 / np.sqrt(n),
        }
        verdict = explain(f"{name}({n})", got, sigmoid_std_reference(n), mistakes, atol=1e-12)
        if not verdict:
            return Answer(False, verdict.message, use=sigmoid_std_reference)
    ratio = measured_ratio_with_std(sigmoid_std_reference(32))
    return Answer(True, f"{name}: correct ✓ std = 4/sqrt(n). Measured at depth 10 with it: "
                        f"first/last = {ratio:.2g} (theory near z = 0 says 1; such large weights "
                        f"spread Z over the sigmoid's bends, where its slope is below 1/4: the "
                        f"reason to normalize instead)",
                  use=fn)


__all__ = [
    "check_layer_factor", "check_he_init", "check_sigmoid_std",
    "check_batchnorm_backward", "check_fix", "check_clip_norm", "REFERENCE_FIXES", "WRONG_FIXES",
    "reference_fix", "measured_ratio_with_std", "batchnorm_backward_reference", "CLIP_SETUP",
]
