"""Very deep networks, measured: the backpropagated error per layer with and without residual
blocks (with theory beside it), and the accuracy reached after a fixed budget of steps for each
of the course's remedies, as depth grows (notebook 10).

Every function here computes numbers; ``backprop_lib.plots.residual`` draws them.
Engine floor: numpy only.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np

from . import theory
from ._validate import check_positive_int, unknown_name
from .activations import ACTIVATIONS
from .datasets import load_digits, standardize, train_test_split
from .losses import accuracy, softmax_cross_entropy
from .network import dense_blocks, mlp
from .optim import SGD
from .residual import Residual, block_rms
from .signals import slope_gain
from .train import train

WIDTH = 32              # units per hidden layer in this lesson's experiments
INPUTS, CLASSES = 16, 4  # the random classification task of the profiles


def hidden_sizes(depth: int, width: int = WIDTH, inputs: int = INPUTS, classes: int = CLASSES):
    """[inputs, width x depth, classes]: ``depth`` hidden layers."""
    depth = check_positive_int(depth, "depth")
    return [inputs] + [width] * depth + [classes]


def scaled_branch(depth: int) -> float:
    """s = 1/sqrt(blocks): the branch scale that keeps a residual stack's growth bounded."""
    return float(max(depth - 1, 1)) ** -0.5


def build(depth: int, activation: str = "tanh", init: str | None = None, norm=None,
          residual: bool = False, seed: int = 0, width: int = WIDTH, inputs: int = INPUTS,
          classes: int = CLASSES):
    """``mlp`` with ``depth`` hidden layers; residual blocks get s = 1/sqrt(blocks)."""
    if activation not in ACTIVATIONS:
        raise unknown_name("activation", activation, ACTIVATIONS)
    return mlp(hidden_sizes(depth, width, inputs, classes), activation=activation, init=init,
               norm=norm, seed=seed, residual=bool(residual),
               branch_scale=scaled_branch(depth) if residual else 1.0)


def _task(n: int, seed: int, inputs: int = INPUTS, classes: int = CLASSES):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, inputs)), rng.integers(0, classes, n)


def delta_profile(depth: int, activation: str = "tanh", residual: bool = False, norm=None,
                  init: str | None = None, n: int = 256, seed: int = 0) -> dict:
    """One forward and backward pass of a fresh network on random inputs (no weight changes):
    per hidden Dense layer, first to last, the measured RMS of dL/dZ (``measured``) and what
    theory predicts from the last hidden layer's value (``theory``; NaN where theory does not
    apply: with normalization, and at the first layer of a residual network, which is not a
    block), with the measured E[f'(Z)²] in place of its value at Z = 0."""
    model = build(depth, activation, init, norm, residual, seed)
    X, y = _task(n, seed)
    with model.restoring_state():                    # one forward and backward pass
        _, dout = softmax_cross_entropy(model.forward(X), y)
        model.backward(dout, input_grad=False)
        grads = model.leaf_output_grads()
        measured = np.array([np.sqrt(np.mean(grads[i] ** 2))     # RMS of dL/dZ
                             for i, _, act in dense_blocks(model) if act is not None])
        gains = slope_gain(model)
    init = model.config["init"]
    predicted = np.full(depth, np.nan)
    if norm is None and depth >= 2:
        if residual:
            predicted[1:] = theory.residual_delta_rms(
                activation, init, WIDTH, depth - 1, branch_scale=scaled_branch(depth),
                last_rms=measured[-1], gains=gains[1:])
        else:
            predicted[:] = theory.predicted_delta_rms(model.config["sizes"], activation, init,
                                                      last_hidden_rms=measured[-1], gains=gains)
    return {"measured": measured, "theory": predicted, "layer": np.arange(1, depth + 1)}


@lru_cache(maxsize=256)
def cached_profile(depth: int, activation: str, residual: bool, norm, n: int = 128) -> dict:
    """``delta_profile`` on ``n`` points, remembered per setting (the explorer asks for the
    same ones again)."""
    return delta_profile(depth, activation, residual, norm, n=n)


def backward_terms(depth: int, activation: str = "relu", n: int = 256, seed: int = 0) -> dict:
    """Where the residual formula's factor comes from, block by block (last block first, as
    the error travels). Going back through a block, dL/dX = dL/dY + B with B the branch's
    gradient, so E[(dL/dX)²] / E[(dL/dY)²] = 1 + ``cross`` + ``branch``, with
    ``branch`` = E[B²] / E[(dL/dY)²] (the term the formula predicts) and
    ``cross`` = 2·E[dL/dY ⊙ B] / E[(dL/dY)²] (the term it takes as 0: B uncorrelated with
    dL/dY). One forward and backward pass of a fresh residual network; look only."""
    model = build(depth, activation, None, None, True, seed)
    X, y = _task(n, seed)
    cross, branch = [], []
    with model.restoring_state():
        _, d = softmax_cross_entropy(model.forward(X), y)
        for layer in reversed(model.layers):       # backward by hand, to see each block's sum
            d_in = layer.backward(d)
            if isinstance(layer, Residual):
                B = d_in - d                       # the branch's share of dL/dX
                scale = np.mean(d * d)
                cross.append(2 * np.mean(d * B) / scale)
                branch.append(np.mean(B * B) / scale)
            d = d_in
    return {"cross": np.array(cross), "branch": np.array(branch)}


