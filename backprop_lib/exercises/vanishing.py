"""Checkers for notebook 07 (vanishing gradients): theory's ratio for a given depth, the
measured factor per layer from a gradient profile, and which layer stopped learning.

Each ``check_*`` returns an ``Answer`` (see ``feedback``: ``ok``, a ``message`` naming the
mistake, and ``use``: the learner's function when right, otherwise the reference so the notebook
still runs).
"""

from __future__ import annotations

import numpy as np

from .. import theory
from ..history import History
from .feedback import (
    Answer,
    as_array,
    attempt_number,
    call,
    diagnose,
    fall_back,
    number,
    whole_number,
)

# ------------------------------------------------------------------ 1. predicted ratio


def reference_predicted_ratio(activation, init, width, depth):
    """Theory's RMS of dL/dZ at the first hidden layer divided by that at the last one, for
    ``depth`` hidden layers of ``width`` units: (depth - 1) steps back, each multiplying the RMS
    by sqrt(width · Var(W) · E[f'²])."""
    factor = np.sqrt(width * theory.weight_variance(init, width, width)
                     * theory.derivative_gain(activation))
    return float(factor ** (depth - 1))


RATIO_CASES = [("sigmoid", "standard", 100, 10), ("tanh", "standard", 32, 5),
               ("sigmoid", "xavier", 50, 4), ("relu", "xavier", 64, 8)]


def check_predicted_ratio(fn) -> Answer:
    """Run ``fn(activation, init, width, depth)`` on a few networks and compare with theory."""
    title = "predicted_ratio"
    for case in RATIO_CASES:
        got, wrong = attempt_number(fn, case, number, "a number", reference_predicted_ratio, title)
        if wrong is not None:
            return wrong
        expected = reference_predicted_ratio(*case)
        if np.isclose(got, expected, rtol=1e-6, atol=0.0):
            continue
        act, init, width, depth = case
        factor = expected ** (1 / (depth - 1))
        where = f"for {act}/{init}, width {width}, {depth} hidden layers"
        hints = [
            (factor ** depth, "one factor too many: from the last hidden layer back to the first "
                              "there are depth - 1 steps, not depth"),
            (factor ** (2 * (depth - 1)), "this is the ratio of the VARIANCES; the RMS is its "
                                          "square root"),
            (1 / expected, "upside down: the first layer's RMS divided by the last's is small "
                           "when gradients vanish"),
            (np.sqrt(width * theory.weight_variance(init, width, width)
                     * np.sqrt(theory.derivative_gain(act))) ** (depth - 1),
             "E[f'²] is the SQUARE of the slope: for a sigmoid (1/4)² = 1/16"),
            (factor ** (depth - 2), "one factor too few: from the last hidden layer back to the "
                                    "first there are depth - 1 steps"),
            (np.sqrt(theory.weight_variance(init, width, width)
                     * theory.derivative_gain(act)) ** (depth - 1),
             "the width is missing: each entry of the error sums `width` terms (weight × "
             "error), so the variance is multiplied by width · Var(W) · E[f'²]"),
            (np.sqrt(width * theory.weight_variance(init, width, width)) ** (depth - 1),
             "the activation is missing: every layer back the error also passes through f', "
             "so multiply by E[f'²] = theory.derivative_gain(activation)"),
        ]
        for value, hint in hints:
            if np.isclose(got, value, rtol=1e-6, atol=0.0):
                return fall_back(reference_predicted_ratio, f"{where}: got {got:.4g}, expected "
                                                            f"{expected:.4g}: {hint}", title)
        return fall_back(reference_predicted_ratio,
                         f"{where}: got {got:.4g}, expected {expected:.4g}; per layer the RMS is "
                         "multiplied by sqrt(width · Var(W) · E[f'²])", title)
    return Answer(True, "predicted_ratio: correct ✓", use=fn)


# ------------------------------------------------------------------ 2. measured factors


def reference_measured_factors(profile):
    """From a ``bp.gradient_profile``: for each hidden layer but the last, its RMS of dL/dZ
    divided by that of the hidden layer after it (one step back). Shape (hidden - 1,)."""
    hidden = np.asarray(profile["delta_rms"], dtype=float)[:-1]     # drop the output layer
    return hidden[:-1] / hidden[1:]


def _profile(delta_rms):
    return {"delta_rms": np.asarray(delta_rms, dtype=float), "layers": []}


