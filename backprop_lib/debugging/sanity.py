"""Sanity checks before training: three cheap measurements that catch most broken setups before a
single epoch is wasted. Each returns ``Check(values, finding)``: the numbers it measured and a
``Finding`` (None when all is well). Each works on a copy: the model it looks at is not changed.

1. ``initial_loss_check``: before any training, a network that knows nothing should spread its
   probability evenly over the C classes, so its cross-entropy is about ln(C) (0.69 for two
   classes); small random logits z add about (1 - 1/C)·var(z)/2 to that (second order in z).
   Too far is more than ``INITIAL_LOSS_MARGIN`` = 1 nat above ln(C): exp(-loss) is the geometric
   mean of the probability given to the true class, so one nat more means the network gives the
   right class e ≈ 2.7 times less than an even guess would. It starts confidently wrong, and the
   first steps are spent undoing the init (weights too large, a gain on the init).
2. ``overfit_tiny_batch``: a network that works can memorize ~10 examples: Adam drives their loss
   near 0 within a couple of hundred steps, whatever the labels. If it cannot, no tuning of the
   full run will help: there is a bug, too little capacity, or no gradient reaching the weights.
3. ``update_ratios``: the size of one optimizer step relative to the weights, ||ΔW|| / ||W||, per
   layer. CS231n's rule of thumb is about 1e-3 for long runs. Measured on the lab's short runs (a
   few hundred steps, tests/test_debugging_sanity.py): lr 0.1 puts the median layer at about
   1e-2 and learns on every seed, lr 0.01 (about 1e-3) on fewer. So ``UPDATE_RATIO_TARGET`` here
   is 1e-2; a median above 1e-1 (each step moves the weights by a tenth of their size) means the
   lr is too large, and even the fastest layer below 1e-4 means it is too small. The fix scales
   the lr so that the median reaches the target (plain SGD's step is proportional to the lr).

Engine floor: numpy only.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validate import as_float_array, as_labels, as_rng, check_positive_int
from ..init import RECOMMENDED_INIT
from ..losses import softmax_cross_entropy
from ..optim import Adam, Optimizer
from .findings import Finding, all_finite, untouched

INITIAL_LOSS_MARGIN = 1.0      # nats above ln(C) that count as "too far"
TINY_BATCH = 10                # examples the network must be able to memorize
TINY_STEPS = 200               # Adam steps it gets to do so
TINY_LOSS_ABOVE = 0.05         # final loss above this: it could not (healthy nets reach ~1e-3)
UPDATE_RATIO_TARGET = 1e-2     # median ||ΔW||/||W|| per step that the lab's runs learn with
UPDATE_TOO_LARGE = 1e-1
UPDATE_TOO_SMALL = 1e-4


class Check(NamedTuple):
    """What a sanity check measured (``values``) and what it found (a Finding, or None)."""

    values: dict
    finding: Finding | None


def _data(model, X, y):
    X = as_float_array(X, "X")
    if X.shape[0] == 0:
        raise ValueError("X has no rows: a sanity check needs some examples")
    return X, as_labels(y, X.shape[0])


def _diverged(values) -> Check:
    return Check(values, Finding(
        "non_finite", "the weights contain NaN or inf: this model diverged",
        "rebuild the model and train with a smaller learning rate"))


def _setting(config, model, key):
    """A config entry, from the lab config if given, else from what ``mlp`` recorded."""
    if config is not None and key in config:
        return config[key]
    return (getattr(model, "config", None) or {}).get(key)


def initial_loss_check(model, X, y, config: dict | None = None) -> Check:
    """The softmax cross-entropy of ``model`` on (X, y) before training, against ln(C).

    ``values``: ``loss``, ``expected`` = ln(C), ``classes`` = C, ``excess`` = loss - ln(C).
    A finding "initial_loss" when the excess is above ``INITIAL_LOSS_MARGIN``.
    """
    X, y = _data(model, X, y)
    values = {"loss": np.nan, "expected": np.nan, "classes": None, "excess": np.nan}
    if not all_finite(model):
        return _diverged(values)
    probe = untouched(model)
    with np.errstate(all="ignore"):
        out = probe.forward(X)
        C = out.shape[1]
        loss = float(softmax_cross_entropy(out, y)[0]) if np.all(np.isfinite(out)) else np.inf
    expected = float(np.log(C))
    values = {"loss": loss, "expected": expected, "classes": C, "excess": loss - expected}
    if not loss - expected > INITIAL_LOSS_MARGIN:
        return Check(values, None)
    fix = {}
    if config is not None and config.get("weight_gain", 1.0) != 1.0:
        fix = {"weight_gain": 1.0}
    elif _setting(config, model, "activation") in RECOMMENDED_INIT:
        fix = {"init": RECOMMENDED_INIT[_setting(config, model, "activation")]}
    return Check(values, Finding(
        "initial_loss", f"initial loss {loss:.3g}, {loss - expected:.2g} above ln({C}) = "
        f"{expected:.3g}: the untrained network is confidently wrong (outputs too large)",
        "start from smaller weights: the init matched to the activation, with no extra gain", fix))


def overfit_tiny_batch(model, X, y, n: int = TINY_BATCH, steps: int = TINY_STEPS,
                       lr: float = 0.01, seed: int = 0) -> Check:
    """Train a copy of ``model`` on ``n`` random examples of (X, y) with Adam(lr), full batch.

    ``values``: ``n``, ``steps``, ``start`` and ``final`` loss. A finding "tiny_batch" when the
    final loss stays above ``TINY_LOSS_ABOVE``: the network cannot even memorize ``n`` examples.
    """
    X, y = _data(model, X, y)
    n = min(check_positive_int(n, "n", minimum=2), X.shape[0])
    steps = check_positive_int(steps, "steps")
    values = {"n": n, "steps": steps, "start": np.nan, "final": np.nan}
    if not all_finite(model):
        return _diverged(values)
    rows = as_rng(seed).choice(X.shape[0], n, replace=False)
    Xs, ys = X[rows], y[rows]
    probe = untouched(model).train()             # memorizing is training: batch statistics
    optimizer = Adam(lr)
    losses = []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            out = probe.forward(Xs)
            if not np.all(np.isfinite(out)):
                losses.append(np.inf)
                break
            value, dout = softmax_cross_entropy(out, ys)
            losses.append(float(value))
            probe.backward(dout)
            optimizer.step(probe.parameters())
    values.update(start=losses[0], final=losses[-1])
    if losses[-1] < TINY_LOSS_ABOVE:
        return Check(values, None)
    return Check(values, Finding(
        "tiny_batch", f"cannot overfit {n} examples: loss {losses[0]:.3g} -> {losses[-1]:.3g} "
        f"after {len(losses)} Adam steps (a working network drives it near 0)",
        "it cannot even memorize: look for a bug (labels, a layer), too little capacity, or "
        "no gradient reaching the weights (the findings above)"))


def update_ratios(model, X, y, optimizer: Optimizer, batch_size: int = 32,
                  seed: int = 0) -> Check:
    """One optimizer step on a copy of ``model`` (and of ``optimizer``): ||ΔW|| / ||W|| for
    every Dense layer, on a random batch of (X, y).

    ``values``: ``layers`` (names), ``ratio`` (per layer), ``median``, ``max``, ``lr``. A
    finding "update_ratio" when the median is above ``UPDATE_TOO_LARGE`` (lr too large) or the
    largest is below ``UPDATE_TOO_SMALL`` but above 0 (lr too small; judged on the fastest layer
    so that a gradient vanishing in the early layers is not taken for a small lr). Its fix
    scales the lr so that the median becomes ``UPDATE_RATIO_TARGET``.
    """
    X, y = _data(model, X, y)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a backprop_lib optimizer such as bp.SGD(0.1), got "
                        f"{type(optimizer).__name__}")
    batch_size = min(check_positive_int(batch_size, "batch_size"), X.shape[0])
    names = [layer.name for layer in model.dense_layers()]
    values = {"layers": names, "ratio": np.full(len(names), np.nan), "median": np.nan,
              "max": np.nan, "lr": optimizer.lr}
    if not all_finite(model):
        return _diverged(values)
    probe, step = untouched(model, optimizer)
    rows = as_rng(seed).choice(X.shape[0], batch_size, replace=False)
    with np.errstate(all="ignore"):
        out = probe.forward(X[rows])
        if not np.all(np.isfinite(out)):
            return _diverged(values)
        probe.backward(softmax_cross_entropy(out, y[rows])[1])
        before = [dense.W.value.copy() for dense in probe.dense_layers()]
        try:
            step.step(probe.parameters())
        except FloatingPointError:                   # a NaN gradient: nothing was updated
            return _diverged(values)
        ratio = []
        for dense, W in zip(probe.dense_layers(), before):
            moved, size = np.linalg.norm(dense.W.value - W), np.linalg.norm(W)
            ratio.append(moved / size if size > 0 else (np.inf if moved > 0 else 0.0))
    ratio = np.array(ratio)
    median, largest = float(np.median(ratio)), float(np.max(ratio))
    values.update(ratio=ratio, median=median, max=largest)
    lr = optimizer.lr
    if median > UPDATE_TOO_LARGE and np.isfinite(median):
        new_lr = float(f"{lr * UPDATE_RATIO_TARGET / median:.2g}")
        return Check(values, Finding(
            "update_ratio", f"one step changes the weights by {median:.2g} of their size "
            f"(median layer; about {UPDATE_RATIO_TARGET:g} learns): lr {lr:g} is too large",
            f"lower the learning rate to about {new_lr:g}", {"lr": new_lr}))
    if 0 < largest < UPDATE_TOO_SMALL:
        new_lr = float(f"{lr * UPDATE_RATIO_TARGET / max(median, 1e-300):.2g}")
        return Check(values, Finding(
            "update_ratio", f"one step changes even the fastest layer's weights by only "
            f"{largest:.2g} of their size: lr {lr:g} is too small",
            f"raise the learning rate to about {new_lr:g}", {"lr": new_lr}))
    return Check(values, None)


__all__ = ["Check", "initial_loss_check", "overfit_tiny_batch", "update_ratios",
           "INITIAL_LOSS_MARGIN", "TINY_LOSS_ABOVE", "UPDATE_RATIO_TARGET", "UPDATE_TOO_LARGE",
           "UPDATE_TOO_SMALL"]
