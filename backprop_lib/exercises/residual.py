"""Checkers for notebook 10 (residual connections).

- ``check_residual_backward``: ``residual_backward(dY, X, W, b, s) -> (dX, dW, db)`` for the
  block Y = X + s·tanh(X·W + b). Forgetting the identity path's gradient is the classic bug.
- ``check_forward_growth``: ``mean_square_after(q0, c, s, blocks)``: the mean square of the
  signal after each block of a residual stack whose (normalized, zero-mean) branch has mean
  square c: q0 + k·s²·c.
- ``check_fix``: ``fix(config) -> config`` that makes the broken 30-layer network learn the
  digits within 150 steps; measured by training it on three seeds.

Learner functions run through the safe runner (copied inputs, a time limit, bounded printing,
every exception caught); each message names the mistake. Engine floor: numpy only.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import deep
from ..activations import ACTIVATIONS
from ..init import INITIALIZERS
from ..normalization import NORMS
from .feedback import STUB, Answer, as_array, attempt, explain, fall_back, not_attempted


# =========================================================================== the backward pass
def reference_residual_backward(dY, X, W, b, s):
    """Y = X + s·A with A = tanh(Z), Z = X·W + b. Backward, mirroring the forward:"""
    A = np.tanh(X @ W + b)
    dA = s * dY                          # dL/dA = s · dL/dY        (the branch's share)
    dZ = dA * (1 - A * A)                # dL/dZ = dL/dA · tanh'(Z)
    dW = X.T @ dZ                        # dL/dW = X^T · dL/dZ
    db = dZ.sum(axis=0)                  # dL/db = Σ_rows dL/dZ
    dX = dY + dZ @ W.T                   # dL/dX = dL/dY (identity path) + dL/dZ · W^T
    return dX, dW, db


def _backward_cases():
    rng = np.random.default_rng(10)
    cases = []
    for n, width, s in ((5, 4, 0.5), (3, 6, 1.0), (7, 3, 0.2)):
        cases.append((rng.normal(size=(n, width)), rng.normal(size=(n, width)),
                      rng.normal(0, 0.6, (width, width)), rng.normal(0, 0.3, width), s))
    return cases


def _backward_mistakes(dY, X, W, b, s):
    Z = X @ W + b
    A = np.tanh(Z)
    slope = 1 - A * A
    dZ = s * dY * slope
    return {
        "dX": {
            "the identity path's gradient is missing: Y = X + s·F(X), so dL/dX = dL/dY + "
            "(the branch's gradient); you returned the branch's part only": dZ @ W.T,
            "only the identity path: add the branch's gradient dL/dZ · W^T": dY,
            "s multiplies only the branch: dL/dX = dL/dY + s·(...), not s·(dL/dY + ...)":
                s * (dY + (dY * slope) @ W.T),
            "the branch's gradient lacks s (Y = X + s·F(X): the branch receives s·dL/dY)":
                dY + (dY * slope) @ W.T,
            "tanh's derivative is missing: dL/dZ = dL/dA · (1 - tanh(Z)²)": dY + s * dY @ W.T,
            "tanh'(Z) = 1 - tanh(Z)², not 1 - Z²": dY + (s * dY * (1 - Z * Z)) @ W.T,
            "multiplied by W instead of W^T (dL/dX = dL/dZ · W^T)": dY + dZ @ W,
            "tanh's slope taken at the block's output Y = X + s·A; it belongs to the branch: "
            "1 - A² with A = tanh(Z)": dY + (s * dY * (1 - (X + s * A) ** 2)) @ W.T,
            "A·(1 - A) is the sigmoid's slope; tanh's is 1 - A²": dY + (s * dY * A * (1 - A)) @ W.T,
        },
        "dW": {
            "dW lacks s: the branch receives s·dL/dY": X.T @ (dY * slope),
            "dW includes the identity path's gradient: only the branch has weights, so only "
            "dL/dZ flows into W": X.T @ (dY + dZ),
            "dW skips tanh's derivative: dL/dW = X^T · dL/dZ": X.T @ (s * dY),
        },
        "db": {
            "db averages over the batch; the bias is added to every row, so its gradient is "
            "the SUM over rows": dZ.mean(axis=0),
            "db lacks s: the branch receives s·dL/dY": (dY * slope).sum(axis=0),
        },
    }


def check_residual_backward(fn) -> Answer:
    """Run ``fn(dY, X, W, b, s)`` on three blocks and name the first mistake."""
    title = "residual_backward"
    ref = reference_residual_backward
    for k, (dY, X, W, b, s) in enumerate(_backward_cases()):
        where = f"block {k + 1} (X {X.shape}, s = {s})"
        got, why = attempt(fn, dY, X, W, b, s)
        if why == STUB:
            return not_attempted(title, ref)
        if why:
            return fall_back(ref, f"on {where}: {why}", title)
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            return fall_back(ref, f"on {where}: return three arrays, dX, dW, db (as "
                                  "`return dX, dW, db`)", title)
        expected = ref(dY, X, W, b, s)
        shapes = [np.shape(v) for v in got]
        if shapes != [np.shape(e) for e in expected] and sorted(map(str, shapes)) == sorted(
                str(np.shape(e)) for e in expected):
            return fall_back(ref, f"on {where}: the three arrays are in the wrong order (their "
                                  f"shapes are {shapes}): return dX, dW, db", title)
        mistakes = _backward_mistakes(dY, X, W, b, s)
        for name, value, right in zip(("dX", "dW", "db"), got, expected):
            verdict = explain(name, value, right, mistakes[name], rtol=1e-6, atol=1e-9)
            if not verdict.ok:
                return fall_back(ref, f"on {where}: {verdict}", title)
    return Answer(True, f"{title}: correct ✓ (dL/dX = dL/dY through the identity path plus "
                        "the branch's dL/dZ · W^T)", use=fn)


# =========================================================================== the forward growth
def reference_mean_square_after(q0, c, s, blocks):
    """q_k = q0 + k·s²·c for k = 1..blocks: each block adds its branch's s²·c."""
    return q0 + s ** 2 * c * np.arange(1, blocks + 1)


