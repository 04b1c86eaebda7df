"""Notebook 04's backward exercises inside a network: layers whose backward is the learner's
function (called through ``run``: copies, a time limit, errors caught), and
``learner_network``, Dense -> Sigmoid (or tanh) -> Dense built from them, which
``check_backward`` grades by gradient check. What is not an array of the right shape stops the
backward pass with ``LearnerProblem``, whose message says which function and how.

Engine floor: numpy only.
"""

from __future__ import annotations

import numpy as np

from ..activations import Sigmoid
from ..layers import Dense, Layer
from ..network import Sequential
from .feedback import NOT_ATTEMPTED, as_array, run, show_printed
from .sandbox import describe


class LearnerProblem(Exception):
    """A learner's backward function, called inside a network, raised or returned something
    that is not an array of the right shape; the message says which and how."""


def _learners(fn, name, shapes, *args):
    """Call the learner's ``fn(*args)`` inside a network (through ``run``: copies, a time
    limit, errors caught); the arrays it returns, or LearnerProblem when it raised or returned
    something else than arrays. A dL/dX or dL/dZ of the wrong shape stops the pass too (the
    layer below needs it); a dW or db of the wrong shape is kept, and the report grades it
    "wrong shape"."""
    outcome = run(fn, *args)
    show_printed(outcome)
    if outcome.stub:
        raise LearnerProblem(f"{name}: {NOT_ATTEMPTED}")
    if outcome.problem:
        raise LearnerProblem(f"{name}: {outcome.problem}")
    value = outcome.value
    if len(shapes) > 1:
        if value is None:
            raise LearnerProblem(f"{name}: your function returned None; did you forget "
                                 "`return`?")
        if not isinstance(value, tuple | list) or len(value) != len(shapes):
            raise LearnerProblem(f"{name}: return the {len(shapes)} arrays (dX, dW, db); got "
                                 f"{describe(value)}")
    else:
        value = (value,)
    arrays = []
    for part, (label, shape) in zip(value, shapes):
        arr, why = as_array(part, f"{name}'s {label}")
        if why:
            raise LearnerProblem(why)
        if arr.shape != shape and label not in ("dW", "db"):
            raise LearnerProblem(f"{name}'s {label}: shape {arr.shape}, expected {shape}")
        arrays.append(arr)             # a dW or db of the wrong shape is kept: graded as such
    return arrays


# ---------------------------------------------------------------- layers that use them
class LearnerDense(Dense):
    """A Dense layer whose backward is ``backward_fn(dZ, X, W) -> (dX, dW, db)``, called
    through ``run``; what is not three arrays of the right shapes raises LearnerProblem."""

    def __init__(self, fan_in, fan_out, backward_fn, rng=None):
        super().__init__(fan_in, fan_out, rng=rng)
        self.backward_fn = backward_fn

    def backward(self, dZ, input_grad=True):
        X = self._read_cache()
        W = self.W.value
        dX, dW, db = _learners(self.backward_fn, "dense_backward",
                               [("dX", X.shape), ("dW", W.shape), ("db", self.b.value.shape)],
                               dZ, X, W)
        self.W.grad, self.b.grad = dW, db
        return dX


class LearnerActivation(Layer):
    """Y = σ(Z) (or tanh) whose backward is ``backward_fn(dY, Z, Y) -> dZ``."""

    def __init__(self, backward_fn, kind: str = "sigmoid"):
        super().__init__()
        if kind not in ("sigmoid", "tanh"):
            raise ValueError(f"kind must be 'sigmoid' or 'tanh', got {kind!r}")
        self.backward_fn = backward_fn
        self.kind = kind
        self.name = kind

    def forward(self, Z):
        Y = Sigmoid().forward(Z) if self.kind == "sigmoid" else np.tanh(Z)
        self.cache = (Z, Y)
        return Y

    def backward(self, dY):
        Z, Y = self._read_cache()
        return _learners(self.backward_fn, f"{self.kind}_backward", [("dZ", Z.shape)],
                         dY, Z, Y)[0]


def learner_network(dense_backward, activation_backward, kind: str = "sigmoid", seed: int = 0,
                    sizes=(3, 4, 2)) -> Sequential:
    """Dense(3, 4) -> Sigmoid -> Dense(4, 2), each backward being the learner's function."""
    rng = np.random.default_rng(seed)
    model = Sequential([LearnerDense(sizes[0], sizes[1], dense_backward, rng=rng),
                        LearnerActivation(activation_backward, kind),
                        LearnerDense(sizes[1], sizes[2], dense_backward, rng=rng)])
    for layer, name in zip(model.layers, ("dense1", f"{kind}1", "dense2")):
        layer.name = name                                  # the names of the usual layers
        for p in layer.parameters():
            p.name = f"{name}.{p.name.split('.')[-1]}"
    return model
