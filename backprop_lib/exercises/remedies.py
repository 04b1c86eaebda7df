"""Checkers for notebooks 08 (activations and initialization) and 09 (normalization).

Each ``check_*`` runs the learner's function, compares it with the reference and with the typical
mistakes (written out below as code), and returns an ``Answer`` (see ``feedback``) whose message
names the mistake. A function that still raises NotImplementedError is replaced by the reference
and the message says so, so the notebooks run top to bottom. Engine floor: numpy only.
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import datasets, debugging, theory
from ..diagnostics import gradient_profile
from ..network import mlp
from .feedback import NOT_ATTEMPTED, STUB, Answer, as_array, attempt, explain, not_attempted


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


# =========================================================================== notebook 09

def batchnorm_backward_reference(dY, X_hat, inv_std, gamma):
    """dL/dX of BatchNorm in training mode:
    (1/σ) · (dX̂ - mean(dX̂) - X̂ · mean(dX̂ · X̂)), with dX̂ = dY · gamma, means over the batch."""
    dX_hat = dY * gamma
    return inv_std * (dX_hat - dX_hat.mean(axis=0) - X_hat * np.mean(dX_hat * X_hat, axis=0))


def _bn_case(n, d, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(1.0, 2.0, (n, d))
    mean, var = X.mean(axis=0), X.var(axis=0)
    inv_std = 1.0 / np.sqrt(var + 1e-5)
    X_hat = (X - mean) * inv_std
    return rng.normal(size=(n, d)), X_hat, inv_std, rng.uniform(0.5, 1.5, d)


def check_batchnorm_backward(fn) -> Answer:
    """``fn(dY, X_hat, inv_std, gamma) -> dX`` for BatchNorm in training mode."""
    name = "batchnorm_backward"
    cases = [_bn_case(8, 5, 0), _bn_case(16, 3, 1)]
    first, why = _call(fn, *cases[0])
    if why is not None:
        if why == STUB:
            return not_attempted(name, batchnorm_backward_reference)
        return Answer(False, f"{name}: {why}", use=batchnorm_backward_reference)
    for dY, X_hat, inv_std, gamma in cases:
        got, why = _call(fn, dY, X_hat, inv_std, gamma)
        if why is not None:
            return Answer(False, f"{name}: {why}", use=batchnorm_backward_reference)
        dX_hat = dY * gamma
        expected = batchnorm_backward_reference(dY, X_hat, inv_std, gamma)
        mistakes = {
            "you treated the batch mean and variance as constants (that is the evaluation-mode "
            "backward); in training mode every row also moves the mean and the variance":
                dX_hat * inv_std,
            "the path through the batch mean is missing: subtract mean(dX̂) over the batch":
                inv_std * (dX_hat - X_hat * np.mean(dX_hat * X_hat, axis=0)),
            "the path through the batch variance is missing: subtract X̂ · mean(dX̂ · X̂)":
                inv_std * (dX_hat - dX_hat.mean(axis=0)),
            "gamma is missing: dL/dX̂ = dL/dY · gamma":
                batchnorm_backward_reference(dY, X_hat, inv_std, np.ones_like(gamma)),
            "the factor 1/σ (inv_std) is missing": expected / inv_std,
            "the means must be over the batch (axis=0), per feature, not over the features":
                inv_std * (dX_hat - dX_hat.mean(axis=1, keepdims=True)
                           - X_hat * np.mean(dX_hat * X_hat, axis=1, keepdims=True)),
            "sums where means belong: the two correction terms are MEANS over the batch "
            "(sum / n)": inv_std * (dX_hat - dX_hat.sum(axis=0)
                                    - X_hat * np.sum(dX_hat * X_hat, axis=0)),
            "the sign of the mean path: SUBTRACT mean(dX̂) (the mean moves with every row)":
                inv_std * (dX_hat + dX_hat.mean(axis=0) - X_hat * np.mean(dX_hat * X_hat, axis=0)),
            "the sign of the variance path: SUBTRACT X̂ · mean(dX̂ · X̂)":
                inv_std * (dX_hat - dX_hat.mean(axis=0) + X_hat * np.mean(dX_hat * X_hat, axis=0)),
            "the variance path needs X̂ times mean(dX̂ · X̂), not mean(dX̂ · X̂) alone":
                inv_std * (dX_hat - dX_hat.mean(axis=0) - np.mean(dX_hat * X_hat, axis=0)),
            "inv_std is already 1/σ: multiply by it once (yours has it twice)": expected * inv_std,
            "inv_std is already 1/σ: multiply by it, do not divide": expected / inv_std ** 2,
        }
        verdict = explain(name, got, expected, mistakes, atol=1e-12)
        if not verdict:
            return Answer(False, verdict.message, use=batchnorm_backward_reference)
    return Answer(True, f"{name}: correct ✓", use=fn)


REFERENCE_FIXES = {
    "lr_too_large": {"lr": 0.1},
    "zero_init": {"init": "he"},            # the checklist's advice (test_debugging_fixes)
    "deep_sigmoid": {"norm": "batch"},
    "dead_relu": {"hidden_bias": 0.0},
    "shuffled_labels": {"shuffle_labels": False},
}


def reference_fix(name: str):
    """The reference repair of broken network ``name``: a function config -> config."""
    if name not in REFERENCE_FIXES:
        raise ValueError(f"unknown broken network {name!r}; choose one of "
                         f"{', '.join(repr(k) for k in REFERENCE_FIXES)}")
    return lambda config: {**config, **REFERENCE_FIXES[name]}


#: Changes a learner typically tries that do not repair a broken network, and why, in the
#: learner's terms: (broken network, config entry, test of the new value) -> the reason.
#: check_fix puts the reason before the checklist when such a change did not help.
WRONG_FIXES = [
    ("deep_sigmoid", "norm", lambda v: v == "layer",
     "LayerNorm normalizes each example across its units; after a few sigmoid layers every "
     "example arrives with nearly the same pattern (the input-dependent share falls to 0), and "
     "standardizing each row cannot bring back differences between examples. BatchNorm "
     "normalizes each unit over the batch, which removes the sigmoid's common offset"),
    ("deep_sigmoid", "lr", lambda v: True,
     "the learning rate scales every layer's step alike: layer 1's gradient stays a tiny "
     "fraction of layer 10's, so the first layers still do not move"),
    ("deep_sigmoid", "epochs", lambda v: True,
     "more epochs of steps that are ~1e-8 of the last layer's still move the first layers by "
     "almost nothing"),
    ("dead_relu", "activation", lambda v: v == "leaky_relu",
     "leaky ReLU passes back only its slope (1%) below 0, at every layer, so the error still "
     "vanishes; the negative biases hold the units below 0"),
    ("dead_relu", "lr", lambda v: True,
     "a dead ReLU passes back no gradient, so no learning rate can move its weights"),
]


def _wrong_fix_reason(name, config, fixed) -> str:
    for broken_name, key, test, reason in WRONG_FIXES:
        if broken_name == name and fixed.get(key) != config.get(key) and test(fixed.get(key)):
            return f"{key}={fixed[key]!r} does not help here: {reason}. "
    return ""


def check_fix(name: str, fn) -> Answer:
    """``fn(config) -> config``: repair broken network ``name`` (see ``debugging.BROKEN``).

    Trains your fixed configuration briefly (well under two seconds) and says whether it now
    learns and, if not, what the checklist still finds. ``use`` is the ``debugging.Run``.
    """
    label = f"fix {name}"
    config = debugging.broken(name)
    fixed, why = _call(fn, dict(config))
    attempted = True
    note = ""
    if why == STUB:
        fixed, attempted, note = reference_fix(name)(config), False, f" ({NOT_ATTEMPTED})"
    elif why is not None:
        return Answer(False, f"{label}: {why}")
    if fixed is None:
        return Answer(False, f"{label}: your function returned None; return the changed "
                             "config (for example `return {**config, 'lr': ...}`)")
    try:
        fixed = debugging.check_config(fixed)
    except Exception as err:                     # noqa: BLE001 - whatever came back, name it
        return Answer(False, f"{label}: {err}")
    if fixed == debugging.check_config(config):
        result = debugging.run(fixed)
        return Answer(False, f"{label}: your config is unchanged, so it is still broken. "
                             f"{result.diagnosis}", use=result)
    result = debugging.run(fixed)
    changed = ", ".join(f"{k}={fixed[k]!r}" for k in fixed if fixed[k] != config[k])
    if result.learned:
        return Answer(attempted, f"{label}{note}: with {changed} it learns ✓ "
                                 f"(validation accuracy {result.val_accuracy:.0%})",
                      use=result, attempted=attempted)
    return Answer(False, f"{label}: with {changed} it still does not learn (validation "
                         f"accuracy {result.val_accuracy:.0%}, needs "
                         f"{debugging.LEARNS_ABOVE:.0%}). "
                         f"{_wrong_fix_reason(name, config, fixed)}{result.diagnosis}",
                  use=result)


CLIP_SETUP = {"sizes": [2] + [32] * 10 + [2], "activation": "relu", "init": "he",
              "weight_gain": 1.5, "lr": 0.5, "epochs": 20}


def check_clip_norm(fn) -> Answer:
    """``fn() -> clip_norm``: a threshold that keeps ``CLIP_SETUP`` (10 ReLU layers, He x1.5,
    lr 0.5, which diverges without clipping) from diverging AND lets it learn."""
    name = "clip_norm"
    value, why = _call(fn)
    attempted = why != STUB
    if why is not None and attempted:
        return Answer(False, f"{name}: {why}")
    if not attempted:
        value = 1.0
    if value is None:
        result = debugging.run({**CLIP_SETUP, "clip_norm": None})
        return Answer(False, f"{name}: None means no clipping, and then the run diverges "
                             f"(step {result.history.diverged_at}); return a number",
                      use=result)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        return Answer(False, f"{name}: return a positive number such as 1.0, got {value!r}")
    if not np.isfinite(value):
        return Answer(False, f"{name}: clip_norm={value!r} never clips (no norm is that large): "
                             "return a finite positive number such as 1.0")
    result = debugging.run({**CLIP_SETUP, "clip_norm": float(value)})
    note = "" if attempted else f" ({NOT_ATTEMPTED})"
    if result.learned:
        return Answer(attempted, f"{name}{note}: clip_norm={value:g} keeps the run finite and it"
                                 f" learns ✓ (validation accuracy {result.val_accuracy:.0%})",
                      use=result, attempted=attempted)
    if result.history.diverged:
        return Answer(False, f"{name}: clip_norm={value:g} still diverges (step "
                             f"{result.history.diverged_at}): a smaller threshold", use=result)
    if value < 0.05:
        return Answer(False, f"{name}: clip_norm={value:g} is so small that every step is tiny "
                             f"(at most lr x {value:g}); it no longer diverges but crawls "
                             f"(validation accuracy {result.val_accuracy:.0%})", use=result)
    return Answer(False, f"{name}: clip_norm={value:g} stops the divergence but the run does not "
                         f"learn (validation accuracy {result.val_accuracy:.0%}); try another "
                         f"threshold and look at the loss curve. {result.diagnosis}", use=result)


__all__ = [
    "check_layer_factor", "check_he_init", "check_sigmoid_std",
    "check_batchnorm_backward", "check_fix", "check_clip_norm", "REFERENCE_FIXES", "WRONG_FIXES",
    "reference_fix", "measured_ratio_with_std",
]