def _growth_mistakes(q0, c, s, blocks):
    k = np.arange(1, blocks + 1)
    with np.errstate(all="ignore"):
        return {
            "s is not squared: the branch s·F has mean square s²·c": q0 + s * c * k,
            "each block adds its own s²·c: after k blocks the signal holds k of them, not "
            "one": np.full(blocks, q0 + s ** 2 * c),
            "the mean squares ADD (the branch is uncorrelated with its input): "
            "q0 + k·s²·c, not a product": q0 * (1 + s ** 2 * c) ** k,
            "you added the RMS (standard deviations); uncorrelated signals add their "
            "variances (mean squares)": (np.sqrt(q0) + k * s * np.sqrt(c)) ** 2,
            "the input's q0 passes through every identity path: add it": k * s ** 2 * c,
            "off by one: after the FIRST block one s²·c has been added (k = 1..blocks)":
                q0 + s ** 2 * c * (k - 1),
            "those are RMS values (square roots); the exercise asks for the mean squares":
                np.sqrt(q0 + s ** 2 * c * k),
            "c is already a mean square: only s is squared, s²·c, not (s·c)²":
                q0 + (s * c) ** 2 * k,
            "the branch scale s is missing: the branch adds s²·c, not c": q0 + c * k,
            "the normalized branch adds s²·c whatever the signal: q0 is added once, not "
            "multiplied": q0 * (1 + s ** 2 * c * k),
            "that is s = 1/√blocks; use the s you are given": q0 + c * k / blocks,
            "the order is reversed: entry k-1 is the mean square after block k":
                (q0 + s ** 2 * c * k)[::-1],
        }


def check_forward_growth(fn) -> Answer:
    """Run ``fn(q0, c, s, blocks)`` and name the mistake."""
    title = "mean_square_after"
    ref = reference_mean_square_after
    for q0, c, s, blocks in ((1.0, 0.39, 0.5, 10), (0.8, 0.5, 1.0, 20), (2.0, 0.29, 0.1, 6)):
        where = f"q0={q0}, c={c}, s={s}, blocks={blocks}"
        got, why = attempt(fn, q0, c, s, blocks)
        if why == STUB:
            return not_attempted(title, ref)
        if why:
            return fall_back(ref, f"for {where}: {why}", title)
        value, why = as_array(got, f"for {where}")
        if why:
            return fall_back(ref, why, title)
        if value.ndim == 0:
            return fall_back(ref, f"for {where}: one number; return one mean square per block "
                                  f"(an array of {blocks})", title)
        if value.shape == (blocks + 1,) and np.isclose(value[0], q0) and np.allclose(
                value[1:], ref(q0, c, s, blocks)):
            return fall_back(ref, f"for {where}: {blocks + 1} values starting with the input's "
                                  f"q0; return the {blocks} values after each block (leave "
                                  "q0 out)", title)
        verdict = explain("the mean squares", value, ref(q0, c, s, blocks),
                          _growth_mistakes(q0, c, s, blocks))
        if not verdict.ok:
            return fall_back(ref, f"for {where}: {verdict}", title)
    return Answer(True, f"{title}: correct ✓ (q0 + k·s²·c: each block adds its branch's "
                        "mean square)", use=fn)


