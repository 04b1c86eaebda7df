"""The loss of a network along one weight, and the slope that backpropagation reports there.

    s = weight_slice(model, X, T, bp.mse, "dense1.W", (0, 1))
    s.values (m,), s.losses (m,): L as that one weight moves, all other weights fixed
    s.grads (m,): dL/dw as the backward pass computes it at each of those values
    s.at(w) -> (L, dL/dw): one forward and one backward with the weight set to w

Backpropagation claims that dL/dw is the slope of this curve: the tangent at w with slope
``s.at(w)[1]`` touches the curve there. That is what notebook 04's tangent explorer draws.

A slice only looks at the model: every weight, gradient and stored signal is put back.
Engine floor: numpy only.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np


def _find(model, name: str):
    params = list(model.parameters())
    for p in params:
        if p.name == name:
            return p
    raise ValueError(f"the model has no parameter named {name!r}; its parameters are "
                     f"{[p.name for p in params]}")


def _check_index(p, index) -> tuple:
    index = (index,) if isinstance(index, numbers.Integral) else tuple(index)
    if len(index) != p.value.ndim or not all(
            isinstance(i, numbers.Integral) and 0 <= i < n for i, n in zip(index, p.shape)):
        raise ValueError(f"index {index} does not pick one entry of {p.name} (shape {p.shape}); "
                         f"pass one integer per axis, each below its size, e.g. "
                         f"{tuple(0 for _ in p.shape)}")
    return index


@dataclass
class WeightSlice:
    """L along one weight: ``values`` (m,), ``losses`` (m,) and the backward pass's ``grads``
    (m,) there; ``w0`` the model's own value of the weight."""

    model: object
    X: np.ndarray
    T: np.ndarray
    loss: object
    name: str
    index: tuple
    values: np.ndarray
    losses: np.ndarray
    grads: np.ndarray
    w0: float

    def at(self, w: float) -> tuple[float, float]:
        """(L, dL/dw) with the weight at w: the forward pass, the loss, the backward pass; the
        model is left as it was."""
        return _loss_and_slope(self.model, self.X, self.T, self.loss, self.name, self.index,
                               float(w))


def _loss_and_slope(model, X, T, loss, name, index, w):
    p = _find(model, name)
    saved = [(q, q.value.copy(), q.grad.copy()) for q in model.parameters()]
    outputs, output_grads = getattr(model, "outputs", None), getattr(model, "output_grads", None)
    try:
        p.value[index] = w
        L, dout = loss(model.forward(X), T)                 # forward, then the loss and dL/dout
        model.backward(dout)                                # backward: every grad filled
        return float(L), float(p.grad[index])               # dL/dw for this one weight
    finally:
        for q, value, grad in saved:
            q.value[...] = value
            q.grad[...] = grad
        if hasattr(model, "outputs"):
            model.outputs, model.output_grads = outputs, output_grads


def weight_slice(model, X, T, loss, name: str, index, span: float = 3.0,
                 points: int = 121) -> WeightSlice:
    """The loss as weight ``name[index]`` moves over w0 ± ``span`` (``points`` values), the
    other weights fixed. ``loss(out, T) -> (L, dL/dout)`` as ``bp.mse``."""
    p = _find(model, name)
    index = _check_index(p, index)
    if not (isinstance(span, numbers.Real) and span > 0 and np.isfinite(span)):
        raise ValueError(f"span must be a positive number, got {span!r}")
    if not (isinstance(points, numbers.Integral) and points >= 3):
        raise ValueError(f"points must be an integer of at least 3, got {points!r}")
    w0 = float(p.value[index])
    values = np.linspace(w0 - span, w0 + span, int(points))
    pairs = np.array([_loss_and_slope(model, X, T, loss, name, index, w) for w in values])
    return WeightSlice(model, X, T, loss, name, index, values, pairs[:, 0], pairs[:, 1], w0)


__all__ = ["WeightSlice", "weight_slice"]
