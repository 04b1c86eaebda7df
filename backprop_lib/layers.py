"""The layer interface and the Dense (fully connected) layer.

Every layer has ``forward(X) -> Y``, which keeps in ``self.cache`` exactly what the backward pass
will need, and ``backward(dY) -> dX``, which reads that cache, sets each parameter's ``.grad`` and
returns the gradient for the layer below. Shapes are batch-first: rows are examples.

Every result is a new array: nothing a layer has returned is written to again, so a caller may
keep any output or gradient as long as it likes.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_rng, check_positive_int
from .init import initialize
from .parameter import Parameter


class Layer:
    """Base class: no parameters, training mode on, nothing cached yet."""

    def __init__(self):
        self.name = type(self).__name__.lower()
        self.training = True
        self.cache = None

    def parameters(self) -> list[Parameter]:
        return []

    def buffers(self) -> dict[str, np.ndarray]:
        """State that is not trained by gradients (BatchNorm's running statistics)."""
        return {}

    def train(self):
        self.training = True
        return self

    def eval(self):
        self.training = False
        return self

    def _read_cache(self):
        if self.cache is None:
            raise RuntimeError(f"{self.name}.backward was called before forward: run "
                               "forward(X) first, so the layer has the values the chain rule needs")
        return self.cache

    def _check_input(self, X: np.ndarray, features: int) -> None:
        if X.ndim != 2 or X.shape[1] != features:
            raise ValueError(f"{self.name} expects inputs of shape (n, {features}), got "
                             f"{X.shape}: one row per example, {features} features per row")

    def _check_grad(self, dY: np.ndarray, shape: tuple) -> None:
        if not isinstance(dY, np.ndarray) or dY.shape != shape:
            got = getattr(dY, "shape", type(dY).__name__)
            raise ValueError(f"{self.name}.backward got an upstream gradient of shape {got}, but "
                             f"its forward output had shape {shape}: dL/dY must match Y")

    def __call__(self, X):
        return self.forward(X)


class Dense(Layer):
    """A fully connected layer: Z = X @ W + b.

    X (n, fan_in) -> Z (n, fan_out), with W (fan_in, fan_out) and b (fan_out,).
    """

    def __init__(self, fan_in: int, fan_out: int, init: str = "xavier", rng=None):
        super().__init__()
        self.fan_in = check_positive_int(fan_in, "fan_in")
        self.fan_out = check_positive_int(fan_out, "fan_out")
        self.init = init
        self.W = Parameter("W", initialize(init, self.fan_in, self.fan_out, as_rng(rng)))
        self.b = Parameter("b", np.zeros(self.fan_out))

    def parameters(self):
        return [self.W, self.b]

    def forward(self, X):
        self._check_input(X, self.fan_in)
        self.cache = X                        # dZ/dW needs X
        return X @ self.W.value + self.b.value   # each row: weighted sums of its inputs, plus b

    def backward(self, dZ, input_grad: bool = True):
        """dL/dZ (n, fan_out) -> dL/dX (n, fan_in); sets W.grad and b.grad.

        ``input_grad=False`` skips dL/dX (the first layer's is never used in training)."""
        X = self._read_cache()
        self._check_grad(dZ, (X.shape[0], self.fan_out))
        self.W.grad = X.T @ dZ                # dL/dW = X^T · dL/dZ   (a sum over the batch)
        self.b.grad = dZ.sum(axis=0)          # dL/db = Σ_rows dL/dZ  (b is added to every row)
        return dZ @ self.W.value.T if input_grad else None   # dL/dX = dL/dZ · W^T

    def __repr__(self):
        return f"Dense({self.fan_in} -> {self.fan_out}, init={self.init!r})"
