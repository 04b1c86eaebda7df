"""Checkers for notebook 09 (normalization): BatchNorm's backward pass in training mode,
repairing the broken networks of ``debugging.BROKEN``, and a clipping threshold that keeps a
diverging run finite and lets it learn.

Each ``check_*`` runs the learner's function, compares it with the reference and with the typical
mistakes (written out below as code), and returns an ``Answer`` (see ``feedback``) whose message
names the mistake. ``remedies`` imports every name here, so ``exercises.remedies`` still holds
every checker of 08 and 09. Engine floor: numpy only.
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import debugging
from .feedback import NOT_ATTEMPTED, STUB, Answer, attempt, explain, not_attempted


def _call(fn, *args):
    """(value, None), or (None, message) when the learner's function raised."""
    return attempt(fn, *args)


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
    "batchnorm_backward_reference", "check_batchnorm_backward", "REFERENCE_FIXES", "reference_fix",
    "WRONG_FIXES", "check_fix", "CLIP_SETUP", "check_clip_norm",
]
