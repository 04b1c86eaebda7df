"""The layer interface and the Dense (fully connected) layer.

Every layer has ``forward(X) -> Y``, which keeps in ``self.cache`` exactly what the backward pass
will need, and ``backward(dY) -> dX``, which reads that cache, fills each parameter's ``.grad`` and
returns the gradient for the layer below. Shapes are batch-first: rows are examples.

Results are written into arrays from ``_array``: new ones normally, the same ones at every call
while ``reuse_arrays`` is on (the training loop turns it on; see ``Sequential.reusing_arrays``).
A fresh array can cost a page fault per 4 KB on first touch: in a fresh process on the course's
2-core test machine that was as much time as all the arithmetic of a deep network's step, so a
training step reuses its memory (where the allocator keeps freed memory, it gains little).
"""

from __future__ import annotations

import functools

import numpy as np

from ._validate import as_rng, check_positive_int
from .init import initialize
from .parameter import Parameter


@functools.lru_cache(maxsize=32)
def ones(n: int) -> np.ndarray:
    """A vector of n ones, made once per n and read-only: 1^T · M sums the rows of M (as a
    matrix product: several times faster than M.sum(axis=0) for narrow M)."""
    vector = np.ones(n)
    vector.flags.writeable = False
    return vector


class Layer:
    """Base class: no parameters, training mode on, nothing cached yet."""

    def __init__(self):
        self.name = type(self).__name__.lower()
        self.training = True
        self.cache = None
        self.reuse_arrays = False     # True: write results into the same arrays at every call
        self._arrays: dict = {}

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

    def _array(self, key: str, shape: tuple) -> np.ndarray:
        """An array to write a result into: a new one, or while ``reuse_arrays`` is on the one
        this layer used for ``key`` and this shape before (its old contents are overwritten)."""
        if not self.reuse_arrays:
            return np.empty(shape)
        out = self._arrays.get((key, shape))
        if out is None:
            out = self._arrays[key, shape] = np.empty(shape)
        return out

    def _read_cache(self):
        if self.cache is None:
            raise RuntimeError(f"{self.name}.backward was called before forward: run "
                               "forward(X) first, so the layer has the values the chain rule needs")
        return self.cache

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
        if X.ndim != 2 or X.shape[1] != self.fan_in:
            raise ValueError(f"{self.name} expects inputs of shape (n, {self.fan_in}), got "
                             f"{X.shape}: the number of features must equal fan_in")
        Z = self._array("Z", (X.shape[0], self.fan_out))
        np.matmul(X, self.W.value, out=Z)     # each row: a weighted sum of that example's inputs
        Z += self.b.value                     # plus one bias per output unit
        self.cache = X                        # dZ/dW needs X
        return Z

    def backward(self, dZ, input_grad: bool = True):
        X = self._read_cache()
        self._check_grad(dZ, (X.shape[0], self.fan_out))
        np.matmul(X.T, dZ, out=self.W.grad)   # dL/dW = X^T · dL/dZ   (sum over the batch)
        np.matmul(ones(len(dZ)), dZ, out=self.b.grad)  # dL/db = 1^T · dL/dZ (b is in every row)
        if not input_grad:                    # the first layer's dL/dX is never used in training
            return None
        dX = self._array("dX", X.shape)
        np.matmul(dZ, self.W.value.T, out=dX)  # dL/dX = dL/dZ · W^T
        return dX

    def __repr__(self):
        return f"Dense({self.fan_in} -> {self.fan_out}, init={self.init!r})"
