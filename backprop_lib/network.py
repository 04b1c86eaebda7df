"""A network as layers in sequence: forward runs them first to last, backward last to first.

``Sequential`` also keeps what flowed through each layer (``outputs`` on the way forward,
``output_grads`` on the way back) so that we can look at the signals and the errors.
A layer may be a block holding layers of its own (``Residual``): ``leaves()``,
``leaf_outputs()`` and ``leaf_output_grads()`` open the blocks up, so that whatever looks at
the network layer by layer sees every Dense and activation, also those inside a block.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from ._validate import as_float_array, as_rng, unknown_name
from .activations import ACTIVATIONS, Activation
from .activations import activation as make_activation
from .init import INITIALIZERS, RECOMMENDED_INIT
from .layers import Dense, Layer
from .normalization import NORMS, normalization
from .residual import Residual, _flatten


class Sequential:
    """Layers applied one after the other: Y = layer_k(... layer_2(layer_1(X)))."""

    def __init__(self, layers):
        layers = list(layers)
        if not layers:
            raise ValueError("Sequential needs at least one layer")
        for i, layer in enumerate(layers):
            if not (hasattr(layer, "forward") and hasattr(layer, "backward")):
                raise TypeError(f"layer {i} ({layer!r}) has no forward/backward; "
                                "pass backprop_lib layers such as Dense(2, 3) or Tanh()")
        self.layers = layers
        _refuse_repeated(self.leaves())
        _name_layers(layers)
        self.outputs: list[np.ndarray] | None = None
        self.output_grads: list[np.ndarray] | None = None
        leaves = self.leaves()
        self.n_inputs = leaves[0].fan_in if isinstance(leaves[0], Dense) else None

    # ---------------------------------------------------------------- forward and backward
    def forward(self, X):
        """X (n, features) -> outputs (n, outputs of the last layer)."""
        X = as_float_array(X, "X")
        if self.n_inputs is not None and X.shape[1] != self.n_inputs:
            raise ValueError(f"X has {X.shape[1]} features per row, but this network's first "
                             f"layer expects {self.n_inputs}: X must have shape "
                             f"(n, {self.n_inputs})")
        return self._forward(X)

    def _forward(self, X):
        # Let go of the last pass's outputs first: memory nobody holds any more can then be
        # reused for this pass's arrays (what a caller kept is untouched: each result is new).
        self.outputs = None
        outputs = []
        for layer in self.layers:
            X = layer.forward(X)
            outputs.append(X)
        self.outputs = outputs
        return X

    def backward(self, dout, input_grad: bool = True):
        """dL/d(outputs) (n, outputs) -> dL/dX (n, features); fills every parameter's .grad.

        With ``input_grad=False`` the first layer skips dL/dX (training never uses it) and
        None is returned.
        """
        if self.outputs is None:
            raise RuntimeError("backward was called before forward: run model.forward(X), "
                               "then the loss, then model.backward(dL/doutputs)")
        last = self.outputs[-1]
        if not isinstance(dout, np.ndarray) or dout.shape != last.shape:
            got = getattr(dout, "shape", type(dout).__name__)
            raise ValueError(f"backward got dL/doutputs of shape {got}, but the network's "
                             f"outputs have shape {last.shape}; pass the gradient the loss "
                             "returned")
        self.output_grads = None                          # as in forward: let the old ones go
        grads = [None] * len(self.layers)
        grad = dout
        for i in range(len(self.layers) - 1, -1, -1):     # from the loss back to the input
            grads[i] = grad                               # dL/d(output of layer i)
            layer = self.layers[i]
            if i == 0 and not input_grad and isinstance(layer, Dense):
                grad = layer.backward(grad, input_grad=False)
            else:
                grad = layer.backward(grad)
        self.output_grads = grads
        return grad

    __call__ = forward

    # ---------------------------------------------------------------- parameters and modes
    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def dense_layers(self) -> list[Dense]:
        return [layer for layer in self.leaves() if isinstance(layer, Dense)]

    def leaves(self) -> list:
        """Every layer in forward order, with blocks (``Residual``) opened up: the Dense,
        normalization and activation layers, wherever they sit. Without blocks: ``layers``."""
        return [leaf for layer in self.layers
                for leaf in (layer.leaves() if hasattr(layer, "leaves") else [layer])]

    def leaf_outputs(self) -> list | None:
        """What each of ``leaves()`` returned in the last forward pass (inside a block: the
        branch's own outputs, before the block adds its input). None before any forward."""
        return _flatten(self.layers, self.outputs, "leaf_outputs")

    def leaf_output_grads(self) -> list | None:
        """dL/d(output) of each of ``leaves()`` in the last backward pass. None before it."""
        return _flatten(self.layers, self.output_grads, "leaf_output_grads")

    def train(self):
        """Training mode: BatchNorm uses the statistics of each batch."""
        for layer in self.leaves():
            layer.train()
        return self

    def eval(self):
        """Evaluation mode: BatchNorm uses its running statistics."""
        for layer in self.leaves():
            layer.eval()
        return self

    @contextmanager
    def restoring_state(self):
        """``with model.restoring_state():`` whatever runs inside (a forward pass to look at the
        network, in training or evaluation mode), every layer's mode and running statistics are
        as they were afterwards. The functions that only look at a model use it."""
        leaves = self.leaves()
        modes = [getattr(layer, "training", True) for layer in leaves]
        buffers = [{k: v.copy() for k, v in layer.buffers().items()}
                   if hasattr(layer, "buffers") else {} for layer in leaves]
        try:
            yield self
        finally:
            for layer, mode, saved in zip(leaves, modes, buffers):
                layer.training = mode
                for k, v in saved.items():
                    setattr(layer, k, v)

    @property
    def training(self) -> bool:
        return all(getattr(layer, "training", True) for layer in self.leaves())

    def num_parameters(self) -> int:
        return sum(p.size for p in self.parameters())

    def __repr__(self):
        lines = ["Sequential("]
        _repr_lines(self.layers, lines, "  ")
        lines.append(f")  # {self.num_parameters()} parameters")
        return "\n".join(lines)


def _repr_lines(layers, lines, indent):
    for layer in layers:
        if isinstance(layer, Residual):
            scale = "" if layer.branch_scale == 1 else f"  (branch x {layer.branch_scale:.4g})"
            lines.append(f"{indent}{layer.name:<12} Y = X + F(X){scale}, F:")
            _repr_lines(layer.layers, lines, indent + "  ")
            continue
        shapes = ", ".join(f"{p.name.split('.')[-1]} {p.shape}" for p in layer.parameters())
        lines.append(f"{indent}{layer.name:<12} {layer!r}" + (f"   [{shapes}]" if shapes else ""))



def _refuse_repeated(layers):
    """The same layer object twice would hold one cache and one .grad for two places in the
    network: the second forward overwrites what the first one's backward needs."""
    seen: dict[int, int] = {}
    for i, layer in enumerate(layers):
        if id(layer) in seen:
            raise ValueError(
                f"layers {seen[id(layer)]} and {i} are the same object ({layer!r}): a layer can "
                "appear only once in a network. A list repeated with * repeats the same objects "
                "([bp.Dense(8, 8), bp.Tanh()] * 3 is one Dense and one Tanh, three times); make "
                "new ones instead, for example [layer for _ in range(3) for layer in "
                "(bp.Dense(8, 8), bp.Tanh())]")
        seen[id(layer)] = i


def _with_blocks(layers):
    """Blocks and the layers inside them, in forward order (a block before its layers)."""
    for layer in layers:
        yield layer
        if isinstance(layer, Residual):
            yield from _with_blocks(layer.layers)


def _name_layers(layers):
    """Names like dense1, tanh1, dense2, ... for the layers that have no name of their own (the
    class's default, or one this function gave); a name the caller set is kept. Each parameter
    is named after its layer: dense1.W."""
    counts: dict[str, int] = {}
    names = []
    for layer in _with_blocks(layers):
        kind = type(layer).__name__.lower()
        counts[kind] = counts.get(kind, 0) + 1
        if getattr(layer, "name", kind) in (kind, getattr(layer, "_given_name", None)):
            layer.name = layer._given_name = f"{kind}{counts[kind]}"
        names.append(layer.name)
        if isinstance(layer, Residual):
            continue                                  # its parameters are named by its layers
        for p in layer.parameters():
            p.name = f"{layer.name}.{p.name.split('.')[-1]}"
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"two layers are named {repeated[0]!r}: give each layer its own name, "
                         "so that each parameter has one")


