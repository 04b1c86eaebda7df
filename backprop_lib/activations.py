"""Activation functions: Y = f(Z) elementwise, and the chain rule dL/dZ = dL/dY · f'(Z).

Each class says what f'(Z) is in ``local_grad``; ``backward`` is that one product. ``peak_grad`` is
the largest value f' can take: a sigmoid passes back at most 1/4 of the gradient it receives.
``saturated_fraction`` counts the units whose f' is under 5% of that peak: almost no gradient gets
back through them (a sigmoid or tanh in its flat ends, a ReLU at Z <= 0).
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

    def saturated(self) -> np.ndarray:
        """Where f'(Z) < 5% of its peak, as booleans (n, features)."""
        return self.local_grad() < SATURATED_BELOW * self.peak_grad

    def saturated_fraction(self) -> float:
        return np.count_nonzero(self.saturated()) / self._read_cache().size

    def backward(self, dY):
        self._check_grad(dY, self._read_cache().shape)
        dZ = self._array("dZ", dY.shape)
        np.multiply(dY, self.local_grad(), out=dZ)   # dL/dZ = dL/dY · f'(Z)
        return dZ

    def __repr__(self):
        return f"{type(self).__name__}()"


class Sigmoid(Activation):
    """Y = 1 / (1 + e^-Z), squashing into (0, 1); f'(Z) = Y·(1 - Y) <= 1/4."""

    peak_grad = 0.25

    def forward(self, Z):
        Y = self._array("Y", Z.shape)
        np.negative(Z, out=Y)                # -Z
        with np.errstate(over="ignore"):     # e^-Z = inf for Z < -709 gives Y = 0, as it should
            np.exp(Y, out=Y)                 # e^-Z
        Y += 1.0                             # 1 + e^-Z
        np.reciprocal(Y, out=Y)              # Y = 1 / (1 + e^-Z)
        self.cache = Y                       # f' is written with Y alone
        return Y

    def local_grad(self):
        Y = self._read_cache()
        return Y * (1.0 - Y)

    def backward(self, dY):                  # the product above, in one array
        Y = self._read_cache()
        self._check_grad(dY, Y.shape)
        dZ = self._array("dZ", Y.shape)
        np.subtract(1.0, Y, out=dZ)          # 1 - Y
        dZ *= Y                              # f'(Z) = Y·(1 - Y)
        dZ *= dY                             # dL/dZ = dL/dY · f'(Z)
        return dZ

    def saturated(self):                     # Y(1-Y) < 0.05/4  <=>  |Y - 1/2| > sqrt(0.2375)
        return np.abs(self._read_cache() - 0.5) > _SIGMOID_EDGE


class Tanh(Activation):
    """Y = tanh(Z), squashing into (-1, 1); f'(Z) = 1 - Y² <= 1."""

    def forward(self, Z):
        Y = self._array("Y", Z.shape)
        np.tanh(Z, out=Y)
        self.cache = Y                       # f' is written with Y alone
        return Y

    def local_grad(self):
        Y = self._read_cache()
        return 1.0 - Y * Y

    def backward(self, dY):                  # the product above, in one array
        Y = self._read_cache()
        self._check_grad(dY, Y.shape)
        dZ = self._array("dZ", Y.shape)
        np.multiply(Y, Y, out=dZ)            # Y²
        np.subtract(1.0, dZ, out=dZ)         # f'(Z) = 1 - Y²
        dZ *= dY                             # dL/dZ = dL/dY · f'(Z)
        return dZ

    def saturated(self):                     # 1 - Y² < 0.05  <=>  |Y| > sqrt(0.95)
        return np.abs(self._read_cache()) > _TANH_EDGE


class ReLU(Activation):
    """Y = max(0, Z); f'(Z) = 1 where Z > 0, else 0 (a unit that is never positive is dead)."""

    def forward(self, Z):
        Y = self._array("Y", Z.shape)
        np.maximum(Z, 0.0, out=Y)
        self.cache = Y                       # f' is written with Y alone: Y > 0 exactly where Z > 0
        return Y

    def local_grad(self):
        return (self._read_cache() > 0).astype(np.float64)

    def saturated_fraction(self):            # dead: Z <= 0, no gradient at all
        Y = self._read_cache()
        return 1.0 - np.count_nonzero(Y > 0) / Y.size

    def saturated(self):
        return ~(self._read_cache() > 0)

    def backward(self, dY):                  # the product dL/dY · f'(Z), in one array
        Y = self._read_cache()
        self._check_grad(dY, Y.shape)
        dZ = self._array("dZ", Y.shape)
        np.greater(Y, 0.0, out=dZ)           # f'(Z): 1.0 where Z > 0, else 0.0
        dZ *= dY                             # dL/dZ = dL/dY where Z > 0, else 0
        return dZ


class LeakyReLU(Activation):
    """Y = Z where Z > 0, else slope·Z; f' is 1 or slope, never 0, so no unit dies."""

    def __init__(self, slope: float = 0.01):
        super().__init__()
        if not (isinstance(slope, (int, float)) and 0 <= slope < 1):
            raise ValueError(f"LeakyReLU slope must be a number in [0, 1), got {slope!r}")
        self.slope = float(slope)

    def forward(self, Z):
        Y = self._array("Y", Z.shape)
        np.multiply(Z, self.slope, out=Y)    # slope·Z,
        np.maximum(Z, Y, out=Y)              # max(Z, slope·Z): Z where Z > 0 (slope < 1)
        self.cache = Y                       # Y > 0 exactly where Z > 0
        return Y

    def local_grad(self):
        return np.where(self._read_cache() > 0, 1.0, self.slope)

    saturated_fraction = ReLU.saturated_fraction   # the leak is (usually) under 5%: "nearly dead"
    saturated = ReLU.saturated

    def __repr__(self):
        return f"LeakyReLU(slope={self.slope})"


_SIGMOID_EDGE = float(np.sqrt(0.25 - SATURATED_BELOW * 0.25))
_TANH_EDGE = float(np.sqrt(1 - SATURATED_BELOW))

ACTIVATIONS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "leaky_relu": LeakyReLU}


def activation(name: str) -> Activation:
    """A new activation layer by name: 'sigmoid', 'tanh', 'relu' or 'leaky_relu'."""
    if name not in ACTIVATIONS:
        raise unknown_name("activation", name, ACTIVATIONS)
    return ACTIVATIONS[name]()