# =========================================================================== the remedies
BROKEN = {"depth": 30, "activation": "sigmoid", "init": "standard", "norm": None,
          "residual": False}
FIX_STEPS, FIX_SEEDS, FIX_PASS = 150, (0, 1, 2), 0.6
OPTIONS = {"activation": list(ACTIVATIONS), "init": list(INITIALIZERS),
           "norm": [None, *NORMS], "residual": [False, True]}


def reference_fix(config):
    return {**config, "activation": "relu", "init": "he", "norm": "batch", "residual": True}


@lru_cache(maxsize=64)
def _measure(activation, init, norm, residual):
    options = dict(activation=activation, init=init, norm=norm, residual=residual)
    accs = np.array([deep.train_digits(BROKEN["depth"], FIX_STEPS, seed=s, **options)[0]
                     for s in FIX_SEEDS])
    ratio = deep.first_to_last(deep.delta_profile(BROKEN["depth"], activation, residual, norm,
                                                  init=init))
    return accs, ratio


def _validate(got):
    if not isinstance(got, dict):
        return None, (f"return the config as a dict, such as {{**config, 'residual': True}}; "
                      f"got {type(got).__name__}")
    unknown = sorted(str(k) for k in got if k not in BROKEN)
    if unknown:
        return None, (f"unknown option {unknown[0]!r}: choose among {sorted(BROKEN)} (the "
                      "learning rate and the step budget are fixed)")
    config = {**BROKEN, **got}
    for key in ("activation", "init", "norm"):       # "ReLU" and "none" (the explorer's spelling)
        if isinstance(config[key], str):
            config[key] = config[key].lower()
    if config["norm"] == "none":
        config["norm"] = None
    if config["depth"] != BROKEN["depth"]:
        return None, (f"keep 30 hidden layers (you asked for depth {config['depth']!r}): a "
                      "shallower network is not a remedy for a deep one")
    for key, allowed in OPTIONS.items():
        if not any(config[key] is a or (isinstance(a, str) and config[key] == a)
                   for a in allowed):
            return None, f"{key} must be one of {allowed}, got {config[key]!r}"
    return config, None


def check_fix(fn) -> Answer:
    """``fn(config)`` returns a changed config; train it on the digits (3 seeds) and say how
    far it got, naming what is still wrong."""
    title = "fix"
    got, why = attempt(fn, dict(BROKEN))
    if why == STUB:
        return not_attempted(title, reference_fix)
    if why:
        return fall_back(reference_fix, why, title)
    config, why = _validate(got)
    if why:
        return fall_back(reference_fix, why, title)
    changes = {k: v for k, v in config.items() if BROKEN[k] != v}
    if not changes:
        return fall_back(reference_fix, "the config is unchanged: the broken network stays "
                                        "at chance; change at least one option", title)
    accs, ratio = _measure(config["activation"], config["init"], config["norm"],
                           bool(config["residual"]))
    told = (f"with {changes} the 30-layer network reached {np.median(accs):.0%} test accuracy "
            f"(min {accs.min():.0%}, max {accs.max():.0%} over {len(accs)} seeds) after "
            f"{FIX_STEPS} steps")
    if accs.min() >= FIX_PASS:
        return Answer(True, f"{title}: correct ✓ {told}", use=fn)
    hint = ""
    if ratio < 1e-2:
        hint = (f"; at the start the error reaching layer 1 is {ratio:.1g} x the last hidden "
                "layer's: it vanishes on the way back")
    elif not config["residual"]:
        hint = ("; the error reaches the first layer at the start, but 150 steps through 30 "
                "plain layers are not enough here")
    return fall_back(reference_fix, f"{told}: it did not reach {FIX_PASS:.0%} on every "
                                    f"seed{hint}", title)


__all__ = ["BROKEN", "check_fix", "check_forward_growth", "check_residual_backward",
           "reference_fix", "reference_mean_square_after", "reference_residual_backward"]