def first_to_last(profile: dict) -> float:
    """RMS of dL/dZ at the first hidden layer over the last one's: < 1 means it vanished."""
    m = profile["measured"]
    return float(m[0] / m[-1])


def forward_growth(activation: str = "tanh", norm=None, branch_scale: float = 1.0,
                   blocks: int = 50, width: int = 128, n: int = 256, seed: int = 0) -> dict:
    """The RMS of the residual stream after each of ``blocks`` blocks of a fresh network
    (``measured``, one forward pass on random inputs) and ``theory.residual_moments``'
    prediction from the first block's input (``theory``); ``block`` numbers them 1..blocks."""
    model = mlp([INPUTS] + [width] * (blocks + 1) + [CLASSES], activation=activation,
                norm=norm, residual=True, branch_scale=branch_scale, seed=seed)
    X = np.random.default_rng(seed).normal(size=(n, INPUTS))
    measured = block_rms(model, X)                 # look only: restores the model's state
    with model.restoring_state():
        model.forward(X)
        first = next(i for i, layer in enumerate(model.layers) if isinstance(layer, Residual))
        A = model.outputs[first - 1]                # what the first block receives
    predicted = theory.residual_moments(activation, model.config["init"], width, blocks,
                                        norm=norm, branch_scale=branch_scale, mean=A.mean(),
                                        mean_square=np.mean(A * A))["rms"]
    return {"measured": measured, "theory": predicted, "block": np.arange(1, blocks + 1),
            "input_rms": float(np.sqrt(np.mean(A * A)))}


# --------------------------------------------------------------------------- real data
@lru_cache(maxsize=1)
def digits(seed: int = 0):
    """The digits, split 75/25 and standardized: X_train, X_test, y_train, y_test."""
    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, seed=seed)
    X_train, X_test = standardize(X_train, X_test)
    return X_train, X_test, y_train, y_test


#: the remedies of the capstone figure: label -> build options (the plain network first)
REMEDIES = {
    "plain (sigmoid, uniform ±1/sqrt(n))": dict(activation="sigmoid", init="standard"),
    "better activation (ReLU)": dict(activation="relu", init="standard"),
    "better init (Xavier)": dict(activation="sigmoid", init="xavier"),
    "normalization (BatchNorm)": dict(activation="sigmoid", init="standard", norm="batch"),
    "residual": dict(activation="sigmoid", init="standard", residual=True),
    "ReLU + He": dict(activation="relu", init="he"),
    "all: ReLU + He + BatchNorm + residual": dict(activation="relu", init="he", norm="batch",
                                                  residual=True),
}


def train_digits(depth: int, steps: int = 150, seed: int = 0, lr: float = 0.02,
                 momentum: float = 0.9, batch_size: int = 64, **options):
    """Train ``build(depth, **options)`` on the digits for ``steps`` steps of SGD with
    momentum (``bp.train``, batches shuffled with ``seed``); returns (test accuracy, History).
    The History holds every layer's statistics at every step: the gradient profile during
    training. A run that diverges scores chance (0.1)."""
    X_train, X_test, y_train, y_test = digits()
    model = build(depth, seed=seed, inputs=64, classes=10, **options)
    per_epoch = -(-len(X_train) // batch_size)
    left = {"steps": steps}

    def stop_after_budget(step):
        left["steps"] -= 1
        return left["steps"] > 0

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # a diverged run: history.diverged
        history = train(model, X_train, y_train, optimizer=SGD(lr=lr, momentum=momentum),
                        epochs=-(-steps // per_epoch), batch_size=batch_size, seed=seed,
                        callback=stop_after_budget)
        model.eval()
        out = model.forward(X_test)
    acc = accuracy(out, y_test) if np.all(np.isfinite(out)) else 0.1
    return float(acc), history


def depth_sweep(depths=(2, 10, 30), remedies=None, seeds=range(5), steps: int = 150):
    """The capstone: for each remedy (label -> build options) and depth, the test accuracy on
    the digits after ``steps`` steps, one per seed. Returns {label: array (depths, seeds)}."""
    remedies = REMEDIES if remedies is None else remedies
    seeds = list(seeds)
    return {label: np.array([[train_digits(d, steps, seed=s, **options)[0] for s in seeds]
                             for d in depths])
            for label, options in remedies.items()}


__all__ = ["REMEDIES", "WIDTH", "backward_terms", "build", "cached_profile", "delta_profile",
           "depth_sweep", "digits", "first_to_last", "forward_growth", "hidden_sizes",
           "scaled_branch", "train_digits"]
