"""The residual (skip) connection: a block that adds its input to what its layers compute.

    Y = X + s · F(X)          F: the block's layers in sequence, s: ``branch_scale``

Backpropagation through a sum sends the same gradient down both paths, and the gradients that
come back add up:

    dL/dX = dL/dY  +  (F's own backward pass, fed with s · dL/dY)
            ^^^^^     the branch; for F = f(X·W + b) it is dL/dZ · W^T, dL/dZ = s·dL/dY ⊙ f'(Z)
            the identity path

The first term reaches the block's input unchanged, whatever F does: a branch whose units are
saturated or dead passes back almost nothing, yet dL/dX still holds dL/dY itself. Stacked, the
identity paths form a highway from the loss to the first layer.

Shapes: X (n, width) -> Y (n, width); F must give back as many features as it receives.
"""

from __future__ import annotations

import numbers

import numpy as np

from .layers import Layer


def _width_in(layer):
    return getattr(layer, "fan_in", getattr(layer, "features", None))


def _width_out(layer):
    return getattr(layer, "fan_out", getattr(layer, "features", None))


class Residual(Layer):
    """Y = X + branch_scale · F(X), with F = ``layers`` applied one after the other.

    ``Residual(bp.Dense(16, 16), bp.Tanh())`` is the block Y = X + tanh(X·W + b).
    ``branch_scale`` (s) multiplies the branch: with many blocks, s = 1/sqrt(blocks) keeps the
    forward signal from growing with depth (``theory.residual_moments`` predicts by how much).
    """

    def __init__(self, *layers, branch_scale: float = 1.0):
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])                 # Residual([a, b]) reads as Residual(a, b)
        if not layers:
            raise ValueError("Residual needs at least one layer in its branch, e.g. "
                             "bp.Residual(bp.Dense(16, 16), bp.Tanh())")
        for i, layer in enumerate(layers):
            if not (hasattr(layer, "forward") and hasattr(layer, "backward")):
                raise TypeError(f"branch layer {i} ({layer!r}) has no forward/backward; pass "
                                "backprop_lib layers such as bp.Dense(16, 16) or bp.Tanh()")
        if (isinstance(branch_scale, (bool, np.bool_))
                or not isinstance(branch_scale, numbers.Real)
                or not np.isfinite(branch_scale)):
            raise ValueError(f"branch_scale must be a finite number such as 1.0 or "
                             f"1/sqrt(blocks), got {branch_scale!r}")
        self.layers = list(layers)                    # before Layer.__init__ sets .training
        super().__init__()
        self.branch_scale = float(branch_scale)
        self.outputs: list[np.ndarray] | None = None
        self.output_grads: list[np.ndarray] | None = None
        sized = [layer for layer in self.layers if _width_in(layer) is not None]
        if sized and _width_in(sized[0]) != _width_out(sized[-1]):
            raise ValueError(
                f"the branch maps {_width_in(sized[0])} features to {_width_out(sized[-1])}, but "
                "Y = X + F(X) adds F(X) to X, so they must have the same width: make the last "
                f"layer give {_width_in(sized[0])} features (e.g. bp.Dense(..., "
                f"{_width_in(sized[0])})), or keep the width-changing layer outside the block")

    # ------------------------------------------------------------- forward and backward
    def forward(self, X):
        """X (n, width) -> Y = X + s·F(X) (n, width). Keeps each branch layer's output."""
        F, outputs = X, []
        for layer in self.layers:                     # F(X): the branch, layer by layer
            F = layer.forward(F)
            outputs.append(F)
        if F.shape != X.shape:
            raise ValueError(f"{self.name}: the branch turned X of shape {X.shape} into F(X) of "
                             f"shape {F.shape}; Y = X + F(X) needs the same shape: the last layer "
                             f"of the branch must output {X.shape[1]} features")
        self.outputs = outputs
        self.cache = X.shape                          # the identity path needs nothing else
        return X + self.branch_scale * F              # Y = X + s·F(X)

    def backward(self, dY):
        """dL/dY (n, width) -> dL/dX (n, width); fills the branch's parameter gradients."""
        shape = self._read_cache()
        self._check_grad(dY, shape)
        grads = [None] * len(self.layers)
        dF = self.branch_scale * dY                   # dL/dF = s · dL/dY
        for i in range(len(self.layers) - 1, -1, -1): # back through the branch, last layer first
            grads[i] = dF
            dF = self.layers[i].backward(dF)
        self.output_grads = grads
        return dY + dF                                # dL/dX = dL/dY (identity) + branch

    # ------------------------------------------------------------- what is inside
    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def leaves(self) -> list:
        """The layers inside, blocks opened up, in forward order."""
        return [leaf for layer in self.layers
                for leaf in (layer.leaves() if hasattr(layer, "leaves") else [layer])]

    def leaf_outputs(self) -> list:
        """What each of ``leaves()`` returned in the last forward pass."""
        return _flatten(self.layers, self.outputs, "leaf_outputs")

    def leaf_output_grads(self) -> list:
        """dL/d(output) of each of ``leaves()`` in the last backward pass."""
        return _flatten(self.layers, self.output_grads, "leaf_output_grads")

    @property
    def training(self) -> bool:
        return all(getattr(layer, "training", True) for layer in self.layers)

    @training.setter
    def training(self, mode: bool):                   # a block's mode is its layers' mode
        for layer in self.layers:
            layer.training = mode

    def __repr__(self):
        inner = ", ".join(repr(layer) for layer in self.layers)
        scale = "" if self.branch_scale == 1 else f", branch_scale={self.branch_scale:.4g}"
        return f"Residual({inner}{scale})"


def _flatten(layers, values, method):
    if values is None:
        return None
    flat = []
    for layer, value in zip(layers, values):
        inner = getattr(layer, method, None)
        flat.extend(inner() if inner is not None else [value])
    return flat


def block_rms(model, X) -> np.ndarray:
    """One forward pass on X; the RMS of the signal after each residual block, first to last
    (the residual stream: the sum Y = X + s·F(X) that the next block receives). Look only: no
    weight, mode or running statistic changes."""
    with model.restoring_state():
        model.forward(X)
        outs = [out for layer, out in zip(model.layers, model.outputs)
                if isinstance(layer, Residual)]
    if not outs:
        raise ValueError("this network has no residual block: build it with "
                         "bp.mlp(sizes, residual=True)")
    return np.array([float(np.sqrt(np.mean(out * out))) for out in outs])


__all__ = ["Residual", "block_rms"]