def check_measured_factors(fn) -> Answer:
    """Run ``fn(profile)`` on a made-up profile with 5 hidden layers and an output layer."""
    title = "measured_factors"
    profile = _profile([0.001, 0.004, 0.02, 0.05, 0.2, 1.0])
    got, answer = call(fn, profile, reference=reference_measured_factors, title=title)
    if answer is not None:
        return answer
    expected = reference_measured_factors(profile)
    verdict = diagnose("measured factors", got, expected)
    if verdict:
        return Answer(True, "measured_factors: correct ✓", use=fn)
    g, _ = as_array(got)
    d = profile["delta_rms"]
    if g is not None and g.shape == expected.shape and np.allclose(g, 1 / expected):
        msg = ("upside down: divide the EARLIER layer's RMS by the later one's, so that a "
               "vanishing gradient gives factors below 1")
    elif g is not None and g.shape == (len(d) - 1,) and np.allclose(
            g, d[:-1] / d[1:]):
        msg = ("one factor too many: the last value compares the last hidden layer with the "
               "OUTPUT layer, which has no activation; drop profile['delta_rms'][-1] first")
    elif g is not None and g.shape == expected.shape and np.allclose(g, d[1:-1] / d[2:]):
        msg = ("shifted by one layer: you skipped the first hidden layer and divided the last "
               "hidden layer by the OUTPUT layer; drop only profile['delta_rms'][-1]")
    elif g is not None and g.shape == expected.shape and np.allclose(
            np.abs(g), np.abs(np.log(expected))):
        msg = ("these are logarithms of the factors; a factor is the plain ratio, one RMS "
               "divided by the next (below 1 when the error shrinks)")
    elif g is not None and g.shape == expected.shape and (
            np.allclose(g, d[:-2] - d[1:-1]) or np.allclose(g, d[1:-1] - d[:-2])):
        msg = ("these are differences: a factor is a ratio, the RMS of one layer DIVIDED by "
               "that of the layer after it")
    else:
        msg = verdict.message
    return fall_back(reference_measured_factors, msg, title)


# ------------------------------------------------------------------ 3. which layer stalled


def reference_stalled_layer(history):
    """The layer (counted from 1) whose weight-gradient norm, median over all steps, is the
    smallest: the one gradient descent hardly moves."""
    return int(np.argmin(np.median(np.asarray(history.grad_norm), axis=0))) + 1


def _grad_history(grad_norm):
    grad_norm = np.asarray(grad_norm, dtype=float)
    h = History(layers=[f"dense{j + 1}" for j in range(grad_norm.shape[1])])
    h.grad_norm = grad_norm
    h.loss = np.linspace(1, 0.5, grad_norm.shape[0])
    return h


def _stall_cases():
    rng = np.random.default_rng(0)
    steps = 40
    noise = np.exp(0.3 * rng.standard_normal((steps, 4)))
    a = np.array([1e-5, 1e-3, 1e-2, 1e-1]) * noise                 # vanishing: layer 1
    b = np.array([0.2, 0.3, 1e-4, 0.5]) * noise                      # a dead layer 3
    b[:3, 2] = 0.4                                                   # ... that died early on
    c = np.array([0.01, 0.5, 0.3, 0.4]) * noise                      # layer 1 stalls, but ...
    c[10, 2] = 1e-7                                                  # one step of layer 3 and
    c[-1, 3] = 1e-4                                                  # the last of layer 4 dip
    return [_grad_history(a), _grad_history(b), _grad_history(c)]


def check_stalled_layer(fn) -> Answer:
    """Run ``fn(history)`` on three made-up histories: vanishing gradients (layer 1 stalls), a
    layer that died after a few steps (layer 3), and layer 1 stalling while single steps of
    other layers dip lower (so one step, or the smallest entry, points at the wrong layer)."""
    title = "stalled_layer"
    for h in _stall_cases():
        got, wrong = attempt_number(fn, (h,), whole_number, "a whole layer number",
                                    reference_stalled_layer, title)
        if wrong is not None:
            return wrong
        expected = reference_stalled_layer(h)
        if got == expected:
            continue
        typical = np.median(h.grad_norm, axis=0)
        if got == expected - 1:
            msg = (f"got {got}, expected {expected}: off by one; np.argmin counts from 0, "
                   "layers from 1")
        elif got in (int(np.argmax(typical)), int(np.argmax(typical)) + 1):
            msg = (f"got {got}, expected {expected}: that is the layer that learns the MOST; "
                   "a stalled layer has the smallest gradient (argmin)")
        elif got > h.grad_norm.shape[1]:
            msg = (f"got {got}, but there are only {h.grad_norm.shape[1]} layers: grad_norm has "
                   "shape (steps, layers), so take the median over axis=0 (the steps)")
        elif got == int(np.argmin(h.grad_norm[-1])) + 1:
            msg = (f"got {got}, expected {expected}: that is the smallest gradient at the LAST "
                   "step only; compare each layer's typical gradient (median over the steps, "
                   "axis=0), not a single step")
        elif got == int(np.argmin(h.grad_norm.min(axis=0))) + 1:
            msg = (f"got {got}, expected {expected}: that layer has the single smallest entry "
                   "(one step's dip); compare each layer's typical gradient (median over the "
                   "steps, axis=0), not a single step")
        else:
            msg = (f"got {got}, expected {expected}: compare each layer's typical gradient "
                   "(median over the steps, axis=0), not a single step")
        return fall_back(reference_stalled_layer, msg, title)
    return Answer(True, "stalled_layer: correct ✓", use=fn)
