"""Notebook 04's backward exercises, what right and wrong look like: the reference answers
(the backward of Dense, Sigmoid and Tanh, written as the maths) and, for each, the typical
mistakes as {the message naming it: the wrong value it gives}. The checkers in
``backprop_diagnose`` compare a learner's output with both.

Engine floor: numpy only.
"""

from __future__ import annotations

import numpy as np


# ---------------------------------------------------------------- the reference answers
def dense_backward_reference(dZ, X, W):
    """Backward of Z = X @ W + b: dL/dX = dL/dZ · W^T, dL/dW = X^T · dL/dZ, dL/db = Σ_n dL/dZ
    (· the matrix product, ⊙ the elementwise one, as in notebook 04)."""
    dX = dZ @ W.T                 # (n, fan_out) @ (fan_out, fan_in) -> (n, fan_in)
    dW = X.T @ dZ                 # (fan_in, n) @ (n, fan_out)      -> (fan_in, fan_out)
    db = dZ.sum(axis=0)           # b is added to every row: sum over the batch -> (fan_out,)
    return dX, dW, db


def sigmoid_backward_reference(dY, Z, Y):
    """Backward of Y = σ(Z): dL/dZ = dL/dY ⊙ σ'(Z) = dL/dY ⊙ Y ⊙ (1 - Y)."""
    return dY * Y * (1.0 - Y)


def tanh_backward_reference(dY, Z, Y):
    """Backward of Y = tanh(Z): dL/dZ = dL/dY ⊙ (1 - Y²)."""
    return dY * (1.0 - Y * Y)


# ---------------------------------------------------------------- the typical mistakes
def dense_mistakes(dZ, X, W) -> dict:
    """For each output of dense_backward: {message: the wrong value that mistake gives}.
    (Some products exist only when the shapes allow them: on a square case, where they do not
    raise, every missing transpose is named.)"""
    n = X.shape[0]
    mistakes = {
        "dW": {
            "dW = dZ.T @ X: a transpose is missing or extra: dL/dW = X.T @ dL/dZ (shape "
            "(fan_in, fan_out)), not dL/dZ.T @ X": dZ.T @ X,
            "wrong sign: the gradient of the loss, not its negative": -(X.T @ dZ),
            "divided by the batch size: the loss already averages (its gradient carries 1/n); "
            "dL/dW sums over the batch": X.T @ dZ / n,
        },
        "db": {
            "forgot to sum the bias gradient over the batch: b is added to every row, so "
            "dL/db = dL/dZ.sum(axis=0)": dZ,
            "summed over the wrong axis: dL/db sums over the batch, axis=0": dZ.sum(axis=1),
            "averaged instead of summed over the batch: dL/db = dL/dZ.sum(axis=0)":
                dZ.mean(axis=0),
            "wrong sign on dL/db": -dZ.sum(axis=0),
            "db has shape (1, fan_out): sum without keepdims=True, so that db has the shape "
            "of b, (fan_out,)": dZ.sum(axis=0, keepdims=True),
            "summed over every entry (dZ.sum() gives one number): b has one entry per output, "
            "so sum over the batch only, dL/db = dL/dZ.sum(axis=0)": dZ.sum(),
            "only the first example's row: b is added to every row, so dL/db sums all rows, "
            "dL/dZ.sum(axis=0)": dZ[0],
        },
        "dX": {
            "wrong sign on dL/dX": -(dZ @ W.T),
            "dX = W @ dZ.T: the transpose of the answer: dL/dX = dL/dZ @ W.T": W @ dZ.T,
            "dX divided by the batch size: the loss already averages (its gradient carries "
            "1/n), dL/dX = dL/dZ @ W.T": dZ @ W.T / n,
        },
    }
    if dZ.shape[1] == W.shape[0]:
        mistakes["dX"]["dX = dZ @ W: a transpose is missing: dL/dX = dL/dZ @ W.T"] = dZ @ W
    if X.shape[1] == dZ.shape[1]:
        mistakes["dW"]["dW = X @ dZ.T: the transposes are on the wrong factors: dL/dW = "
                       "X.T @ dL/dZ"] = X @ dZ.T
    if X.shape[0] == X.shape[1] and X.shape[0] == dZ.shape[1]:
        mistakes["dW"]["dW = X @ dZ: a transpose is missing: dL/dW = X.T @ dL/dZ"] = X @ dZ
    return mistakes


