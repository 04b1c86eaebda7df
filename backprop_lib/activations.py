"""Activation functions: Y = f(Z) elementwise, and the chain rule dL/dZ = dL/dY · f'(Z).

Each class computes f in ``forward`` and says once what f'(Z) is, in ``local_grad``; the one
``Activation.backward`` multiplies by it. ``peak_grad`` is the largest value f' can take: a sigmoid
passes back at most 1/4 of the gradient it receives. ``saturated`` marks the units whose f' is
under 5% of that peak: almost no gradient gets back through them (a sigmoid or tanh in its flat
ends, a ReLU at Z <= 0).
"""

from __future__ import annotations

import numpy as np

from ._validate import unknown_name
from .layers import Layer

SATURATED_BELOW = 0.05       # "saturated": f'(Z) under 5% of its peak


class Activation(Layer):
    peak_grad = 1.0

    def local_grad(self) -> np.ndarray:
        """f'(Z) for the last forward pass, shape (n, features)."""
        raise NotImplementedError

    def backward(self, dY):
        self._check_grad(dY, self._read_cache().shape)
        return dY * self.local_grad()        # dL/dZ = dL/dY · f'(Z), elementwise

    def saturated(self) -> np.ndarray:
        """Where f'(Z) < 5% of its peak, as booleans (n, features)."""
        return self.local_grad() < SATURATED_BELOW * self.peak_grad

    def saturated_fraction(self) -> float:
        return np.count_nonzero(self.saturated()) / self._read_cache().size

    def __repr__(self):
        return f"{type(self).__name__}()"


class Sigmoid(Activation):
    """Y = 1 / (1 + e^-Z), squashing into (0, 1); f'(Z) = Y·(1 - Y) <= 1/4."""

    peak_grad = 0.25

    def forward(self, Z):
        with np.errstate(over="ignore"):     # e^-Z = inf for Z < -709 gives Y = 0, as it should
            Y = 1.0 / (1.0 + np.exp(-Z))
        self.cache = Y                       # f' is written with Y alone
        return Y

    def local_grad(self):
        Y = self._read_cache()
        return Y * (1.0 - Y)


class Tanh(Activation):
    """Y = tanh(Z), squashing into (-1, 1); f'(Z) = 1 - Y² <= 1."""

    def forward(self, Z):
        Y = np.tanh(Z)
        self.cache = Y                       # f' is written with Y alone
        return Y

    def local_grad(self):
        Y = self._read_cache()
        return 1.0 - Y * Y


class ReLU(Activation):
    """Y = max(0, Z); f'(Z) = 1 where Z > 0, else 0 (a unit that is never positive is dead)."""

    def forward(self, Z):
        Y = np.maximum(Z, 0.0)
        self.cache = Y                       # Y > 0 exactly where Z > 0: f' needs Y alone
        return Y

    def local_grad(self):
        return (self._read_cache() > 0).astype(np.float64)


class LeakyReLU(Activation):
    """Y = Z where Z > 0, else slope·Z; f' is 1 or slope, never 0, so no unit dies."""

    def __init__(self, slope: float = 0.01):
        super().__init__()
        if not (isinstance(slope, (int, float)) and 0 <= slope < 1):
            raise ValueError(f"LeakyReLU slope must be a number in [0, 1), got {slope!r}")
        self.slope = float(slope)

    def forward(self, Z):
        Y = np.where(Z > 0, Z, self.slope * Z)
        self.cache = Y                       # Y > 0 exactly where Z > 0
        return Y

    def local_grad(self):
        return np.where(self._read_cache() > 0, 1.0, self.slope)

    def __repr__(self):
        return f"LeakyReLU(slope={self.slope})"


ACTIVATIONS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "leaky_relu": LeakyReLU}


def activation(name: str) -> Activation:
    """A new activation layer by name: 'sigmoid', 'tanh', 'relu' or 'leaky_relu'."""
    if name not in ACTIVATIONS:
        raise unknown_name("activation", name, ACTIVATIONS)
    return ACTIVATIONS[name]()
