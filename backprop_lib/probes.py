"""Activations changed on purpose, to test one explanation at a time.

An explanation such as "the sigmoid learns slower because its derivative is at most 1/4" makes a
prediction: multiply the sigmoid's backward pass by 4 and the difference should go away. These
layers make such experiments one line:

- ``BackwardGain(inner, gain)``: the forward pass of ``inner`` unchanged, its backward pass
  multiplied by ``gain``. Not a real derivative (a gradient check fails, on purpose): it changes
  how much error flows back and nothing else.
- ``CentredSigmoid``: σ(Z) - 1/2, the sigmoid moved to be centred on 0 like tanh; same f'.

``with_activation(model, make)`` puts such a layer in place of every activation of a network.
"""

from __future__ import annotations

from .activations import Activation, Sigmoid
from .network import Sequential


class BackwardGain(Activation):
    """Forward: ``inner.forward``. Backward: ``gain`` · ``inner.backward``  (dL/dZ scaled)."""

    def __init__(self, inner: Activation, gain: float):
        super().__init__()
        if not isinstance(inner, Activation):
            raise TypeError(f"BackwardGain wraps an activation layer such as bp.Sigmoid(), got "
                            f"{type(inner).__name__}")
        if isinstance(gain, bool) or not isinstance(gain, (int, float)) or not gain > 0:
            raise ValueError(f"gain must be a positive number, got {gain!r}")
        self.inner, self.gain = inner, float(gain)
        self.peak_grad = inner.peak_grad * self.gain

    def forward(self, Z):
        Y = self.inner.forward(Z)
        self.cache = Y
        return Y

    def local_grad(self):
        return self.gain * self.inner.local_grad()

    def backward(self, dY):
        return self.gain * self.inner.backward(dY)    # the experiment: gain x dL/dY · f'(Z)

    def __repr__(self):
        return f"BackwardGain({self.inner!r}, gain={self.gain:g})"


class CentredSigmoid(Sigmoid):
    """Y = σ(Z) - 1/2, in (-1/2, 1/2); f'(Z) = σ(Z)(1 - σ(Z)), the sigmoid's slope unchanged."""

    def forward(self, Z):
        sigma = super().forward(Z)                    # caches σ(Z): f' is written with it
        return sigma - 0.5                            # a new array: the cache stays σ(Z)


def with_activation(model: Sequential, make) -> Sequential:
    """``model`` with every activation layer replaced by ``make(old_layer)`` (in place; the
    model is returned). The weights are untouched, so the same seed gives the same start."""
    if not isinstance(model, Sequential):
        raise TypeError(f"expected a network built with bp.mlp, got {type(model).__name__}")
    if not callable(make):
        raise TypeError("make must be a function of the old activation layer, e.g. "
                        "lambda old: BackwardGain(old, 4)")
    _replace_activations(model.layers, make)
    model.outputs = model.output_grads = None
    return model


def _replace_activations(layers, make):
    for i, layer in enumerate(layers):
        if hasattr(layer, "leaves"):                  # a residual block: its own layers
            _replace_activations(layer.layers, make)
        elif isinstance(layer, Activation):
            new = make(layer)
            if not isinstance(new, Activation):
                raise TypeError(f"make returned {type(new).__name__}, not an activation layer")
            new.name = layer.name
            layers[i] = new


__all__ = ["BackwardGain", "CentredSigmoid", "with_activation"]