def activation_mistakes(dY, Z, Y, kind: str = "sigmoid") -> dict:
    if kind == "sigmoid":
        return {
            "used Z instead of Y in the sigmoid's derivative: σ'(Z) = Y ⊙ (1 - Y) with "
            "Y = σ(Z), not Z ⊙ (1 - Z)": dY * Z * (1 - Z),
            "forgot to multiply by the upstream gradient dL/dY (chain rule: dL/dZ = dL/dY ⊙ "
            "σ'(Z))": Y * (1 - Y),
            "returned dL/dY unchanged: the sigmoid's local derivative Y ⊙ (1 - Y) is missing": dY,
            "wrong sign: σ'(Z) = Y ⊙ (1 - Y) is positive": -dY * Y * (1 - Y),
            "the factor (1 - Y) is missing: σ'(Z) = Y ⊙ (1 - Y)": dY * Y,
            "(1 - Y) is squared: σ'(Z) = Y ⊙ (1 - Y)": dY * Y * (1 - Y) ** 2,
            "1 + Y where 1 - Y belongs: σ'(Z) = Y ⊙ (1 - Y)": dY * Y * (1 + Y),
            "divided by the number of rows: an activation's backward is elementwise, the "
            "loss's gradient already carries the 1/N": dY * Y * (1 - Y) / Z.shape[0],
            "1 - Y² is tanh's derivative; the sigmoid's is σ'(Z) = Y ⊙ (1 - Y)":
                dY * (1 - Y * Y),
            "divided by σ'(Z) where the chain rule multiplies: dL/dZ = dL/dY ⊙ Y ⊙ (1 - Y)":
                dY / (Y * (1 - Y)),
            "the sigmoid applied to Y again: Y already is σ(Z), so σ'(Z) = Y ⊙ (1 - Y)":
                dY * _sigmoid(Y) * (1 - _sigmoid(Y)),
            "1/4 is only the largest value of σ'(Z) (at Z = 0): use Y ⊙ (1 - Y) at every "
            "entry": dY / 4,
            "added where the chain rule multiplies: dL/dZ = dL/dY ⊙ Y ⊙ (1 - Y)":
                dY + Y * (1 - Y),
        }
    return {
        "used Z instead of Y in tanh's derivative: 1 - Y² with Y = tanh(Z), not 1 - Z²":
            dY * (1 - Z * Z),
        "1 - Y, not 1 - Y²: tanh'(Z) = 1 - tanh(Z)²": dY * (1 - Y),
        "forgot to multiply by the upstream gradient dL/dY": 1 - Y * Y,
        "returned dL/dY unchanged: tanh's local derivative 1 - Y² is missing": dY,
        "wrong sign: tanh'(Z) = 1 - Y² is positive": -dY * (1 - Y * Y),
        "divided by the number of rows: an activation's backward is elementwise, the loss's "
        "gradient already carries the 1/N": dY * (1 - Y * Y) / Z.shape[0],
        "Y ⊙ (1 - Y) is the sigmoid's derivative; tanh's is 1 - Y²": dY * Y * (1 - Y),
        "tanh applied to Y again: Y already is tanh(Z), so tanh'(Z) = 1 - Y²":
            dY * (1 - np.tanh(Y) ** 2),
        "(1 - Y)², not 1 - Y²: square Y first, then subtract it from 1": dY * (1 - Y) ** 2,
        "1 + Y² where 1 - Y² belongs: tanh'(Z) = 1 - tanh(Z)²": dY * (1 + Y * Y),
        "added where the chain rule multiplies: dL/dZ = dL/dY ⊙ (1 - Y²)": dY + 1 - Y * Y,
    }


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))