def mlp(sizes, activation: str = "tanh", init: str | None = None, norm: str | None = None,
        seed=0, residual: bool = False, branch_scale: float = 1.0) -> Sequential:
    """A multilayer perceptron: Dense between consecutive sizes; after every hidden Dense the
    normalization (if any) then the activation; the output layer is linear.

    ``mlp([2, 16, 16, 3])`` maps 2 features to 3 outputs through two hidden layers of 16 units.
    ``init=None`` picks the recommended init for the activation (Xavier for sigmoid and tanh,
    He for the ReLUs); ``norm`` is None, "batch" or "layer".

    ``residual=True``: every hidden layer whose width equals the one before it becomes a block
    ``Residual(Dense, [norm], activation, branch_scale=branch_scale)``, that is

        X_next = X + s · f(norm(X·W + b))

    A hidden layer that changes the width (the first one, from the inputs) stays a plain
    Dense, [norm], activation: X + F(X) needs equal widths. The normalization sits INSIDE the
    branch and nothing sits on the identity path (the "pre-normalization" layout, He et al.
    2016, "Identity mappings in deep residual networks"): the gradient along the identity path
    then reaches the first block exactly as it left the last one. Normalizing after the sum
    (post-normalization, the original ResNet's place) would rescale that path at every block.
    """
    try:
        sizes = list(sizes)
    except TypeError:
        raise TypeError(f"sizes must be a list of layer widths such as [2, 16, 3], "
                        f"got {sizes!r}") from None
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least two entries (inputs and outputs), got {sizes}")
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1:
            raise ValueError(f"every size must be a positive whole number, got {sizes}")
    if activation not in ACTIVATIONS:
        raise unknown_name("activation", activation, ACTIVATIONS)
    if init is None:
        init = RECOMMENDED_INIT[activation]
    if init not in INITIALIZERS:
        raise unknown_name("init", init, INITIALIZERS)
    if norm is not None and norm not in NORMS:
        raise unknown_name("norm", norm, [None, *NORMS])
    if not isinstance(residual, (bool, np.bool_)):
        raise TypeError(f"residual must be True or False, got {residual!r}")
    rng = as_rng(seed)
    layers: list[Layer] = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        dense = Dense(int(fan_in), int(fan_out), init=init, rng=rng)
        if i == len(sizes) - 2:                        # the output layer: linear
            layers.append(dense)
            continue
        hidden = [dense]
        if norm is not None:
            hidden.append(normalization(norm, int(fan_out)))
        hidden.append(make_activation(activation))
        if residual and fan_in == fan_out:             # X + F(X): equal widths only
            layers.append(Residual(*hidden, branch_scale=branch_scale))
        else:
            layers.extend(hidden)
    model = Sequential(layers)
    model.config = {"sizes": [int(s) for s in sizes], "activation": activation, "init": init,
                    "norm": norm, "seed": seed}
    if residual:
        model.config.update(residual=True, branch_scale=float(branch_scale))
    return model


def dense_blocks(model: Sequential):
    """For each Dense layer: (its index, the Dense, the index of the activation that follows it
    before the next Dense, or None for a linear output). Indices count ``model.leaves()``
    (the same as ``model.layers`` in a network without blocks), so the outputs are
    ``model.leaf_outputs()[i]`` and the errors ``model.leaf_output_grads()[i]``."""
    blocks = []
    for i, layer in enumerate(model.leaves()):       # inside residual blocks too
        if isinstance(layer, Dense):
            blocks.append([i, layer, None])
        elif isinstance(layer, Activation) and blocks and blocks[-1][2] is None:
            blocks[-1][2] = i
    return [tuple(b) for b in blocks]


__all__ = ["Sequential", "mlp", "dense_blocks"]
