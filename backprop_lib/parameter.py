"""A trainable array and the gradient of the loss with respect to it."""

from __future__ import annotations

import numpy as np


class Parameter:
    """A weight array that gradient descent moves.

    ``value`` is the array the layer computes with; ``grad`` has the same shape and holds
    dL/d(value) after ``backward``. ``backward`` sets ``grad`` to a new array (it does not add to
    the old one), so one forward and one backward always give the gradient of that one batch,
    and a gradient kept from an earlier step stays as it was.
    """

    def __init__(self, name: str, value: np.ndarray):
        self.name = name
        self.value = np.asarray(value, dtype=np.float64)
        self.grad = np.zeros_like(self.value)

    @property
    def shape(self) -> tuple:
        return self.value.shape

    @property
    def size(self) -> int:
        return self.value.size

    def __repr__(self) -> str:
        return f"Parameter({self.name!r}, shape={self.value.shape})"
